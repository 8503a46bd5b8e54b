// Why one lead is in or out of the segment: the backend's explanation tree
// as an indented checklist, each rule and group with ✓/✗, its description
// and the lead's actual value.
import type { Explanation } from "../../bindings/Explanation";
import { formatDate } from "../../lib/format";
import { ExplanationTree } from "./ExplanationTree";

type Props = {
  leadId: number;
  explanation: Explanation | null;
  error: string | null;
  onClose: () => void;
};

export function ExplainPanel({ leadId, explanation, error, onClose }: Props) {
  return (
    <aside className="detail explain-panel" data-testid="explain-panel" aria-label="Explanation">
      <div className="detail-head">
        <div>
          <h2>Why this lead?</h2>
          {explanation ? (
            <p
              className={explanation.matched ? "explain-result in" : "explain-result out"}
              data-testid="explain-result"
              data-matched={String(explanation.matched)}
            >
              Lead <strong>{explanation.lead_name}</strong> (#{explanation.lead_id}) is{" "}
              <strong className="verdict">{explanation.matched ? "IN" : "NOT IN"}</strong> this segment as of{" "}
              {formatDate(explanation.as_of)}
            </p>
          ) : (
            <p className="muted">{error ? `Lead #${leadId}` : `Checking lead #${leadId}…`}</p>
          )}
        </div>
        <button className="link" data-testid="explain-close" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <div className="detail-body">
        {error && (
          <p className="rule-error" data-testid="explain-error">
            {error}
          </p>
        )}
        {explanation && <ExplanationTree root={explanation.root} />}
      </div>
    </aside>
  );
}
