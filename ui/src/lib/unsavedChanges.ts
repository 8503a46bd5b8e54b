// Which editors hold unsaved changes, and the one question asked before the
// user leaves them (another view, another segment or stream, another
// workspace). Editors register with `useUnsavedChanges`; whatever navigates
// awaits `confirmLeave()`; `UnsavedChangesDialog` asks the user.
import { useEffect, useSyncExternalStore } from "react";

type Registration = { label: string; onDiscard?: () => void };
/** The question on screen, if any: what is unsaved and how to answer. */
export type PendingLeave = { labels: string[]; answer: (leave: boolean) => void };

const registered = new Map<string, Registration>();
const listeners = new Set<() => void>();
let pending: PendingLeave | null = null;

function emit() {
  for (const listener of listeners) listener();
}

/**
 * Registers an editor as holding unsaved changes while `isDirty` is true.
 * `label` names the work in the question ("segment “Hot leads”"); `onDiscard`
 * runs when the user chooses to discard it (clear its draft there).
 */
export function useUnsavedChanges(key: string, label: string, isDirty: boolean, onDiscard?: () => void): void {
  useEffect(() => {
    if (!isDirty) return;
    registered.set(key, { label, onDiscard });
    return () => {
      if (registered.get(key)?.label === label) registered.delete(key);
    };
  }, [key, label, isDirty, onDiscard]);
}

/** The labels of the work that is unsaved now. */
export function unsavedLabels(): string[] {
  return [...registered.values()].map((r) => r.label);
}

/**
 * Resolves `true` when nothing is unsaved, or when the user chose to discard
 * it (the editors' `onDiscard` have run by then); `false` to stay.
 */
export function confirmLeave(): Promise<boolean> {
  if (registered.size === 0) return Promise.resolve(true);
  pending?.answer(false);
  return new Promise((resolve) => {
    const question: PendingLeave = {
      labels: unsavedLabels(),
      answer: (leave) => {
        if (pending !== question) return;
        pending = null;
        if (leave) {
          const discarded = [...registered.values()];
          registered.clear();
          for (const r of discarded) r.onDiscard?.();
        }
        emit();
        resolve(leave);
      },
    };
    pending = question;
    emit();
  });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The question waiting for the user's answer, for the dialog. */
export function usePendingLeave(): PendingLeave | null {
  return useSyncExternalStore(subscribe, () => pending);
}

/** For tests: forget every registration and question. */
export function resetUnsavedChanges(): void {
  registered.clear();
  pending = null;
  emit();
}
