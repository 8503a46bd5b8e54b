// The Privacy view's Audit tab (issue 15; being built).
type Props = { onError: (error: unknown) => void };

export function AuditTab(_props: Props) {
  return <p className="muted">Being built.</p>;
}
