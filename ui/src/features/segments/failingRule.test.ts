import { describe, expect, it } from "vitest";

import { IpcError } from "../../lib/ipc";
import { parseRulePath, ruleFailureOf, samePath } from "./failingRule";

describe("parseRulePath", () => {
  it("reads nested rule paths", () => {
    expect(parseRulePath("root.rules[1].rules[0]")).toEqual([1, 0]);
    expect(parseRulePath("root.rules[12]")).toEqual([12]);
    expect(parseRulePath("root")).toEqual([]);
  });
  it("refuses what is not a rule path", () => {
    expect(parseRulePath("rules[1]")).toBeNull();
    expect(parseRulePath("root.rules[x]")).toBeNull();
  });
});

describe("ruleFailureOf", () => {
  it("takes the path and message of a backend error", () => {
    const error = new IpcError("segment_preview", {
      kind: "invalid_rule",
      message: "bad value",
      rule_path: "root.rules[0]",
      field: "value",
      detail: null,
    });
    expect(ruleFailureOf(error)).toEqual({ path: [0], message: "bad value" });
  });
  it("prefers what is wrong without where, since the builder shows where", () => {
    const error = new IpcError("segment_preview", {
      kind: "invalid_rule",
      message: "rule root.rules[1] (field `employees`): enter a number",
      rule_path: "root.rules[1]",
      field: "employees",
      detail: "enter a number",
    });
    expect(ruleFailureOf(error)).toEqual({ path: [1], message: "enter a number" });
  });
  it("ignores errors without a rule path", () => {
    expect(ruleFailureOf(new Error("x"))).toBeNull();
    expect(
      ruleFailureOf(new IpcError("c", { kind: "internal", message: "x", rule_path: null, field: null, detail: null })),
    ).toBeNull();
  });
  it("compares paths", () => {
    expect(samePath([1, 0], [1, 0])).toBe(true);
    expect(samePath([1], [1, 0])).toBe(false);
  });
});
