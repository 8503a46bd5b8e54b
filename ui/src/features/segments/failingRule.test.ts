import { describe, expect, it } from "vitest";

import { IpcError } from "../../lib/ipc";
import {
  describeRulePath,
  idAtPath,
  parseRulePath,
  plainRuleError,
  ruleFailureOf,
  samePath,
  untouchedRules,
} from "./failingRule";

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

const labels: Record<string, string> = { employees: "Employees", country: "Country", event: "Performed an event" };
const labelOf = (key: string) => labels[key] ?? key;
const query = {
  combinator: "and",
  rules: [
    { id: "r1", field: "employees", operator: ">=", value: "" },
    { id: "g1", combinator: "or", rules: [{ id: "r2", field: "country", operator: "=", value: "" }] },
    { id: "r3", field: "event", operator: "performed", value: { type: "download" } },
  ],
};
const ruleError = (rulePath: string, detail: string) =>
  new IpcError("segment_preview", {
    kind: "invalid_rule",
    message: `rule ${rulePath}: ${detail}`,
    rule_path: rulePath,
    field: null,
    detail,
  });

describe("plain rule errors", () => {
  it("name the rule by its position and field label, not its internal path", () => {
    expect(plainRuleError(ruleError("root.rules[0]", "enter a value"), query, labelOf)).toBe(
      "Rule 1 (Employees): enter a value",
    );
    expect(plainRuleError(ruleError("root.rules[1].rules[0]", "enter a value"), query, labelOf)).toBe(
      "Group 2, rule 1 (Country): enter a value",
    );
    expect(plainRuleError(ruleError("root.rules[1]", "empty group"), query, labelOf)).toBe("Group 2: empty group");
    expect(plainRuleError(ruleError("root.rules[2].value.where.rules[0]", "enter a value"), query, labelOf)).toBe(
      "Rule 3 (Performed an event), property filter 1: enter a value",
    );
    expect(plainRuleError(ruleError("line 1, column 5", "not valid JSON"), query, labelOf)).toBe(
      "Line 1, column 5: not valid JSON",
    );
    expect(describeRulePath([], query, labelOf)).toBe("The rules");
    // Pasted rules are not on screen yet: the error's field names the rule.
    const pasted = new IpcError("segment_parse_rules", {
      kind: "invalid_rule",
      message: "x",
      rule_path: "root.rules[0]",
      field: "employees",
      detail: "enter a number",
    });
    expect(plainRuleError(pasted, { combinator: "and", rules: [] }, labelOf)).toBe(
      "Rule 1 (Employees): enter a number",
    );
    expect(plainRuleError(new Error("offline"), query, labelOf)).toBe("offline");
  });
});

describe("untouched rules", () => {
  const withRules = (rules: unknown[]) => ({ combinator: "and", rules }) as typeof query;
  it("a rule just added is untouched until its value is edited", () => {
    const before = withRules([]);
    const added = withRules([{ id: "a", field: "country", operator: "=", value: "" }]);
    let untouched = untouchedRules(before, added, new Set());
    expect([...untouched]).toEqual(["a"]);
    // Choosing another field or operator fills a default in: still untouched.
    const otherField = withRules([{ id: "a", field: "employees", operator: ">=", value: 0 }]);
    untouched = untouchedRules(added, otherField, untouched);
    expect(untouched.has("a")).toBe(true);
    const typed = withRules([{ id: "a", field: "employees", operator: ">=", value: "" }]);
    untouched = untouchedRules(otherField, typed, untouched);
    expect(untouched.has("a")).toBe(false);
    expect(idAtPath([1, 0], query)).toBe("r2");
    expect(idAtPath([5], query)).toBeUndefined();
  });
  it("keeps the same set when nothing changed, so React sees no change", () => {
    const rules = withRules([{ id: "a", field: "country", operator: "=", value: "" }]);
    const untouched = new Set(["a"]);
    expect(untouchedRules(rules, rules, untouched)).toBe(untouched);
  });
});
