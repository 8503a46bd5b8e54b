import { describe, expect, it } from "vitest";
import type { ColumnMapping } from "../../bindings/ColumnMapping";
import { decodeTarget, encodeTarget, type TargetHints } from "./importTargets";

const column: ColumnMapping = {
  index: 0,
  header: "Année de naissance",
  target: { kind: "skip" },
  date_format: null,
  number_style: null,
};

/** As the inspection suggests them for that header. */
const hints = (field_type: TargetHints["profile"]["field_type"]): TargetHints => ({
  suggested_key: "annee_de_naissance",
  suggested_property: "annee_de_naissance",
  profile: { field_type },
});

describe("import targets", () => {
  it("round-trips every target through the select value", () => {
    for (const target of [
      { kind: "skip" },
      { kind: "field", key: "email" },
      { kind: "event_lead_email" },
      { kind: "event_type" },
      { kind: "event_time" },
    ] as const) {
      expect(decodeTarget(encodeTarget(target), column, hints("text"))).toEqual(target);
    }
  });
  it("makes a new field with the key the backend suggests", () => {
    expect(decodeTarget("new", column, hints("number"))).toEqual({
      kind: "new_field",
      key: "annee_de_naissance",
      label: "Année de naissance",
      field_type: "number",
      category: "demographic",
    });
  });
  it("names an event property as the backend suggests", () => {
    expect(decodeTarget("event:property", column, hints("text"))).toEqual({
      kind: "event_property",
      name: "annee_de_naissance",
    });
  });
  it("keeps a new field the column already has", () => {
    const target = {
      kind: "new_field",
      key: "birth_year",
      label: "Year",
      field_type: "number",
      category: "demographic",
    } as const;
    expect(decodeTarget("new:birth_year", { ...column, target }, hints("text"))).toBe(target);
  });
});
