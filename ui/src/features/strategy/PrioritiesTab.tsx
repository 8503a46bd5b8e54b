// The Strategy view's Priorities tab (issue 12).
type Props = { onError: (error: unknown) => void };

export function PrioritiesTab(_props: Props) {
  return <p className="muted">Not built yet.</p>;
}
