// The live count of the open segment, its share of all leads, the as-of date
// the rules are evaluated at (read by the core's parser, as the CLI's
// --as-of: an invalid date is said and nothing is counted), the "explain
// lead #" form, and the rule error in plain words.
import { useState } from "react";

import { formatCount } from "../../lib/format";
import { shareText } from "../../lib/segmentRules";
import type { LivePreview } from "./useLivePreview";

type Props = {
  preview: LivePreview;
  /** Why the rules were refused, in plain words ("Rule 1 (Employees): enter a value"). */
  ruleError: string | null;
  /** A rule just added and not filled in yet, which the count waits for. */
  waitingNote: string | null;
  asOfText: string;
  /** Why the as-of text is not a date; nothing is counted then. */
  asOfError: string | null;
  onAsOfText: (text: string) => void;
  onExplain: (leadId: number) => void;
};

export function SegmentSummary({ preview, ruleError, waitingNote, asOfText, asOfError, onAsOfText, onExplain }: Props) {
  const { loading, current, shown } = preview;
  const [explainInput, setExplainInput] = useState("");
  const blocked = asOfError !== null;
  return (
    <section className="segment-summary">
      <div className={loading || ruleError || blocked ? "live-count stale" : "live-count"}>
        <span
          className="big"
          data-testid="segment-live-count"
          data-count={current && !blocked ? String(current.count) : ""}
        >
          {blocked ? "—" : shown ? formatCount(shown.count) : "…"}
        </span>
        <span className="unit">leads</span>
      </div>
      <div className="share-block">
        <span data-testid="segment-share">
          {blocked ? "Not counted" : shown ? shareText(shown.count, shown.total) : "Counting…"}
        </span>
        <span className="muted small">
          {blocked
            ? "not counted: the as-of date is not valid"
            : loading
              ? "counting…"
              : shown
                ? `exact count in ${formatCount(shown.elapsed_ms)} ms`
                : ""}
        </span>
      </div>
      <div className="summary-tools">
        <label>
          <span>
            As of {asOfText.trim() ? "" : <em>(now)</em>}
            {asOfText && (
              <button type="button" className="link inline" onClick={() => onAsOfText("")} title="Back to now">
                now
              </button>
            )}
          </span>
          {/* Typed as the CLI's --as-of is, and read by the same parser: a date or an ISO 8601 date-time. */}
          <input
            type="text"
            className={blocked ? "as-of invalid" : "as-of"}
            data-testid="segment-as-of"
            placeholder="YYYY-MM-DD"
            value={asOfText}
            aria-invalid={blocked}
            aria-describedby={blocked ? "segment-as-of-error" : undefined}
            onChange={(e) => onAsOfText(e.target.value)}
            title="A date (YYYY-MM-DD, 00:00 UTC) or an ISO 8601 date-time, as the CLI's --as-of; empty means now"
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
      {blocked && (
        <p className="rule-error" id="segment-as-of-error" role="alert" data-testid="segment-as-of-error">
          As of: {asOfError}. Nothing is counted until it is a valid date, or empty for now.
        </p>
      )}
      {!blocked && ruleError && (
        <p className="rule-error" role="alert" data-testid="segment-rule-error">
          {ruleError}
        </p>
      )}
      {!blocked && !ruleError && waitingNote && (
        <p className="muted" data-testid="segment-rule-waiting">
          {waitingNote}
        </p>
      )}
    </section>
  );
}
