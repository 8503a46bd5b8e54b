// Formatting and classification shared by the Performance and Actions tabs:
// percentages, intervals, lifts, money, and how a rate compares with the
// baseline ("higher", "lower" or "not yet distinguishable").
import type { Rate } from "../../bindings/Rate";

/** "15.2%" for 0.152. */
export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

/** "14.2–16.2%" for a rate's 95% interval. */
export function interval(rate: Rate): string {
  return `${(rate.low * 100).toFixed(1)}–${(rate.high * 100).toFixed(1)}%`;
}

/** "3.18×", or "–" when there is no lift (the baseline rate is 0). */
export function liftText(lift: number | null): string {
  return lift === null ? "–" : `${lift.toFixed(2)}×`;
}

/** A money amount without decimals, grouped: "9,195,188". */
export function money(amount: number): string {
  return Math.round(amount).toLocaleString("en-US");
}

/** A per-lead average with two decimals. */
export function perLead(value: number): string {
  return value.toFixed(2);
}

export type Verdict = "higher" | "lower" | "same";

/** How a rate compares with `baseline`: told apart (its interval leaves the baseline out) or not. */
export function verdict(distinguishable: boolean, rate: number, baseline: number): Verdict {
  if (!distinguishable) return "same";
  return rate > baseline ? "higher" : "lower";
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  higher: "Higher than all leads",
  lower: "Lower than all leads",
  same: "Not yet distinguishable",
};

/** Bar colours by verdict (accent, a dark amber, a light grey); all at least 3:1 on white but the grey, which is hatched. */
export const VERDICT_COLOR: Record<Verdict, string> = {
  higher: "#0f766e",
  lower: "#b45309",
  same: "#b8bdcc",
};
