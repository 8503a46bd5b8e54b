import { describe, expect, it } from "vitest";
import type { ColumnMapping } from "../bindings/ColumnMapping";
import { MANY_NEW_FIELDS, needsNewFieldConfirmation, newFieldCount, skipNewFields } from "./newFields";

const newField = (index: number, key = `extra_${index}`): ColumnMapping => ({
  index,
  header: `Extra ${index}`,
  target: { kind: "new_field", key, label: `Extra ${index}`, field_type: "text", category: "demographic" },
  date_format: null,
  number_style: null,
});
const email: ColumnMapping = {
  index: 0,
  header: "Email",
  target: { kind: "field", key: "email" },
  date_format: null,
  number_style: null,
};

describe("new custom fields of an import", () => {
  it("counts distinct new fields only", () => {
    expect(newFieldCount([email, newField(1), newField(2), newField(3, "extra_1")])).toBe(2);
    expect(newFieldCount([email])).toBe(0);
  });
  it("asks for confirmation from the threshold on", () => {
    const columns = (n: number) => [email, ...Array.from({ length: n }, (_, i) => newField(i + 1))];
    expect(MANY_NEW_FIELDS).toBe(100);
    expect(needsNewFieldConfirmation(columns(MANY_NEW_FIELDS - 1))).toBe(false);
    expect(needsNewFieldConfirmation(columns(MANY_NEW_FIELDS))).toBe(true);
    expect(needsNewFieldConfirmation(columns(2_000))).toBe(true);
  });
  it("skips every new field and keeps the rest", () => {
    const skipped = skipNewFields([email, newField(1), newField(2)]);
    expect(skipped.map((c) => c.target.kind)).toEqual(["field", "skip", "skip"]);
    expect(newFieldCount(skipped)).toBe(0);
    expect(skipped[0]).toBe(email);
  });
});
