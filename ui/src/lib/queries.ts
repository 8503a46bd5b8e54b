// The UI's data layer: TanStack Query over the typed IPC functions. Every
// backend read has a query key here and a hook; writes go through mutations
// that invalidate the keys they change. A query answers for its key only, so
// a late answer to an old request never overwrites the latest one.
import { QueryClient, keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ContentDraft } from "../bindings/ContentDraft";
import type { HierarchyDraft } from "../bindings/HierarchyDraft";
import type { CoverageSettings } from "../bindings/CoverageSettings";
import type { Outcome } from "../bindings/Outcome";
import type { PlanSettings } from "../bindings/PlanSettings";
import type { RuleGroup } from "../bindings/RuleGroup";
import type { SegmentDraft } from "../bindings/SegmentDraft";
import type { Stream } from "../bindings/Stream";
import type { StreamDraft } from "../bindings/StreamDraft";
import type { Dimension } from "../bindings/Dimension";
import type { DiscoverOptions } from "../bindings/DiscoverOptions";
import type { ModelDefinition } from "../bindings/ModelDefinition";
import type { Decision } from "../bindings/Decision";
import type { GoalDraft } from "../bindings/GoalDraft";
import type { IceFormula } from "../bindings/IceFormula";
import type { IceUpdate } from "../bindings/IceUpdate";
import type { TargetKind } from "../bindings/TargetKind";
import { ipc } from "./ipc";

/** One client for the app: answers are kept until a write invalidates them, and failures are shown, not retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // A view that mounts again asks again, as the views did before, while showing what it had.
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 0 },
      mutations: { retry: false },
    },
  });
}

/** Every query key, in one place, so writes can invalidate exactly what they change. */
export const queryKeys = {
  fields: ["fields"] as const,
  segmentOperators: ["segment-operators"] as const,
  eventTypes: ["event-types"] as const,
  segmentTemplates: ["segment-templates"] as const,
  /** All saved-segment lists, whatever their as-of date. */
  segmentsAll: ["segments"] as const,
  segments: (asOf: string | null) => ["segments", asOf] as const,
  segmentPreview: (rulesJson: string, asOf: string | null, columns: string[], sample: number) =>
    ["segment-preview", rulesJson, asOf, columns, sample] as const,
  segmentExplain: (rulesJson: string, leadId: number, asOf: string | null) =>
    ["segment-explain", rulesJson, leadId, asOf] as const,
  streams: ["streams"] as const,
  streamTemplates: ["stream-templates"] as const,
  content: ["content"] as const,
  streamProblems: (streamJson: string) => ["stream-problems", streamJson] as const,
  contentSuggestions: (entrySegments: number[]) => ["content-suggestions", entrySegments] as const,
  contentMatrix: ["content-matrix"] as const,
  fieldValues: (key: string) => ["field-values", key] as const,
  eventPropertyValues: (eventType: string, property: string) => ["event-property-values", eventType, property] as const,
  segmentAsOf: (text: string) => ["segment-as-of", text] as const,
  plannerSettings: ["planner-settings"] as const,
  leadDetail: (id: number) => ["lead-detail", id] as const,
  imports: ["imports"] as const,
  planJourney: (request: PlanRequest, leadId: number) => ["plan-journey", request, leadId] as const,
  hierarchies: ["hierarchies"] as const,
  hierarchyAssign: (segmentIds: number[], asOf: string | null) => ["hierarchy-assign", segmentIds, asOf] as const,
  leadHierarchies: (leadId: number, asOf: string | null) => ["lead-hierarchies", leadId, asOf] as const,
  coverageSettings: ["coverage-settings"] as const,
  /** Every coverage report, whatever its thresholds. */
  coverageAll: ["coverage"] as const,
  coverage: (settings: CoverageSettings | null) => ["coverage", settings] as const,
  /** Every conversion measure of Insights: invalidated by any write to leads, events or segments. */
  insightsAll: ["insights"] as const,
  insightsPerformance: (segmentIds: number[], outcome: Outcome, from: string, to: string) =>
    ["insights", "performance", segmentIds, JSON.stringify(outcome), from, to] as const,
  insightsActions: (outcome: Outcome, from: string, to: string) =>
    ["insights", "actions", JSON.stringify(outcome), from, to] as const,
  insightsCrosstab: (rows: Dimension, columns: Dimension, outcome: Outcome, from: string, to: string) =>
    ["insights", "crosstab", rows, columns, outcome, from, to] as const,
  insightsDiscover: (outcome: Outcome, from: string, to: string, options: DiscoverOptions | null) =>
    ["insights", "discover", outcome, from, to, options] as const,
};

/** What a plan is run with: the streams (null for every active one), the first day and the number of days. */
export type PlanRequest = { streams: Stream[] | null; from: string; days: number };

export const useFields = () => useQuery({ queryKey: queryKeys.fields, queryFn: ipc.fieldsList });
export const useSegmentOperators = () =>
  useQuery({ queryKey: queryKeys.segmentOperators, queryFn: ipc.segmentOperators });
export const useEventTypes = () => useQuery({ queryKey: queryKeys.eventTypes, queryFn: ipc.eventTypes });
export const useSegmentTemplates = () =>
  useQuery({ queryKey: queryKeys.segmentTemplates, queryFn: ipc.segmentTemplates });
export const useStreamTemplates = () => useQuery({ queryKey: queryKeys.streamTemplates, queryFn: ipc.streamTemplates });
export const useStreams = () => useQuery({ queryKey: queryKeys.streams, queryFn: ipc.streamsList });
export const useContent = () => useQuery({ queryKey: queryKeys.content, queryFn: ipc.contentList });

/** Saved segments with their counts as of `asOf` (null for now); the previous list stays while a new date counts. */
export const useSegments = (asOf: string | null) =>
  useQuery({
    queryKey: queryKeys.segments(asOf),
    queryFn: () => ipc.segmentsList(asOf),
    placeholderData: keepPreviousData,
  });

/** The exact count and sample of a rule tree (given as its JSON). */
export const useSegmentPreview = (
  rulesJson: string,
  asOf: string | null,
  columns: string[],
  sample: number,
  enabled: boolean,
) =>
  useQuery({
    queryKey: queryKeys.segmentPreview(rulesJson, asOf, columns, sample),
    queryFn: () => ipc.segmentPreview(JSON.parse(rulesJson) as RuleGroup, asOf, columns, sample),
    enabled,
  });

/** Why a lead is in or out of a rule tree; an explanation of the same lead stays while the rules change. */
export const useSegmentExplain = (rulesJson: string, leadId: number | null, asOf: string | null) =>
  useQuery({
    queryKey: queryKeys.segmentExplain(rulesJson, leadId ?? 0, asOf),
    queryFn: () => ipc.segmentExplain(JSON.parse(rulesJson) as RuleGroup, leadId ?? 0, asOf),
    enabled: leadId !== null,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === leadId ? previous : undefined),
  });

/** The problems of a stream as drawn (given as its JSON). */
export const useStreamProblems = (streamJson: string) =>
  useQuery({
    queryKey: queryKeys.streamProblems(streamJson),
    queryFn: () => ipc.streamProblems(JSON.parse(streamJson) as Stream),
  });

/** After a segment changes: every segment list, and every analysis that reads segments, is asked again. */
function invalidateSegments(client: QueryClient) {
  return Promise.all(
    [
      queryKeys.segmentsAll,
      queryKeys.insightsAll,
      queryKeys.coverageAll,
      ["hierarchy-assign"],
      ["lead-hierarchies"],
    ].map((queryKey) => client.invalidateQueries({ queryKey })),
  );
}

/** Saves a segment (id null creates one); every segment list and analysis is asked again. */
export function useSaveSegment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, draft }: { id: number | null; draft: SegmentDraft }) => ipc.segmentSave(id, draft),
    onSuccess: () => invalidateSegments(client),
  });
}

export function useDuplicateSegment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => ipc.segmentDuplicate(id),
    onSuccess: () => invalidateSegments(client),
  });
}

export function useDeleteSegment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => ipc.segmentDelete(id),
    onSuccess: () => invalidateSegments(client),
  });
}

export const useContentMatrix = () => useQuery({ queryKey: queryKeys.contentMatrix, queryFn: ipc.contentMatrix });

/** A field's known values, most common first; an unknown field has none. */
export const useFieldValues = (key: string) =>
  useQuery({
    queryKey: queryKeys.fieldValues(key),
    queryFn: () => ipc.fieldValues(key).catch(() => []),
  });

export const usePlannerSettings = () => useQuery({ queryKey: queryKeys.plannerSettings, queryFn: ipc.plannerSettings });

/** A lead's journey through a plan run with `request`; asked only for a lead. */
export const usePlanJourney = (request: PlanRequest | null, leadId: number | null) =>
  useQuery({
    queryKey: queryKeys.planJourney(request ?? { streams: null, from: "", days: 0 }, leadId ?? 0),
    queryFn: () => ipc.planJourney(request?.streams ?? null, request?.from ?? "", request?.days ?? 0, leadId ?? 0),
    enabled: request !== null && leadId !== null,
  });

/** Runs a plan: an explicit action whose answers the Plan tab keeps to compare runs, so a mutation. */
export const useRunPlan = () =>
  useMutation({ mutationFn: (request: PlanRequest) => ipc.planRun(request.streams, request.from, request.days) });

/** Saves a stream (id null creates one); the stream list is asked again. */
export function useSaveStream() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, draft }: { id: number | null; draft: StreamDraft }) => ipc.streamSave(id, draft),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.streams }),
  });
}

export function useImportStream() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (path: string) => ipc.streamImport(path),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.streams }),
  });
}

export function useDeleteStream() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => ipc.streamDelete(id),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.streams }),
  });
}

/** Content changes the library, its matrix and the suggestions for streams. */
function useInvalidateContent() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.content }),
      client.invalidateQueries({ queryKey: queryKeys.contentMatrix }),
      client.invalidateQueries({ queryKey: ["content-suggestions"] }),
    ]);
}

export function useSaveContent() {
  const invalidate = useInvalidateContent();
  return useMutation({
    mutationFn: ({ id, draft }: { id: number | null; draft: ContentDraft }) => ipc.contentSave(id, draft),
    onSuccess: invalidate,
  });
}

export function useDeleteContent() {
  const invalidate = useInvalidateContent();
  return useMutation({ mutationFn: (id: number) => ipc.contentDelete(id), onSuccess: invalidate });
}

export function useSavePlannerSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: PlanSettings) => ipc.plannerSettingsSave(settings),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.plannerSettings }),
  });
}

/** Deletes a custom field: the field list, and the values known for it, are asked again. */
export function useDeleteField() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => ipc.fieldDelete(key),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.fields }),
        client.invalidateQueries({ queryKey: ["field-values"] }),
      ]),
  });
}

export const useLeadDetail = (id: number) =>
  useQuery({ queryKey: queryKeys.leadDetail(id), queryFn: () => ipc.leadDetail(id) });

export const useImports = () => useQuery({ queryKey: queryKeys.imports, queryFn: ipc.importsList });

/** After an import or an undo: the history and the field list (imports add fields) are asked again. */
export function useInvalidateImports() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.imports }),
      client.invalidateQueries({ queryKey: queryKeys.fields }),
    ]);
}

export function useUndoImport() {
  const invalidate = useInvalidateImports();
  return useMutation({
    mutationFn: ({ id, removeCreatedFields }: { id: number; removeCreatedFields: boolean }) =>
      ipc.importUndo(id, removeCreatedFields),
    onSettled: invalidate,
  });
}

/** The open workspace's first-run welcome; `workspace` (its path or name) keeps each workspace's answer apart. */
export const useWelcome = (workspace: string) =>
  useQuery({ queryKey: ["welcome", workspace], queryFn: ipc.workspaceWelcome });

/** Dismisses the open workspace's welcome for good (remembered in the workspace file). */
export function useDismissWelcome(workspace: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ipc.workspaceDismissWelcome,
    onSuccess: () => client.setQueryData(["welcome", workspace], null),
  });
}
/** The known values of one event property, most frequent first; none until a property is named. */
export const useEventPropertyValues = (eventType: string, property: string) =>
  useQuery({
    queryKey: queryKeys.eventPropertyValues(eventType, property),
    queryFn: () => ipc.segmentPropertyValues(eventType, property),
    enabled: eventType !== "" && property.trim() !== "",
    staleTime: 60_000,
  });

/** An as-of text read by the core's parser: the instant, or the error saying why the text is not a date. */
export const useAsOfCheck = (text: string) =>
  useQuery({
    queryKey: queryKeys.segmentAsOf(text.trim()),
    queryFn: () => ipc.segmentAsOf(text.trim() || null),
    enabled: text.trim() !== "",
    retry: false,
    staleTime: Infinity,
  });

/** How the chosen saved segments overlap (asked only once some are chosen); recounted when segments change. */
export const useOverlap = (segmentIds: number[], asOf: string | null) =>
  useQuery({
    queryKey: [...queryKeys.segmentsAll, "overlap", segmentIds, asOf] as const,
    queryFn: () => ipc.insightsOverlap(segmentIds, asOf, null),
    enabled: segmentIds.length > 0,
    placeholderData: keepPreviousData,
  });

/** The open workspace (its path keys what the UI remembers per workspace). */
export const useWorkspaceInfo = () => useQuery({ queryKey: ["workspace-info"] as const, queryFn: ipc.workspaceInfo });
/** The saved hierarchies. */
export const useHierarchies = () => useQuery({ queryKey: queryKeys.hierarchies, queryFn: ipc.hierarchiesList });

/** The live counts of segments in an order (saved or being edited); the previous counts stay while new ones come. */
export const useHierarchyAssign = (segmentIds: number[], asOf: string | null) =>
  useQuery({
    queryKey: queryKeys.hierarchyAssign(segmentIds, asOf),
    queryFn: () => ipc.hierarchyAssign(segmentIds, asOf),
    placeholderData: keepPreviousData,
  });

/** Where a lead sits in every hierarchy (none until a lead is chosen). */
export const useLeadHierarchies = (leadId: number | null, asOf: string | null) =>
  useQuery({
    queryKey: queryKeys.leadHierarchies(leadId ?? 0, asOf),
    queryFn: () => ipc.leadHierarchies(leadId ?? 0, asOf),
    enabled: leadId !== null,
  });

/** Saves a hierarchy; hierarchies, their counts, placements and rules that test them are read again. */
export function useSaveHierarchy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (draft: HierarchyDraft) => ipc.hierarchySave(draft),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.hierarchies }),
        client.invalidateQueries({ queryKey: ["hierarchy-assign"] }),
        client.invalidateQueries({ queryKey: ["lead-hierarchies"] }),
        client.invalidateQueries({ queryKey: queryKeys.segmentsAll }),
      ]),
  });
}

export function useDeleteHierarchy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => ipc.hierarchyDelete(id),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.hierarchies }),
        client.invalidateQueries({ queryKey: ["lead-hierarchies"] }),
      ]),
  });
}

/** The coverage thresholds saved in the workspace. */
export const useCoverageSettings = () =>
  useQuery({ queryKey: queryKeys.coverageSettings, queryFn: ipc.coverageSettings });

/** The coverage report with these thresholds, as of now; asked once the thresholds are known. */
export const useCoverage = (settings: CoverageSettings | null) =>
  useQuery({
    queryKey: queryKeys.coverage(settings),
    queryFn: () => ipc.coverageReport(settings as CoverageSettings, null),
    enabled: settings !== null,
    placeholderData: keepPreviousData,
  });

/** Saves the coverage thresholds: the saved settings are asked again. */
export function useSaveCoverageSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: CoverageSettings) => ipc.coverageSettingsSave(settings),
    onSuccess: (saved) => client.setQueryData(queryKeys.coverageSettings, saved),
  });
}
/** The performance table for the period and outcome; the previous table stays while a new one is measured. */
export const useInsightsPerformance = (
  segmentIds: number[],
  outcome: Outcome,
  from: string,
  to: string,
  enabled: boolean,
) =>
  useQuery({
    queryKey: queryKeys.insightsPerformance(segmentIds, outcome, from, to),
    queryFn: () => ipc.insightsPerformance(segmentIds, outcome, from, to),
    placeholderData: keepPreviousData,
    enabled,
  });

/** The action ranking for the period and outcome; the previous ranking stays while a new one is measured. */
export const useInsightsActions = (outcome: Outcome, from: string, to: string, enabled: boolean) =>
  useQuery({
    queryKey: queryKeys.insightsActions(outcome, from, to),
    queryFn: () => ipc.insightsActions(outcome, from, to),
    placeholderData: keepPreviousData,
    enabled,
  });

/** The cross-tab of two dimensions; off until both are chosen. */
export const useCrosstab = (
  rows: Dimension | null,
  columns: Dimension | null,
  outcome: Outcome,
  from: string,
  to: string,
) =>
  useQuery({
    queryKey: queryKeys.insightsCrosstab(
      rows ?? { kind: "field", key: "" },
      columns ?? { kind: "field", key: "" },
      outcome,
      from,
      to,
    ),
    queryFn: () =>
      rows && columns
        ? ipc.insightsCrosstab(rows, columns, outcome, from, to)
        : Promise.reject(new Error("choose the rows and the columns")),
    enabled: rows !== null && columns !== null && from !== "" && to !== "",
  });

/** The segments proposed from the data for a period and outcome. */
export const useDiscovery = (outcome: Outcome, from: string, to: string, options: DiscoverOptions | null) =>
  useQuery({
    queryKey: queryKeys.insightsDiscover(outcome, from, to, options),
    queryFn: () => ipc.insightsDiscover(outcome, from, to, options),
    enabled: from !== "" && to !== "",
  });

/** Scoring's query keys: every one starts with "scoring", so a model write invalidates them all. */
export const scoringKeys = {
  all: ["scoring"] as const,
  models: ["scoring", "models"] as const,
  preview: (savedId: number | null, definitionJson: string) => ["scoring", "preview", savedId, definitionJson] as const,
  explain: (leadId: number, modelId: number | null) => ["scoring", "explain", leadId, modelId] as const,
  backtest: (modelId: number | null, definitionJson: string | null, at: string, windowDays: number, types: string[]) =>
    ["scoring", "backtest", modelId, definitionJson, at, windowDays, types] as const,
};

/** The stored scoring models, the active one first. */
export const useScoringModels = () => useQuery({ queryKey: scoringKeys.models, queryFn: ipc.scoringModels });

/** The band counts before and after an edit (the definition as JSON); the previous counts stay while new ones come. */
export const useScoringPreview = (savedId: number | null, definitionJson: string, enabled: boolean) =>
  useQuery({
    queryKey: scoringKeys.preview(savedId, definitionJson),
    queryFn: () => ipc.scoringPreview(savedId, JSON.parse(definitionJson) as ModelDefinition),
    placeholderData: keepPreviousData,
    enabled,
  });

/** Why a lead has its score under a model (null: the active one); none asked while there is no model. */
export const useScoreExplanation = (leadId: number, modelId: number | null, enabled: boolean) =>
  useQuery({
    queryKey: scoringKeys.explain(leadId, modelId),
    queryFn: () => ipc.scoringExplain(leadId, modelId),
    enabled,
  });

/** A back-test of a stored model (or an edited definition, as JSON); asked only once a model and a date are set. */
export const useScoringBacktest = (
  modelId: number | null,
  definitionJson: string | null,
  at: string,
  windowDays: number,
  types: string[],
  enabled: boolean,
) =>
  useQuery({
    queryKey: scoringKeys.backtest(modelId, definitionJson, at, windowDays, types),
    queryFn: () =>
      ipc.scoringBacktest(
        modelId,
        definitionJson ? (JSON.parse(definitionJson) as ModelDefinition) : null,
        at,
        windowDays,
        types,
      ),
    enabled,
    placeholderData: keepPreviousData,
  });

/** After a model changes: every scoring answer, and the leads and segments (scores are lead fields), are asked again. */
function invalidateScoring(client: QueryClient) {
  return Promise.all(
    [scoringKeys.all, ["leads"], ["lead-detail"], ["field-values"], queryKeys.fields].map((queryKey) =>
      client.invalidateQueries({ queryKey }),
    ),
  ).then(() => invalidateSegments(client));
}

/** Saves a scoring model (id null creates one). */
export function useSaveScoringModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name, definition }: { id: number | null; name: string; definition: ModelDefinition }) =>
      ipc.scoringSave(id, name, definition),
    onSuccess: () => invalidateScoring(client),
  });
}

export function useActivateScoringModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => ipc.scoringActivate(id),
    onSuccess: () => invalidateScoring(client),
  });
}

export function useDeleteScoringModel() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (id: number) => ipc.scoringDelete(id), onSuccess: () => invalidateScoring(client) });
}

/** A stored model evaluated now against an outcome field (`FIELD[=VALUE]`); asked only once a field is chosen. */
export const useScoringEvaluate = (modelId: number | null, outcomeField: string, holdout: boolean, enabled: boolean) =>
  useQuery({
    queryKey: ["scoring", "evaluate", modelId, outcomeField, holdout] as const,
    queryFn: () => ipc.scoringEvaluate(modelId, outcomeField, holdout),
    enabled,
    placeholderData: keepPreviousData,
  });

/** Suggested points: against an outcome field when `outcomeField` is set, else against events after `at`; asked on demand. */
export const useScoringSuggest = (
  outcomeField: string | null,
  at: string,
  windowDays: number,
  types: string[],
  enabled: boolean,
) =>
  useQuery({
    queryKey: ["scoring", "suggest", outcomeField, at, windowDays, types] as const,
    queryFn: () => ipc.scoringSuggest(outcomeField, at, windowDays, types),
    enabled,
  });

/** Goals' and reviews' query keys: every one starts with "strategy-goals" or "strategy-reviews". */
export const goalKeys = {
  all: ["strategy-goals"] as const,
  list: (asOf: string | null) => ["strategy-goals", "list", asOf] as const,
  progress: (id: number, asOf: string | null) => ["strategy-goals", "progress", id, asOf] as const,
  baseline: (draftJson: string) => ["strategy-goals", "baseline", draftJson] as const,
};
export const reviewKeys = {
  all: ["strategy-reviews"] as const,
  due: (asOf: string | null) => ["strategy-reviews", "due", asOf] as const,
  list: (segmentId: number) => ["strategy-reviews", "list", segmentId] as const,
};

/** Every goal measured as of `asOf` (null: now). */
export const useGoals = (asOf: string | null) =>
  useQuery({ queryKey: goalKeys.list(asOf), queryFn: () => ipc.goalsList(asOf), placeholderData: keepPreviousData });

/** One goal's progress with its trajectory as of `asOf`. */
export const useGoalProgress = (id: number | null, asOf: string | null) =>
  useQuery({
    queryKey: goalKeys.progress(id ?? 0, asOf),
    queryFn: () => ipc.goalProgress(id ?? 0, asOf),
    enabled: id !== null,
    placeholderData: keepPreviousData,
  });

/**
 * The baseline of a goal draft (given as its JSON), measured live while the
 * user picks. No previous data while a new draft's is measured: the form
 * would show the last subject's or metric's value as this one's.
 */
export const useGoalBaseline = (draftJson: string, enabled: boolean) =>
  useQuery({
    queryKey: goalKeys.baseline(draftJson),
    queryFn: () => ipc.goalBaseline(JSON.parse(draftJson) as GoalDraft),
    enabled,
  });

export function useAddGoal() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (draft: GoalDraft) => ipc.goalAdd(draft),
    onSuccess: () => client.invalidateQueries({ queryKey: goalKeys.all }),
  });
}

export function useDeleteGoal() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => ipc.goalDelete(id),
    onSuccess: () => client.invalidateQueries({ queryKey: goalKeys.all }),
  });
}

/** The due list and every segment's review state as of `asOf` (null: now). */
export const useReviewsDue = (asOf: string | null) =>
  useQuery({ queryKey: reviewKeys.due(asOf), queryFn: () => ipc.reviewsDue(asOf), placeholderData: keepPreviousData });

/** A segment's recorded reviews, newest first. */
export const useReviews = (segmentId: number | null) =>
  useQuery({
    queryKey: reviewKeys.list(segmentId ?? 0),
    queryFn: () => ipc.reviewsList(segmentId ?? 0),
    enabled: segmentId !== null,
  });

export function useRecordReview() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ segmentId, decision, note }: { segmentId: number; decision: Decision; note: string }) =>
      ipc.reviewRecord(segmentId, decision, note),
    onSuccess: () => client.invalidateQueries({ queryKey: reviewKeys.all }),
  });
}

export function useSetReviewCadence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ segmentId, days }: { segmentId: number; days: number | null }) => ipc.reviewCadence(segmentId, days),
    onSuccess: () => client.invalidateQueries({ queryKey: reviewKeys.all }),
  });
}

/** ICE prioritisation's query keys: every one starts with "ice". */
export const iceKeys = {
  all: ["ice"] as const,
  table: ["ice", "table"] as const,
  suggestions: ["ice", "suggestions"] as const,
};

/** The ranked ICE table under the workspace's formula. */
export const useIceTable = () => useQuery({ queryKey: iceKeys.table, queryFn: ipc.iceTable });

/** Suggested ICE scores from the data (slower: read once per visit). */
export const useIceSuggestions = () =>
  useQuery({ queryKey: iceKeys.suggestions, queryFn: ipc.iceSuggestions, staleTime: 60_000 });

/** Changes a target's scores; the answer (the re-ranked table) replaces the cached table at once. */
export function useSetIceScores() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id, update }: { kind: TargetKind; id: number; update: IceUpdate }) =>
      ipc.iceSet(kind, id, update),
    onSuccess: (table) => client.setQueryData(iceKeys.table, table),
  });
}

/** Sets the workspace's formula; the table ranked under it replaces the cached one. */
export function useSetIceFormula() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (formula: IceFormula) => ipc.iceSetFormula(formula),
    onSuccess: (table) => client.setQueryData(iceKeys.table, table),
  });
}
/** Segment history (Strategy → History): keys under "history", asked again whenever the tab mounts. */
export const historyKeys = {
  all: ["history"] as const,
  segment: (id: number) => ["history", "segment", id] as const,
  diff: (id: number, from: string, to: string) => ["history", "diff", id, from, to] as const,
};

/** Segment `id`'s recorded snapshots; nothing is asked while `id` is null. */
export const useSegmentHistory = (id: number | null) =>
  useQuery({
    queryKey: historyKeys.segment(id ?? 0),
    queryFn: () => ipc.segmentHistory(id ?? 0),
    enabled: id !== null,
  });

/** Who joined or left segment `id` between two dates; asked once both dates are complete. */
export const useSegmentDiff = (id: number | null, from: string, to: string, enabled: boolean) =>
  useQuery({
    queryKey: historyKeys.diff(id ?? 0, from, to),
    queryFn: () => ipc.segmentDiff(id ?? 0, from, to),
    enabled: enabled && id !== null,
    placeholderData: keepPreviousData,
  });

// The Quality view's reads and fixes live in their own module of this layer.
export * from "./qualityQueries";
export * from "./privacyQueries";
