// The one module that talks to the Tauri backend. Nothing else in the UI may
// import @tauri-apps/*: components call these typed functions, whose argument
// and result types are generated from Rust by ts-rs (../bindings).
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open } from "@tauri-apps/plugin-dialog";

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
