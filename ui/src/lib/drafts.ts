// Drafts of unsaved editor work, kept in the webview's local storage per
// workspace, so edits survive a switch of view, a crash or a restart until
// the user saves or discards them.
const PREFIX = "leadstream.draft.";

/** A stored draft and when it was last written. */
export type Draft<T> = { savedAt: string; value: T };

function storageKey(workspace: string, key: string): string {
  return `${PREFIX}${workspace}::${key}`;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export function writeDraft<T>(workspace: string, key: string, value: T): void {
  const draft: Draft<T> = { savedAt: new Date().toISOString(), value };
  try {
    storage()?.setItem(storageKey(workspace, key), JSON.stringify(draft));
  } catch {
    // Storage full or unavailable: the in-app warning still protects the edits.
  }
}

export function readDraft<T>(workspace: string, key: string): Draft<T> | null {
  const text = storage()?.getItem(storageKey(workspace, key));
  if (!text) return null;
  try {
    const draft = JSON.parse(text) as Draft<T>;
    return draft && typeof draft.savedAt === "string" ? draft : null;
  } catch {
    return null;
  }
}

export function clearDraft(workspace: string, key: string): void {
  storage()?.removeItem(storageKey(workspace, key));
}
