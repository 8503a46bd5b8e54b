// The open segment's title, badges, id (copyable, for the CLI) and actions
// (save, save as, duplicate, delete, export, JSON), and the notice under them
// with its undo or other action.
import { useState } from "react";

import { copyText } from "./clipboard";
import type { SegmentMeta } from "./SegmentDialogs";

/** A message after an action, with an undo when the action can be undone, or another action. */
export type Notice = { text: string; undo?: () => void; action?: { label: string; run: () => void; testId: string } };

type Props = {
  meta: SegmentMeta;
  /** The saved segment's id (what the CLI takes), null while it is not saved. */
  id: number | null;
  saved: boolean;
  builtin: boolean;
  dirty: boolean;
  showJson: boolean;
  onSave: () => void;
  onSaveAs: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
  onExport: () => void;
  /** Opens the "Audience for ads" dialog (Google Ads, Meta, LinkedIn). */
  onAudience: () => void;
  onToggleJson: () => void;
};

export function SegmentHeader({ meta, id, saved, builtin, dirty, showJson, ...on }: Props) {
  const [copiedId, setCopiedId] = useState<number | null>(null);
  return (
    <header className="segment-head">
      <div className="segment-title-block">
        <h2>
          <span className="dot" style={{ background: meta.color }} />
          <span data-testid="segment-title">{meta.name}</span>
          {builtin && (
            <span className="badge" data-testid="segment-builtin-note">
              Built in — duplicate to edit
            </span>
          )}
          {dirty && (
            <span className="badge unsaved" data-testid="segment-unsaved">
              {saved ? "Unsaved changes" : "Not saved yet"}
            </span>
          )}
        </h2>
        {meta.description && <p className="muted">{meta.description}</p>}
        {id !== null && (
          <p className="segment-id" title={`The CLI takes this id: leadstream segment count ${id}`}>
            <span>
              ID <code data-testid="segment-id">{id}</code>
            </span>
            <button
              type="button"
              className="link"
              data-testid="segment-copy-id"
              onClick={() => void copyText(String(id)).then((ok) => setCopiedId(ok ? id : null))}
            >
              {copiedId === id ? "Copied" : "Copy ID"}
            </button>
          </p>
        )}
      </div>
      <div className="segment-actions">
        <button className="primary" data-testid="segment-save" disabled={builtin} onClick={on.onSave}>
          Save…
        </button>
        {saved && !builtin && (
          <button data-testid="segment-save-as" onClick={on.onSaveAs}>
            Save as…
          </button>
        )}
        <button data-testid="segment-duplicate" disabled={!saved} onClick={on.onDuplicate}>
          Duplicate
        </button>
        <button data-testid="segment-delete" disabled={!saved || builtin} onClick={on.onDelete}>
          Delete
        </button>
        <button data-testid="segment-export" onClick={on.onExport}>
          Export…
        </button>
        <button data-testid="segment-audience" onClick={on.onAudience}>
          Audience for ads…
        </button>
        <button data-testid="segment-json-toggle" aria-pressed={showJson} onClick={on.onToggleJson}>
          {showJson ? "Hide JSON" : "JSON"}
        </button>
      </div>
    </header>
  );
}

export function SegmentNotice({ notice, onDismiss }: { notice: Notice | null; onDismiss: () => void }) {
  if (!notice) return null;
  return (
    <div className="note segment-notice" data-testid="segment-notice">
      <span>{notice.text}</span>
      <span>
        {notice.undo && (
          <button className="link" data-testid="segment-undo" onClick={() => notice.undo?.()}>
            Undo
          </button>
        )}
        {notice.action && (
          <button className="link" data-testid={notice.action.testId} onClick={() => notice.action?.run()}>
            {notice.action.label}
          </button>
        )}
        <button className="link" onClick={onDismiss} aria-label="Dismiss this message">
          ✕
        </button>
      </span>
    </div>
  );
}
