// The Privacy view's People tab (issue 15; being built).
type Props = { leadId?: number; onDataChanged?: () => void; onError: (error: unknown) => void };

export function PeopleTab(_props: Props) {
  return <p className="muted">Being built.</p>;
}
