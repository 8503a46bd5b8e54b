// Opening a workspace that may be encrypted (issue 15): every opener (start
// screen, recent list, Open…, the workspace menu, the launch workspace)
// goes through `openWorkspaceAsking`, which asks the mounted passphrase
// dialog for the passphrase when the backend says one is needed, and keeps
// the dialog open on a wrong one. The passphrase lives only in this call's
// memory and the backend's open workspace.
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { ipc, IpcError } from "../../lib/ipc";

/** What the dialog needs: the file, a way to try a passphrase (rejects when it does not open), and a way out. */
export type PassphraseRequest = {
  path: string;
  submit: (passphrase: string) => Promise<void>;
  cancel: () => void;
};

type Show = (request: PassphraseRequest | null) => void;
let show: Show | null = null;

/** Registers the mounted dialog's setter (null when it unmounts). */
export function setPassphraseDialog(setter: Show | null) {
  show = setter;
}

/** Whether `error` means the workspace waits for its passphrase. */
export const needsPassphrase = (error: unknown) =>
  error instanceof IpcError && (error.kind === "passphrase_required" || error.kind === "wrong_passphrase");

/** The error a dismissed passphrase dialog rejects with: nothing to report. */
export const openingCancelled = () =>
  new IpcError("workspace_open", {
    kind: "cancelled",
    message: "Opening the workspace was cancelled.",
    rule_path: null,
    field: null,
    detail: null,
  });

/** Opens the workspace at `path`, asking for its passphrase when it is protected. */
export const openWorkspaceAsking = (path: string) =>
  openAsking(path, (passphrase) => ipc.workspaceOpen(path, passphrase));

/** Opens the demo workspace, asking for its passphrase when it is protected. */
export const openDemoAsking = () => openAsking("Demo.leadstream", (passphrase) => ipc.workspaceOpenDemo(passphrase));

/** Runs `open` without a passphrase, then with the ones the dialog is given until one opens the workspace. */
async function openAsking(path: string, open: (passphrase?: string) => Promise<WorkspaceInfo>): Promise<WorkspaceInfo> {
  try {
    return await open();
  } catch (error) {
    const ask = show;
    if (!needsPassphrase(error) || !ask) throw error;
    return new Promise<WorkspaceInfo>((resolve, reject) => {
      ask({
        path,
        submit: async (passphrase) => {
          const info = await open(passphrase);
          ask(null);
          resolve(info);
        },
        cancel: () => {
          ask(null);
          reject(openingCancelled());
        },
      });
    });
  }
}
