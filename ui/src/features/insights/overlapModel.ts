// The Overlap tab's pure parts: the rules that open the segment builder on
// a cell ("in A and in B") or on an exact combination ("in A, B and C and
// in none of the other chosen"), the default choice of segments, the
// heatmap's colours, and the matrix laid out row by row.
import type { OverlapCell } from "../../bindings/OverlapCell";
import type { OverlapReport } from "../../bindings/OverlapReport";
import type { OverlapSegment } from "../../bindings/OverlapSegment";
import type { RuleGroup } from "../../bindings/RuleGroup";
import type { SegmentSummary } from "../../bindings/SegmentSummary";

const membership = (id: number, operator: "in" | "notIn") => ({ field: "segment", operator, value: id });

/** "In A and in B" (docs/segment-rules.md, membership rules). */
export function bothRules(a: number, b: number): RuleGroup {
  return { combinator: "and", not: false, rules: [membership(a, "in"), membership(b, "in")] };
}

/** Leads in every segment of `members` and in none of the other `chosen` ones. */
export function exactRules(members: number[], chosen: number[]): RuleGroup {
  const inside = new Set(members);
  return {
    combinator: "and",
    not: false,
    rules: [
      ...members.map((id) => membership(id, "in")),
      ...chosen.filter((id) => !inside.has(id)).map((id) => membership(id, "notIn")),
    ],
  };
}

/** The builder's title for an exact combination: "In A, B and C only". */
export function exactName(names: string[]): string {
  if (names.length <= 1) return `In ${names[0] ?? "none"} only`;
  return `In ${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} only`;
}

/**
 * The segments chosen when the user has not chosen: every segment of the
 * user's own, or every built-in one when there are none (as the CLI does).
 */
export function defaultChoice(segments: SegmentSummary[]): number[] {
  const own = segments.filter((s) => !s.segment.is_builtin);
  return (own.length ? own : segments).map((s) => s.segment.id);
}

/** A remembered or requested choice, kept to the segments that still exist, in the list's order. */
export function keepExisting(ids: number[], segments: SegmentSummary[]): number[] {
  const wanted = new Set(ids);
  return segments.filter((s) => wanted.has(s.segment.id)).map((s) => s.segment.id);
}

/** One matrix row: the row's segment and its cells, column by column. */
export type MatrixRow = { segment: OverlapSegment; cells: OverlapCell[] };

/** The counted segments and the matrix, row by row, in the report's order. */
export function matrixOf(report: OverlapReport): { columns: OverlapSegment[]; rows: MatrixRow[] } {
  const columns = report.segments.filter((s) => s.count !== null);
  const rows = columns.map((segment) => ({
    segment,
    cells: columns.map(
      (column) =>
        report.cells.find((c) => c.row === segment.id && c.column === column.id) ?? {
          row: segment.id,
          column: column.id,
          count: 0,
          share_of_row: 0,
        },
    ),
  }));
  return { columns, rows };
}

/** A share (0 to 1) as a percentage with at most one decimal: "12.5%", "100%". */
export function formatShare(share: number): string {
  const percent = Math.round(share * 1000) / 10;
  return `${percent}%`;
}

const LOW = [240, 253, 250]; // #f0fdfa
const HIGH = [20, 184, 166]; // #14b8a6, a lighter tone of the accent

/** The heatmap colour of a share: from pale to teal, light enough for dark text throughout. */
export function shareColor(share: number): string {
  const t = Math.min(1, Math.max(0, share));
  const channel = (i: number) => Math.round(LOW[i] + (HIGH[i] - LOW[i]) * t);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

/** Text on every share's colour: near-black, at least 6:1 against the darkest (WCAG AA). */
export const SHARE_TEXT_COLOR = "#1f2430";
