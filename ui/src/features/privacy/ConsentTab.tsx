// The Privacy view's Consent tab (issue 15; being built).
type Props = { onError: (error: unknown) => void };

export function ConsentTab(_props: Props) {
  return <p className="muted">Being built.</p>;
}
