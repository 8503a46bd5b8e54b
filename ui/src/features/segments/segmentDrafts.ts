// The drafts of the segment builder: what is kept (name, colour, folder and
// rules as edited), under which key (the segment's id, or "new" for one not
// saved yet), and the words of the notice that says a draft was restored.
import type { RuleGroup } from "../../bindings/RuleGroup";
import { clearDraft, readDraft, writeDraft, type Draft } from "../../lib/drafts";
import type { SegmentMeta } from "./SegmentDialogs";

/** A segment's unsaved edits, as kept between sessions. */
export type SegmentDraftValue = { meta: SegmentMeta; rules: RuleGroup };

/** The draft key of a saved segment (its id) or of the new, unsaved one. */
export const segmentDraftKey = (id: number | null) => `segment:${id ?? "new"}`;

export const readSegmentDraft = (workspace: string, id: number | null): Draft<SegmentDraftValue> | null => {
  const draft = readDraft<SegmentDraftValue>(workspace, segmentDraftKey(id));
  return draft && typeof draft.value?.rules === "object" && draft.value.rules !== null ? draft : null;
};

export const writeSegmentDraft = (workspace: string, id: number | null, value: SegmentDraftValue) =>
  writeDraft(workspace, segmentDraftKey(id), value);

export const clearSegmentDraft = (workspace: string, id: number | null) => clearDraft(workspace, segmentDraftKey(id));

/** "Unsaved changes from 13:05 restored." (with the day when it was not today). */
export function restoredText(savedAt: string, now: Date = new Date()): string {
  const at = new Date(savedAt);
  if (Number.isNaN(at.getTime())) return "Unsaved changes restored.";
  const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const sameDay = at.toDateString() === now.toDateString();
  const when = sameDay ? time : `${at.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
  return `Unsaved changes from ${when} restored.`;
}
