// The one module that talks to the Tauri backend. Nothing else in the UI may
// import @tauri-apps/*: components call these typed functions, whose argument
// and result types are generated from Rust by ts-rs (../bindings).
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open, save } from "@tauri-apps/plugin-dialog";

import type { Field } from "../bindings/Field";
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
import type { EventTypeSummary } from "../bindings/EventTypeSummary";
import type { Explanation } from "../bindings/Explanation";
import type { OperatorSet } from "../bindings/OperatorSet";
import type { RuleGroup } from "../bindings/RuleGroup";
import type { Segment } from "../bindings/Segment";
import type { SegmentDraft } from "../bindings/SegmentDraft";
import type { SegmentPreview } from "../bindings/SegmentPreview";
import type { SegmentSummary } from "../bindings/SegmentSummary";
import type { SegmentTemplate } from "../bindings/SegmentTemplate";
import type { ValueCount } from "../bindings/ValueCount";

/** A backend failure, carrying the backend's readable message. */
export class IpcError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
    this.name = "IpcError";
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    const message = typeof error === "string" ? error : error instanceof Error ? error.message : JSON.stringify(error);
    throw new IpcError(command, message);
  }
}

export const ipc = {
  appStart: () => call<StartState>("app_start"),
  workspaceInfo: () => call<WorkspaceInfo | null>("workspace_info"),
  workspaceEventCount: () => call<number>("workspace_event_count"),
  workspaceOpen: (path: string) => call<WorkspaceInfo>("workspace_open", { path }),
  workspaceCreate: (name: string) => call<WorkspaceInfo>("workspace_create", { name }),
  workspaceOpenDemo: () => call<WorkspaceInfo>("workspace_open_demo"),
  workspaceRecent: () => call<RecentWorkspace[]>("workspace_recent"),
  fieldsList: () => call<Field[]>("fields_list"),
  leadsPage: (query: LeadQuery) => call<LeadPage>("leads_page", { query }),
  leadDetail: (id: number) => call<LeadDetail>("lead_detail", { id }),

  importInspect: (path: string, format: SourceFormat | null, kind: ImportKind | null) =>
    call<ImportInspection>("import_inspect", { path, format, kind }),
  importRun: (path: string, spec: ImportSpec, dryRun: boolean) =>
    call<ImportReport>("import_run", { path, spec, dryRun }),
  importCancel: () => call<void>("import_cancel"),
  importsList: () => call<ImportRecord[]>("imports_list"),
  importUndo: (id: number) => call<UndoSummary>("import_undo", { id }),

  /** Exact count, share and sample of a rule tree; `asOf` is a date or date-time, null for now. */
  segmentPreview: (rules: RuleGroup, asOf: string | null, columns: string[], sample: number) =>
    call<SegmentPreview>("segment_preview", { rules, asOfText: asOf, columns, sample }),
  segmentExplain: (rules: RuleGroup, leadId: number, asOf: string | null) =>
    call<Explanation>("segment_explain", { rules, leadId, asOfText: asOf }),
  /** Writes the members with `fields` as CSV to `path`; resolves to the number written. */
  segmentExport: (rules: RuleGroup, asOf: string | null, fields: string[], path: string) =>
    call<number>("segment_export", { rules, asOfText: asOf, fields, path }),
  segmentsList: () => call<SegmentSummary[]>("segments_list"),
  /** Creates a segment (`id` null) or updates one. */
  segmentSave: (id: number | null, draft: SegmentDraft) => call<Segment>("segment_save", { id, draft }),
  segmentDuplicate: (id: number) => call<Segment>("segment_duplicate", { id }),
  segmentDelete: (id: number) => call<void>("segment_delete", { id }),
  segmentTemplates: () => call<SegmentTemplate[]>("segment_templates"),
  segmentOperators: () => call<OperatorSet[]>("segment_operators"),
  fieldValues: (key: string) => call<ValueCount[]>("field_values", { key }),
  eventTypes: () => call<EventTypeSummary[]>("event_types"),

  /** Asks where to save a CSV export with the native dialog; null if cancelled. */
  async pickCsvSavePath(defaultName: string): Promise<string | null> {
    const picked = await save({ defaultPath: defaultName, filters: [{ name: "CSV files", extensions: ["csv"] }] });
    return typeof picked === "string" ? picked : null;
  },

  /** Calls `onProgress` for each progress report of a running import; returns the unsubscribe function. */
  onImportProgress: (onProgress: (progress: ImportProgress) => void) =>
    listen<ImportProgress>("import-progress", (event) => onProgress(event.payload)),

  /** Calls `onDrop` with the paths of files dropped anywhere on the window. */
  onFileDrop: (onDrop: (paths: string[]) => void) =>
    getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop") onDrop(event.payload.paths);
    }),

  /** Asks the user for a CSV file with the native dialog; null if cancelled. */
  async pickCsvFile(): Promise<string | null> {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "CSV files", extensions: ["csv", "tsv", "txt"] }],
    });
    return typeof picked === "string" ? picked : null;
  },

  /** Asks the user for a workspace file with the native dialog; null if cancelled. */
  async pickWorkspaceFile(): Promise<string | null> {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Leadstream workspace", extensions: ["leadstream"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
};

export type Ipc = typeof ipc;
