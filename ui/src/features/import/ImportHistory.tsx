// The import history under the wizard: every import with Undo. Undo asks
// first (what it removes, with the row count, and whether to remove the custom
// fields the import created that nothing else uses), then says what it did.
import { useRef, useState } from "react";

import { AlertDialog } from "../../components/AlertDialog";
import type { ImportRecord } from "../../bindings/ImportRecord";
import type { UndoSummary } from "../../bindings/UndoSummary";
import { formatCount } from "../../lib/format";
import { changeKindLabel, isFix, plural, undoOutcome, undoQuestion } from "./wizardText";
import "./importHistory.css";

type Props = {
  records: ImportRecord[];
  /** Runs the undo; rejects with the backend's error (a refusal names the later import). */
  onUndo: (id: number, removeCreatedFields: boolean) => Promise<UndoSummary>;
};

export function ImportHistory({ records, onUndo }: Props) {
  const [asking, setAsking] = useState<ImportRecord | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  const confirm = async (record: ImportRecord, removeCreatedFields: boolean) => {
    setAsking(null);
    setOutcome(null);
    try {
      const summary = await onUndo(record.id, removeCreatedFields);
      setOutcome(undoOutcome(record.file_name, summary, record.kind));
    } catch {
      // The caller shows the error banner.
    }
  };

  if (records.length === 0 && !outcome) return null;
  return (
    <div className="history" data-testid="import-history">
      <h3>Import history</h3>
      {outcome && (
        <p className="note" role="status" data-testid="import-undo-outcome">
          {outcome}
        </p>
      )}
      <table>
        <tbody>
          {records.map((r) => (
            <tr key={r.id} data-testid="import-history-row" data-kind={r.kind}>
              <td>{r.started_at.slice(0, 16).replace("T", " ")}</td>
              <td>
                {isFix(r.kind) && (
                  <span className="change-kind" data-testid="import-history-kind">
                    {changeKindLabel(r.kind)}
                  </span>
                )}
                {r.file_name}
              </td>
              <td className="muted">
                {isFix(r.kind) ? (
                  <>
                    {plural(r.counts.updated, "lead", "leads")} changed
                    {r.counts.merged > 0 && <> · {formatCount(r.counts.merged)} merged</>}
                  </>
                ) : (
                  <>
                    {formatCount(r.counts.inserted)} inserted · {formatCount(r.counts.updated)} updated ·{" "}
                    {formatCount(r.counts.rejected)} rejected
                  </>
                )}
              </td>
              <td>
                {r.undone_at ? (
                  <span className="muted">undone</span>
                ) : (
                  <button
                    className="link"
                    data-testid="import-undo"
                    aria-label={isFix(r.kind) ? `Undo the fix ${r.file_name}` : `Undo the import of ${r.file_name}`}
                    onClick={() => {
                      setOutcome(null);
                      setAsking(r);
                    }}
                  >
                    Undo
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {asking && (
        <UndoDialog
          record={asking}
          onCancel={() => setAsking(null)}
          onConfirm={(remove) => void confirm(asking, remove)}
        />
      )}
    </div>
  );
}

function UndoDialog(props: {
  record: ImportRecord;
  onCancel: () => void;
  onConfirm: (removeCreatedFields: boolean) => void;
}) {
  const { record, onCancel } = props;
  const created = record.created_fields;
  const [removeFields, setRemoveFields] = useState(created.length > 0);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const shown = created.slice(0, 12).map((f) => f.label);
  const noun = isFix(record.kind) ? "fix" : "import";
  return (
    <AlertDialog
      title={`Undo this ${noun}?`}
      description={undoQuestion(record)}
      descriptionTestId="import-undo-question"
      testId="import-undo-dialog"
      onCancel={onCancel}
      initialFocus={cancelButton}
    >
      {created.length > 0 && (
        <label className="check" data-testid="import-undo-fields">
          <input
            type="checkbox"
            data-testid="import-undo-remove-fields"
            checked={removeFields}
            onChange={(e) => setRemoveFields(e.target.checked)}
          />
          Also remove the {plural(created.length, "custom field", "custom fields")} it created ({shown.join(", ")}
          {created.length > shown.length ? ", …" : ""}), unless other data, another import, a segment or a stream still
          uses them
        </label>
      )}
      <div className="actions">
        <button ref={cancelButton} data-testid="import-undo-cancel" onClick={onCancel}>
          Keep the {noun}
        </button>
        <button className="danger" data-testid="import-undo-confirm" onClick={() => props.onConfirm(removeFields)}>
          Undo the {noun}
        </button>
      </div>
    </AlertDialog>
  );
}
