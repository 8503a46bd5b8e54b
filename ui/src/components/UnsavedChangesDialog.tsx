// The question asked before unsaved work is left: keep editing, or discard.
// A modal alert dialog: focus starts on "Keep editing", Tab stays inside it,
// Escape keeps editing, and focus goes back to where it was when the user
// keeps editing.
import { useEffect, useRef } from "react";

import { usePendingLeave } from "../lib/unsavedChanges";

export function UnsavedChangesDialog() {
  const pending = usePendingLeave();
  const keepButton = useRef<HTMLButtonElement>(null);
  const discardButton = useRef<HTMLButtonElement>(null);
  const focusBefore = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (!pending) return;
    focusBefore.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    keepButton.current?.focus();
  }, [pending]);
  if (!pending) return null;
  const what = pending.labels.join(", ");
  const keepEditing = () => {
    pending.answer(false);
    const previous = focusBefore.current;
    if (previous?.isConnected) requestAnimationFrame(() => previous.focus());
  };
  return (
    <div className="modal-backdrop" onClick={keepEditing}>
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="unsaved-title"
        aria-describedby="unsaved-text"
        data-testid="unsaved-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") keepEditing();
          if (e.key === "Tab") {
            // Two buttons: Tab and Shift+Tab move between them, never behind the dialog.
            e.preventDefault();
            const next = document.activeElement === keepButton.current ? discardButton : keepButton;
            next.current?.focus();
          }
        }}
      >
        <h2 id="unsaved-title">Unsaved changes</h2>
        <p id="unsaved-text">You have unsaved changes to {what}. If you leave now, they are discarded.</p>
        <div className="actions">
          <button ref={keepButton} className="primary" data-testid="unsaved-keep" onClick={keepEditing}>
            Keep editing
          </button>
          <button ref={discardButton} data-testid="unsaved-discard" onClick={() => pending.answer(true)}>
            Discard changes
          </button>
        </div>
      </div>
    </div>
  );
}
