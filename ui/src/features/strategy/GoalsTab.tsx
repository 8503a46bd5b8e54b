// The Strategy view's Goals tab (issue 12).
type Props = { onError: (error: unknown) => void };

export function GoalsTab(_props: Props) {
  return <p className="muted">Not built yet.</p>;
}
