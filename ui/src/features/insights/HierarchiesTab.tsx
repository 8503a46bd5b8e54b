// The Hierarchies tab: ordered lists of segments that give each lead one primary segment. (Being built for issue 11.)
type Props = { onError: (error: unknown) => void };

export function HierarchiesTab(_props: Props) {
  return (
    <p className="muted" data-testid="insights-hierarchies">
      Being built.
    </p>
  );
}
