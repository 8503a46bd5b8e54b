// The live count of the open segment, its share of all leads, the as-of date
// the rules are evaluated at, the "explain lead #" form, and the rule error.
import { useState } from "react";

import { formatCount } from "../../lib/format";
import { isAsOfDate, shareText } from "../../lib/segmentRules";
import type { LivePreview } from "./useLivePreview";

type Props = {
  preview: LivePreview;
  asOfText: string;
  asOf: string;
  onAsOfText: (text: string) => void;
  onExplain: (leadId: number) => void;
};

export function SegmentSummary({ preview, asOfText, asOf, onAsOfText, onExplain }: Props) {
  const { loading, current, shown, error } = preview;
  const [explainInput, setExplainInput] = useState("");
  const asOfValid = isAsOfDate(asOfText);
  return (
    <section className="segment-summary">
      <div className={loading || error ? "live-count stale" : "live-count"}>
        <span className="big" data-testid="segment-live-count" data-count={current ? String(current.count) : ""}>
          {shown ? formatCount(shown.count) : "…"}
        </span>
        <span className="unit">leads</span>
      </div>
      <div className="share-block">
        <span data-testid="segment-share">{shown ? shareText(shown.count, shown.total) : "Counting…"}</span>
        <span className="muted small">
          {loading ? "counting…" : shown ? `exact count in ${formatCount(shown.elapsed_ms)} ms` : ""}
        </span>
      </div>
      <div className="summary-tools">
        <label>
          <span>
            As of {asOf ? "" : <em>(now)</em>}
            {asOfText && (
              <button type="button" className="link inline" onClick={() => onAsOfText("")} title="Back to now">
                now
              </button>
            )}
          </span>
          {/* Typed as YYYY-MM-DD, like the CLI's --as-of: a native date input cannot be typed into reliably. */}
          <input
            type="text"
            inputMode="numeric"
            className={asOfValid ? "as-of" : "as-of invalid"}
            data-testid="segment-as-of"
            placeholder="YYYY-MM-DD"
            value={asOfText}
            onChange={(e) => onAsOfText(e.target.value)}
            title={
              asOfValid ? "Evaluate the rules at 00:00 UTC of this date; empty means now" : "Type a date as YYYY-MM-DD"
            }
          />
        </label>
        <form
          className="explain-form"
          onSubmit={(e) => {
            e.preventDefault();
            const id = Number(explainInput);
            if (Number.isInteger(id) && id > 0) onExplain(id);
          }}
        >
          <label>
            <span>Explain lead #</span>
            <input
              type="number"
              min={1}
              data-testid="explain-lead-id"
              value={explainInput}
              onChange={(e) => setExplainInput(e.target.value)}
              placeholder="id"
            />
          </label>
          <button type="submit" data-testid="explain-button" disabled={!explainInput}>
            Explain
          </button>
        </form>
      </div>
      {error && (
        <p className="rule-error" data-testid="segment-rule-error">
          {error}
        </p>
      )}
    </section>
  );
}
