// Tests of the import wizard's words: line endings, the e-mail check, short
// and long rows, typed placeholders, the undo's question and answer, and a
// running import's words in each phase.
import { describe, expect, it } from "vitest";

import type { ColumnMapping } from "../../bindings/ColumnMapping";
import type { ImportProgress } from "../../bindings/ImportProgress";
import type { ImportRecord } from "../../bindings/ImportRecord";
import {
  addToken,
  changeKindLabel,
  isFix,
  lineEndingWords,
  mapsEmail,
  rowWidthNotes,
  runningWords,
  suppressedWords,
  undoOutcome,
  undoQuestion,
} from "./wizardText";

const column = (target: ColumnMapping["target"]): ColumnMapping => ({
  index: 0,
  header: "h",
  target,
  date_format: null,
  number_style: null,
});

const record: ImportRecord = {
  id: 3,
  kind: "leads",
  file_name: "Leads.csv",
  started_at: "2026-11-29T10:00:00Z",
  finished_at: "2026-11-29T10:00:05Z",
  counts: {
    rows: 9240,
    inserted: 9240,
    updated: 0,
    skipped: 0,
    merged: 0,
    rejected: 0,
    leads_created: 0,
    suppressed: 0,
    erased_on: [],
  },
  undone_at: null,
  created_fields: [],
};

describe("the import wizard's words", () => {
  it("says line endings in plain words", () => {
    expect(lineEndingWords("cr_lf")).toBe("lines ending the Windows way (CR LF)");
    expect(lineEndingWords("lf")).not.toMatch(/_/);
  });

  it("knows whether a mapping reaches anyone by e-mail", () => {
    expect(mapsEmail([column({ kind: "field", key: "external_id" })])).toBe(false);
    expect(mapsEmail([column({ kind: "skip" }), column({ kind: "field", key: "email" })])).toBe(true);
  });

  it("names short and long rows with their lines", () => {
    const notes = rowWidthNotes({ short_rows: 2, short_lines: [4, 9], long_rows: 1, long_lines: [12] }, 5);
    expect(notes).toEqual([
      "2 rows have fewer than the header's 5 fields (lines 4 and 9): the missing cells will be empty.",
      "1 row has more than the header's 5 fields (line 12): it will be rejected, as the values may be shifted.",
    ]);
    expect(rowWidthNotes({ short_rows: 0, short_lines: [], long_rows: 0, long_lines: [] }, 5)).toEqual([]);
    const many = rowWidthNotes({ short_rows: 40, short_lines: [2, 3], long_rows: 0, long_lines: [] }, 3);
    expect(many[0]).toContain("(lines 2, 3, … (40 in all))");
  });

  it("adds a typed placeholder once, trimmed", () => {
    expect(addToken(["Select"], "  n.v. ")).toEqual(["Select", "n.v."]);
    expect(addToken(["Select"], "select")).toEqual(["Select"]);
    expect(addToken(["Select"], "   ")).toEqual(["Select"]);
  });

  it("asks before an undo, with the row count, and says what it did", () => {
    expect(undoQuestion(record)).toBe("Undo the import of Leads.csv? This removes the 9,240 leads it added.");
    expect(undoQuestion({ ...record, counts: { ...record.counts, updated: 3 } })).toContain(
      "and puts back the values it changed on 3 leads",
    );
    expect(
      undoOutcome("Leads.csv", {
        leads_removed: 9240,
        events_removed: 0,
        values_restored: 0,
        leads_restored: 0,
        created_fields: {
          removed: ["Lead Number", "Tags"],
          kept: [{ label: "Hobby", reason: "another import fills it" }],
        },
      }),
    ).toBe(
      "Undid the import of Leads.csv: removed 9,240 leads and 0 events, and put back 0 values. " +
        "Removed 2 fields it created: Lead Number, Tags. Kept Hobby (another import fills it).",
    );
  });

  it("names fixes by their kind and says what undoing one puts back", () => {
    const fix = (kind: ImportRecord["kind"], title: string, updated: number, merged = 0): ImportRecord => ({
      ...record,
      kind,
      file_name: title,
      counts: { ...record.counts, rows: 0, inserted: 0, updated, merged },
    });
    expect(
      ["leads", "events", "merge", "normalise", "unsendable"].map((k) => changeKindLabel(k as ImportRecord["kind"])),
    ).toEqual(["Import", "Import", "Merge", "Normalisation", "Not sendable"]);
    expect(isFix("normalise") && !isFix("events")).toBe(true);
    expect(undoQuestion(fix("normalise", "Normalise country", 20))).toBe(
      'Undo the normalisation fix "Normalise country"? This puts back the values it changed on 20 leads.',
    );
    expect(undoQuestion(fix("merge", "Merge 2 leads into #101", 1, 1))).toBe(
      'Undo the merge fix "Merge 2 leads into #101"? This puts back the 1 merged lead and puts back the values it changed on 1 lead.',
    );
    expect(undoQuestion(fix("unsendable", "Mark not sendable: role", 3))).toBe(
      'Undo the not sendable fix "Mark not sendable: role"? This makes the 3 leads it marked sendable again.',
    );
    const summary = {
      leads_removed: 0,
      events_removed: 0,
      values_restored: 20,
      leads_restored: 0,
      created_fields: { removed: [], kept: [] },
    };
    expect(undoOutcome("Normalise country", summary, "normalise")).toBe(
      'Undid "Normalise country": put back 20 values.',
    );
    expect(undoOutcome("Merge", { ...summary, values_restored: 1, leads_restored: 2 }, "merge")).toBe(
      'Undid "Merge": put back 1 value and restored 2 merged leads.',
    );
  });
});

describe("rows of erased people", () => {
  it("says how many were skipped and when they were erased", () => {
    expect(suppressedWords(0, [])).toBeNull();
    expect(suppressedWords(2, ["2026-11-29", "2026-11-30"])).toBe(
      "2 skipped: erased on 2026-11-29, 2026-11-30 (on the suppression list, never imported)",
    );
  });
});

describe("runningWords", () => {
  const progress = (phase: ImportProgress["phase"]): ImportProgress => ({
    rows: 12_000,
    bytes_read: 600,
    total_bytes: 1_000,
    rows_per_second: 4_000.4,
    eta_seconds: 1.2,
    phase,
  });

  it("offers Cancel while the rows are read and checked", () => {
    expect(runningWords(null)).toMatchObject({ detail: "Starting…", canCancel: true });
    expect(runningWords(progress("reading"))).toEqual({
      heading: "Importing…",
      detail: "12,000 rows · 4,000 rows/s · about 2 s left",
      canCancel: true,
      cancelNote: "Cancel leaves the workspace exactly as it was before the import.",
    });
    expect(runningWords(progress("finishing"))).toMatchObject({ heading: "Finishing the import…", canCancel: true });
  });

  it("says when the import can no longer be cancelled, and how to take it back", () => {
    const saving = runningWords(progress("saving"));
    expect(saving.canCancel).toBe(false);
    expect(saving.heading).toBe("Saving the import…");
    expect(saving.cancelNote).toMatch(/can no longer be cancelled.*Undo/);
  });
});
