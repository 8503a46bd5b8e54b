// Segment history (Strategy → History): the pure parts of the tab: the
// default dates of a diff, date checks and labels of snapshots.
import type { HistoryPoint } from "../../bindings/HistoryPoint";

const DAY_MS = 86_400_000;

/** `2026-11-29T14:03:00Z` → `2026-11-29`. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** A complete `YYYY-MM-DD` that is a real date. */
export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * The dates a diff opens on: to = the last snapshot's day; from = the day of
 * the first snapshot at most 30 days before it (so the diff covers up to a
 * month of what was recorded); with one snapshot, both are its day.
 */
export function defaultRange(points: HistoryPoint[]): { from: string; to: string } | null {
  const recorded = points.filter((p) => p.count !== null);
  const last = recorded[recorded.length - 1];
  if (!last) return null;
  const lastMs = Date.parse(last.taken_at);
  const first = recorded.find((p) => lastMs - Date.parse(p.taken_at) <= 30 * DAY_MS) ?? last;
  return { from: dayOf(first.taken_at), to: dayOf(last.taken_at) };
}

/** "import #3 “leads.csv”", "daily", "demo data" … for a snapshot's reason. */
export function reasonLabel(point: HistoryPoint): string {
  const base =
    point.reason === "demo"
      ? "demo data"
      : point.reason === "manual"
        ? "recorded by hand"
        : point.reason === "undo"
          ? `undo of import ${point.import ?? ""}`.trim()
          : point.reason === "import"
            ? `import ${point.import ?? ""}`.trim()
            : "daily";
  const notes = [point.rules_changed ? "rules changed" : null, point.problem ? `not recorded: ${point.problem}` : null];
  return [base, ...notes.filter(Boolean)].join("; ");
}

/** `2026-11-29T14:03:00Z` → `2026-11-29 14:03`. */
export function timeOf(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}
