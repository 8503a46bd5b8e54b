// The Privacy view's Backups tab (issue 15; being built).
type Props = { onDataChanged?: () => void; onError: (error: unknown) => void };

export function BackupsTab(_props: Props) {
  return <p className="muted">Being built.</p>;
}
