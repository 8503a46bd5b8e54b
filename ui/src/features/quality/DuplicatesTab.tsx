// The Quality view's Duplicates tab: likely duplicates and merges.
type Props = { onError: (error: unknown) => void };

export function DuplicatesTab(_props: Props) {
  return <p className="muted">Not built yet.</p>;
}
