// The designer's unsaved work: while the opened stream differs from what was
// saved, it is registered with `useUnsavedChanges` (so leaving asks first) and
// kept as a draft in local storage per workspace and stream (its id, or "new"),
// so it survives a restart; saving or discarding clears the draft.
import { useCallback, useEffect, useRef } from "react";

import type { StreamDefinition } from "../../bindings/StreamDefinition";
import { clearDraft, readDraft, writeDraft, type Draft } from "../../lib/drafts";
import { useUnsavedChanges } from "../../lib/unsavedChanges";
import type { StreamMeta } from "./StreamSettings";

/** A stream as the designer edits it. */
export type Editable = { meta: StreamMeta; definition: StreamDefinition };

/** What a stream draft holds: the stream's id when saved, and the edited stream. */
export type StreamDraftValue = { id: number | null; editable: Editable };

/** The draft key of a stream: its id, or "new" for one never saved. */
export const draftKey = (id: number | null) => `stream:${id ?? "new"}`;

/** How long after the last edit the draft is written. */
const WRITE_DELAY_MS = 300;

/** Whether a stored value is a stream draft this version can open. */
function isStreamDraft(value: unknown): value is StreamDraftValue {
  if (typeof value !== "object" || value === null) return false;
  const draft = value as Partial<StreamDraftValue>;
  const editable = draft.editable as Partial<Editable> | undefined;
  return (
    (draft.id === null || typeof draft.id === "number") &&
    typeof editable?.meta?.name === "string" &&
    Array.isArray(editable?.definition?.nodes) &&
    Array.isArray(editable?.definition?.edges)
  );
}

/** The draft kept for the stream `id` (null: a new one) in `workspace`, if any. */
export function readStreamDraft(workspace: string, id: number | null): Draft<StreamDraftValue> | null {
  const draft = readDraft<unknown>(workspace, draftKey(id));
  return draft && isStreamDraft(draft.value) && draft.value.id === id
    ? { savedAt: draft.savedAt, value: draft.value }
    : null;
}

export function clearStreamDraft(workspace: string, id: number | null): void {
  clearDraft(workspace, draftKey(id));
}

/**
 * While `dirty`, registers the stream opened with `id` as unsaved work named `name` and keeps `editable` as its
 * draft. Discarding (from the question asked on leaving) clears the draft. Returns `dropPendingWrite`, which a
 * save calls before it clears the draft: the write still waiting for its delay would otherwise put the draft
 * back between the clear and the next render, which is what ends it.
 */
export function useStreamDraft(workspace: string, id: number | null, name: string, dirty: boolean, editable: Editable) {
  const onDiscard = useCallback(() => clearStreamDraft(workspace, id), [workspace, id]);
  useUnsavedChanges(`stream-designer`, `stream “${name || "Untitled"}”`, dirty, onDiscard);
  const pendingWrite = useRef<ReturnType<typeof setTimeout> | null>(null);
  const dropPendingWrite = useCallback(() => {
    if (pendingWrite.current !== null) clearTimeout(pendingWrite.current);
    pendingWrite.current = null;
  }, []);
  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(() => {
      pendingWrite.current = null;
      writeDraft<StreamDraftValue>(workspace, draftKey(id), { id, editable });
    }, WRITE_DELAY_MS);
    pendingWrite.current = timer;
    return () => {
      clearTimeout(timer);
      if (pendingWrite.current === timer) pendingWrite.current = null;
    };
  }, [workspace, id, dirty, editable]);
  return { dropPendingWrite };
}
