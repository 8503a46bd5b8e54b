// The import wizard's first step: how the file is read (kind, encoding,
// delimiter, quotes, header), what was detected in plain words, and a preview
// of the first rows that marks short (padded) and long (rejected) rows.
import type { ImportInspection } from "../../bindings/ImportInspection";
import type { ImportKind } from "../../bindings/ImportKind";
import type { ImportSpec } from "../../bindings/ImportSpec";
import type { SourceFormat } from "../../bindings/SourceFormat";
import { formatCount } from "../../lib/format";
import { lineEndingWords, rowWidthNotes } from "./wizardText";

const DELIMITERS: [string, string][] = [
  [",", "Comma"],
  [";", "Semicolon"],
  ["\t", "Tab"],
  ["|", "Pipe"],
];
const SOURCE_LABELS: Record<string, string> = {
  hubspot: "HubSpot",
  salesforce: "Salesforce",
  zoho: "Zoho",
  pipedrive: "Pipedrive",
  web_analytics: "web-analytics",
};
const ENCODINGS: [string, string][] = [
  ["utf8", "UTF-8"],
  ["utf16_le", "UTF-16 LE"],
  ["utf16_be", "UTF-16 BE"],
  ["windows1252", "Windows-1252 / Latin-1"],
];

/** The <option>s of a select from (value, label) pairs. */
function Options({ choices }: { choices: [string, string][] }) {
  return (
    <>
      {choices.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}

export function FileStep(props: {
  inspection: ImportInspection;
  spec: ImportSpec;
  onReread: (format: SourceFormat, kind: ImportKind) => void;
  onNext: () => void;
  onCancel: () => void;
}) {
  const { inspection, spec, onReread } = props;
  const format = spec.format;
  const change = (patch: Partial<SourceFormat>) => onReread({ ...format, ...patch }, spec.kind);
  const empty = inspection.sampled_rows === 0 && inspection.preview.length === 0;
  return (
    <div className="panel" data-testid="import-step-file">
      <h2 tabIndex={-1} data-step-heading>
        {inspection.file_name} <span className="muted">({formatCount(inspection.total_bytes)} bytes)</span>
      </h2>
      <div className="form-row">
        <label>
          Contains
          <select
            data-testid="import-kind"
            value={spec.kind}
            onChange={(e) => onReread(format, e.target.value as ImportKind)}
          >
            <option value="leads">Leads (one row per person)</option>
            <option value="events">Events (one row per action)</option>
          </select>
        </label>
        <label>
          Encoding
          <select
            data-testid="import-encoding"
            value={format.encoding}
            onChange={(e) => change({ encoding: e.target.value as SourceFormat["encoding"] })}
          >
            <Options choices={ENCODINGS} />
          </select>
        </label>
        <label>
          Delimiter
          <select
            data-testid="import-delimiter"
            value={format.delimiter}
            onChange={(e) => change({ delimiter: e.target.value })}
          >
            <Options choices={DELIMITERS} />
          </select>
        </label>
        <label>
          Quotes
          <select data-testid="import-quote" value={format.quote} onChange={(e) => change({ quote: e.target.value })}>
            <option value={'"'}>Double quotes "</option>
            <option value="'">Single quotes '</option>
            <option value="">None</option>
          </select>
        </label>
        <label>
          Skip lines before the header
          <input
            type="number"
            min={0}
            max={1000}
            value={format.skip_lines}
            onChange={(e) => change({ skip_lines: Math.max(0, Number(e.target.value) || 0) })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={format.has_header}
            onChange={(e) => change({ has_header: e.target.checked })}
          />
          First row is a header
        </label>
      </div>
      <p className="muted" data-testid="import-detected">
        Detected: {ENCODINGS.find(([v]) => v === format.encoding)?.[1]}
        {format.has_bom ? " with BOM" : ""}, {DELIMITERS.find(([v]) => v === format.delimiter)?.[1] ?? format.delimiter}
        -separated, {lineEndingWords(format.line_ending)}
        {inspection.source !== "unknown" ? `, looks like a ${SOURCE_LABELS[inspection.source]} export` : ""}.
      </p>
      {empty ? (
        <p className="warning" role="alert" data-testid="import-no-rows">
          This file has a header but no rows: there is nothing to import. Check that you chose the right file, or that
          the header setting above is right.
        </p>
      ) : (
        <>
          {rowWidthNotes(inspection.row_widths, inspection.headers.length).map((note) => (
            <p key={note} className="warning" data-testid="import-row-widths">
              {note}
            </p>
          ))}
          <PreviewTable inspection={inspection} />
        </>
      )}
      <div className="actions">
        <button onClick={props.onCancel}>Cancel</button>
        <button className="primary" data-testid="import-next" disabled={empty} onClick={props.onNext}>
          Next: columns
        </button>
      </div>
    </div>
  );
}

function PreviewTable({ inspection }: { inspection: ImportInspection }) {
  return (
    <div className="preview" data-testid="import-preview" tabIndex={0} role="region" aria-label="Preview of the file">
      <table>
        <thead>
          <tr>
            <th>Line</th>
            {inspection.headers.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {inspection.preview.map((row) => (
            <tr
              key={row.line}
              className={row.error ? "bad" : row.note ? "short" : ""}
              title={row.error ?? row.note ?? undefined}
              data-testid={row.error ? "import-preview-bad" : row.note ? "import-preview-short" : undefined}
            >
              <td className="muted">
                {row.line}
                {row.error && <span className="row-flag"> rejected</span>}
                {!row.error && row.note && <span className="row-flag"> padded</span>}
              </td>
              {inspection.headers.map((_, i) => (
                <td key={i}>{row.cells[i] ?? ""}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
