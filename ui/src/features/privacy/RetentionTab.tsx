// The Privacy view's Retention tab (issue 15; being built).
type Props = { onDataChanged?: () => void; onError: (error: unknown) => void };

export function RetentionTab(_props: Props) {
  return <p className="muted">Being built.</p>;
}
