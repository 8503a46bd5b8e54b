// The Coverage tab's thresholds as the user types them: text boxes read into
// CoverageSettings, with a message for the first one that is not valid, and
// the words that describe each coverage bucket.
import type { CoverageBucket } from "../../bindings/CoverageBucket";
import type { CoverageSettings } from "../../bindings/CoverageSettings";

export type CoverageDraft = {
  moreThan: string;
  tooSmall: string;
  tooLargePercent: string;
  includeBuiltins: boolean;
};

export function toDraft(settings: CoverageSettings): CoverageDraft {
  return {
    moreThan: String(settings.more_than),
    tooSmall: String(settings.too_small),
    tooLargePercent: String(settings.too_large_percent),
    includeBuiltins: settings.include_builtins,
  };
}

/** The settings a draft stands for, or what is wrong with it. */
export function readDraft(draft: CoverageDraft): { settings: CoverageSettings } | { problem: string } {
  const moreThan = Number(draft.moreThan);
  if (draft.moreThan.trim() === "" || !Number.isInteger(moreThan) || moreThan < 1 || moreThan > 1000) {
    return { problem: "“More than” must be a whole number of segments from 1 to 1000." };
  }
  const tooSmall = Number(draft.tooSmall);
  if (draft.tooSmall.trim() === "" || !Number.isInteger(tooSmall) || tooSmall < 0) {
    return { problem: "“Too small” must be a whole number of leads, 0 or more." };
  }
  const tooLarge = Number(draft.tooLargePercent);
  if (draft.tooLargePercent.trim() === "" || !(tooLarge > 0 && tooLarge <= 100)) {
    return { problem: "“Too large” must be a percentage above 0 and at most 100." };
  }
  return {
    settings: {
      more_than: moreThan,
      too_small: tooSmall,
      too_large_percent: tooLarge,
      include_builtins: draft.includeBuiltins,
    },
  };
}

/** How the lead browser's banner and the bucket buttons name a bucket: "in no saved segment". */
export function describeBucket(bucket: CoverageBucket, moreThan: number): string {
  switch (bucket) {
    case "none":
      return "in no saved segment";
    case "one":
      return "in exactly one saved segment";
    case "more_than":
      return `in more than ${moreThan} saved segments`;
  }
}

/** A share (0–1) as a percentage with one decimal: "12.5%". */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
