// Undo/redo history of an edited value: `push` records a new state, `replace`
// changes the present without a new step (e.g. while a node is dragged, after
// `checkpoint` was taken at drag start), and undo/redo move through it.
export type History<T> = { past: T[]; present: T; future: T[] };

const LIMIT = 200;

export function historyOf<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new step; equal states (by identity) are ignored. */
export function push<T>(history: History<T>, next: T): History<T> {
  if (next === history.present) return history;
  return { past: [...history.past, history.present].slice(-LIMIT), present: next, future: [] };
}

/** Changes the present in place (no new undo step). */
export function replace<T>(history: History<T>, next: T): History<T> {
  return { ...history, present: next };
}

/** Records the present as an undo step, so following `replace` calls undo as one. */
export function checkpoint<T>(history: History<T>): History<T> {
  return { past: [...history.past, history.present].slice(-LIMIT), present: history.present, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  if (history.past.length === 0) return history;
  const previous = history.past[history.past.length - 1];
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  if (history.future.length === 0) return history;
  const [next, ...rest] = history.future;
  return { past: [...history.past, history.present], present: next, future: rest };
}

export const canUndo = (history: History<unknown>) => history.past.length > 0;
export const canRedo = (history: History<unknown>) => history.future.length > 0;
