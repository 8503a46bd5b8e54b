// Pure logic of the Priorities (ICE) tab: which rows the filter and search
// show, the suggestion that fits the E column's direction, the message when
// an edit moves a row, and the check of a typed score.
import type { IceRow } from "../../bindings/IceRow";
import type { IceSuggestion } from "../../bindings/IceSuggestion";
import type { IceTable } from "../../bindings/IceTable";
import type { TargetSuggestions } from "../../bindings/TargetSuggestions";

export type KindFilter = "all" | "segment" | "stream";

export type ScoreKey = "impact" | "confidence" | "e";

/** The rows the kind filter and the search (name, case and accents aside) keep, in rank order. */
export function visibleRows(rows: IceRow[], kind: KindFilter, search: string): IceRow[] {
  const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const wanted = fold(search.trim());
  return rows.filter((r) => (kind === "all" || r.kind === kind) && (wanted === "" || fold(r.name).includes(wanted)));
}

/** A row's stable key across re-rankings. */
export const rowKey = (row: { kind: string; id: number }) => `${row.kind}-${row.id}`;

/** The suggestion for one score, E read the way the table shows it (effort under the weighted formula). */
export function suggestionFor(
  suggestions: TargetSuggestions | undefined,
  key: ScoreKey,
  eIsEffort: boolean,
): IceSuggestion | undefined {
  if (!suggestions) return undefined;
  if (key === "impact") return suggestions.impact;
  if (key === "confidence") return suggestions.confidence;
  return eIsEffort ? suggestions.effort : suggestions.ease;
}

/** A typed score: a whole number from 1 to 10, else null. */
export function parseScore(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,2}$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 1 && value <= 10 ? value : null;
}

/** What happened to a row's rank between two tables, in words; null when nothing changed. */
export function moveMessage(before: IceTable | undefined, after: IceTable, key: string): string | null {
  const find = (table: IceTable | undefined) => table?.rows.find((r) => rowKey(r) === key);
  const was = find(before);
  const now = find(after);
  if (!now) return null;
  const rank = (r: IceRow | undefined) => r?.rank ?? null;
  if (rank(was) === rank(now)) return null;
  if (rank(now) === null) return `“${now.name}” is not ranked until Impact, Confidence and E are all set`;
  if (rank(was) === null) return `“${now.name}” is now ranked ${rank(now)}`;
  const direction = (rank(now) ?? 0) < (rank(was) ?? 0) ? "up" : "down";
  return `“${now.name}” moved ${direction} from rank ${rank(was)} to rank ${rank(now)}`;
}

/** A score as the table shows it: up to two decimals. */
export function scoreText(score: number | null): string {
  if (score === null) return "not scored";
  return String(Math.round(score * 100) / 100);
}
