// Comparing two plan runs: the change in total sends and eligible leads, per
// stream (matched by id, else name) and per content item, for the Plan tab's
// "compared with the previous run" report.
import type { Plan } from "../../bindings/Plan";

export type DiffLine = { key: string; label: string; before: number; after: number; delta: number };
export type PlanDiff = { sends: DiffLine; eligible: DiffLine; streams: DiffLine[]; content: DiffLine[] };

function line(key: string, label: string, before: number, after: number): DiffLine {
  return { key, label, before, after, delta: after - before };
}

function compare<T>(
  before: T[],
  after: T[],
  key: (t: T) => string,
  label: (t: T) => string,
  value: (t: T) => number,
): DiffLine[] {
  const old = new Map(before.map((t) => [key(t), t]));
  const seen = new Set<string>();
  const lines: DiffLine[] = [];
  for (const t of after) {
    const k = key(t);
    seen.add(k);
    const was = old.get(k);
    lines.push(line(k, label(t), was ? value(was) : 0, value(t)));
  }
  for (const t of before) if (!seen.has(key(t))) lines.push(line(key(t), label(t), value(t), 0));
  return lines;
}

export function planDiff(before: Plan, after: Plan): PlanDiff {
  return {
    sends: line("sends", "Sends", before.sends, after.sends),
    eligible: line("eligible", "Eligible leads", before.eligible, after.eligible),
    streams: compare(
      before.streams,
      after.streams,
      (s) => `${s.stream_id}:${s.name}`,
      (s) => s.name,
      (s) => s.sends,
    ),
    content: compare(
      before.per_content,
      after.per_content,
      (c) => String(c.content_id),
      (c) => c.title,
      (c) => c.sends,
    ),
  };
}

/** Whether nothing changed between the two runs: every count is the same. */
export function unchanged(diff: PlanDiff): boolean {
  return [diff.sends, diff.eligible, ...diff.streams, ...diff.content].every((l) => l.delta === 0);
}

/** "+12", "−3", "±0". */
export function signed(n: number): string {
  if (n > 0) return `+${n.toLocaleString("en-US")}`;
  if (n < 0) return `−${Math.abs(n).toLocaleString("en-US")}`;
  return "±0";
}
