// The Quality view's Overview tab: the quality report.
type Props = { onError: (error: unknown) => void };

export function OverviewTab(_props: Props) {
  return <p className="muted">Not built yet.</p>;
}
