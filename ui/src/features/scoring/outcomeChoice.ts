// What counts as a conversion when a model is proven or points are
// suggested: events in a window after a date (history) or an outcome field
// (`FIELD[=VALUE]`, as `leadstream score evaluate --outcome-field` takes it);
// and which saved models got points from suggestions (their evaluation
// defaults to the held-out half).

import { daysBefore } from "./backtestFormat";

export type OutcomeKind = "events" | "field";

export type OutcomeState = {
  kind: OutcomeKind;
  /** History: YYYY-MM-DD. */
  at: string;
  windowText: string;
  types: string[];
  /** Field: a field key, "" when none is chosen. */
  field: string;
  /** Field: the value that counts; blank for a yes/no or 0/1 field. */
  value: string;
};

/** `FIELD=VALUE`, or the bare field when no value is given; null without a field. */
/** The outcome asked first: a purchase in the 60 days after a date 90 days ago (as the back-test's defaults). */
export const defaultOutcome = (today: Date = new Date()): OutcomeState => ({
  kind: "events",
  at: daysBefore(today, 90),
  windowText: "60",
  types: ["purchase"],
  field: "",
  value: "",
});

export function fieldSpec(field: string, value: string): string | null {
  const key = field.trim();
  if (key === "") return null;
  const wanted = value.trim();
  return wanted === "" ? key : `${key}=${wanted}`;
}

/** What is missing before the core can be asked, or null when the outcome is complete. */
export function outcomeProblem(outcome: OutcomeState): string | null {
  if (outcome.kind === "field") {
    return fieldSpec(outcome.field, outcome.value) === null ? "Choose the field that says who converted." : null;
  }
  const windowDays = Number(outcome.windowText);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(outcome.at)) return "Choose a date.";
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3650) return "Choose a window of 1 to 3650 days.";
  if (outcome.types.length === 0) return "Choose at least one outcome event type.";
  return null;
}

const SUGGESTED_KEY = "leadstream.scoring.suggested-models";

type Store = Pick<Storage, "getItem" | "setItem">;

const defaultStore = (): Store | null => (typeof localStorage === "undefined" ? null : localStorage);

/** The ids of the saved models that took points from suggestions. */
export function suggestedModels(store: Store | null = defaultStore()): number[] {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(SUGGESTED_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((n): n is number => typeof n === "number") : [];
  } catch {
    return [];
  }
}

/** Records that model `id` took points from suggestions. */
export function markSuggested(id: number, store: Store | null = defaultStore()) {
  const ids = suggestedModels(store);
  if (!ids.includes(id)) store?.setItem(SUGGESTED_KEY, JSON.stringify([...ids, id]));
}
