// The first matching leads of the open segment; clicking one explains it.
import type { Field } from "../../bindings/Field";
import { formatCell } from "../../lib/format";
import { SAMPLE_SIZE, type LivePreview } from "./useLivePreview";

type Props = {
  preview: LivePreview;
  columns: string[];
  fieldByKey: Map<string, Field>;
  explainLead: number | null;
  onExplain: (leadId: number) => void;
};

export function SegmentSample({ preview, columns, fieldByKey, explainLead, onExplain }: Props) {
  const { shown, loading, error } = preview;
  const sampleGrid = ["56px", ...columns.map((k) => (k === "email" ? "minmax(0, 2fr)" : "minmax(0, 1fr)"))].join(" ");
  return (
    <section className="segment-sample-block">
      <h3>
        {shown && shown.count > 0 ? `First ${Math.min(shown.count, SAMPLE_SIZE)} matching leads` : "Matching leads"}{" "}
        <span className="muted small">— click a lead to see why it matches</span>
      </h3>
      <div className={loading || error ? "sample-wrap stale" : "sample-wrap"}>
        {/* A grid of divs rather than a <table>: WebKit's WebDriver cannot click <tr> rows. */}
        <div className="segment-sample" role="table" aria-label="Matching leads" data-testid="segment-sample">
          <div className="sample-row head" role="row" style={{ gridTemplateColumns: sampleGrid }}>
            <div role="columnheader">#</div>
            {columns.map((key) => (
              <div role="columnheader" key={key}>
                {fieldByKey.get(key)?.label ?? key}
              </div>
            ))}
          </div>
          {shown?.sample.map((row) => (
            <div
              key={row.id}
              role="row"
              tabIndex={0}
              data-testid="segment-sample-row"
              data-lead-id={row.id}
              className={row.id === explainLead ? "sample-row selected" : "sample-row"}
              style={{ gridTemplateColumns: sampleGrid }}
              onClick={() => onExplain(row.id)}
              onKeyDown={(e) => e.key === "Enter" && onExplain(row.id)}
            >
              <div role="cell" className="muted">
                {row.id}
              </div>
              {columns.map((key, index) => (
                <div role="cell" key={key}>
                  {formatCell(row.cells[index], fieldByKey.get(key)?.type ?? "text")}
                </div>
              ))}
            </div>
          ))}
        </div>
        {shown && shown.count === 0 && <p className="empty-table">No lead matches these rules.</p>}
      </div>
    </section>
  );
}
