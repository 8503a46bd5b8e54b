// Column targets of the import wizard as <select> values and back. Pure
// functions, unit-tested.
import type { ColumnMapping } from "../bindings/ColumnMapping";
import type { ColumnTarget } from "../bindings/ColumnTarget";
import type { FieldType } from "../bindings/FieldType";

/** A field key for a header, as the backend would suggest it (lower snake case, ASCII). */
export function slugKey(header: string): string {
  const ascii = header
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);
  if (!ascii) return "field";
  return /^[a-z]/.test(ascii) ? ascii : `f_${ascii}`.slice(0, 64);
}

export function encodeTarget(target: ColumnTarget): string {
  switch (target.kind) {
    case "skip":
      return "skip";
    case "field":
      return `field:${target.key}`;
    case "new_field":
      return `new:${target.key}`;
    case "event_lead_email":
      return "event:lead_email";
    case "event_lead_external_id":
      return "event:lead_external_id";
    case "event_type":
      return "event:type";
    case "event_time":
      return "event:time";
    case "event_property":
      return "event:property";
  }
}

export function decodeTarget(value: string, column: ColumnMapping, inferred: FieldType): ColumnTarget {
  if (value === "skip") return { kind: "skip" };
  if (value.startsWith("field:")) return { kind: "field", key: value.slice("field:".length) };
  if (value === "new" || value.startsWith("new:")) {
    if (column.target.kind === "new_field") return column.target;
    return { kind: "new_field", key: slugKey(column.header), label: column.header, field_type: inferred, category: "demographic" };
  }
  switch (value) {
    case "event:lead_email":
      return { kind: "event_lead_email" };
    case "event:lead_external_id":
      return { kind: "event_lead_external_id" };
    case "event:type":
      return { kind: "event_type" };
    case "event:time":
      return { kind: "event_time" };
    default:
      return { kind: "event_property", name: slugKey(column.header) };
  }
}
