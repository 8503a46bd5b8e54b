// The Overlap tab: how the chosen segments overlap. (Being built for issue 11.)
type Props = { initialSegmentIds?: number[]; onError: (error: unknown) => void };

export function OverlapTab(_props: Props) {
  return (
    <p className="muted" data-testid="insights-overlap">
      Being built.
    </p>
  );
}
