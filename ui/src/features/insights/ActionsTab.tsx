// The Actions tab: which actions predict conversion. (Being built for issue 11.)
import type { AnalysisSettings } from "./AnalysisSettings";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

export function ActionsTab(_props: Props) {
  return (
    <p className="muted" data-testid="insights-actions">
      Being built.
    </p>
  );
}
