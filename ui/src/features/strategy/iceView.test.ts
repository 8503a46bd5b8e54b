// Tests of the Priorities tab's pure logic.
import { describe, expect, it } from "vitest";

import type { IceRow } from "../../bindings/IceRow";
import type { IceTable } from "../../bindings/IceTable";
import { moveMessage, parseScore, scoreText, suggestionFor, visibleRows } from "./iceView";

const row = (id: number, name: string, rank: number | null, kind: "segment" | "stream" = "segment"): IceRow => ({
  rank,
  kind,
  id,
  name,
  impact: rank === null ? null : 5,
  confidence: rank === null ? null : 5,
  ease: rank === null ? null : 5,
  e: rank === null ? null : 6,
  note_impact: "",
  note_confidence: "",
  note_ease: "",
  note: "",
  score: rank === null ? null : 10 - rank,
});

const table = (rows: IceRow[]): IceTable => ({
  formula: "weighted",
  formula_text: "Impact × Confidence / Effort",
  e_is_effort: true,
  e_label: "Effort (1 = little work)",
  rows,
});

describe("visibleRows", () => {
  const rows = [row(1, "Décision stage", 1), row(2, "Awareness", 2), row(3, "Decision: demo", null, "stream")];
  it("filters by kind and searches names without case or accents", () => {
    expect(visibleRows(rows, "all", "").map((r) => r.id)).toEqual([1, 2, 3]);
    expect(visibleRows(rows, "stream", "").map((r) => r.id)).toEqual([3]);
    expect(visibleRows(rows, "all", " decision ").map((r) => r.id)).toEqual([1, 3]);
    expect(visibleRows(rows, "segment", "DECI").map((r) => r.id)).toEqual([1]);
  });
});

describe("parseScore", () => {
  it("accepts whole numbers from 1 to 10 only", () => {
    expect(parseScore("1")).toBe(1);
    expect(parseScore(" 10 ")).toBe(10);
    for (const bad of ["0", "11", "", "5.5", "-3", "abc"]) expect(parseScore(bad)).toBeNull();
  });
});

describe("suggestionFor", () => {
  const s = {
    kind: "segment" as const,
    id: 1,
    impact: { value: 7, reasons: ["a"] },
    confidence: { value: 6, reasons: ["b"] },
    ease: { value: 8, reasons: ["c"] },
    effort: { value: 3, reasons: ["c"] },
  };
  it("reads E as effort under the weighted formula and as ease otherwise", () => {
    expect(suggestionFor(s, "impact", true)?.value).toBe(7);
    expect(suggestionFor(s, "e", true)?.value).toBe(3);
    expect(suggestionFor(s, "e", false)?.value).toBe(8);
    expect(suggestionFor(undefined, "e", false)).toBeUndefined();
  });
});

describe("moveMessage", () => {
  it("says which way a row moved, or that it got or lost its rank", () => {
    const before = table([row(1, "A", 1), row(2, "B", 2), row(3, "C", null)]);
    const up = table([row(2, "B", 1), row(1, "A", 2), row(3, "C", null)]);
    expect(moveMessage(before, up, "segment-2")).toBe("“B” moved up from rank 2 to rank 1");
    expect(moveMessage(before, up, "segment-1")).toBe("“A” moved down from rank 1 to rank 2");
    expect(moveMessage(before, before, "segment-1")).toBeNull();
    const ranked = table([row(1, "A", 1), row(2, "B", 2), row(3, "C", 3)]);
    expect(moveMessage(before, ranked, "segment-3")).toBe("“C” is now ranked 3");
  });
  it("prints scores with at most two decimals", () => {
    expect(scoreText(12.6)).toBe("12.6");
    expect(scoreText(20 / 3)).toBe("6.67");
    expect(scoreText(null)).toBe("not scored");
  });
});
