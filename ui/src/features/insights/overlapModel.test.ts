// Unit tests of the Overlap tab's rules, default choice, matrix and colours.
import { describe, expect, it } from "vitest";

import type { OverlapReport } from "../../bindings/OverlapReport";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import {
  bothRules,
  defaultChoice,
  exactName,
  exactRules,
  formatShare,
  keepExisting,
  matrixOf,
  shareColor,
} from "./overlapModel";

const summary = (id: number, is_builtin: boolean): SegmentSummary => ({
  segment: {
    id,
    name: `S${id}`,
    description: "",
    color: "#0f766e",
    folder: "",
    rules: { combinator: "and", not: false, rules: [] },
    is_builtin,
    created_at: 0,
    updated_at: 0,
  },
  count: 1,
  problem: null,
});

describe("overlap model", () => {
  it("builds the membership rules of docs/segment-rules.md", () => {
    expect(bothRules(3, 7)).toEqual({
      combinator: "and",
      not: false,
      rules: [
        { field: "segment", operator: "in", value: 3 },
        { field: "segment", operator: "in", value: 7 },
      ],
    });
    expect(exactRules([1, 2, 4], [1, 2, 3, 4, 5]).rules).toEqual([
      { field: "segment", operator: "in", value: 1 },
      { field: "segment", operator: "in", value: 2 },
      { field: "segment", operator: "in", value: 4 },
      { field: "segment", operator: "notIn", value: 3 },
      { field: "segment", operator: "notIn", value: 5 },
    ]);
    expect(exactName(["A", "B", "C"])).toBe("In A, B and C only");
  });

  it("defaults to the user's own segments, else the built-in ones", () => {
    expect(defaultChoice([summary(1, true), summary(30, false), summary(31, false)])).toEqual([30, 31]);
    expect(defaultChoice([summary(1, true), summary(2, true)])).toEqual([1, 2]);
    expect(keepExisting([31, 99, 1], [summary(1, true), summary(30, false), summary(31, false)])).toEqual([1, 31]);
  });

  it("lays the matrix out row by row and leaves out what cannot be counted", () => {
    const report: OverlapReport = {
      as_of: 0,
      total_leads: 10,
      segments: [
        { id: 1, name: "A", color: "#000000", is_builtin: false, count: 4, problem: null },
        { id: 2, name: "B", color: "#000000", is_builtin: false, count: null, problem: "broken" },
        { id: 3, name: "C", color: "#000000", is_builtin: false, count: 2, problem: null },
      ],
      cells: [
        { row: 1, column: 1, count: 4, share_of_row: 1 },
        { row: 1, column: 3, count: 1, share_of_row: 0.25 },
        { row: 3, column: 1, count: 1, share_of_row: 0.5 },
        { row: 3, column: 3, count: 2, share_of_row: 1 },
      ],
      intersections: [],
      combinations_of_three_or_more: 0,
    };
    const { columns, rows } = matrixOf(report);
    expect(columns.map((c) => c.id)).toEqual([1, 3]);
    expect(rows[1].cells.map((c) => c.count)).toEqual([1, 2]);
    expect(formatShare(0.25)).toBe("25%");
    expect(formatShare(1 / 3)).toBe("33.3%");
  });

  it("colours shares from pale to teal", () => {
    expect(shareColor(0)).toBe("rgb(240, 253, 250)");
    expect(shareColor(1)).toBe("rgb(20, 184, 166)");
    expect(shareColor(0.5)).toBe("rgb(130, 219, 208)");
  });
});
