// Keyboard movement in the lead table: which row a key moves the focus to
// (arrows, Page Up/Down, Home/End), and which keys open the focused row.
// Pure functions, unit-tested; LeadsView applies them to its roving tabindex.

/** The row index `key` moves to from `current`, or null when the key does not move. */
export function nextRowIndex(key: string, current: number, total: number, rowsPerPage: number): number | null {
  if (total <= 0) return null;
  const last = total - 1;
  const page = Math.max(1, rowsPerPage - 1);
  const clamp = (index: number) => Math.min(last, Math.max(0, index));
  switch (key) {
    case "ArrowDown":
      return clamp(current + 1);
    case "ArrowUp":
      return clamp(current - 1);
    case "PageDown":
      return clamp(current + page);
    case "PageUp":
      return clamp(current - page);
    case "Home":
      return 0;
    case "End":
      return last;
    default:
      return null;
  }
}

/** Whether `key` opens the focused row's detail. */
export function opensRow(key: string): boolean {
  return key === "Enter" || key === " ";
}

/**
 * The row that takes Tab in the table: the active one when it is rendered,
 * else the first rendered row (the virtualiser renders only rows near the
 * view), so Tab always lands on a row.
 */
export function tabbableRow(active: number, rendered: number[]): number | null {
  if (rendered.length === 0) return null;
  return rendered.includes(active) ? active : rendered[0];
}
