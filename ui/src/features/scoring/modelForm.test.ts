// The model editor's pure parts: a model survives the trip to the form and
// back, problems are found per rule and for the model, bands are added,
// removed and renamed as the core expects them, and core errors are placed
// beside the rule they name.
import { describe, expect, it } from "vitest";

import type { ModelDefinition } from "../../bindings/ModelDefinition";
import {
  DEFAULT_DEFINITION,
  addBand,
  editBand,
  formFingerprint,
  newRule,
  placeCoreError,
  removeBand,
  toDefinition,
  toForm,
} from "./modelForm";
import { aucReading, daysBefore } from "./backtestFormat";

const MODEL: ModelDefinition = {
  rules: [
    {
      label: "Executive",
      kind: "fit",
      when: {
        combinator: "and",
        not: false,
        rules: [{ field: "persona", operator: "=", value: "Executive" }],
      },
      points: 25,
    },
    {
      label: "Whitepaper",
      kind: "engagement",
      each: {
        type: "download",
        inLast: { amount: 2, unit: "weeks" },
        where: { combinator: "and", not: false, rules: [{ field: "asset", operator: "contains", value: "paper" }] },
      },
      points: 10,
      cap: 30,
    },
    { label: "Student", kind: "fit", when: { combinator: "and", not: false, rules: [] }, points: -15 },
  ],
  decay: { kind: "window", days: 90 },
  fit_grades: [40, 25, 10],
  engagement_grades: [50, 20, 5],
  bands: [{ name: "hot", min: 60 }, { name: "warm", min: 20 }, { name: "cold" }],
};

describe("model ⇄ form", () => {
  it("gives back the same definition, property filters and spans included", () => {
    const { definition, problems } = toDefinition(toForm("B2B", MODEL));
    expect(problems.rules.size).toBe(0);
    expect(problems.model).toEqual([]);
    expect(definition).toEqual(MODEL);
  });

  it("writes the default model as the core's default", () => {
    expect(toDefinition(toForm("", DEFAULT_DEFINITION)).definition).toEqual(DEFAULT_DEFINITION);
  });

  it("leaves the decay days out when there is no decay, and keeps them while switching", () => {
    const form = toForm("", MODEL);
    expect(toDefinition({ ...form, decayKind: "none" }).definition?.decay).toEqual({ kind: "none" });
    expect(toDefinition({ ...form, decayKind: "half_life" }).definition?.decay).toEqual({
      kind: "half_life",
      days: 90,
    });
  });

  it("names the problems of each rule and of the model", () => {
    const form = toForm("", MODEL);
    form.rules[0] = { ...form.rules[0], points: "lots" };
    form.rules[1] = { ...form.rules[1], cap: "-1" };
    form.rules.push(newRule("engagement"));
    form.rules[3].label = "Clicks";
    form.fitGrades = ["10", "20", "5"];
    const { definition, problems } = toDefinition(form);
    expect(definition).toBeNull();
    expect(problems.rules.get(0)).toMatch(/points as a number/);
    expect(problems.rules.get(1)).toMatch(/cap must be a positive/);
    expect(problems.rules.get(2)).toBeUndefined();
    expect(problems.rules.get(3)).toMatch(/event type/);
    expect(problems.model).toEqual(["The fit grade thresholds must go down from the best grade."]);
  });

  it("ignores React keys when telling whether the form changed", () => {
    const a = toForm("x", MODEL);
    const b = toForm("x", MODEL);
    expect(a.rules[0].key).not.toBe(b.rules[0].key);
    expect(formFingerprint(a)).toBe(formFingerprint(b));
    expect(formFingerprint({ ...b, name: "y" })).not.toBe(formFingerprint(a));
  });
});

describe("band editing", () => {
  const bands = () => toForm("", MODEL).bands;

  it("adds a band above the lowest, below its neighbour, and the model stays valid", () => {
    const added = addBand(bands());
    expect(added.map((b) => b.name)).toEqual(["hot", "warm", "band 4", "cold"]);
    expect(Number(added[2].min)).toBeLessThan(20);
    const { definition } = toDefinition({ ...toForm("", MODEL), bands: added });
    expect(definition?.bands.map((b) => b.min)).toEqual([60, 20, 10, undefined]);
  });

  it("removes a band; removing the lowest makes the next one take every lower score", () => {
    expect(removeBand(bands(), 1).map((b) => b.name)).toEqual(["hot", "cold"]);
    const withoutCold = removeBand(bands(), 2);
    expect(withoutCold.map((b) => [b.name, b.min])).toEqual([
      ["hot", "60"],
      ["warm", ""],
    ]);
    expect(removeBand(removeBand(withoutCold, 0), 0)).toHaveLength(1);
  });

  it("renames and moves minimums, and refuses minimums that do not go down or names used twice", () => {
    let edited = editBand(bands(), 0, { name: "sales-ready" });
    expect(toDefinition({ ...toForm("", MODEL), bands: edited }).definition?.bands[0]).toEqual({
      name: "sales-ready",
      min: 60,
    });
    edited = editBand(bands(), 1, { min: "70" });
    expect(toDefinition({ ...toForm("", MODEL), bands: edited }).problems.model).toEqual([
      "Band “warm” must start below “hot”.",
    ]);
    edited = editBand(bands(), 1, { name: "hot" });
    expect(toDefinition({ ...toForm("", MODEL), bands: edited }).problems.model).toEqual([
      "Two bands are named “hot”.",
    ]);
  });
});

describe("core errors and back-test words", () => {
  it("places an error that names a rule beside that rule", () => {
    expect(placeCoreError("scoring rule 2 (“Whitepaper”): unknown field `persna`")).toEqual({
      rule: 1,
      text: "unknown field `persna`",
    });
    expect(placeCoreError("band “hot”: minimums must be numbers, highest band first")).toEqual({
      rule: null,
      text: "band “hot”: minimums must be numbers, highest band first",
    });
  });

  it("reads the AUC in plain words and defaults the date 90 days back", () => {
    expect(aucReading(0.5)).toMatch(/^no better than chance/);
    expect(aucReading(0.8)).toMatch(/^a good signal/);
    expect(aucReading(undefined)).toMatch(/nothing to tell apart/);
    expect(daysBefore(new Date("2026-06-30T12:00:00Z"), 90)).toBe("2026-04-01");
  });
});
