// The question asked before unsaved work is left: keep editing, or discard.
// Focus starts on "Keep editing", and Escape or a click outside keeps editing.
import { useRef } from "react";

import { usePendingLeave } from "../lib/unsavedChanges";
import { AlertDialog } from "./AlertDialog";

export function UnsavedChangesDialog() {
  const pending = usePendingLeave();
  const keepButton = useRef<HTMLButtonElement>(null);
  if (!pending) return null;
  const keepEditing = () => pending.answer(false);
  return (
    <AlertDialog
      title="Unsaved changes"
      description={`You have unsaved changes to ${pending.labels.join(", ")}. If you leave now, they are discarded.`}
      testId="unsaved-dialog"
      onCancel={keepEditing}
      initialFocus={keepButton}
    >
      <div className="actions">
        <button ref={keepButton} className="primary" data-testid="unsaved-keep" onClick={keepEditing}>
          Keep editing
        </button>
        <button data-testid="unsaved-discard" onClick={() => pending.answer(true)}>
          Discard changes
        </button>
      </div>
    </AlertDialog>
  );
}
