// The Quality Overview's words and numbers, shared with the segment
// builder's warning: shares as percentages, what a mostly-empty field means
// for a rule on it, and the field each card's fix normalises.
import type { FieldCompleteness } from "../../bindings/FieldCompleteness";

/** A field empty for at least this share of leads is mostly empty (as in the core's report). */
export const MOSTLY_EMPTY_SHARE = 0.5;

/** 0.615 as "62%". */
export function sharePercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Is the field empty for at least half the leads (and are there leads)? */
export function isMostlyEmpty(field: FieldCompleteness): boolean {
  return field.filled + field.empty > 0 && field.empty_share >= MOSTLY_EMPTY_SHARE;
}

/** Operators that match an empty value: the complements of positive ones (docs/segment-rules.md). */
const NEGATED_OPERATORS = new Set([
  "!=",
  "doesNotContain",
  "doesNotBeginWith",
  "doesNotEndWith",
  "notBetween",
  "notIn",
  "notInLast",
]);

/** Operators meant for empty values: no warning on them. */
const EMPTINESS_OPERATORS = new Set(["null", "notNull"]);

/**
 * The warning a rule on `field` with `operator` deserves, or null: "Budget is
 * empty for 62% of leads: this rule can never match them" (a negated
 * operator matches them all instead).
 */
export function emptyFieldWarning(field: FieldCompleteness | undefined, operator: string): string | null {
  if (!field || !isMostlyEmpty(field) || EMPTINESS_OPERATORS.has(operator)) return null;
  const consequence = NEGATED_OPERATORS.has(operator)
    ? "this rule matches all of them"
    : "this rule can never match them";
  return `${field.label} is empty for ${sharePercent(field.empty_share)} of leads: ${consequence}`;
}
