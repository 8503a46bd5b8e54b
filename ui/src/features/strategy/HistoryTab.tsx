// The Strategy view's History tab (issue 12).
type Props = { initialSegmentId?: number; onError: (error: unknown) => void };

export function HistoryTab(_props: Props) {
  return <p className="muted">Not built yet.</p>;
}
