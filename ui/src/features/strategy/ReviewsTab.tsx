// The Strategy view's Reviews tab (issue 12).
type Props = { onError: (error: unknown) => void };

export function ReviewsTab(_props: Props) {
  return <p className="muted">Not built yet.</p>;
}
