// The Discover tab: segments proposed from the data. (Being built for issue 11.)
import type { AnalysisSettings } from "./AnalysisSettings";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

export function DiscoverTab(_props: Props) {
  return (
    <p className="muted" data-testid="insights-discover">
      Being built.
    </p>
  );
}
