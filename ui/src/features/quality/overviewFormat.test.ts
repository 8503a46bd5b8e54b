// The Overview's formatting and the builder warning's words.
import { describe, expect, it } from "vitest";

import type { FieldCompleteness } from "../../bindings/FieldCompleteness";
import { emptyFieldWarning, isMostlyEmpty, sharePercent } from "./overviewFormat";

const budget: FieldCompleteness = {
  key: "budget",
  label: "Budget",
  category: "needs_based",
  filled: 190,
  empty: 310,
  empty_share: 0.62,
};

describe("overview format", () => {
  it("writes shares as whole percentages", () => {
    expect(sharePercent(0.615)).toBe("62%");
    expect(sharePercent(0)).toBe("0%");
    expect(sharePercent(1)).toBe("100%");
  });

  it("calls a field mostly empty from half its leads", () => {
    expect(isMostlyEmpty(budget)).toBe(true);
    expect(isMostlyEmpty({ ...budget, filled: 250, empty: 250, empty_share: 0.5 })).toBe(true);
    expect(isMostlyEmpty({ ...budget, filled: 251, empty: 249, empty_share: 0.498 })).toBe(false);
    expect(isMostlyEmpty({ ...budget, filled: 0, empty: 0, empty_share: 0 })).toBe(false);
  });

  it("warns on rules that cannot match the empty leads, and says when a rule matches them all", () => {
    expect(emptyFieldWarning(budget, ">")).toBe("Budget is empty for 62% of leads: this rule can never match them");
    expect(emptyFieldWarning(budget, "notIn")).toBe("Budget is empty for 62% of leads: this rule matches all of them");
    expect(emptyFieldWarning(budget, "null")).toBeNull();
    expect(emptyFieldWarning(budget, "notNull")).toBeNull();
    expect(emptyFieldWarning({ ...budget, empty: 10, filled: 490, empty_share: 0.02 }, ">")).toBeNull();
    expect(emptyFieldWarning(undefined, ">")).toBeNull();
  });
});
