// The live count of the rules being edited: debounced, asked per rule tree and
// date (so only the answer for the latest one is shown), the last good answer
// kept while a new one counts or when the rules are refused.
import { useEffect, useState } from "react";

import type { SegmentPreview } from "../../bindings/SegmentPreview";
import { useSegmentExplain, useSegmentPreview } from "../../lib/queries";
import { useDebounced } from "../../lib/useDebounced";
import { ruleFailureOf, type RuleFailure } from "./failingRule";

export const SAMPLE_SIZE = 50;

export type LivePreview = {
  /** True while the rules typed are not yet counted (debounce or request). */
  loading: boolean;
  /** The answer for the rules as typed, once it is in. */
  current: SegmentPreview | null;
  /** What to show: the current answer, else the last good one. */
  shown: SegmentPreview | null;
  /** Why the rules as typed were refused, and the rule it is about. */
  error: string | null;
  /** The refusal itself, for plain words naming the rule. */
  errorObject: unknown;
  failure: RuleFailure | null;
  /** The rules and date the answer is for (debounced), which explanations follow too. */
  debouncedRules: string;
  debouncedAsOf: string | null;
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function useLivePreview(rulesJson: string, asOf: string, columns: string[], enabled: boolean): LivePreview {
  const requestKey = JSON.stringify([rulesJson, asOf]);
  const debouncedKey = useDebounced(requestKey, 250);
  const [debouncedRules, debouncedDate] = JSON.parse(debouncedKey) as [string, string];
  const debouncedAsOf = debouncedDate || null;
  const preview = useSegmentPreview(debouncedRules, debouncedAsOf, columns, SAMPLE_SIZE, enabled);

  const [lastGood, setLastGood] = useState<SegmentPreview | null>(null);
  useEffect(() => {
    if (preview.data) setLastGood(preview.data);
  }, [preview.data]);

  const loading = debouncedKey !== requestKey || !enabled || preview.isFetching;
  const current = !loading && preview.data ? preview.data : null;
  const error = !loading && preview.error ? message(preview.error) : null;
  const errorObject: unknown = !loading && preview.error ? preview.error : null;
  const failure = !loading && preview.error ? ruleFailureOf(preview.error) : null;
  return { loading, current, shown: current ?? lastGood, error, errorObject, failure, debouncedRules, debouncedAsOf };
}

/** Why a lead is in or out, following the rules and date while it is open. */
export function useExplanation(preview: LivePreview, leadId: number | null) {
  const explain = useSegmentExplain(preview.debouncedRules, leadId, preview.debouncedAsOf);
  return {
    explanation: explain.data ?? null,
    error: explain.error && !explain.isFetching ? message(explain.error) : null,
  };
}
