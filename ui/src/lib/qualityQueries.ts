// The data layer's part for the Quality view (issue 14): the quality report
// and field completeness, duplicates and merges, normalisations and "not
// sendable" fixes. Re-exported by queries.ts, so every view imports its hooks
// from one place; split out only to keep each file readable.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { Normalisation } from "../bindings/Normalisation";
import type { ReportOptions } from "../bindings/ReportOptions";
import type { Unsendable } from "../bindings/Unsendable";
import { ipc } from "./ipc";

/** The quality report (Quality → Overview) and field completeness (the builder's warnings): keys under "quality-report". */
export const qualityReportKeys = {
  all: ["quality-report"] as const,
  report: (staleMonths: number) => ["quality-report", "report", staleMonths] as const,
  completeness: ["quality-report", "completeness"] as const,
};

/** The quality report with stale leads counted over `staleMonths`; asked again when the tab mounts. */
export const useQualityReport = (staleMonths: number) =>
  useQuery({
    queryKey: qualityReportKeys.report(staleMonths),
    queryFn: () => ipc.qualityReport({ stale_months: staleMonths, as_of: null } satisfies ReportOptions),
    placeholderData: keepPreviousData,
  });

/**
 * Every field's completeness, for the builder's warnings: kept a minute (seconds at 1M leads);
 * a new lead count asks again (App invalidates every query), and emptiness changes little otherwise.
 */
export const useFieldCompleteness = () =>
  useQuery({ queryKey: qualityReportKeys.completeness, queryFn: () => ipc.fieldCompleteness(), staleTime: 60_000 });
/** Duplicates and merges (Quality → Duplicates): keys under "duplicates". */
export const duplicateKeys = {
  all: ["duplicates"] as const,
  list: (minConfidence: number) => ["duplicates", "list", minConfidence] as const,
  preview: (survivor: number, merged: number[], picks: Record<string, number>) =>
    ["duplicates", "preview", survivor, merged, picks] as const,
};

/** The `limit` most confident likely duplicate pairs at least `minConfidence` confident. */
export const useDuplicates = (minConfidence: number, limit: number) =>
  useQuery({
    queryKey: [...duplicateKeys.list(minConfidence), limit],
    queryFn: () => ipc.qualityDuplicates(minConfidence, limit),
    placeholderData: keepPreviousData,
  });

/** A merge's preview; nothing is asked while `survivor` is null. */
export const useMergePreview = (survivor: number | null, merged: number[], picks: Record<string, number>) =>
  useQuery({
    queryKey: duplicateKeys.preview(survivor ?? 0, merged, picks),
    queryFn: () => ipc.mergePreview(survivor ?? 0, merged, picks),
    enabled: survivor !== null,
    placeholderData: keepPreviousData,
  });

/**
 * After a merge or its undo, leads, segments, scores, the segment history and the change history all
 * changed: every cached answer is asked again (as after an import).
 */
function useInvalidateAfterMerge() {
  const client = useQueryClient();
  return () => client.invalidateQueries();
}

/** Merges leads into a survivor. */
export function useMergeLeads() {
  const invalidate = useInvalidateAfterMerge();
  return useMutation({
    mutationFn: ({ survivor, merged, picks }: { survivor: number; merged: number[]; picks: Record<string, number> }) =>
      ipc.mergeLeads(survivor, merged, picks),
    onSettled: invalidate,
  });
}

/** Undoes a merge (any change in the history) by its change id. */
export function useUndoMerge() {
  const invalidate = useInvalidateAfterMerge();
  return useMutation({
    mutationFn: (changeId: number) => ipc.importUndo(changeId, false),
    onSettled: invalidate,
  });
}

/** The Fixes tab's reads: one key family, all asked again after any fix or undo. */
export const fixKeys = {
  all: ["quality-fixes"] as const,
  suggest: (field: string) => ["quality-fixes", "suggest", field] as const,
  preview: (normalisation: Normalisation) => ["quality-fixes", "preview", JSON.stringify(normalisation)] as const,
  spellingFields: ["quality-fixes", "spelling-fields"] as const,
  unsendable: (what: Unsendable) => ["quality-fixes", "unsendable", JSON.stringify(what)] as const,
};

/** What could be normalised in `field`. */
export const useNormaliseSuggest = (field: string) =>
  useQuery({ queryKey: fixKeys.suggest(field), queryFn: () => ipc.normaliseSuggest(field) });

/** What the confirmed mappings would change; the previous answer stays shown while the next one comes. */
export const useNormalisePreview = (normalisation: Normalisation, enabled: boolean) =>
  useQuery({
    queryKey: fixKeys.preview(normalisation),
    queryFn: () => ipc.normalisePreview(normalisation),
    enabled,
    placeholderData: (previous) => previous,
  });

/** The text fields with values written several ways. */
export const useSpellingFields = () => useQuery({ queryKey: fixKeys.spellingFields, queryFn: ipc.spellingFields });

/** What marking `what` as not sendable would do. */
export const useUnsendablePreview = (what: Unsendable, enabled: boolean) =>
  useQuery({
    queryKey: fixKeys.unsendable(what),
    queryFn: () => ipc.unsendablePreview(what),
    enabled,
    placeholderData: (previous) => previous,
  });

/**
 * After a fix or its undo every value may have changed (leads, segments,
 * scores, history, the import history): every query is asked again, as
 * after an import.
 */
function useInvalidateAfterFix() {
  const client = useQueryClient();
  // Not awaited: the fix is done when the backend answers; the refetches
  // follow in the background, so "Applying…" does not wait for every view.
  return () => {
    void client.invalidateQueries();
  };
}

/** Applies a normalisation. */
export function useApplyNormalisation() {
  const invalidate = useInvalidateAfterFix();
  return useMutation({ mutationFn: ipc.normaliseApply, onSettled: invalidate });
}

/** Marks addresses as not sendable. */
export function useApplyUnsendable() {
  const invalidate = useInvalidateAfterFix();
  return useMutation({ mutationFn: ipc.unsendableApply, onSettled: invalidate });
}

/** Undoes a fix from where it was applied (the import history undoes it too). */
export function useUndoFix() {
  const invalidate = useInvalidateAfterFix();
  return useMutation({ mutationFn: (id: number) => ipc.importUndo(id, false), onSettled: invalidate });
}
