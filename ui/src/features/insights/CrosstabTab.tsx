// The Cross-tab tab: any two dimensions (a field's values, or a set of saved
// segments) against each other, with each cell's leads and conversion rate in
// the period (coloured by rate, the interval on hover and for screen
// readers), row and column totals, and a cell opens the segment builder on
// "row and column".
import { useEffect, useId, useState } from "react";

import type { Bucket } from "../../bindings/Bucket";
import type { Dimension } from "../../bindings/Dimension";
import type { Rate } from "../../bindings/Rate";
import type { RuleGroup } from "../../bindings/RuleGroup";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { useCrosstab, useFields, useSegments } from "../../lib/queries";
import type { AnalysisSettings } from "./AnalysisSettings";
import "./discover.css";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

/** How many segments a segment dimension starts with. */
const FIRST_SEGMENTS = 6;

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** "12.3% (95% interval 10.1% to 14.8%)". */
export function rateWithInterval(rate: Rate): string {
  return `${percent(rate.rate)} (95% interval ${percent(rate.low)} to ${percent(rate.high)})`;
}

/** A light-to-teal background by how a rate compares with the highest; text stays dark. */
export function cellColour(rate: number, highest: number): string {
  const share = highest > 0 ? Math.min(1, rate / highest) : 0;
  const lightness = Math.round(97 - share * 27);
  return `hsl(174, 60%, ${lightness}%)`;
}

export function CrosstabTab({ settings, onError }: Props) {
  const fields = useFields();
  const segments = useSegments(null);
  const [rows, setRows] = useState<Dimension | null>(null);
  const [columns, setColumns] = useState<Dimension | null>(null);
  const catalogue = fields.data ?? [];
  const saved = segments.data ?? [];

  useEffect(() => {
    const catalogue = fields.data ?? [];
    if (catalogue.length === 0) return;
    const has = (key: string) => catalogue.some((f) => f.key === key);
    setRows((current) => current ?? { kind: "field", key: has("buying_stage") ? "buying_stage" : catalogue[0].key });
    setColumns(
      (current) =>
        current ?? {
          kind: "field",
          key: has("industry") ? "industry" : catalogue[Math.min(1, catalogue.length - 1)].key,
        },
    );
  }, [fields.data]);

  const firstSegments = saved.slice(0, FIRST_SEGMENTS).map((s) => s.segment.id);
  const table = useCrosstab(rows, columns, settings.outcome, settings.from, settings.to);
  useEffect(() => {
    if (table.error) onError(table.error);
  }, [table.error, onError]);

  const open = (row: Bucket, column: Bucket) => {
    const rules: RuleGroup = { combinator: "and", not: false, rules: [row.rules, column.rules] };
    navigate({ view: "segments", rules, name: `${row.label} and ${column.label}` });
  };

  const data = table.data;
  const highest = data ? Math.max(...data.cells.flat().map((c) => (c.trials > 0 ? c.rate : 0)), 0) : 0;
  return (
    <div className="crosstab" data-testid="insights-crosstab">
      <div className="crosstab-dimensions">
        <DimensionPicker
          label="Rows"
          testId="crosstab-rows"
          value={rows}
          onChange={setRows}
          fields={catalogue.map((f) => ({ key: f.key, label: f.label }))}
          segments={saved.map((s) => ({ id: s.segment.id, name: s.segment.name }))}
          firstSegments={firstSegments}
        />
        <DimensionPicker
          label="Columns"
          testId="crosstab-columns"
          value={columns}
          onChange={setColumns}
          fields={catalogue.map((f) => ({ key: f.key, label: f.label }))}
          segments={saved.map((s) => ({ id: s.segment.id, name: s.segment.name }))}
          firstSegments={firstSegments}
        />
      </div>
      {table.isFetching && !data && <p className="muted">Counting…</p>}
      {table.error && <p className="rule-error">The cross-tab could not be worked out; the message says why.</p>}
      {data && (
        <>
          <p className="muted" data-testid="crosstab-summary">
            Each cell: leads (as of {settings.from}) and the share that converted from {settings.from} to {settings.to}.
            Darker cells convert better. All leads: {formatCount(data.total.trials)}, {rateWithInterval(data.total)}.
            Select a cell to open its leads in the segment builder.
          </p>
          <div className="crosstab-scroll">
            <table className="crosstab-table" data-testid="crosstab-table">
              <caption className="visually-hidden">
                Leads and conversion rate by {dimensionName(rows, catalogue)} and {dimensionName(columns, catalogue)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Rows</span>
                  </th>
                  {data.columns.map((column, c) => (
                    <th key={c} scope="col">
                      {column.label}
                    </th>
                  ))}
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row, r) => (
                  <tr key={r}>
                    <th scope="row">{row.label}</th>
                    {data.cells[r].map((cell, c) => (
                      <td
                        key={c}
                        style={{ background: cell.trials > 0 ? cellColour(cell.rate, highest) : undefined }}
                        data-testid={`crosstab-cell-${r}-${c}`}
                        data-leads={cell.trials}
                        data-converted={cell.successes}
                      >
                        <button
                          className="crosstab-cell"
                          title={`${row.label} and ${data.columns[c].label}: ${formatCount(cell.trials)} leads, ${rateWithInterval(cell)} converted`}
                          onClick={() => open(row, data.columns[c])}
                        >
                          <span className="n">{formatCount(cell.trials)}</span>
                          <span className="visually-hidden">
                            {" "}
                            leads in {row.label} and {data.columns[c].label},{" "}
                          </span>
                          <span className="rate">{cell.trials > 0 ? percent(cell.rate) : "–"}</span>
                          <span className="visually-hidden">
                            {" "}
                            converted
                            {cell.trials > 0 && ` (95% interval ${percent(cell.low)} to ${percent(cell.high)})`}; open
                            in the segment builder
                          </span>
                        </button>
                      </td>
                    ))}
                    <TotalCell rate={data.row_totals[r]} testId={`crosstab-row-total-${r}`} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  {data.column_totals.map((total, c) => (
                    <TotalCell key={c} rate={total} testId={`crosstab-column-total-${c}`} />
                  ))}
                  <TotalCell rate={data.total} testId="crosstab-total" />
                </tr>
              </tfoot>
            </table>
          </div>
          {(rows?.kind === "segments" || columns?.kind === "segments") && (
            <p className="muted">
              A lead can be in several segments, so segment rows or columns need not add up to the total.
            </p>
          )}
        </>
      )}
    </div>
  );
}

function TotalCell({ rate, testId }: { rate: Rate; testId: string }) {
  return (
    <td className="crosstab-total" data-testid={testId} data-leads={rate.trials} title={rateWithInterval(rate)}>
      <span className="n">{formatCount(rate.trials)}</span>
      <span className="rate">{rate.trials > 0 ? percent(rate.rate) : "–"}</span>
    </td>
  );
}

function dimensionName(dimension: Dimension | null, catalogue: { key: string; label: string }[]): string {
  if (!dimension) return "";
  if (dimension.kind === "segments") return "segment";
  return catalogue.find((f) => f.key === dimension.key)?.label ?? dimension.key;
}

type PickerProps = {
  label: string;
  testId: string;
  value: Dimension | null;
  onChange: (next: Dimension) => void;
  fields: { key: string; label: string }[];
  segments: { id: number; name: string }[];
  firstSegments: number[];
};

/** A field, or "saved segments" with a checkbox per segment. */
function DimensionPicker({ label, testId, value, onChange, fields, segments, firstSegments }: PickerProps) {
  const id = useId();
  const selected = value === null ? "" : value.kind === "field" ? `field:${value.key}` : "segments";
  const chosen = value?.kind === "segments" ? new Set(value.ids) : new Set<number>();
  const toggle = (segmentId: number) => {
    const next = new Set(chosen);
    if (next.has(segmentId)) next.delete(segmentId);
    else next.add(segmentId);
    if (next.size > 0) onChange({ kind: "segments", ids: segments.map((s) => s.id).filter((s) => next.has(s)) });
  };
  return (
    <div className="crosstab-dimension">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        data-testid={testId}
        value={selected}
        onChange={(e) => {
          const next = e.target.value;
          if (next === "segments") onChange({ kind: "segments", ids: firstSegments });
          else onChange({ kind: "field", key: next.slice("field:".length) });
        }}
      >
        <optgroup label="Fields">
          {fields.map((f) => (
            <option key={f.key} value={`field:${f.key}`}>
              {f.label}
            </option>
          ))}
        </optgroup>
        <optgroup label="Segments">
          <option value="segments" disabled={segments.length === 0}>
            Saved segments (one {label === "Rows" ? "row" : "column"} each)
          </option>
        </optgroup>
      </select>
      {value?.kind === "segments" && (
        <fieldset className="crosstab-segments" data-testid={`${testId}-segments`}>
          <legend>{label}: segments</legend>
          {segments.map((s) => (
            <label key={s.id} className="checkbox">
              <input type="checkbox" checked={chosen.has(s.id)} onChange={() => toggle(s.id)} />
              {s.name}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
