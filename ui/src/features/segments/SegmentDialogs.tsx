// The two small dialogs of the Segments view: saving a segment (name,
// description, colour, folder) and choosing the fields of a CSV export.
import { useState } from "react";

import type { Field } from "../../bindings/Field";
import { CATEGORY_LABELS } from "../../lib/format";
import { CATEGORY_ORDER } from "../../lib/segmentRules";

export type SegmentMeta = { name: string; description: string; color: string; folder: string };

type SaveProps = {
  initial: SegmentMeta;
  /** Whether this creates a new segment (otherwise it updates the open one). */
  creating: boolean;
  folders: string[];
  onSave: (meta: SegmentMeta) => Promise<void>;
  onCancel: () => void;
};

export function SaveDialog({ initial, creating, folders, onSave, onCancel }: SaveProps) {
  const [meta, setMeta] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<SegmentMeta>) => setMeta((m) => ({ ...m, ...patch }));
  const submit = async () => {
    if (!meta.name.trim()) {
      setError("Give the segment a name.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSave({ ...meta, name: meta.name.trim(), folder: meta.folder.trim() });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <form
        className="modal"
        role="dialog"
        aria-label={creating ? "Save new segment" : "Save segment"}
        data-testid="segment-save-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>{creating ? "Save new segment" : "Save segment"}</h2>
        <label className="field">
          <span>Name</span>
          <input
            data-testid="segment-name"
            placeholder="e.g. Technical buyers in Germany"
            value={meta.name}
            onChange={(e) => set({ name: e.target.value })}
            autoFocus
          />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea
            data-testid="segment-description"
            rows={3}
            value={meta.description}
            onChange={(e) => set({ description: e.target.value })}
          />
        </label>
        <div className="field-row">
          <label className="field">
            <span>Colour</span>
            <input
              type="color"
              data-testid="segment-color"
              value={meta.color}
              onChange={(e) => set({ color: e.target.value })}
            />
          </label>
          <label className="field grow">
            <span>Folder</span>
            <input
              data-testid="segment-folder"
              list="segment-folders"
              placeholder="My segments"
              value={meta.folder}
              onChange={(e) => set({ folder: e.target.value })}
            />
            <datalist id="segment-folders">
              {folders.map((f) => (
                <option key={f} value={f} />
              ))}
            </datalist>
          </label>
        </div>
        {error && (
          <p className="rule-error" data-testid="segment-save-error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="segment-save-confirm" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </div>
  );
}

export const DEFAULT_EXPORT_FIELDS = ["email", "first_name", "last_name", "company"];

type ExportProps = {
  fields: Field[];
  count: number | null;
  /** `includeUnconsented`: also write members marked "do not email" or without email opt-in. */
  onExport: (keys: string[], includeUnconsented: boolean) => Promise<void>;
  onCancel: () => void;
};

export function ExportDialog({ fields, count, onExport, onCancel }: ExportProps) {
  const [chosen, setChosen] = useState(
    () => new Set(DEFAULT_EXPORT_FIELDS.filter((k) => fields.some((f) => f.key === k))),
  );
  const [includeUnconsented, setIncludeUnconsented] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (key: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  // Catalogue order, so the CSV columns come out in a familiar order.
  const keys = fields.map((f) => f.key).filter((k) => chosen.has(k));
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onExport(keys, includeUnconsented);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div
        className="modal wide"
        role="dialog"
        aria-label="Export members"
        data-testid="export-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Export members as CSV</h2>
        <p className="muted">
          {count === null ? "The members" : `The ${count.toLocaleString("en-US")} members`} of this segment, with the
          fields you choose.
        </p>
        <div className="export-fields">
          {CATEGORY_ORDER.map((category) => {
            const inCategory = fields.filter((f) => f.category === category);
            if (inCategory.length === 0) return null;
            return (
              <fieldset key={category}>
                <legend>{CATEGORY_LABELS[category]}</legend>
                {inCategory.map((f) => (
                  <label key={f.key} className="check">
                    <input
                      type="checkbox"
                      data-testid={`export-field-${f.key}`}
                      checked={chosen.has(f.key)}
                      onChange={(e) => toggle(f.key, e.target.checked)}
                    />
                    {f.label}
                  </label>
                ))}
              </fieldset>
            );
          })}
        </div>
        <p className="muted" data-testid="export-consent-note">
          For HubSpot or Mailchimp: members marked “do not email” or without email opt-in are left out, and the summary
          says how many.
        </p>
        <label className="check">
          <input
            type="checkbox"
            data-testid="export-include-unconsented"
            checked={includeUnconsented}
            onChange={(e) => setIncludeUnconsented(e.target.checked)}
          />
          Also export members who may not be emailed (the file name says so)
        </label>
        {error && <p className="rule-error">{error}</p>}
        <div className="actions">
          <button onClick={onCancel}>Cancel</button>
          <button
            className="primary"
            data-testid="export-confirm"
            disabled={busy || keys.length === 0}
            onClick={() => void submit()}
          >
            {busy ? "Exporting…" : `Export ${keys.length} field${keys.length === 1 ? "" : "s"}…`}
          </button>
        </div>
      </div>
    </div>
  );
}
