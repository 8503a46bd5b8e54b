// How cell values are shown: numbers with separators, dates in the user's
// locale, booleans as Yes/No, lists joined. Pure functions, unit-tested.
import type { CellValue } from "../bindings/CellValue";
import type { FieldType } from "../bindings/FieldType";

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export function formatCell(value: CellValue | null | undefined, type: FieldType): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return numberFormat.format(value);
  if (type === "date") return formatDate(value);
  return value;
}

/** An ISO-8601 UTC timestamp as a short UTC date (and time when not midnight). */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 16);
  return time && time !== "00:00" ? `${day} ${time}` : day;
}

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** Event types such as `page_view` as "Page view". */
export function humanize(key: string): string {
  const words = key.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const CATEGORY_LABELS: Record<string, string> = {
  demographic: "Demographic",
  geographic: "Geographic",
  firmographic: "Firmographic",
  psychographic: "Psychographic",
  behavioral: "Behavioral",
  needs_based: "Needs-based",
  technographic: "Technographic",
};
