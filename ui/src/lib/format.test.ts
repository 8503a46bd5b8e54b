import { describe, expect, it } from "vitest";
import { formatCell, formatCount, formatDate, humanize } from "./format";

describe("formatCell", () => {
  it("shows empty values as blank", () => {
    expect(formatCell(null, "text")).toBe("");
    expect(formatCell(undefined, "number")).toBe("");
  });
  it("formats numbers, booleans and lists", () => {
    expect(formatCell(1234567.891, "number")).toBe("1,234,567.89");
    expect(formatCell(true, "boolean")).toBe("Yes");
    expect(formatCell(false, "boolean")).toBe("No");
    expect(formatCell(["AWS", "Stripe"], "list")).toBe("AWS, Stripe");
  });
  it("formats dates and leaves text alone", () => {
    expect(formatCell("2026-03-01T00:00:00Z", "date")).toBe("2026-03-01");
    expect(formatCell("2026-03-01T14:05:09Z", "date")).toBe("2026-03-01 14:05");
    expect(formatCell("München", "text")).toBe("München");
  });
});

describe("helpers", () => {
  it("keeps unparseable dates as they are", () => {
    expect(formatDate("yesterday")).toBe("yesterday");
  });
  it("counts with separators", () => {
    expect(formatCount(1000000)).toBe("1,000,000");
  });
  it("humanizes keys", () => {
    expect(humanize("page_view")).toBe("Page view");
  });
});
