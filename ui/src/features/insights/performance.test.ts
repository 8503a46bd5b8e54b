// Unit tests of the Performance and Actions tabs' helpers and of the
// period/outcome bar's logic: presets, the field outcome, what blocks a
// measurement, verdicts and labels.
import { describe, expect, it } from "vitest";

import type { ActionPrediction } from "../../bindings/ActionPrediction";
import { actionLabel, actionRules, liftScale } from "./ActionsTab";
import { lastDays, outcomeFieldRule, presetOf, settingsProblem, withFieldRule } from "./AnalysisSettings";
import { interval, liftText, money, percent, verdict } from "./performanceFormat";

const purchase = { event_types: ["purchase"], rules: null };

function action(event_type: string, at_least: number, lift: number | null): ActionPrediction {
  const rate = { successes: 1, trials: 2, rate: 0.5, low: 0.1, high: 0.9 };
  return { event_type, at_least, did: rate, did_not: rate, lift, distinguishable: false };
}

describe("the period and outcome bar", () => {
  it("computes the presets with today included and recognises them", () => {
    const today = new Date("2026-11-29T15:00:00Z");
    expect(lastDays(90, today)).toEqual({ from: "2026-09-01", to: "2026-11-29" });
    expect(lastDays(30, today)).toEqual({ from: "2026-10-31", to: "2026-11-29" });
    expect(presetOf({ from: "2026-09-01", to: "2026-11-29" }, today)).toBe("90");
    expect(presetOf({ from: "2026-09-02", to: "2026-11-29" }, today)).toBe("custom");
  });

  it("keeps a field outcome as one `field = value` rule", () => {
    const outcome = withFieldRule(purchase, "converted", "1");
    expect(outcome.rules).toEqual({
      combinator: "and",
      not: false,
      rules: [{ field: "converted", operator: "=", value: "1" }],
    });
    expect(outcomeFieldRule(outcome)).toEqual({ field: "converted", value: "1" });
    expect(withFieldRule(outcome, "", "").rules).toBeNull();
    expect(outcomeFieldRule(purchase)).toBeNull();
  });

  it("says what keeps the settings from being measured", () => {
    expect(settingsProblem({ from: "2026-01-01", to: "2026-03-31", outcome: purchase })).toBeNull();
    expect(settingsProblem({ from: "", to: "2026-03-31", outcome: purchase })).toMatch(/both dates/);
    expect(settingsProblem({ from: "2026-04-01", to: "2026-03-31", outcome: purchase })).toMatch(/earlier date/);
    const nothing = { event_types: [], rules: null };
    expect(settingsProblem({ from: "2026-01-01", to: "2026-03-31", outcome: nothing })).toMatch(/at least one/);
    const emptyField = withFieldRule(nothing, "converted", " ");
    expect(settingsProblem({ from: "2026-01-01", to: "2026-03-31", outcome: emptyField })).toMatch(/value/);
  });
});

describe("formatting and verdicts", () => {
  it("formats rates, intervals, lifts and money", () => {
    const rate = { successes: 81, trials: 263, rate: 81 / 263, low: 0.2553, high: 0.3662 };
    expect(percent(rate.rate)).toBe("30.8%");
    expect(interval(rate)).toBe("25.5–36.6%");
    expect(liftText(3.1849)).toBe("3.18×");
    expect(liftText(null)).toBe("–");
    expect(money(9195188.4)).toBe("9,195,188");
  });

  it("calls a rate higher or lower only when it is distinguishable", () => {
    expect(verdict(true, 0.3, 0.15)).toBe("higher");
    expect(verdict(true, 0.05, 0.15)).toBe("lower");
    expect(verdict(false, 0.3, 0.15)).toBe("same");
  });
});

describe("actions", () => {
  it("labels thresholds and builds the segment rules of an action", () => {
    expect(actionLabel(action("trial_start", 1, 3))).toBe("trial_start");
    expect(actionLabel(action("trial_start", 2, 3))).toBe("trial_start, at least twice");
    expect(actionRules(action("download", 2, 1)).rules[0]).toEqual({
      field: "event",
      operator: "performed",
      value: { type: "download", min: 2, max: null },
    });
  });

  it("scales lift bars to the largest lift, at least 2×", () => {
    expect(liftScale([action("a", 1, 0.5), action("b", 1, 1.2)])).toBe(2);
    expect(liftScale([action("a", 1, 3.5), action("b", 1, null)])).toBe(3.5);
  });
});
