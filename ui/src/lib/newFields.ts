// How many custom fields an import would create, and the threshold at which
// the import wizard asks the user to confirm: a file with hundreds of extra
// columns (an unfiltered CRM export) would otherwise fill the field
// catalogue, the column chooser and every export.
import type { ColumnMapping } from "../bindings/ColumnMapping";

/** From this many new custom fields on, the wizard warns and asks for confirmation. */
export const MANY_NEW_FIELDS = 100;

/** The number of distinct custom fields the mapping creates. */
export function newFieldCount(columns: ColumnMapping[]): number {
  const keys = new Set<string>();
  for (const column of columns) {
    if (column.target.kind === "new_field") keys.add(column.target.key);
  }
  return keys.size;
}

/** Does this mapping create so many fields that the user must confirm? */
export function needsNewFieldConfirmation(columns: ColumnMapping[]): boolean {
  return newFieldCount(columns) >= MANY_NEW_FIELDS;
}

/** The mapping with every would-be new custom field skipped instead. */
export function skipNewFields(columns: ColumnMapping[]): ColumnMapping[] {
  return columns.map((column) =>
    column.target.kind === "new_field" ? { ...column, target: { kind: "skip" } } : column,
  );
}
