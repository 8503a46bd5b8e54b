// Reading the Coverage tab's thresholds and naming its buckets.
import { describe, expect, it } from "vitest";

import type { CoverageSettings } from "../../bindings/CoverageSettings";
import { describeBucket, formatShare, readDraft, toDraft } from "./coverageSettings";

describe("coverage settings", () => {
  const settings: CoverageSettings = {
    more_than: 3,
    too_small: 50,
    too_large_percent: 50,
    include_builtins: false,
  };
  it("reads back what it wrote", () => {
    expect(readDraft(toDraft(settings))).toEqual({ settings });
  });
  it("names the first threshold that is not valid", () => {
    expect(readDraft({ ...toDraft(settings), moreThan: "0" })).toHaveProperty("problem");
    expect(readDraft({ ...toDraft(settings), moreThan: "2.5" })).toHaveProperty("problem");
    expect(readDraft({ ...toDraft(settings), tooSmall: "" })).toHaveProperty("problem");
    expect(readDraft({ ...toDraft(settings), tooLargePercent: "120" })).toHaveProperty("problem");
    expect(readDraft({ ...toDraft(settings), tooLargePercent: "12.5" })).toEqual({
      settings: { ...settings, too_large_percent: 12.5 },
    });
  });
  it("describes buckets and shares", () => {
    expect(describeBucket("more_than", 4)).toBe("in more than 4 saved segments");
    expect(formatShare(0.125)).toBe("12.5%");
  });
});
