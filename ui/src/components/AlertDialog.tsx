// The one shell of a modal question (WAI-ARIA alertdialog): a title, the
// question, then the caller's controls. Focus starts on `initialFocus` (the
// safe answer), Tab and Shift+Tab stay inside, Escape and a click outside
// cancel, and focus goes back to where it was when the dialog closes (unless
// the user has put it somewhere since).
import { useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from "react";

const FOCUSABLE =
  'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea, [tabindex]:not([tabindex="-1"])';

type Props = {
  title: string;
  /** The question itself, read out with the title. */
  description: ReactNode;
  descriptionTestId?: string;
  testId: string;
  onCancel: () => void;
  /** The control focused first: the answer that changes nothing. */
  initialFocus: RefObject<HTMLElement | null>;
  /** Further content and the actions. */
  children: ReactNode;
};

export function AlertDialog({
  title,
  description,
  descriptionTestId,
  testId,
  onCancel,
  initialFocus,
  children,
}: Props) {
  const titleId = useId();
  const descriptionId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  // A layout effect: the focus moves in the commit that shows the dialog, so no key typed (and no reader) between
  // the dialog appearing and a later task can find the focus still behind it.
  useLayoutEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    initialFocus.current?.focus();
    return () => {
      // Only when nothing took the focus since: a click the user made right after answering (before the next
      // frame, likelier on a busy machine) keeps its focus, and keys typed there do not reach `before`.
      requestAnimationFrame(() => {
        const unclaimed = document.activeElement === null || document.activeElement === document.body;
        if (before?.isConnected && unclaimed) before.focus();
      });
    };
  }, [initialFocus]);
  const keepTabInside = (event: React.KeyboardEvent) => {
    const focusable = [...(dialog.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (focusable.length === 0) return;
    const at = focusable.indexOf(document.activeElement as HTMLElement);
    const next = event.shiftKey ? (at <= 0 ? focusable.length - 1 : at - 1) : (at + 1) % focusable.length;
    event.preventDefault();
    focusable[next].focus();
  };
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div
        ref={dialog}
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        data-testid={testId}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") onCancel();
          if (e.key === "Tab") keepTabInside(e);
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <p id={descriptionId} data-testid={descriptionTestId}>
          {description}
        </p>
        {children}
      </div>
    </div>
  );
}
