import { describe, expect, it } from "vitest";
import type { RuleGroupType } from "react-querybuilder";

import type { ExplainNode } from "../bindings/ExplainNode";
import type { Field } from "../bindings/Field";
import { OPERATOR_CATALOGUE, PROPERTY_OPERATORS } from "../bindings/OperatorCatalogue";
import type { OperatorSet } from "../bindings/OperatorSet";
import type { SegmentSummary } from "../bindings/SegmentSummary";
import type { SegmentTemplate } from "../bindings/SegmentTemplate";
import {
  availableBehaviours,
  behaviourKey,
  numberHint,
  numberInputValue,
  reversedPairNote,
  buildFieldOptions,
  cleanBehaviour,
  coerceValue,
  csvFileName,
  defaultOperatorFor,
  defaultValue,
  fieldKinds,
  flattenExplanation,
  fromRuleGroup,
  groupSegments,
  isAsOfDate,
  isNumericPropertyOperator,
  isOperator,
  operatorLabel,
  normalizeQuery,
  operatorsFor,
  propertyText,
  propertyValue,
  shareText,
  shiftDate,
  toRuleGroup,
  valueShape,
  type DefaultHints,
} from "./segmentRules";

const field = (key: string, type: Field["type"], category: Field["category"]): Field => ({
  key,
  label: key.replace(/_/g, " "),
  type,
  origin: "explicit",
  category,
  is_standard: true,
  is_computed: false,
});

const FIELDS: Field[] = [
  field("employees", "number", "firmographic"),
  field("first_name", "text", "demographic"),
  field("country", "text", "geographic"),
  field("technologies", "list", "technographic"),
  field("created_at", "date", "behavioral"),
  field("company", "text", "firmographic"),
];

const HINTS: DefaultHints = { today: "2026-03-15", eventType: "page_view", segmentId: 4 };

describe("buildFieldOptions", () => {
  it("groups fields by category in the segmentation order, then behaviour and segments", () => {
    const groups = buildFieldOptions(FIELDS);
    expect(groups.map((g) => g.label)).toEqual([
      "Demographic",
      "Geographic",
      "Firmographic",
      "Behavioral",
      "Technographic",
      "Behaviour",
      "Segments",
    ]);
    expect(groups[2].options.map((o) => o.name)).toEqual(["employees", "company"]);
    expect(groups[2].options[0]).toEqual({ name: "employees", value: "employees", label: "employees", kind: "number" });
    expect(groups[5].options).toEqual([{ name: "event", value: "event", label: "Performed an event", kind: "event" }]);
    expect(groups[6].options[0]).toMatchObject({ name: "segment", label: "Member of segment", kind: "segment" });
  });

  it("knows the kind of every key, special fields included", () => {
    const kinds = fieldKinds(FIELDS);
    expect(kinds.get("technologies")).toBe("list");
    expect(kinds.get("event")).toBe("event");
    expect(kinds.get("segment")).toBe("segment");
    expect(kinds.get("nope")).toBeUndefined();
  });
});

describe("operators", () => {
  const sets: OperatorSet[] = [
    { field_type: "boolean", operators: ["=", "!=", "null", "notNull"] },
    { field_type: "date", operators: ["<", "inLast"] },
  ];
  it("come from the backend's sets, with readable labels", () => {
    expect(operatorsFor("boolean", sets).map((o) => o.label)).toEqual(["is", "is not", "is empty", "is not empty"]);
    expect(operatorsFor("date", sets).map((o) => o.label)).toEqual(["is before", "is in the last"]);
    expect(operatorsFor("event", sets).map((o) => o.name)).toEqual(["performed", "notPerformed"]);
    expect(operatorsFor("segment", sets).map((o) => o.label)).toEqual(["is a member of", "is not a member of"]);
    expect(operatorsFor("number", sets)).toEqual([]);
  });
  it("default to one that takes a simple valid value", () => {
    expect(defaultOperatorFor("date")).toBe("inLast");
    expect(defaultOperatorFor("event")).toBe("performed");
    expect(defaultOperatorFor("segment")).toBe("in");
    expect(defaultOperatorFor("text")).toBe("=");
  });
});

describe("default values", () => {
  it("fit the shape of each type and operator", () => {
    expect(valueShape("text", "notNull")).toBe("none");
    expect(defaultValue("text", "null", HINTS)).toBeNull();
    expect(defaultValue("number", ">=", HINTS)).toBe(0);
    expect(defaultValue("number", "between", HINTS)).toEqual([0, 100]);
    expect(defaultValue("date", "between", HINTS)).toEqual(["2026-02-13", "2026-03-15"]);
    expect(defaultValue("date", "<", HINTS)).toBe("2026-03-15");
    expect(defaultValue("date", "inLast", HINTS)).toEqual({ amount: 30, unit: "days" });
    expect(defaultValue("boolean", "=", HINTS)).toBe(true);
    expect(defaultValue("event", "performed", HINTS)).toEqual({ type: "page_view" });
    expect(defaultValue("segment", "in", HINTS)).toBe(4);
  });
  it("use the most common value of enum-like fields", () => {
    const hints = { ...HINTS, values: ["Germany", "France"] };
    expect(defaultValue("text", "=", hints)).toBe("Germany");
    expect(defaultValue("text", "in", hints)).toEqual(["Germany"]);
    expect(defaultValue("text", "in", HINTS)).toEqual([]);
    expect(defaultValue("text", "=", HINTS)).toBe("");
  });
  it("accept as-of dates only as real YYYY-MM-DD dates, or empty for now", () => {
    expect(isAsOfDate("")).toBe(true);
    expect(isAsOfDate(" 2026-02-28 ")).toBe(true);
    expect(isAsOfDate("2026-02-30")).toBe(false);
    expect(isAsOfDate("2026-2-3")).toBe(false);
    expect(isAsOfDate("2026")).toBe(false);
  });
  it("shift dates across month ends", () => {
    expect(shiftDate("2026-03-01", 1)).toBe("2026-02-28");
  });
});

describe("coerceValue", () => {
  it("keeps values that already fit, by identity", () => {
    const list = ["a", "b"];
    expect(coerceValue("text", "in", list, HINTS)).toBe(list);
    const span = { amount: 2, unit: "weeks" };
    expect(coerceValue("date", "inLast", span, HINTS)).toBe(span);
    expect(coerceValue("text", "contains", "abc", HINTS)).toBe("abc");
  });
  it("carries values over when the operator changes", () => {
    expect(coerceValue("text", "in", "Germany", HINTS)).toEqual(["Germany"]);
    expect(coerceValue("text", "notIn", "a, b,", HINTS)).toEqual(["a", "b"]);
    expect(coerceValue("text", "=", ["Germany", "France"], HINTS)).toBe("Germany");
    expect(coerceValue("number", "between", 5, HINTS)).toEqual([5, 5]);
    expect(coerceValue("number", "between", [5], HINTS)).toEqual([5, 100]);
    expect(coerceValue("boolean", "=", "false", HINTS)).toBe(false);
    expect(coerceValue("segment", "in", "12", HINTS)).toBe(12);
  });
  it("falls back to valid defaults", () => {
    expect(coerceValue("date", "inLast", "2026-01-01", HINTS)).toEqual({ amount: 30, unit: "days" });
    expect(coerceValue("date", "<", { amount: 3, unit: "days" }, HINTS)).toBe("2026-03-15");
    expect(coerceValue("text", "notNull", "x", HINTS)).toBeNull();
    expect(coerceValue("event", "performed", "", HINTS)).toEqual({ type: "page_view" });
    expect(coerceValue("date", "inLast", { amount: 3, unit: "years" }, HINTS)).toEqual({ amount: 30, unit: "days" });
  });
});

describe("normalizeQuery", () => {
  const kinds = fieldKinds(FIELDS);
  const kindOf = (key: string) => kinds.get(key);
  it("returns the same query when every value fits", () => {
    const query: RuleGroupType = {
      combinator: "and",
      rules: [
        { field: "country", operator: "=", value: "Germany" },
        { combinator: "or", rules: [{ field: "employees", operator: "between", value: [1, 9] }] },
      ],
    };
    expect(normalizeQuery(query, kindOf, () => HINTS)).toBe(query);
  });
  it("fixes only the rules whose value no longer fits, nested ones included", () => {
    const untouched = { field: "country", operator: "=", value: "Germany" };
    const query: RuleGroupType = {
      combinator: "and",
      rules: [
        untouched,
        { combinator: "or", rules: [{ id: "r2", field: "created_at", operator: "inLast", value: "" }] },
      ],
    };
    const next = normalizeQuery(query, kindOf, () => HINTS);
    expect(next).not.toBe(query);
    expect(next.rules[0]).toBe(untouched);
    expect(next.rules[1]).toEqual({
      combinator: "or",
      rules: [{ id: "r2", field: "created_at", operator: "inLast", value: { amount: 30, unit: "days" } }],
    });
  });
});

describe("rule JSON", () => {
  it("passes react-querybuilder's query through, making `not` explicit", () => {
    const query: RuleGroupType = {
      id: "g1",
      combinator: "or",
      rules: [
        { id: "r1", field: "country", operator: "in", value: ["DE"], valueSource: "value" },
        { combinator: "and", rules: [] },
      ],
    };
    expect(toRuleGroup(query)).toEqual({
      id: "g1",
      combinator: "or",
      not: false,
      rules: [
        { id: "r1", field: "country", operator: "in", value: ["DE"], valueSource: "value" },
        { combinator: "and", not: false, rules: [] },
      ],
    });
    expect(toRuleGroup(fromRuleGroup(toRuleGroup(query)))).toEqual(toRuleGroup(query));
  });
});

describe("behaviour values", () => {
  it("leave out empty optional keys", () => {
    expect(
      cleanBehaviour({
        type: "download",
        min: null,
        max: undefined,
        inLast: null,
        where: { combinator: "and", not: false, rules: [] },
      }),
    ).toEqual({
      type: "download",
    });
    expect(Object.keys(cleanBehaviour({ type: "x", min: Number.NaN }))).toEqual(["type"]);
  });
  it("keep the ones that are set, as whole counts", () => {
    const where = {
      combinator: "and" as const,
      not: false,
      rules: [{ field: "asset", operator: "notNull", value: null }],
    };
    expect(
      cleanBehaviour({ type: "page_view", min: 3, max: 5.7, inLast: { amount: 2, unit: "weeks" }, where }),
    ).toEqual({
      type: "page_view",
      min: 3,
      max: 5,
      inLast: { amount: 2, unit: "weeks" },
      where,
    });
  });
  it("type property filter values by operator", () => {
    expect(propertyValue(">=", "10")).toBe(10);
    expect(propertyValue("=", "10")).toBe("10");
    expect(propertyValue("between", "1, 5")).toEqual([1, 5]);
    expect(propertyValue("in", "a,b , ")).toEqual(["a", "b"]);
    expect(propertyValue("notNull", "x")).toBeNull();
    expect(propertyText(["a", "b"])).toBe("a, b");
    expect(propertyText(null)).toBe("");
  });
});

describe("flattenExplanation", () => {
  const node = (path: string, matched: boolean, children: ExplainNode[] = []): ExplainNode => ({
    path,
    id: null,
    description: path,
    matched,
    actual: null,
    children,
  });
  it("lists nodes depth first with their depth", () => {
    const root = node("root", false, [
      node("root.rules[0]", true),
      node("root.rules[1]", false, [node("root.rules[1].rules[0]", false)]),
    ]);
    expect(flattenExplanation(root).map((l) => [l.node.path, l.depth, l.node.matched])).toEqual([
      ["root", 0, false],
      ["root.rules[0]", 1, true],
      ["root.rules[1]", 1, false],
      ["root.rules[1].rules[0]", 2, false],
    ]);
  });
});

describe("groupSegments", () => {
  let id = 0;
  const summary = (name: string, folder: string, builtin: boolean): SegmentSummary => ({
    segment: {
      id: ++id,
      name,
      description: "",
      color: "#000000",
      folder,
      rules: { combinator: "and", not: false, rules: [] },
      is_builtin: builtin,
      created_at: 0,
      updated_at: 0,
    },
    count: 1,
    problem: null,
  });
  const template = (name: string, folder: string): SegmentTemplate => ({
    key: name,
    name,
    description: "",
    folder,
    color: "#000000",
    rules: { combinator: "and", not: false, rules: [] },
  });
  it("orders built-in folders like the templates, then user folders, then unfiled", () => {
    const templates = [template("Execs", "Persona"), template("Techs", "Persona"), template("Aware", "Buying stage")];
    const folders = groupSegments(
      [
        summary("Aware", "Buying stage", true),
        summary("Mine", "", false),
        summary("Techs", "Persona", true),
        summary("Execs", "Persona", true),
        summary("Alpha", "Persona", false),
        summary("Zeta", "Campaigns", false),
      ],
      templates,
    );
    expect(folders.map((f) => [f.name, f.items.map((i) => i.segment.name)])).toEqual([
      ["Persona", ["Execs", "Techs", "Alpha"]],
      ["Buying stage", ["Aware"]],
      ["Campaigns", ["Zeta"]],
      ["My segments", ["Mine"]],
    ]);
  });
});

describe("small formats", () => {
  it("shows shares and file names", () => {
    expect(shareText(1234, 5000)).toBe("24.7% of 5,000 leads");
    expect(shareText(1, 5000)).toBe("0.02% of 5,000 leads");
    expect(shareText(0, 0)).toBe("0.0% of 0 leads");
    expect(csvFileName("Trade-show contacts (copy)")).toBe("trade-show-contacts-copy.csv");
    expect(csvFileName("***")).toBe("segment.csv");
  });
});

describe("the operator catalogue generated from Rust", () => {
  it("labels and shapes every operator the way the builder always has", () => {
    expect(operatorLabel("!=")).toBe("is not");
    expect(operatorLabel("<", "date")).toBe("is before");
    expect(operatorLabel("in", "segment")).toBe("is a member of");
    expect(operatorLabel("notPerformed")).toBe("did not perform");
    expect(operatorLabel("~")).toBe("~");
    expect(valueShape("number", "notBetween")).toBe("pair");
    expect(valueShape("date", "inLast")).toBe("span");
    expect(valueShape("text", "notIn")).toBe("list");
    expect(valueShape("text", "doesNotContain")).toBe("scalar");
    expect(valueShape("text", "~")).toBe("scalar");
    for (const operator of Object.keys(OPERATOR_CATALOGUE)) expect(isOperator(operator)).toBe(true);
    expect(isOperator("toString")).toBe(false);
  });

  it("compares event properties as numbers only for the comparisons text lacks", () => {
    const numeric = PROPERTY_OPERATORS.filter(isNumericPropertyOperator);
    expect(numeric).toEqual(["<", "<=", ">", ">=", "between", "notBetween"]);
    expect(propertyValue("between", "1, 5")).toEqual([1, 5]);
    expect(propertyValue("in", "1, x")).toEqual(["1", "x"]);
  });
});

describe("number values and hints", () => {
  it("keeps text that is not a finite number, so the backend can say what is wrong", () => {
    expect(numberInputValue("1000")).toBe(1000);
    expect(numberInputValue("")).toBe("");
    expect(numberInputValue("1e999")).toBe("1e999");
    expect(numberInputValue("-5")).toBe(-5);
  });
  it("hints at negative counts and numbers too large to hold", () => {
    expect(numberHint("employees", "Employees", -5)).toBe("Employees is never negative: did you mean 5?");
    expect(numberHint("score", "Score", -5)).toBeNull();
    expect(numberHint("employees", "Employees", "1e999")).toBe("1e999 is too large to be a number");
    expect(numberHint("employees", "Employees", "12x")).toBe("12x is not a number");
    expect(numberHint("employees", "Employees", 1000)).toBeNull();
  });
  it("says when between bounds are reversed and how they count", () => {
    expect(reversedPairNote("number", [500, 10])).toBe("From is larger than To: counted as between 10 and 500");
    expect(reversedPairNote("number", [10, 500])).toBeNull();
    expect(reversedPairNote("number", ["", 5])).toBeNull();
    expect(reversedPairNote("date", ["2026-03-01", "2026-01-01"])).toBe(
      "From is after To: counted as between 2026-01-01 and 2026-03-01",
    );
    expect(reversedPairNote("text", ["b", "a"])).toBeNull();
  });
});

describe("common behaviours", () => {
  it("offers only those whose event type the workspace has, and recognises them", () => {
    const offered = availableBehaviours(["download", "page_view"]).map((b) => b.label);
    expect(offered).toEqual(["Downloaded a whitepaper", "Visited the pricing page"]);
    const whitepaper = availableBehaviours(["download"])[0].value;
    expect(behaviourKey({ ...whitepaper, min: 2, inLast: { amount: 30, unit: "days" } })).toBe("whitepaper");
    expect(behaviourKey({ type: "download" })).toBe("");
  });
});
