// The one module that talks to the Tauri backend. Nothing else in the UI may
// import @tauri-apps/*: components call these typed functions, whose argument
// and result types are generated from Rust by ts-rs (../bindings).
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";

import type { AccessExportFormat } from "../bindings/AccessExportFormat";
import type { AccessExportSummary } from "../bindings/AccessExportSummary";
import type { ErasurePreview } from "../bindings/ErasurePreview";
import type { ErasureReport } from "../bindings/ErasureReport";
import type { RetentionMode } from "../bindings/RetentionMode";
import type { RetentionPreview } from "../bindings/RetentionPreview";
import type { RetentionReport } from "../bindings/RetentionReport";
import type { FixOutcome } from "../bindings/FixOutcome";
import type { AuditExportFormat } from "../bindings/AuditExportFormat";
import type { AuditFilter } from "../bindings/AuditFilter";
import type { AuditPage } from "../bindings/AuditPage";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { BackupsOverview } from "../bindings/BackupsOverview";
import type { RestoreOutcome } from "../bindings/RestoreOutcome";
import type { Normalisation } from "../bindings/Normalisation";
import type { NormalisationPlan } from "../bindings/NormalisationPlan";
import type { NormalisationPreview } from "../bindings/NormalisationPreview";
import type { SpellingField } from "../bindings/SpellingField";
import type { Unsendable } from "../bindings/Unsendable";
import type { UnsendablePreview } from "../bindings/UnsendablePreview";
import type { Field } from "../bindings/Field";
import type { FieldDeletion } from "../bindings/FieldDeletion";
import type { FileKind } from "../bindings/FileKind";
import type { ImportInspection } from "../bindings/ImportInspection";
import type { ImportKind } from "../bindings/ImportKind";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportRecord } from "../bindings/ImportRecord";
import type { ImportReport } from "../bindings/ImportReport";
import type { ImportSpec } from "../bindings/ImportSpec";
import type { SourceFormat } from "../bindings/SourceFormat";
import type { UndoSummary } from "../bindings/UndoSummary";
import type { LeadDetail } from "../bindings/LeadDetail";
import type { LeadPage } from "../bindings/LeadPage";
import type { LeadQuery } from "../bindings/LeadQuery";
import type { RecentWorkspace } from "../bindings/RecentWorkspace";
import type { StartState } from "../bindings/StartState";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import type { DailyUpkeep } from "../bindings/DailyUpkeep";
import type { DuplicateReport } from "../bindings/DuplicateReport";
import type { MergePreview } from "../bindings/MergePreview";
import type { IceFormula } from "../bindings/IceFormula";
import type { IceTable } from "../bindings/IceTable";
import type { IceUpdate } from "../bindings/IceUpdate";
import type { TargetKind } from "../bindings/TargetKind";
import type { TargetSuggestions } from "../bindings/TargetSuggestions";
import type { EventTypeSummary } from "../bindings/EventTypeSummary";
import type { Explanation } from "../bindings/Explanation";
import type { Assignment } from "../bindings/Assignment";
import type { Hierarchy } from "../bindings/Hierarchy";
import type { HierarchyDraft } from "../bindings/HierarchyDraft";
import type { Placement } from "../bindings/Placement";
import type { MemberExportSummary } from "../bindings/MemberExportSummary";
import type { OperatorSet } from "../bindings/OperatorSet";
import type { RuleGroup } from "../bindings/RuleGroup";
import type { OverlapReport } from "../bindings/OverlapReport";
import type { Segment } from "../bindings/Segment";
import type { SegmentDraft } from "../bindings/SegmentDraft";
import type { SegmentPreview } from "../bindings/SegmentPreview";
import type { SegmentSummary } from "../bindings/SegmentSummary";
import type { SegmentTemplate } from "../bindings/SegmentTemplate";
import type { ValueCount } from "../bindings/ValueCount";
import type { ContentDraft } from "../bindings/ContentDraft";
import type { ContentItem } from "../bindings/ContentItem";
import type { ContentSuggestion } from "../bindings/ContentSuggestion";
import type { LeadJourney } from "../bindings/LeadJourney";
import type { ErrorKind } from "../bindings/ErrorKind";
import type { ActionsReport } from "../bindings/ActionsReport";
import type { Outcome } from "../bindings/Outcome";
import type { PerformanceReport } from "../bindings/PerformanceReport";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { MatrixCell } from "../bindings/MatrixCell";
import type { Plan } from "../bindings/Plan";
import type { SavedStream } from "../bindings/SavedStream";
import type { PlanSettings } from "../bindings/PlanSettings";
import type { Stream } from "../bindings/Stream";
import type { StreamDefinition } from "../bindings/StreamDefinition";
import type { StreamDraft } from "../bindings/StreamDraft";
import type { StreamProblem } from "../bindings/StreamProblem";
import type { StreamTemplate } from "../bindings/StreamTemplate";
import type { Crosstab } from "../bindings/Crosstab";
import type { Dimension } from "../bindings/Dimension";
import type { DiscoverOptions } from "../bindings/DiscoverOptions";
import type { Discovery } from "../bindings/Discovery";
import type { Welcome } from "../bindings/Welcome";
import type { Coverage } from "../bindings/Coverage";
import type { CoverageScope } from "../bindings/CoverageScope";
import type { CoverageSettings } from "../bindings/CoverageSettings";
import type { BandChanges } from "../bindings/BandChanges";
import type { Backtest } from "../bindings/Backtest";
import type { ModelDefinition } from "../bindings/ModelDefinition";
import type { ScoreExplanation } from "../bindings/ScoreExplanation";
import type { ScoringModel } from "../bindings/ScoringModel";
import type { Evaluation } from "../bindings/Evaluation";
import type { Suggestions } from "../bindings/Suggestions";
import type { Baseline } from "../bindings/Baseline";
import type { Decision } from "../bindings/Decision";
import type { DueReport } from "../bindings/DueReport";
import type { Goal } from "../bindings/Goal";
import type { GoalDraft } from "../bindings/GoalDraft";
import type { GoalProgress } from "../bindings/GoalProgress";
import type { Review } from "../bindings/Review";
import type { SegmentDiff } from "../bindings/SegmentDiff";
import type { SegmentHistory } from "../bindings/SegmentHistory";
import type { FieldCompleteness } from "../bindings/FieldCompleteness";
import type { QualityReport } from "../bindings/QualityReport";
import type { ReportOptions } from "../bindings/ReportOptions";
import type { AudienceExportSummary } from "../bindings/AudienceExportSummary";
import type { AudiencePlatform } from "../bindings/AudiencePlatform";
import type { ConsentEvent } from "../bindings/ConsentEvent";
import type { ConsentOverview } from "../bindings/ConsentOverview";
import type { ConsentStatement } from "../bindings/ConsentStatement";
import type { EncryptionChange } from "../bindings/EncryptionChange";
import type { EncryptionStatus } from "../bindings/EncryptionStatus";

/** A backend failure: the backend's readable message, its kind, and the rule or field it is about. */
export class IpcError extends Error {
  readonly kind: ErrorKind;
  readonly rulePath: string | null;
  readonly field: string | null;
  /** What is wrong, without where: for a note beside the rule or field. */
  readonly detail: string | null;
  constructor(
    readonly command: string,
    report: ErrorReport,
  ) {
    super(report.message);
    this.name = "IpcError";
    this.kind = report.kind;
    this.rulePath = report.rule_path;
    this.field = report.field;
    this.detail = report.detail;
  }
}

function isErrorReport(value: unknown): value is ErrorReport {
  return typeof value === "object" && value !== null && "kind" in value && "message" in value;
}

/** Turns whatever `invoke` rejected with into a report (the shell's own failures can be plain strings). */
export function toErrorReport(error: unknown): ErrorReport {
  if (isErrorReport(error)) return error;
  const message = typeof error === "string" ? error : error instanceof Error ? error.message : JSON.stringify(error);
  return { kind: "internal", message, rule_path: null, field: null, detail: null };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new IpcError(command, toErrorReport(error));
  }
}

export const ipc = {
  appStart: () => call<StartState>("app_start"),
  workspaceInfo: () => call<WorkspaceInfo | null>("workspace_info"),
  workspaceEventCount: () => call<number>("workspace_event_count"),
  /** Opens a workspace; an encrypted one needs `passphrase` (kind `passphrase_required` or `wrong_passphrase`). */
  workspaceOpen: (path: string, passphrase?: string) =>
    call<WorkspaceInfo>("workspace_open", { path, passphrase: passphrase ?? null }),
  workspaceCreate: (name: string) => call<WorkspaceInfo>("workspace_create", { name }),
  /** Opens the demo workspace; a protected demo needs `passphrase`, as for `workspaceOpen`. */
  workspaceOpenDemo: (passphrase?: string) =>
    call<WorkspaceInfo>("workspace_open_demo", { passphrase: passphrase ?? null }),
  workspaceRecent: () => call<RecentWorkspace[]>("workspace_recent"),
  /** Whether the open workspace's day's upkeep (today's lead scores and segment history) still runs beside the app. */
  workspaceUpkeepRunning: () => call<boolean>("workspace_upkeep_running"),
  /** Calls `onDone` each time a day's upkeep beside the app ends; resolves to the unsubscribe function. */
  onDailyUpkeepDone: (onDone: (upkeep: DailyUpkeep) => void) =>
    listen<DailyUpkeep>("daily-upkeep-done", (event) => onDone(event.payload)),
  /** Quits the app, as closing its window does (the workspace is closed first). */
  appQuit: () => call<void>("app_quit"),
  fieldsList: () => call<Field[]>("fields_list"),
  /** Deletes a custom field and its values; refused (with the reason) for standard fields and fields in use. */
  fieldDelete: (key: string) => call<FieldDeletion>("field_delete", { key }),
  leadsPage: (query: LeadQuery) => call<LeadPage>("leads_page", { query }),
  leadDetail: (id: number) => call<LeadDetail>("lead_detail", { id }),

  importInspect: (path: string, format: SourceFormat | null, kind: ImportKind | null) =>
    call<ImportInspection>("import_inspect", { path, format, kind }),
  importRun: (path: string, spec: ImportSpec, dryRun: boolean) =>
    call<ImportReport>("import_run", { path, spec, dryRun }),
  importCancel: () => call<void>("import_cancel"),
  importsList: () => call<ImportRecord[]>("imports_list"),
  /** Undoes an import; `removeCreatedFields` also deletes the custom fields it created that nothing else uses. */
  importUndo: (id: number, removeCreatedFields: boolean) =>
    call<UndoSummary>("import_undo", { id, removeCreatedFields }),

  /** Exact count, share and sample of a rule tree; `asOf` is a date or date-time, null for now. */
  segmentPreview: (rules: RuleGroup, asOf: string | null, columns: string[], sample: number) =>
    call<SegmentPreview>("segment_preview", { rules, asOfText: asOf, columns, sample }),
  segmentExplain: (rules: RuleGroup, leadId: number, asOf: string | null) =>
    call<Explanation>("segment_explain", { rules, leadId, asOfText: asOf }),
  /**
   * Writes the members with `fields` as CSV to `path`, for an email tool: members marked "do not email" or
   * without email opt-in are left out unless `includeUnconsented`. The file is replaced only on success.
   */
  segmentExport: (rules: RuleGroup, asOf: string | null, fields: string[], path: string, includeUnconsented: boolean) =>
    call<MemberExportSummary>("segment_export", { rules, asOfText: asOf, fields, path, includeUnconsented }),
  /** Saved segments with counts as of `asOf` (a date or date-time; null for now). */
  segmentsList: (asOf: string | null) => call<SegmentSummary[]>("segments_list", { asOfText: asOf }),
  /** Creates a segment (`id` null) or updates one. */
  segmentSave: (id: number | null, draft: SegmentDraft) => call<Segment>("segment_save", { id, draft }),
  segmentDuplicate: (id: number) => call<Segment>("segment_duplicate", { id }),
  segmentDelete: (id: number) => call<void>("segment_delete", { id }),
  segmentTemplates: () => call<SegmentTemplate[]>("segment_templates"),
  segmentOperators: () => call<OperatorSet[]>("segment_operators"),
  /** The operators a behaviour rule's event-property filter accepts. */
  segmentPropertyOperators: () => call<string[]>("segment_property_operators"),
  fieldValues: (key: string) => call<ValueCount[]>("field_values", { key }),
  eventTypes: () => call<EventTypeSummary[]>("event_types"),
  /** The known values of one property of one event type, most frequent first (bounded). */
  segmentPropertyValues: (eventType: string, property: string) =>
    call<ValueCount[]>("segment_property_values", { eventType, property }),
  /** Reads an as-of text with the core's one parser (the CLI's --as-of): seconds since the epoch, or an error. */
  segmentAsOf: (asOf: string | null) => call<number>("segment_as_of", { asOfText: asOf }),
  /** Reads pasted rule JSON and checks it as a save would; errors name the rule. */
  segmentParseRules: (text: string) => call<RuleGroup>("segment_parse_rules", { text }),

  contentList: () => call<ContentItem[]>("content_list"),
  /** Creates a content item (`id` null) or updates one. */
  contentSave: (id: number | null, draft: ContentDraft) => call<ContentItem>("content_save", { id, draft }),
  contentDelete: (id: number) => call<void>("content_delete", { id }),
  /** How many items cover each persona × buying-stage cell. */
  contentMatrix: () => call<MatrixCell[]>("content_matrix"),
  /** The library ordered for a stream: items suiting its entry segments' audience first. */
  contentSuggestions: (definition: StreamDefinition) =>
    call<ContentSuggestion[]>("content_suggestions", { definition }),

  streamsList: () => call<Stream[]>("streams_list"),
  /** Creates a stream (`id` null) or updates one; an active stream must have no problems. */
  /** Saves; a stream asked to be active that has problems is saved inactive, with the problems. */
  streamSave: (id: number | null, draft: StreamDraft) => call<SavedStream>("stream_save", { id, draft }),
  streamDelete: (id: number) => call<void>("stream_delete", { id }),
  /** The problems of a stream as drawn (use id -1 for an unsaved one). */
  streamProblems: (stream: Stream) => call<StreamProblem[]>("stream_problems", { stream }),
  streamTemplates: () => call<StreamTemplate[]>("stream_templates"),
  streamExport: (id: number, path: string) => call<void>("stream_export", { id, path }),
  streamImport: (path: string) => call<Stream>("stream_import", { path }),

  plannerSettings: () => call<PlanSettings>("planner_settings"),
  plannerSettingsSave: (settings: PlanSettings) => call<PlanSettings>("planner_settings_save", { settings }),
  /** Dry-runs `streams` (null: every active stream) from `from` (YYYY-MM-DD) for `days` days. */
  planRun: (streams: Stream[] | null, from: string, days: number) => call<Plan>("plan_run", { streams, from, days }),
  planJourney: (streams: Stream[] | null, from: string, days: number, leadId: number) =>
    call<LeadJourney>("plan_journey", { streams, from, days, leadId }),
  /** Writes the plan's sends as CSV to `path`; resolves to the number of sends. */
  planExport: (streams: Stream[] | null, from: string, days: number, path: string) =>
    call<number>("plan_export", { streams, from, days, path }),

  // The native dialogs run in Rust, which records the chosen file: commands
  // that take a path accept only files chosen there, dropped on the window,
  // or listed as recent workspaces.

  /** Asks for a stream JSON file with the native dialog; null if cancelled. */
  pickJsonFile: () => openDialog("json"),

  /** Asks where to save a JSON file with the native dialog; null if cancelled. */
  pickJsonSavePath: (defaultName: string) => saveDialog("json", defaultName),

  /** Asks where to save a CSV export with the native dialog; null if cancelled. */
  pickCsvSavePath: (defaultName: string) => saveDialog("csv", defaultName),

  /** Calls `onProgress` for each progress report of a running import; returns the unsubscribe function. */
  onImportProgress: (onProgress: (progress: ImportProgress) => void) =>
    listen<ImportProgress>("import-progress", (event) => onProgress(event.payload)),

  /** Calls `onDrop` with the paths of files dropped anywhere on the window. */
  onFileDrop: (onDrop: (paths: string[]) => void) =>
    getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop") onDrop(event.payload.paths);
    }),

  /** Asks the user for a CSV file with the native dialog; null if cancelled. */
  pickCsvFile: () => openDialog("csv"),

  /** Asks the user for a workspace file with the native dialog; null if cancelled. */
  pickWorkspaceFile: () => openDialog("workspace"),

  /** The first-run welcome the open workspace shows (demo data, or how to import); null when none. */
  workspaceWelcome: () => call<Welcome | null>("workspace_welcome"),
  /** Remembers in the open workspace that its welcome was dismissed. */
  workspaceDismissWelcome: () => call<void>("workspace_dismiss_welcome"),

  /** How saved segments overlap as of `asOf` (null for now); no ids: the default choice. */
  insightsOverlap: (segmentIds: number[], asOf: string | null, top: number | null) =>
    call<OverlapReport>("insights_overlap", { segmentIds, asOfText: asOf, top }),
  /** Every saved hierarchy with its segments in order. */
  hierarchiesList: () => call<Hierarchy[]>("hierarchies_list"),
  /** Creates (no `id`) or replaces a hierarchy. */
  hierarchySave: (draft: HierarchyDraft) => call<Hierarchy>("hierarchy_save", { draft }),
  hierarchyDelete: (id: number) => call<void>("hierarchy_delete", { id }),
  /** The primary, secondary and none counts of segments in this order (saved or not). */
  hierarchyAssign: (segmentIds: number[], asOf: string | null) =>
    call<Assignment>("hierarchy_assign", { segmentIds, asOfText: asOf }),
  /** Where a lead sits in every hierarchy, with the reason for its primary segment. */
  leadHierarchies: (leadId: number, asOf: string | null) =>
    call<Placement[]>("lead_hierarchies", { leadId, asOfText: asOf }),
  /** The coverage thresholds saved in the workspace (or the defaults). */
  coverageSettings: () => call<CoverageSettings>("coverage_settings"),
  /** Saves the coverage thresholds; returns them as saved. */
  coverageSettingsSave: (settings: CoverageSettings) => call<CoverageSettings>("coverage_settings_save", { settings }),
  /** The coverage report with these thresholds, as of `asOfText` (null: now). */
  coverageReport: (settings: CoverageSettings, asOfText: string | null) =>
    call<Coverage>("coverage_report", { settings, asOfText }),
  /** A page of the leads of one coverage bucket, with the lead browser's query. */
  coverageLeadsPage: (scope: CoverageScope, query: LeadQuery) =>
    call<LeadPage>("coverage_leads_page", { scope, query }),
  /** Conversion, engagement and revenue per saved segment (all when `segmentIds` is empty) from `from` to `to` (dates). */
  insightsPerformance: (segmentIds: number[], outcome: Outcome, from: string, to: string) =>
    call<PerformanceReport>("insights_performance", { segmentIds, outcome, from, to }),
  /** The actions that predict conversion from `from` to `to`, ranked by lift. */
  insightsActions: (outcome: Outcome, from: string, to: string) =>
    call<ActionsReport>("insights_actions", { outcome, from, to }),
  /** The cross-tab of two dimensions over a period (dates; `to` includes its day). */
  insightsCrosstab: (rows: Dimension, columns: Dimension, outcome: Outcome, from: string, to: string) =>
    call<Crosstab>("insights_crosstab", { rows, columns, outcome, from, to }),
  /** Segments proposed from the data: the groups that convert clearly better in the period. */
  insightsDiscover: (outcome: Outcome, from: string, to: string, options: DiscoverOptions | null) =>
    call<Discovery>("insights_discover", { outcome, from, to, options }),

  /** Every stored scoring model, the active one first. */
  scoringModels: () => call<ScoringModel[]>("scoring_models"),
  /** Saves a scoring model (`id` null creates one) after compiling every rule; errors name the rule. */
  scoringSave: (id: number | null, name: string, definition: ModelDefinition) =>
    call<ScoringModel>("scoring_save", { id, name, definition }),
  /** Makes a model the active one (its scores become the leads' score fields). */
  scoringActivate: (id: number) => call<ScoringModel>("scoring_activate", { id }),
  scoringDelete: (id: number) => call<void>("scoring_delete", { id }),
  /** Leads per band under the saved model `savedId` (null: a new model) and under `definition` as edited, now. */
  scoringPreview: (savedId: number | null, definition: ModelDefinition) =>
    call<BandChanges>("scoring_preview", { savedId, definition }),
  /** Why a lead has its score now, under `modelId` (null: the active model). */
  scoringExplain: (leadId: number, modelId: number | null) =>
    call<ScoreExplanation>("scoring_explain", { leadId, modelId }),
  /** Back-tests a stored model (or a definition) scored as of `at` (YYYY-MM-DD) over the next `windowDays` days. */
  scoringBacktest: (
    modelId: number | null,
    definition: ModelDefinition | null,
    at: string,
    windowDays: number,
    outcomeTypes: string[],
  ) => call<Backtest>("scoring_backtest", { modelId, definition, at, windowDays, outcomeTypes }),
  /** Evaluates a stored model (null: the active one) now against an outcome field `FIELD[=VALUE]`, on the held-out half only when `holdout`. */
  scoringEvaluate: (modelId: number | null, outcomeField: string, holdout: boolean) =>
    call<Evaluation>("scoring_evaluate", { modelId, outcomeField, holdout }),
  /** Suggested points against an outcome field `FIELD[=VALUE]` when given, else against `outcomeTypes` events in the `windowDays` after `at`. */
  scoringSuggest: (outcomeField: string | null, at: string, windowDays: number, outcomeTypes: string[]) =>
    call<Suggestions>("scoring_suggest", { outcomeField, at, windowDays, outcomeTypes }),

  /** Every goal measured as of `asOf` (YYYY-MM-DD; null: now), without trajectories. */
  goalsList: (asOf: string | null) => call<GoalProgress[]>("goals_list", { asOf }),
  /** A goal measured as of `asOf` with its trajectory. */
  goalProgress: (id: number, asOf: string | null) => call<GoalProgress>("goal_progress", { id, asOf }),
  /** The baseline a goal draft would get if saved now. */
  goalBaseline: (draft: GoalDraft) => call<Baseline>("goal_baseline", { draft }),
  /** Sets a goal; errors say which value is wrong and why. */
  goalAdd: (draft: GoalDraft) => call<Goal>("goal_add", { draft }),
  goalDelete: (id: number) => call<void>("goal_delete", { id }),
  /** The segments due for review as of `asOf` (null: now), and every segment's review state. */
  reviewsDue: (asOf: string | null) => call<DueReport>("reviews_due", { asOf }),
  /** Records a review of a segment now, with today's numbers. */
  reviewRecord: (segmentId: number, decision: Decision, note: string) =>
    call<Review>("review_record", { segmentId, decision, note }),
  /** Sets a segment's review cadence in days (null: never). */
  reviewCadence: (segmentId: number, days: number | null) => call<void>("review_cadence", { segmentId, days }),
  /** A segment's recorded reviews, newest first. */
  reviewsList: (segmentId: number) => call<Review[]>("reviews_list", { segmentId }),
  /** The ICE ranking of every segment and stream under the workspace's formula. */
  iceTable: () => call<IceTable>("ice_table"),
  /** Suggested ICE scores of every segment and stream from the data, with reasons. */
  iceSuggestions: () => call<TargetSuggestions[]>("ice_suggestions"),
  /** Changes a segment's or stream's ICE scores and notes; resolves to the re-ranked table. */
  iceSet: (kind: TargetKind, id: number, update: IceUpdate) => call<IceTable>("ice_set", { kind, id, update }),
  /** Sets the workspace's ICE formula; resolves to the table ranked under it. */
  iceSetFormula: (formula: IceFormula) => call<IceTable>("ice_set_formula", { formula }),
  /** Writes the ranked ICE table as CSV to `path` (chosen with the save dialog); resolves to the row count. */
  iceExport: (path: string) => call<number>("ice_export", { path }),
  /** Segment `id`'s recorded snapshots (counts, who joined and left between them), oldest first. */
  segmentHistory: (id: number) => call<SegmentHistory>("segment_history", { id }),
  /** Who joined or left segment `id` between the snapshots at or before `from` and `to` (YYYY-MM-DD: end of that day). */
  segmentDiff: (id: number, from: string, to: string) => call<SegmentDiff>("segment_diff", { id, from, to }),
  /** Writes that diff as CSV to `path` (chosen with `pickCsvSavePath`); resolves to the number of leads. */
  segmentDiffExport: (id: number, from: string, to: string, path: string) =>
    call<number>("segment_diff_export", { id, from, to, path }),
  /** The data-quality report (Quality → Overview): completeness, e-mails, phones, countries, stale leads. */
  qualityReport: (options: ReportOptions) => call<QualityReport>("quality_report", { options }),
  /** Every field's completeness (computed score fields aside), for the segment builder's warnings. */
  fieldCompleteness: () => call<FieldCompleteness[]>("field_completeness"),
  /** The `limit` most confident likely duplicate pairs at least `minConfidence` (0-1) confident, and how many in all. */
  qualityDuplicates: (minConfidence: number, limit: number) =>
    call<DuplicateReport>("quality_duplicates", { minConfidence, limit }),
  /** What merging `merged` into `survivor` would do; `picks` maps a field key to the lead whose value wins. */
  mergePreview: (survivor: number, merged: number[], picks: Record<string, number>) =>
    call<MergePreview>("merge_preview", { survivor, merged, picks }),
  /** Merges `merged` into `survivor` (a fix in the history: `importUndo(change_id)` undoes it). */
  mergeLeads: (survivor: number, merged: number[], picks: Record<string, number>) =>
    call<FixOutcome>("merge_leads", { survivor, merged, picks }),
  /** What could be normalised in `field` (countries, phones, spellings), and what is left alone. */
  normaliseSuggest: (field: string) => call<NormalisationPlan>("normalise_suggest", { field }),
  /** What the confirmed mappings would change: leads, per mapping, a sample. */
  normalisePreview: (normalisation: Normalisation) =>
    call<NormalisationPreview>("normalise_preview", { normalisation }),
  /** Applies the confirmed mappings as one fix in the change history. */
  normaliseApply: (normalisation: Normalisation) => call<FixOutcome>("normalise_apply", { normalisation }),
  /** The text fields with values written several ways. */
  spellingFields: () => call<SpellingField[]>("spelling_fields"),
  /** What marking addresses as not sendable would do. */
  unsendablePreview: (what: Unsendable) => call<UnsendablePreview>("unsendable_preview", { what }),
  /** Marks addresses as not sendable ("Do not email") as one fix in the change history. */
  unsendableApply: (what: Unsendable) => call<FixOutcome>("unsendable_apply", { what }),

  // --- Privacy: backups and the audit log (issue 15) ---
  /** The backups, newest first, and how many are kept. */
  backupsOverview: () => call<BackupsOverview>("backups_overview"),
  /** Takes a backup now (reason "manual" when none). */
  backupCreate: (reason: string | null) => call<BackupInfo>("backup_create", { reason }),
  /** Sets how many backups are kept (1 to 1,000); older ones are deleted. */
  backupSetKeep: (count: number) => call<void>("backup_set_keep", { count }),
  /** Replaces the workspace with a backup (a backup of the current state is taken first). */
  backupRestore: (id: string) => call<RestoreOutcome>("backup_restore", { id }),
  /** A page of the audit log, newest first. */
  auditList: (filter: AuditFilter, limit: number, offset: number) =>
    call<AuditPage>("audit_list", { filter, limit, offset }),
  /** Writes the audit log (what `filter` keeps) to `path`; returns how many entries. */
  auditExport: (filter: AuditFilter, format: AuditExportFormat, path: string) =>
    call<number>("audit_export", { filter, format, path }),
  // Privacy (issue 15): consent history and audiences for ad platforms.
  /** Leads per channel by consent status and lawful basis, and how many may be e-mailed / advertised to. */
  consentOverview: () => call<ConsentOverview>("consent_overview"),
  /** A lead's consent statements, newest first. */
  consentHistory: (leadId: number) => call<ConsentEvent[]>("consent_history", { leadId }),
  /** Records a consent statement for a lead and sets its current status (`email_opt_in` / `ads_opt_in`). */
  consentRecord: (leadId: number, statement: ConsentStatement) =>
    call<ConsentEvent>("consent_record", { leadId, statement }),
  /** Writes a segment's audience for an ad platform to `path` (hashed identifiers; unconsented members left out). */
  audienceExport: (
    rules: RuleGroup,
    asOf: string | null,
    platform: AudiencePlatform,
    path: string,
    segmentLabel: string,
  ) => call<AudienceExportSummary>("audience_export", { rules, asOfText: asOf, platform, path, segmentLabel }),
  // Privacy → People and Retention (issue 15): erasure, access export, retention.
  /** What erasing lead `leadId` would remove: the confirmation's numbers. */
  personErasurePreview: (leadId: number) => call<ErasurePreview>("person_erasure_preview", { leadId }),
  /** Erases lead `leadId` everywhere (workspace, backups, rejected-rows files); keeps a salted hash of the e-mail. */
  personErase: (leadId: number) => call<ErasureReport>("person_erase", { leadId }),
  /** Writes lead `leadId`'s access export to `path` (chosen with the save dialog); audited. */
  personAccessExport: (leadId: number, format: AccessExportFormat, path: string) =>
    call<AccessExportSummary>("person_access_export", { leadId, format, path }),
  /** Who and how many are inactive for `months` months (a sample of the first 50). */
  retentionPreview: (months: number) => call<RetentionPreview>("retention_preview", { months }),
  /** The months last used for retention, or null. */
  retentionMonths: () => call<number | null>("retention_months"),
  /** Deletes or anonymises the leads inactive for `months` months (a backup first). */
  retentionRun: (months: number, mode: RetentionMode) => call<RetentionReport>("retention_run", { months, mode }),
  // Encryption at rest (issue 15, Privacy → Encryption). The passphrase crosses IPC once and stays in memory.
  /** Whether the open workspace is protected with a passphrase, and how many backups follow it. */
  encryptionStatus: () => call<EncryptionStatus>("encryption_status"),
  /** Encrypts the workspace and its backups with `passphrase`. */
  encryptionProtect: (passphrase: string) => call<EncryptionChange>("encryption_protect", { passphrase }),
  /** Re-encrypts the workspace and its backups with `passphrase`. */
  encryptionChange: (passphrase: string) => call<EncryptionChange>("encryption_change", { passphrase }),
  /** Decrypts the workspace and its backups. */
  encryptionUnprotect: () => call<EncryptionChange>("encryption_unprotect"),
};

function openDialog(kind: FileKind): Promise<string | null> {
  return call<string | null>("dialog_open", { kind });
}

function saveDialog(kind: FileKind, defaultName: string): Promise<string | null> {
  return call<string | null>("dialog_save", { kind, defaultName });
}

export type Ipc = typeof ipc;
