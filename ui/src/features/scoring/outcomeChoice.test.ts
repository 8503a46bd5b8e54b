// Tests of the outcome choice's pure logic: the field spec, what is missing,
// and the record of models that took suggested points.
import { describe, expect, it } from "vitest";

import { fieldSpec, markSuggested, outcomeProblem, suggestedModels, type OutcomeState } from "./outcomeChoice";

const history: OutcomeState = {
  kind: "events",
  at: "2026-01-01",
  windowText: "60",
  types: ["purchase"],
  field: "",
  value: "",
};

function memoryStore() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe("fieldSpec", () => {
  it("joins a field and a value as the CLI's --outcome-field", () => {
    expect(fieldSpec("lifecycle_stage", " Customer ")).toBe("lifecycle_stage=Customer");
  });
  it("keeps a bare field for a yes/no or 0/1 flag", () => {
    expect(fieldSpec("converted", "  ")).toBe("converted");
  });
  it("has nothing without a field", () => {
    expect(fieldSpec(" ", "Customer")).toBeNull();
  });
});

describe("outcomeProblem", () => {
  it("accepts a complete history outcome", () => {
    expect(outcomeProblem(history)).toBeNull();
  });
  it("asks for a date, a window in range and an event type", () => {
    expect(outcomeProblem({ ...history, at: "2026-1-1" })).toBe("Choose a date.");
    expect(outcomeProblem({ ...history, windowText: "0" })).toMatch(/window/);
    expect(outcomeProblem({ ...history, windowText: "3651" })).toMatch(/window/);
    expect(outcomeProblem({ ...history, windowText: "2.5" })).toMatch(/window/);
    expect(outcomeProblem({ ...history, types: [] })).toMatch(/event type/);
  });
  it("asks for a field when the outcome is a field, whatever the dates", () => {
    expect(outcomeProblem({ ...history, kind: "field", at: "" })).toMatch(/field/);
    expect(outcomeProblem({ ...history, kind: "field", at: "", field: "converted" })).toBeNull();
  });
});

describe("suggested models", () => {
  it("records each model once and reads them back", () => {
    const store = memoryStore();
    expect(suggestedModels(store)).toEqual([]);
    markSuggested(3, store);
    markSuggested(3, store);
    markSuggested(7, store);
    expect(suggestedModels(store)).toEqual([3, 7]);
  });
  it("reads a damaged record as none", () => {
    const store = memoryStore();
    store.setItem("leadstream.scoring.suggested-models", "{not json");
    expect(suggestedModels(store)).toEqual([]);
  });
});
