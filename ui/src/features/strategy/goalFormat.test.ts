// Tests of goals' and reviews' pure formatting.
import { describe, expect, it } from "vitest";

import { dayOf, formatMetric, isoDay, isRate, parseSubject } from "./goalFormat";

describe("goal formatting", () => {
  it("shows rates as percentages and counts as whole numbers", () => {
    expect(formatMetric("conversion-rate", 12.345)).toBe("12.3%");
    expect(formatMetric("size", 1234.4)).toBe("1,234");
    expect(isRate("emailable-share")).toBe(true);
    expect(isRate("conversions")).toBe(false);
  });

  it("reads a subject from a select value", () => {
    expect(parseSubject("segment:12")).toEqual({ kind: "segment", id: 12 });
    expect(parseSubject("stream:3")).toEqual({ kind: "stream", id: 3 });
    expect(parseSubject("")).toBeNull();
    expect(parseSubject("lead:1")).toBeNull();
  });

  it("writes UTC days", () => {
    expect(dayOf(1_790_000_000)).toBe("2026-09-21");
    expect(isoDay(new Date("2026-01-31T10:00:00Z"), 1)).toBe("2026-02-01");
  });
});
