// Managing the field catalogue: lists the custom fields and deletes one with
// its values, after the user confirms. Standard fields cannot be deleted, and
// the backend refuses a field that saved segments or streams use, naming
// them; the dialog shows that message as it is.
import { useState } from "react";

import type { Field } from "../bindings/Field";
import { CATEGORY_LABELS, formatCount } from "../lib/format";
import { useDeleteField } from "../lib/queries";

type Props = {
  fields: Field[];
  /** Called after a field was deleted (the field list is asked again), so the caller can forget it. */
  onDeleted: (key: string) => void;
  onClose: () => void;
};

type Message = { kind: "done" | "error"; text: string };

export function FieldsDialog({ fields, onDeleted, onClose }: Props) {
  const custom = fields.filter((f) => !f.is_standard);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const deleteField = useDeleteField();

  const remove = async (field: Field) => {
    setBusy(true);
    setMessage(null);
    try {
      const deletion = await deleteField.mutateAsync(field.key);
      const values = deletion.values_deleted === 1 ? "1 value" : `${formatCount(deletion.values_deleted)} values`;
      setMessage({ kind: "done", text: `Deleted the field “${deletion.label}” and its ${values}.` });
      onDeleted(field.key);
    } catch (error) {
      setMessage({ kind: "error", text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="modal wide"
        role="dialog"
        aria-label="Fields"
        data-testid="fields-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Custom fields</h2>
        <p className="muted">
          Fields your imports added. Deleting one removes it and its values from every lead; standard fields stay.
        </p>
        {message && (
          <p
            className={message.kind === "error" ? "rule-error" : "note"}
            data-testid="fields-message"
            data-kind={message.kind}
          >
            {message.text}
          </p>
        )}
        {custom.length === 0 ? (
          <p className="muted" data-testid="fields-none">
            This workspace has no custom fields.
          </p>
        ) : (
          <div className="fields-list" style={{ maxHeight: "50vh", overflow: "auto" }}>
            <table className="fields-table">
              <tbody>
                {custom.map((field) => (
                  <tr key={field.key} data-testid={`field-row-${field.key}`}>
                    <td>
                      <strong>{field.label}</strong> <span className="muted">{field.key}</span>
                    </td>
                    <td className="muted">
                      {field.type} · {CATEGORY_LABELS[field.category] ?? field.category}
                    </td>
                    <td>
                      {confirming === field.key ? (
                        <span>
                          Delete it and its values?{" "}
                          <button
                            className="danger"
                            data-testid={`field-delete-confirm-${field.key}`}
                            disabled={busy}
                            onClick={() => void remove(field)}
                          >
                            {busy ? "Deleting…" : "Delete"}
                          </button>{" "}
                          <button disabled={busy} onClick={() => setConfirming(null)}>
                            Keep
                          </button>
                        </span>
                      ) : (
                        <button
                          className="link"
                          data-testid={`field-delete-${field.key}`}
                          disabled={busy}
                          onClick={() => {
                            setMessage(null);
                            setConfirming(field.key);
                          }}
                        >
                          Delete…
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="actions">
          <button className="primary" data-testid="fields-close" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </div>
  );
}
