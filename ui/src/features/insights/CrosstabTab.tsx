// The Crosstab tab: a cross-tab of two fields or segment sets. (Being built for issue 11.)
import type { AnalysisSettings } from "./AnalysisSettings";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

export function CrosstabTab(_props: Props) {
  return (
    <p className="muted" data-testid="insights-crosstab">
      Being built.
    </p>
  );
}
