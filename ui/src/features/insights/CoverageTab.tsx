// The Coverage tab: how many leads are in no segment, in one, or in many. (Being built for issue 11.)
type Props = { onError: (error: unknown) => void };

export function CoverageTab(_props: Props) {
  return (
    <p className="muted" data-testid="insights-coverage">
      Being built.
    </p>
  );
}
