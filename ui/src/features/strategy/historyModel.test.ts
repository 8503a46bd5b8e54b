// The History tab's pure parts: default diff dates, date checks, labels.
import { describe, expect, it } from "vitest";

import type { HistoryPoint } from "../../bindings/HistoryPoint";
import { defaultRange, isDate, reasonLabel } from "./historyModel";

const point = (taken_at: string, extra: Partial<HistoryPoint> = {}): HistoryPoint => ({
  snapshot_id: 1,
  taken_at,
  reason: "daily",
  import: null,
  count: 10,
  joined: null,
  left: null,
  rules_changed: false,
  problem: null,
  ...extra,
});

describe("defaultRange", () => {
  it("spans up to 30 days back from the last recorded snapshot", () => {
    const points = [
      point("2026-09-01T00:00:00Z"),
      point("2026-10-20T09:00:00Z"),
      point("2026-10-25T09:00:00Z"),
      point("2026-11-19T09:00:00Z"),
      point("2026-11-20T09:00:00Z", { count: null, problem: "no such field" }),
    ];
    expect(defaultRange(points)).toEqual({ from: "2026-10-20", to: "2026-11-19" });
  });
  it("is null without a recorded snapshot", () => {
    expect(defaultRange([])).toBeNull();
  });
});

describe("isDate", () => {
  it("accepts only whole, real dates", () => {
    expect(isDate("2026-02-28")).toBe(true);
    expect(isDate("2026-02-30")).toBe(false);
    expect(isDate("2026-2-1")).toBe(false);
  });
});

describe("reasonLabel", () => {
  it("names the import and what changed", () => {
    expect(
      reasonLabel(point("2026-11-01T00:00:00Z", { reason: "import", import: "#3 “a.csv”", rules_changed: true })),
    ).toBe("import #3 “a.csv”; rules changed");
  });
});
