// The question asked before unsaved work is left: keep editing, or discard.
import { useEffect, useRef } from "react";

import { usePendingLeave } from "../lib/unsavedChanges";

export function UnsavedChangesDialog() {
  const pending = usePendingLeave();
  const keepButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (pending) keepButton.current?.focus();
  }, [pending]);
  if (!pending) return null;
  const what = pending.labels.join(", ");
  return (
    <div className="modal-backdrop" onClick={() => pending.answer(false)}>
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="unsaved-title"
        aria-describedby="unsaved-text"
        data-testid="unsaved-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") pending.answer(false);
        }}
      >
        <h2 id="unsaved-title">Unsaved changes</h2>
        <p id="unsaved-text">You have unsaved changes to {what}. If you leave now, they are discarded.</p>
        <div className="actions">
          <button ref={keepButton} className="primary" data-testid="unsaved-keep" onClick={() => pending.answer(false)}>
            Keep editing
          </button>
          <button data-testid="unsaved-discard" onClick={() => pending.answer(true)}>
            Discard changes
          </button>
        </div>
      </div>
    </div>
  );
}
