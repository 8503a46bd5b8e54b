import { describe, expect, it } from "vitest";
import type { ColumnMapping } from "../bindings/ColumnMapping";
import { decodeTarget, encodeTarget, slugKey } from "./importTargets";

const column: ColumnMapping = {
  index: 0,
  header: "Année de naissance",
  target: { kind: "skip" },
  date_format: null,
  number_style: null,
};

describe("import targets", () => {
  it("round-trips every target through the select value", () => {
    for (const target of [
      { kind: "skip" },
      { kind: "field", key: "email" },
      { kind: "event_lead_email" },
      { kind: "event_type" },
      { kind: "event_time" },
    ] as const) {
      expect(decodeTarget(encodeTarget(target), column, "text")).toEqual(target);
    }
  });
  it("makes a new field from the header", () => {
    expect(decodeTarget("new", column, "number")).toEqual({
      kind: "new_field",
      key: "annee_de_naissance",
      label: "Année de naissance",
      field_type: "number",
      category: "demographic",
    });
  });
  it("slugs keys like the backend", () => {
    expect(slugKey("Number of Employees")).toBe("number_of_employees");
    expect(slugKey("2nd choice")).toBe("f_2nd_choice");
    expect(slugKey("!!!")).toBe("field");
  });
});
