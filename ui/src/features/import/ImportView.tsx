// The import wizard: a file is dropped on the window (or chosen), then the
// user checks how it is read, where each column goes and which placeholder
// values mean "empty", reviews a dry run with exact counts and reasons, and
// imports with a progress bar and Cancel. The history below lists every
// import with Undo (ImportHistory). Each new step moves focus to its heading.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import type { ColumnMapping } from "../../bindings/ColumnMapping";
import type { ColumnTarget } from "../../bindings/ColumnTarget";
import type { Field } from "../../bindings/Field";
import type { ImportInspection } from "../../bindings/ImportInspection";
import type { ImportKind } from "../../bindings/ImportKind";
import type { ImportProgress } from "../../bindings/ImportProgress";
import type { ImportRecord } from "../../bindings/ImportRecord";
import type { ImportReport } from "../../bindings/ImportReport";
import type { ImportSpec } from "../../bindings/ImportSpec";
import type { SourceFormat } from "../../bindings/SourceFormat";
import { CATEGORY_LABELS, formatCount } from "../../lib/format";
import { ipc, IpcError } from "../../lib/ipc";
import { useFields, useImports, useInvalidateImports, useUndoImport } from "../../lib/queries";
import { decodeTarget, encodeTarget } from "./importTargets";
import { needsNewFieldConfirmation, newFieldCount, skipNewFields } from "../../lib/newFields";
import { ImportHistory } from "./ImportHistory";
import { addToken, mapsEmail, runningWords, suppressedWords } from "./wizardText";
import { FileStep } from "./FileStep";
import "./import.css";

/**
 * The drop (by its time) the wizard last opened. The view unmounts when the
 * user goes elsewhere; coming back must start a fresh wizard, not reopen the
 * file that was already imported.
 */
let lastOpenedDrop = 0;

type Step =
  | { kind: "start" }
  | { kind: "busy"; message: string }
  | { kind: "file" }
  | { kind: "columns" }
  // `cancelled`: the user cancelled an import of this dry run, and nothing was stored.
  | { kind: "review"; report: ImportReport; cancelled?: boolean }
  | { kind: "running"; progress: ImportProgress | null }
  | { kind: "done"; report: ImportReport };

type Props = {
  droppedPath: { path: string; at: number } | null;
  onImported: () => void;
  onError: (error: unknown) => void;
};

const NO_FIELDS: Field[] = [];
const NO_IMPORTS: ImportRecord[] = [];

export function ImportView({ droppedPath, onImported, onError }: Props) {
  const [step, setStep] = useState<Step>({ kind: "start" });
  const [inspection, setInspection] = useState<ImportInspection | null>(null);
  const [spec, setSpec] = useState<ImportSpec | null>(null);
  const fieldsQuery = useFields();
  const historyQuery = useImports();
  const fields = fieldsQuery.data ?? NO_FIELDS;
  const history = historyQuery.data ?? NO_IMPORTS;
  const refreshHistory = useInvalidateImports();
  const undoImport = useUndoImport();
  const loadError = fieldsQuery.error ?? historyQuery.error;
  useEffect(() => {
    if (loadError) onError(loadError);
  }, [loadError, onError]);

  const open = useCallback(
    async (path: string, format: SourceFormat | null = null, kind: ImportKind | null = null) => {
      setStep({ kind: "busy", message: "Reading the file…" });
      try {
        const found = await ipc.importInspect(path, format, kind);
        setInspection(found);
        setSpec({
          kind: found.kind,
          format: found.format,
          columns: found.columns.map((c) => c.mapping),
          match_key: found.match_key,
          on_match: "update",
          null_tokens: found.suggested_null_tokens,
          unknown_leads: "create",
        });
        setStep({ kind: "file" });
      } catch (error) {
        onError(error);
        setStep({ kind: "start" });
      }
    },
    [onError],
  );

  useEffect(() => {
    if (droppedPath && droppedPath.at !== lastOpenedDrop) {
      lastOpenedDrop = droppedPath.at;
      void open(droppedPath.path);
    }
  }, [droppedPath, open]);

  // Focus follows the wizard: each new step's heading takes it, so keyboard
  // and screen-reader users land on what just appeared.
  const wizard = useRef<HTMLDivElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    wizard.current?.querySelector<HTMLElement>("[data-step-heading]")?.focus();
  }, [step.kind]);

  const choose = async () => {
    const path = await ipc.pickCsvFile().catch(onError);
    if (path) void open(path);
  };

  const dryRun = async () => {
    if (!inspection || !spec) return;
    setStep({ kind: "busy", message: "Checking every row (dry run)…" });
    try {
      setStep({ kind: "review", report: await ipc.importRun(inspection.path, spec, true) });
    } catch (error) {
      onError(error);
      setStep({ kind: "columns" });
    }
  };

  const runImport = async () => {
    if (!inspection || !spec || step.kind !== "review") return;
    const dryRunReport = step.report;
    setStep({ kind: "running", progress: null });
    const unlisten = await ipc.onImportProgress((progress) => setStep({ kind: "running", progress }));
    try {
      const report = await ipc.importRun(inspection.path, spec, false);
      setStep({ kind: "done", report });
      onImported();
    } catch (error) {
      // Cancel is the user's own choice, not a failure: the wizard says what
      // it did where the user is, and the import can be started again.
      if (error instanceof IpcError && error.kind === "cancelled") {
        setStep({ kind: "review", report: dryRunReport, cancelled: true });
      } else {
        onError(error);
        setStep({ kind: "columns" });
      }
    } finally {
      unlisten();
      void refreshHistory();
    }
  };

  const undo = async (id: number, removeCreatedFields: boolean) => {
    try {
      const summary = await undoImport.mutateAsync({ id, removeCreatedFields });
      // The finished import shown above is undone: its counts are history
      // now (the history says what the undo did), so the wizard starts over.
      setStep((shown) => (shown.kind === "done" && shown.report.import_id === id ? { kind: "start" } : shown));
      onImported();
      return summary;
    } catch (error) {
      onError(error);
      throw error;
    }
  };

  return (
    <div className="import-view" data-testid="import-view">
      <div className="wizard" ref={wizard}>
        <Steps step={step} />
        {step.kind === "start" && <DropZone onChoose={choose} />}
        {step.kind === "busy" && (
          <div className="panel" data-testid="import-busy" role="status">
            <h2 tabIndex={-1} data-step-heading>
              {step.message}
            </h2>
          </div>
        )}
        {step.kind === "file" && inspection && spec && (
          <FileStep
            inspection={inspection}
            spec={spec}
            onReread={(format, kind) => void open(inspection.path, format, kind)}
            onNext={() => setStep({ kind: "columns" })}
            onCancel={() => setStep({ kind: "start" })}
          />
        )}
        {step.kind === "columns" && inspection && spec && (
          <ColumnsStep
            inspection={inspection}
            spec={spec}
            fields={fields}
            onChange={setSpec}
            onBack={() => setStep({ kind: "file" })}
            onNext={dryRun}
          />
        )}
        {step.kind === "review" && (
          <ReviewStep
            report={step.report}
            cancelled={step.cancelled === true}
            onBack={() => setStep({ kind: "columns" })}
            onImport={runImport}
          />
        )}
        {step.kind === "running" && <RunningStep progress={step.progress} onCancel={() => void ipc.importCancel()} />}
        {step.kind === "done" && <DoneStep report={step.report} onAnother={() => setStep({ kind: "start" })} />}
      </div>
      <ImportHistory records={history} onUndo={undo} />
    </div>
  );
}

function Steps({ step }: { step: Step }) {
  const order = ["file", "columns", "review", "running"];
  const current = step.kind === "done" ? 4 : order.indexOf(step.kind);
  const labels = ["File", "Columns", "Review", "Import"];
  return (
    <ol className="steps">
      {labels.map((label, index) => (
        <li
          key={label}
          className={index === current ? "current" : index < current ? "past" : ""}
          aria-current={index === current ? "step" : undefined}
        >
          {index + 1}. {label}
        </li>
      ))}
    </ol>
  );
}

function DropZone({ onChoose }: { onChoose: () => void }) {
  return (
    <div className="drop-zone" data-testid="import-drop-zone">
      <h2 tabIndex={-1} data-step-heading>
        Drop a CSV file anywhere on this window
      </h2>
      <p className="muted">
        HubSpot, Salesforce, Zoho and Pipedrive exports, Excel files saved as CSV, and web-analytics event logs.
        Encoding, delimiter and columns are recognised; you confirm everything before anything is stored.
      </p>
      <button className="primary" data-testid="import-choose-file" onClick={onChoose}>
        Choose a file…
      </button>
    </div>
  );
}

function ColumnsStep(props: {
  inspection: ImportInspection;
  spec: ImportSpec;
  fields: Field[];
  onChange: (spec: ImportSpec) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const { inspection, spec, fields, onChange } = props;
  const setColumn = (index: number, mapping: ColumnMapping) =>
    onChange({ ...spec, columns: spec.columns.map((c, i) => (i === index ? mapping : c)) });
  const hasTarget = (key: string) => spec.columns.some((c) => c.target.kind === "field" && c.target.key === key);
  const toggleToken = (token: string, on: boolean) =>
    onChange({
      ...spec,
      null_tokens: on ? [...spec.null_tokens, token] : spec.null_tokens.filter((t) => t !== token),
    });
  const grouped = useMemo(() => {
    const groups = new Map<string, Field[]>();
    // Computed fields (the lead scores) are never imported: a CRM's own score goes to "Score" or a new field.
    for (const field of fields.filter((f) => !f.is_computed))
      groups.set(field.category, [...(groups.get(field.category) ?? []), field]);
    return groups;
  }, [fields]);
  // Hundreds of new custom fields (an unfiltered CRM export) need the user's go-ahead.
  const newFields = spec.kind === "leads" ? newFieldCount(spec.columns) : 0;
  const mustConfirm = spec.kind === "leads" && needsNewFieldConfirmation(spec.columns);
  const [confirmedNewFields, setConfirmedNewFields] = useState<number | null>(null);
  const blocked = mustConfirm && confirmedNewFields !== newFields;

  return (
    <div className="panel" data-testid="import-step-columns">
      <h2 tabIndex={-1} data-step-heading>
        Where each column goes
      </h2>
      {spec.kind === "leads" && !mapsEmail(spec.columns) && (
        <p className="warning" role="alert" data-testid="import-no-email-warning">
          <strong>None of these leads can be e-mailed:</strong> no column is imported as the e-mail address. They will
          not receive any stream's messages. If the file has an e-mail column, import it as “Email” below.
        </p>
      )}
      {inspection.used_saved_mapping && (
        <p className="note">Using the mapping of your last import of a file with these columns.</p>
      )}
      {inspection.warnings.map((w) => (
        <p key={w} className="warning" data-testid="import-warning">
          {w}
        </p>
      ))}
      {mustConfirm && (
        <div className="warning" data-testid="import-many-fields-warning" data-count={newFields}>
          <p>
            <strong>This import creates {formatCount(newFields)} new custom fields.</strong> Each one appears in the
            column chooser, the lead detail and every export, until you delete it. Import only the columns you need.
          </p>
          <label className="check">
            <input
              type="checkbox"
              data-testid="import-many-fields-confirm"
              checked={confirmedNewFields === newFields}
              onChange={(e) => setConfirmedNewFields(e.target.checked ? newFields : null)}
            />
            Yes, create {formatCount(newFields)} new fields
          </label>
          <button
            className="link"
            data-testid="import-skip-new-fields"
            onClick={() => onChange({ ...spec, columns: skipNewFields(spec.columns) })}
          >
            Don't import the columns without a field
          </button>
        </div>
      )}
      <table className="mapping">
        <thead>
          <tr>
            <th>Column</th>
            <th>Sample values</th>
            <th>Import as</th>
            <th>Type / format</th>
          </tr>
        </thead>
        <tbody>
          {spec.columns.map((column, index) => {
            const suggestion = inspection.columns[index];
            return (
              <tr key={column.index} data-testid="import-column">
                <td>
                  <strong>{column.header}</strong>
                </td>
                <td className="muted samples">{suggestion?.samples.join(" · ")}</td>
                <td>
                  <select
                    data-testid={`import-target-${index}`}
                    aria-label={`Map column ‘${column.header}’ to`}
                    value={encodeTarget(column.target)}
                    onChange={(e) =>
                      setColumn(index, {
                        ...column,
                        target: decodeTarget(e.target.value, column, suggestion),
                      })
                    }
                  >
                    <option value="skip">Don't import</option>
                    {spec.kind === "leads" ? (
                      <>
                        <option value={`new:${newFieldKey(column, suggestion?.suggested_key)}`}>
                          New custom field “{column.target.kind === "new_field" ? column.target.label : column.header}”
                        </option>
                        <option value="field:external_id">External ID (CRM record id)</option>
                        {[...grouped.entries()].map(([category, list]) => (
                          <optgroup key={category} label={CATEGORY_LABELS[category] ?? category}>
                            {list.map((f) => (
                              <option key={f.key} value={`field:${f.key}`}>
                                {f.label}
                              </option>
                            ))}
                          </optgroup>
                        ))}
                      </>
                    ) : (
                      <>
                        <option value="event:lead_email">Lead e-mail</option>
                        <option value="event:lead_external_id">Lead external ID</option>
                        <option value="event:type">Event type</option>
                        <option value="event:time">Event time</option>
                        <option value="event:property">Event property</option>
                      </>
                    )}
                  </select>
                </td>
                <td>
                  <TypeEditor column={column} onChange={(m) => setColumn(index, m)} />
                  {suggestion?.profile.date_format_ambiguous && (
                    <div className="warning small" data-testid="import-ambiguous-date">
                      These dates read both ways (day first or month first): check the format.
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <NullTokens
        offered={inspection.suggested_null_tokens}
        chosen={spec.null_tokens}
        onToggle={toggleToken}
        onAdd={(typed) => onChange({ ...spec, null_tokens: addToken(spec.null_tokens, typed) })}
      />

      <div className="form-row">
        {spec.kind === "leads" ? (
          <>
            <label>
              Match existing leads by
              <select
                data-testid="import-match-key"
                value={spec.match_key}
                onChange={(e) => onChange({ ...spec, match_key: e.target.value as ImportSpec["match_key"] })}
              >
                <option value="email" disabled={!hasTarget("email")}>
                  E-mail
                </option>
                <option value="external_id" disabled={!hasTarget("external_id")}>
                  External ID
                </option>
                <option value="none">Nothing: every row is a new lead</option>
              </select>
            </label>
            <label>
              When a lead already exists
              <select
                data-testid="import-on-match"
                value={spec.on_match}
                onChange={(e) => onChange({ ...spec, on_match: e.target.value as ImportSpec["on_match"] })}
              >
                <option value="update">Update its fields</option>
                <option value="fill">Only fill empty fields</option>
                <option value="skip">Leave it unchanged</option>
              </select>
            </label>
          </>
        ) : (
          <label>
            Events for unknown leads
            <select
              value={spec.unknown_leads}
              onChange={(e) => onChange({ ...spec, unknown_leads: e.target.value as ImportSpec["unknown_leads"] })}
            >
              <option value="create">Create a lead for them</option>
              <option value="reject">Reject the rows</option>
            </select>
          </label>
        )}
      </div>
      <div className="actions">
        <button onClick={props.onBack}>Back</button>
        <button
          className="primary"
          data-testid="import-dry-run"
          disabled={blocked}
          title={blocked ? `Confirm the ${formatCount(newFields)} new fields first` : undefined}
          onClick={props.onNext}
        >
          Next: check every row
        </button>
      </div>
    </div>
  );
}

function TypeEditor({ column, onChange }: { column: ColumnMapping; onChange: (m: ColumnMapping) => void }) {
  const target = column.target;
  const dateSelect = (
    <select
      aria-label={`Date format of column ‘${column.header}’`}
      value={column.date_format ?? "iso"}
      onChange={(e) => onChange({ ...column, date_format: e.target.value as ColumnMapping["date_format"] })}
    >
      <option value="iso">2026-03-01</option>
      <option value="month_first">03/01/2026 (month first)</option>
      <option value="day_first">01.03.2026 (day first)</option>
      <option value="excel_serial">Excel day number</option>
    </select>
  );
  if (target.kind === "new_field") {
    const set = (patch: Partial<Extract<ColumnTarget, { kind: "new_field" }>>) =>
      onChange({ ...column, target: { ...target, ...patch } });
    return (
      <div className="type-editor">
        <select
          aria-label={`Type of the new field ‘${target.label}’`}
          value={target.field_type}
          onChange={(e) => set({ field_type: e.target.value as typeof target.field_type })}
        >
          <option value="text">Text</option>
          <option value="number">Number</option>
          <option value="date">Date</option>
          <option value="boolean">Yes/no</option>
          <option value="list">List (; separated)</option>
        </select>
        <select
          aria-label={`Category of the new field ‘${target.label}’`}
          value={target.category}
          onChange={(e) => set({ category: e.target.value as typeof target.category })}
        >
          {Object.entries(CATEGORY_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {target.field_type === "date" && dateSelect}
      </div>
    );
  }
  if (column.date_format || target.kind === "event_time") return dateSelect;
  return <span className="muted">{target.kind === "skip" ? "—" : "as the field"}</span>;
}

function Counts({ report }: { report: ImportReport }) {
  const c = report.counts;
  const items: [string, number][] = [
    ["rows", c.rows],
    ["inserted", c.inserted],
    ["updated", c.updated],
    ["skipped", c.skipped],
    ["merged", c.merged],
    ["rejected", c.rejected],
  ];
  return (
    <div className="counts" data-testid="import-counts">
      {items.map(([label, n]) => (
        <div key={label} className={`count-box ${label}`} data-testid={`count-${label}`} data-value={n}>
          <div className="n">{formatCount(n)}</div>
          <div className="muted">{label === "merged" ? "merged duplicates" : label}</div>
        </div>
      ))}
      {c.suppressed > 0 && (
        <p className="muted" data-testid="count-suppressed" data-value={c.suppressed}>
          {suppressedWords(c.suppressed, c.erased_on)}
        </p>
      )}
      {c.leads_created > 0 && (
        <div className="count-box">
          <div className="n">{formatCount(c.leads_created)}</div>
          <div className="muted">leads created</div>
        </div>
      )}
    </div>
  );
}

function Reasons({ report }: { report: ImportReport }) {
  if (report.reasons.length === 0) return null;
  return (
    <div className="reasons" data-testid="import-reasons">
      <h3>Rejected rows</h3>
      <ul>
        {report.reasons.slice(0, 8).map((r) => (
          <li key={r.reason}>
            {formatCount(r.count)} × {r.reason}
          </li>
        ))}
      </ul>
      <details>
        <summary>First rejected lines</summary>
        <ul>
          {report.rejections.slice(0, 50).map((r) => (
            <li key={r.line}>
              Line {r.line}: {r.reason}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

function ReviewStep(props: { report: ImportReport; cancelled: boolean; onBack: () => void; onImport: () => void }) {
  const { report, cancelled, onBack, onImport } = props;
  const importable = report.counts.rows - report.counts.rejected;
  return (
    <div className="panel" data-testid="import-step-review">
      <h2 tabIndex={-1} data-step-heading>
        Dry run: this is what the import will do
      </h2>
      {cancelled && (
        <p className="note" role="status" data-testid="import-cancelled">
          Import cancelled. Nothing was imported and the workspace is as it was. You can import again below.
        </p>
      )}
      <Counts report={report} />
      {report.warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      <Reasons report={report} />
      <p className="muted">Nothing has been stored yet. Rejected rows will be saved to a CSV next to the workspace.</p>
      {importable === 0 && (
        <p className="warning" role="alert" data-testid="import-nothing-to-import">
          {report.counts.rows === 0
            ? "The file has no rows: there is nothing to import."
            : "Every row would be rejected: there is nothing to import. Go back and check the columns."}
        </p>
      )}
      <div className="actions">
        <button onClick={onBack}>Back</button>
        {importable > 0 && (
          <button className="primary" data-testid="import-run" onClick={onImport}>
            Import {formatCount(importable)} {importable === 1 ? "row" : "rows"}
          </button>
        )}
      </div>
    </div>
  );
}

function RunningStep({ progress, onCancel }: { progress: ImportProgress | null; onCancel: () => void }) {
  const share = progress && progress.total_bytes > 0 ? progress.bytes_read / progress.total_bytes : 0;
  const words = runningWords(progress);
  return (
    <div className="panel" data-testid="import-running" data-phase={progress?.phase ?? "starting"}>
      <h2 tabIndex={-1} data-step-heading>
        {words.heading}
      </h2>
      <div className="progress">
        <div className="bar" style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
      <p className="muted" data-testid="import-progress-text">
        {words.detail}
      </p>
      <button data-testid="import-cancel" onClick={onCancel} disabled={!words.canCancel}>
        Cancel
      </button>
      <p className="muted" data-testid="import-cancel-note">
        {words.cancelNote}
      </p>
    </div>
  );
}

function DoneStep({ report, onAnother }: { report: ImportReport; onAnother: () => void }) {
  return (
    <div className="panel" data-testid="import-done">
      <h2 tabIndex={-1} data-step-heading>
        Import finished
      </h2>
      {report.cancel_came_too_late && (
        <p className="warning" role="status" data-testid="import-cancel-too-late">
          Cancel came after the import had started saving, so everything below was imported. To take it back, use Undo
          on this import in the history below.
        </p>
      )}
      <Counts report={report} />
      <Reasons report={report} />
      {report.rejected_file && (
        <p data-testid="import-rejected-file">
          Rejected rows, with their line numbers and reasons: <code>{report.rejected_file}</code>
        </p>
      )}
      <div className="actions">
        <button className="primary" onClick={onAnother}>
          Import another file
        </button>
      </div>
    </div>
  );
}

/** The key a column gets as a new custom field: its own, else the backend's suggestion. */
function newFieldKey(column: ColumnMapping, suggested: string | undefined): string {
  return column.target.kind === "new_field" ? column.target.key : (suggested ?? "field");
}

/** The placeholders that mean "empty": the suggested ones to tick, and a box to type another. */
function NullTokens(props: {
  offered: string[];
  chosen: string[];
  onToggle: (token: string, on: boolean) => void;
  onAdd: (typed: string) => void;
}) {
  const { offered, chosen, onToggle } = props;
  const [typed, setTyped] = useState("");
  const all = [...offered, ...chosen.filter((t) => !offered.includes(t))];
  const add = () => {
    props.onAdd(typed);
    setTyped("");
  };
  return (
    <fieldset className="tokens" data-testid="import-null-tokens">
      <legend>Treat these values as empty:</legend>
      {all.length === 0 && <span className="muted">none suggested</span>}
      {all.map((token) => (
        <label key={token} className="check">
          <input type="checkbox" checked={chosen.includes(token)} onChange={(e) => onToggle(token, e.target.checked)} />
          “{token}”
        </label>
      ))}
      <span className="token-add">
        <input
          type="text"
          data-testid="import-null-token-input"
          aria-label="Another value that means empty"
          placeholder="another value, e.g. n/a"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
        <button data-testid="import-null-token-add" disabled={!typed.trim()} onClick={add}>
          Add
        </button>
      </span>
    </fieldset>
  );
}
