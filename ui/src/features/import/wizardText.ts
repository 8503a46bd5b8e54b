// The import wizard's words and small rules, as pure functions (unit-tested):
// line endings in plain words, whether a mapping can reach anyone by e-mail,
// what the preview says about short and long rows, typed placeholder tokens,
// the undo's question and answer, and what a running import says in each
// phase.
import type { ChangeKind } from "../../bindings/ChangeKind";
import type { ColumnMapping } from "../../bindings/ColumnMapping";
import type { ImportProgress } from "../../bindings/ImportProgress";
import type { ImportRecord } from "../../bindings/ImportRecord";
import type { LineEnding } from "../../bindings/LineEnding";
import type { RowWidths } from "../../bindings/RowWidths";
import type { UndoSummary } from "../../bindings/UndoSummary";
import { formatCount } from "../../lib/format";

const LINE_ENDINGS: Record<LineEnding, string> = {
  lf: "lines ending the Unix/Mac way (LF)",
  cr_lf: "lines ending the Windows way (CR LF)",
  cr: "lines ending the old Mac way (CR)",
  mixed: "a mix of line endings",
};

/** How the file ends its lines, in plain words. */
export function lineEndingWords(ending: LineEnding): string {
  return LINE_ENDINGS[ending] ?? ending;
}

/** Does any column go to the lead's e-mail address? */
export function mapsEmail(columns: ColumnMapping[]): boolean {
  return columns.some((c) => c.target.kind === "field" && c.target.key === "email");
}

/** "1 row" / "2,000 rows". */
export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** "line 4", "lines 4, 9 and 12", with "…" when there are more than listed. */
function lineList(lines: number[], total: number): string {
  const shown = lines.map((line) => formatCount(line));
  if (total > lines.length) return `lines ${shown.join(", ")}, … (${formatCount(total)} in all)`;
  if (shown.length === 1) return `line ${shown[0]}`;
  return `lines ${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** What the preview says about rows whose width differs from the header's. */
export function rowWidthNotes(widths: RowWidths, headerWidth: number): string[] {
  const notes: string[] = [];
  if (widths.short_rows > 0) {
    notes.push(
      `${plural(widths.short_rows, "row has", "rows have")} fewer than the header's ${headerWidth} fields ` +
        `(${lineList(widths.short_lines, widths.short_rows)}): the missing cells will be empty.`,
    );
  }
  if (widths.long_rows > 0) {
    notes.push(
      `${plural(widths.long_rows, "row has", "rows have")} more than the header's ${headerWidth} fields ` +
        `(${lineList(widths.long_lines, widths.long_rows)}): ${widths.long_rows === 1 ? "it" : "they"} will be rejected, ` +
        "as the values may be shifted.",
    );
  }
  return notes;
}

/** The tokens with `typed` added (trimmed; ignored when empty or already there, case aside). */
export function addToken(tokens: string[], typed: string): string[] {
  const token = typed.trim();
  if (!token || tokens.some((t) => t.toLowerCase() === token.toLowerCase())) return tokens;
  return [...tokens, token];
}

/** How the history names a change's kind: "Import", "Merge", "Normalisation", "Not sendable". */
export function changeKindLabel(kind: ChangeKind): string {
  switch (kind) {
    case "merge":
      return "Merge";
    case "normalise":
      return "Normalisation";
    case "unsendable":
      return "Not sendable";
    default:
      return "Import";
  }
}

/** A data-quality fix rather than an import of a file. */
export function isFix(kind: ChangeKind): boolean {
  return kind === "merge" || kind === "normalise" || kind === "unsendable";
}

/** What undoing a fix puts back, as the end of a sentence. */
function fixUndoWhat(record: ImportRecord): string {
  const c = record.counts;
  if (record.kind === "unsendable") {
    return `makes the ${plural(c.updated, "lead", "leads")} it marked sendable again`;
  }
  const parts: string[] = [];
  if (c.merged > 0) parts.push(`puts back the ${plural(c.merged, "merged lead", "merged leads")}`);
  if (c.updated > 0) parts.push(`puts back the values it changed on ${plural(c.updated, "lead", "leads")}`);
  if (parts.length === 0) return "changes nothing (it changed no lead)";
  return parts.join(" and ");
}

/** The undo's confirmation question. */
export function undoQuestion(record: ImportRecord): string {
  if (isFix(record.kind)) {
    return `Undo the ${changeKindLabel(record.kind).toLowerCase()} fix "${record.file_name}"? This ${fixUndoWhat(record)}.`;
  }
  const c = record.counts;
  const parts: string[] = [];
  if (record.kind === "events") {
    parts.push(`removes the ${plural(c.inserted, "event", "events")} it added`);
    if (c.leads_created > 0) parts.push(`the ${plural(c.leads_created, "lead", "leads")} it created`);
  } else {
    parts.push(`removes the ${plural(c.inserted, "lead", "leads")} it added`);
  }
  if (c.updated > 0) parts.push(`puts back the values it changed on ${plural(c.updated, "lead", "leads")}`);
  const what = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  return `Undo the import of ${record.file_name}? This ${what}.`;
}

/** What the undo did, in one sentence or two; `kind` is the change's (an import when absent). */
export function undoOutcome(fileName: string, summary: UndoSummary, kind: ChangeKind = "leads"): string {
  if (isFix(kind)) {
    let text = `Undid "${fileName}": put back ${plural(summary.values_restored, "value", "values")}`;
    if (summary.leads_restored > 0) {
      text += ` and restored ${plural(summary.leads_restored, "merged lead", "merged leads")}`;
    }
    return `${text}.`;
  }
  const done = [
    `removed ${plural(summary.leads_removed, "lead", "leads")}`,
    `${plural(summary.events_removed, "event", "events")}`,
  ];
  let text = `Undid the import of ${fileName}: ${done.join(" and ")}, and put back ${plural(summary.values_restored, "value", "values")}.`;
  const { removed, kept } = summary.created_fields;
  if (removed.length > 0) {
    text += ` Removed ${plural(removed.length, "field", "fields")} it created: ${removed.join(", ")}.`;
  }
  if (kept.length > 0) {
    text += ` Kept ${kept.map((k) => `${k.label} (${k.reason})`).join(", ")}.`;
  }
  return text;
}

/** Rows of erased people that an import skipped (issue 15): "2 skipped: erased on 2026-11-30", or null. */
export function suppressedWords(suppressed: number, erasedOn: string[]): string | null {
  if (suppressed === 0) return null;
  const dates = erasedOn.length > 0 ? ` on ${erasedOn.join(", ")}` : "";
  return `${suppressed.toLocaleString("en-US")} skipped: erased${dates} (on the suppression list, never imported)`;
}

/** What the running import's panel says, and whether Cancel still rolls it back. */
export interface RunningWords {
  heading: string;
  detail: string;
  canCancel: boolean;
  cancelNote: string;
}

/** The running import's words for its latest progress (`null` before the first). */
export function runningWords(progress: ImportProgress | null): RunningWords {
  const rollsBack = "Cancel leaves the workspace exactly as it was before the import.";
  if (!progress) return { heading: "Importing…", detail: "Starting…", canCancel: true, cancelNote: rollsBack };
  const rows = plural(progress.rows, "row", "rows");
  switch (progress.phase) {
    case "reading":
      return {
        heading: "Importing…",
        detail:
          `${rows} · ${formatCount(Math.round(progress.rows_per_second))} rows/s` +
          (progress.eta_seconds !== null ? ` · about ${Math.ceil(progress.eta_seconds)} s left` : ""),
        canCancel: true,
        cancelNote: rollsBack,
      };
    case "finishing":
      return {
        heading: "Finishing the import…",
        detail: `${rows} read · finishing up`,
        canCancel: true,
        cancelNote: rollsBack,
      };
    case "saving":
      return {
        heading: "Saving the import…",
        detail: `${rows} read · saving, then updating segments and scores`,
        canCancel: false,
        cancelNote:
          "The import is being saved and can no longer be cancelled. Once it is done, Undo in the history below takes it back.",
      };
  }
}
