// Column targets of the import wizard as <select> values and back. Pure
// functions, unit-tested.
import type { ColumnMapping } from "../../bindings/ColumnMapping";
import type { ColumnProfile } from "../../bindings/ColumnProfile";
import type { ColumnSuggestion } from "../../bindings/ColumnSuggestion";
import type { ColumnTarget } from "../../bindings/ColumnTarget";

/**
 * What decodeTarget needs from the inspection's suggestion for a column. The
 * new-field key and the event property name come from the backend, which
 * defines them once (unique among the columns and the catalogue).
 */
export type TargetHints = Pick<ColumnSuggestion, "suggested_key" | "suggested_property"> & {
  profile: Pick<ColumnProfile, "field_type">;
};

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

export function decodeTarget(value: string, column: ColumnMapping, hints: TargetHints | undefined): ColumnTarget {
  if (value === "skip") return { kind: "skip" };
  if (value.startsWith("field:")) return { kind: "field", key: value.slice("field:".length) };
  if (value === "new" || value.startsWith("new:")) {
    if (column.target.kind === "new_field") return column.target;
    return {
      kind: "new_field",
      key: hints?.suggested_key ?? "field",
      label: column.header,
      field_type: hints?.profile.field_type ?? "text",
      category: "demographic",
    };
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
      return { kind: "event_property", name: hints?.suggested_property ?? "property" };
  }
}
