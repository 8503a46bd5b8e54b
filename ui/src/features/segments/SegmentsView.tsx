// The Segments view: saved segments and templates on the left; on the right
// the open segment's header and actions (save, duplicate, delete, export,
// JSON), the live exact count of its rules (debounced, rule errors shown right
// there and on the refused rule), the rule builder, a sample of matching leads
// and, for any lead, the explanation of why it is in or out. Unsaved edits
// are registered (leaving asks first, switching segment too) and kept as a
// draft per workspace, restored with a notice when the segment opens again.
// Built-in segments show their rules read-only.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { prepareRuleGroup, type RuleGroupType } from "react-querybuilder";

import type { RuleGroup } from "../../bindings/RuleGroup";
import type { Segment } from "../../bindings/Segment";
import type { SegmentTemplate } from "../../bindings/SegmentTemplate";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { ipc } from "../../lib/ipc";
import { useAsOfCheck, useDeleteSegment, useDuplicateSegment, useSaveSegment, useSegments } from "../../lib/queries";
import { EMPTY_QUERY, csvFileName, fieldLabeller, fromRuleGroup, toRuleGroup } from "../../lib/segmentRules";
import { useIntent } from "../../lib/navigation";
import { confirmLeave, useUnsavedChanges } from "../../lib/unsavedChanges";
import { useDebounced } from "../../lib/useDebounced";
import { ExplainPanel } from "./ExplainPanel";
import {
  describeRulePath,
  idAtPath,
  plainRuleError,
  ruleFailureOf,
  untouchedRules,
  type RuleFailure,
} from "./failingRule";
import { RuleBuilder } from "./RuleBuilder";
import { RulesJsonPanel } from "./RulesJsonPanel";
import type { AudiencePlatform } from "../../bindings/AudiencePlatform";
import { AUDIENCE_PLATFORMS, AudienceDialog } from "./AudienceDialog";
import { ExportDialog, SaveDialog, type SegmentMeta } from "./SegmentDialogs";
import { SegmentHeader, SegmentNotice, type Notice } from "./SegmentHeader";
import { SegmentList } from "./SegmentList";
import { SegmentSample } from "./SegmentSample";
import { SegmentSummary } from "./SegmentSummary";
import { useSegmentCatalogue } from "./useSegmentCatalogue";
import { useExplanation, useLivePreview } from "./useLivePreview";
import { clearSegmentDraft, readSegmentDraft, restoredText, writeSegmentDraft } from "./segmentDrafts";
import "./segments.css";

const SAMPLE_COLUMNS = ["email", "first_name", "last_name", "company", "persona", "lifecycle_stage", "country"];
const NEW_META: SegmentMeta = { name: "New segment", description: "", color: "#0d9488", folder: "" };

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };

/** The segment open in the builder: a saved one (id) or a new, unsaved one; `baseline` is its rules as opened. */
type Editing = { id: number | null; builtin: boolean; meta: SegmentMeta; baseline: string };

const rulesJson = (query: RuleGroupType) => JSON.stringify(toRuleGroup(query));

/**
 * What the builder shows when a segment opens: its rules, or the draft of
 * its unsaved edits when there is one (which `restoredAt` then dates).
 */
function opening(
  space: string,
  id: number | null,
  builtin: boolean,
  meta: SegmentMeta,
  rules: RuleGroup,
  keepQuery?: RuleGroupType,
) {
  const prepared = prepareRuleGroup(fromRuleGroup(rules));
  const editing: Editing = { id, builtin, meta, baseline: rulesJson(prepared) };
  const draft = keepQuery || builtin ? null : readSegmentDraft(space, id);
  const restored = draft ? prepareRuleGroup(fromRuleGroup(draft.value.rules)) : null;
  if (draft && restored && rulesJson(restored) !== editing.baseline) {
    return {
      editing: id === null ? { ...editing, meta: draft.value.meta } : editing,
      query: restored,
      prepared,
      restoredAt: draft.savedAt,
    };
  }
  return { editing, query: keepQuery ?? prepared, prepared, restoredAt: null };
}

export function SegmentsView({ workspace, onError }: Props) {
  const space = workspace.path ?? workspace.name;
  const { catalogue, error: catalogueError } = useSegmentCatalogue();
  // Opened from elsewhere (an overlap cell, a proposed segment): new rules with a name, else the last draft.
  const intent = useIntent("segments");
  const [initial] = useState(() => {
    if (!intent) return opening(space, null, false, NEW_META, toRuleGroup(EMPTY_QUERY));
    const meta = { ...NEW_META, name: intent.name };
    return opening(space, null, false, meta, intent.rules, prepareRuleGroup(fromRuleGroup(intent.rules)));
  });
  const [editing, setEditing] = useState<Editing>(initial.editing);
  const [query, setQuery] = useState<RuleGroupType>(initial.query);
  // Rules just added and not yet touched: their errors wait until the user has filled them in.
  const [untouched, setUntouched] = useState<Set<string>>(() => new Set());
  // The as-of date as typed (empty for now), read by the core's parser (the CLI's --as-of): an invalid one is
  // said and nothing is counted; the last valid one stays for the list of segments.
  const [asOfText, setAsOfText] = useState("");
  // Checked once typing pauses, so a date half typed is not called invalid.
  const checkedAsOf = useDebounced(asOfText, 300);
  const asOfSettled = checkedAsOf === asOfText;
  const asOfCheck = useAsOfCheck(checkedAsOf);
  const asOfBlank = asOfText.trim() === "";
  const asOfError =
    !asOfBlank && asOfSettled && asOfCheck.error ? plainRuleError(asOfCheck.error, query, String) : null;
  const asOfValid = asOfBlank || (asOfSettled && asOfCheck.data !== undefined);
  const [lastValidAsOf, setLastValidAsOf] = useState("");
  const asOf = asOfBlank ? "" : asOfValid ? asOfText.trim() : lastValidAsOf;
  useEffect(() => {
    if (asOfValid) setLastValidAsOf(asOfBlank ? "" : asOfText.trim());
  }, [asOfValid, asOfBlank, asOfText]);
  const segmentsQuery = useSegments(asOf || null);
  const segments = segmentsQuery.data ?? null;
  const [dialog, setDialog] = useState<"save" | "save-new" | "export" | "audience" | null>(null);
  const [showJson, setShowJson] = useState(false);
  const [saveFailure, setSaveFailure] = useState<RuleFailure | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const main = useRef<HTMLDivElement>(null);
  // The rules last written as a draft (a restored draft counts), so a draft keeps the time of the edit.
  const lastDraft = useRef(initial.restoredAt ? rulesJson(initial.query) : "");
  const [explainLead, setExplainLead] = useState<number | null>(null);

  useEffect(() => {
    if (catalogueError) onError(catalogueError);
  }, [catalogueError, onError]);
  useEffect(() => {
    if (segmentsQuery.error) onError(segmentsQuery.error);
  }, [segmentsQuery.error, onError]);

  // A restored draft says so, with a way back to the saved rules.
  const restoredNotice = useCallback(
    (id: number | null, savedAt: string, prepared: RuleGroupType): Notice => ({
      text: restoredText(savedAt),
      action: {
        label: "Discard",
        testId: "segment-draft-discard",
        run: () => {
          clearSegmentDraft(space, id);
          setQuery(prepared);
          setUntouched(new Set());
          setNotice({ text: "Unsaved changes discarded." });
        },
      },
    }),
    [space],
  );
  const [notice, setNotice] = useState<Notice | null>(() =>
    initial.restoredAt ? restoredNotice(null, initial.restoredAt, initial.prepared) : null,
  );

  // Opening segments and templates (with the draft of their unsaved edits, if any).
  const load = useCallback(
    (id: number | null, builtin: boolean, meta: SegmentMeta, rules: RuleGroup, keepQuery?: RuleGroupType) => {
      const opened = opening(space, id, builtin, meta, rules, keepQuery);
      lastDraft.current = opened.restoredAt ? rulesJson(opened.query) : "";
      setNotice(opened.restoredAt ? restoredNotice(id, opened.restoredAt, opened.prepared) : null);
      setExplainLead(null); // an explanation belongs to the segment it was asked for
      setSaveFailure(null);
      setUntouched(new Set());
      setEditing(opened.editing);
      setQuery(opened.query);
    },
    [space, restoredNotice],
  );
  const openSegment = useCallback(
    (segment: Segment, keepQuery?: RuleGroupType) =>
      load(segment.id, segment.is_builtin, metaOf(segment), segment.rules, keepQuery),
    [load],
  );
  const startNew = () => load(null, false, NEW_META, toRuleGroup(EMPTY_QUERY));
  const startFromTemplate = (t: SegmentTemplate) =>
    load(null, false, { name: t.name, description: t.description, color: t.color, folder: t.folder }, t.rules);
  // Switching to another segment asks first when there are unsaved edits (their draft goes if discarded).
  const leaveThen = (go: () => void) =>
    void confirmLeave().then((leave) => {
      if (leave) go();
    });
  const changeQuery = (next: RuleGroupType) => {
    setSaveFailure(null);
    // "Saved …" no longer holds once the rules change; a notice with an undo or an action stays.
    setNotice((current) => (current && !current.undo && !current.action ? null : current));
    setUntouched((current) => untouchedRules(query, next, current));
    setQuery(next);
  };

  const currentJson = useMemo(() => rulesJson(query), [query]);
  const changed = currentJson !== editing.baseline;
  const dirty = editing.id === null || changed;
  const rules = useMemo(() => JSON.parse(currentJson) as RuleGroup, [currentJson]);

  // Unsaved edits: registered, so leaving asks first, and kept as a draft that survives a restart.
  const discardDraft = useCallback(() => clearSegmentDraft(space, editing.id), [space, editing.id]);
  useUnsavedChanges("segment-builder", `segment “${editing.meta.name}”`, changed && !editing.builtin, discardDraft);
  useEffect(() => {
    if (editing.builtin) return;
    if (!changed) {
      lastDraft.current = "";
      clearSegmentDraft(space, editing.id);
    } else if (currentJson !== lastDraft.current) {
      lastDraft.current = currentJson;
      writeSegmentDraft(space, editing.id, { meta: editing.meta, rules });
    }
  }, [space, editing, changed, currentJson, rules]);

  const fieldByKey = useMemo(() => new Map(catalogue?.fields.map((f) => [f.key, f])), [catalogue]);
  const columns = useMemo(() => SAMPLE_COLUMNS.filter((k) => fieldByKey.has(k)), [fieldByKey]);
  const preview = useLivePreview(currentJson, asOf, columns, catalogue !== null && asOfError === null);
  const { explanation, error: explainError } = useExplanation(preview, explainLead);
  const labelOf = useMemo(() => fieldLabeller(catalogue?.fields ?? []), [catalogue]);
  // A refused rule the user has just added and not yet touched waits quietly: no error until it is filled in.
  const waitingFor =
    preview.failure && untouched.has(idAtPath(preview.failure.path, query) ?? "") ? preview.failure.path : null;
  const ruleError =
    preview.errorObject && waitingFor === null ? plainRuleError(preview.errorObject, query, labelOf) : null;
  const waitingNote =
    waitingFor !== null
      ? `${describeRulePath(waitingFor, query, labelOf)} is not filled in yet: the count waits for it.`
      : null;

  // Saving, duplicating, deleting, exporting: each list of segments is asked again after a write.
  const saveSegment = useSaveSegment();
  const duplicateSegment = useDuplicateSegment();
  const deleteSegment = useDeleteSegment();
  const save = async (meta: SegmentMeta, creating: boolean) => {
    let saved: Segment;
    try {
      saved = await saveSegment.mutateAsync({ id: creating ? null : editing.id, draft: { ...meta, rules } });
    } catch (e) {
      setSaveFailure(ruleFailureOf(e));
      throw ruleFailureOf(e) ? new Error(plainRuleError(e, query, labelOf)) : e;
    }
    clearSegmentDraft(space, editing.id);
    if (creating) clearSegmentDraft(space, null);
    openSegment(saved);
    setDialog(null);
    setNotice({ text: `Saved “${saved.name}”.` });
  };
  const duplicate = async () => {
    if (editing.id === null) return;
    try {
      const copy = await duplicateSegment.mutateAsync(editing.id);
      // Unsaved edits come along to the copy, and their draft with them.
      if (changed) clearSegmentDraft(space, editing.id);
      openSegment(copy, changed ? query : undefined);
      setNotice({ text: `Created “${copy.name}”${dirty ? " with your unsaved changes" : ""}.` });
    } catch (e) {
      onError(e);
    }
  };
  const remove = async () => {
    if (editing.id === null || editing.builtin) return;
    const gone = { meta: editing.meta, rules: JSON.parse(editing.baseline) as RuleGroup };
    try {
      await deleteSegment.mutateAsync(editing.id);
      clearSegmentDraft(space, editing.id);
      startNew();
      setNotice({
        text: `Deleted “${gone.meta.name}”.`,
        undo: () => {
          saveSegment
            .mutateAsync({ id: null, draft: { ...gone.meta, rules: gone.rules } })
            .then((restored) => {
              openSegment(restored);
              setNotice({ text: `Restored “${restored.name}”.` });
            })
            .catch(onError);
        },
      });
    } catch (e) {
      onError(e);
    }
  };
  const exportMembers = async (keys: string[], includeUnconsented: boolean) => {
    const name = includeUnconsented ? `${editing.meta.name} including unconsented` : editing.meta.name;
    const path = await ipc.pickCsvSavePath(csvFileName(name));
    if (!path) return;
    const summary = await ipc.segmentExport(rules, asOf || null, keys, path, includeUnconsented);
    setDialog(null);
    setNotice({ text: `${summary.message} File: ${path}` });
  };

  const exportAudience = async (platform: AudiencePlatform) => {
    const label = AUDIENCE_PLATFORMS.find((p) => p.key === platform)?.label ?? platform;
    const path = await ipc.pickCsvSavePath(csvFileName(`${editing.meta.name} ${label} audience`));
    if (!path) return;
    const segmentLabel =
      editing.id === null ? `unsaved segment “${editing.meta.name}”` : `segment ${editing.id} (“${editing.meta.name}”)`;
    const summary = await ipc.audienceExport(rules, asOf || null, platform, path, segmentLabel);
    setDialog(null);
    setNotice({ text: `${summary.message} File: ${path}` });
  };

  const folders = useMemo(
    () =>
      [
        ...new Set([
          ...(catalogue?.templates.map((t) => t.folder) ?? []),
          ...(segments ?? []).map((s) => s.segment.folder),
        ]),
      ].filter(Boolean),
    [catalogue, segments],
  );

  if (!catalogue) {
    return (
      <div className="segments-view loading" data-testid="segments-view">
        Loading the segment builder…
      </div>
    );
  }

  const creating = editing.id === null || dialog === "save-new";

  return (
    <div className="segments-view" data-testid="segments-view">
      <a
        href="#segment-main"
        className="skip-link"
        data-testid="segment-skip-link"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to the segment builder
      </a>
      <SegmentList
        segments={segments}
        templates={catalogue.templates}
        selectedId={editing.id}
        hasDraft={(id) => id !== editing.id && readSegmentDraft(space, id) !== null}
        onSelect={({ segment }) => segment.id !== editing.id && leaveThen(() => openSegment(segment))}
        onNew={() => leaveThen(startNew)}
        onTemplate={(template) => leaveThen(() => startFromTemplate(template))}
      />

      <div className="segment-main" id="segment-main" ref={main} tabIndex={-1} aria-label="Segment builder">
        <SegmentHeader
          id={editing.id}
          meta={editing.meta}
          saved={editing.id !== null}
          builtin={editing.builtin}
          dirty={dirty}
          showJson={showJson}
          onSave={() => setDialog("save")}
          onSaveAs={() => setDialog("save-new")}
          onDuplicate={() => void duplicate()}
          onDelete={() => void remove()}
          onExport={() => setDialog("export")}
          onAudience={() => setDialog("audience")}
          onToggleJson={() => {
            if (!showJson) scroller.current?.scrollTo({ top: 0 });
            setShowJson(!showJson);
          }}
        />

        <SegmentNotice notice={notice} onDismiss={() => setNotice(null)} />

        <SegmentSummary
          preview={preview}
          ruleError={ruleError}
          waitingNote={waitingNote}
          asOfText={asOfText}
          asOfError={asOfError}
          onAsOfText={setAsOfText}
          onExplain={setExplainLead}
        />

        <div className="segment-body">
          <div className="segment-scroll" ref={scroller}>
            {showJson && (
              <RulesJsonPanel
                rules={rules}
                readOnly={editing.builtin}
                describeError={(e) => plainRuleError(e, query, labelOf)}
                onPaste={(pasted) => {
                  changeQuery(prepareRuleGroup(fromRuleGroup(pasted)));
                  setNotice({ text: `Rules pasted: ${pasted.rules.length} at the top level. Save to keep them.` });
                }}
              />
            )}
            {editing.builtin && (
              <p className="note readonly-note" data-testid="segment-readonly-note">
                <span>Built-in segments cannot be changed; their rules are shown read-only.</span>
                <button type="button" data-testid="segment-duplicate-to-edit" onClick={() => void duplicate()}>
                  Duplicate to edit
                </button>
              </p>
            )}
            <RuleBuilder
              query={query}
              onQueryChange={changeQuery}
              fields={catalogue.fields}
              operatorSets={catalogue.operators}
              eventTypes={catalogue.eventTypes}
              segments={segments ?? []}
              currentSegmentId={editing.id}
              failure={(waitingFor === null ? preview.failure : null) ?? saveFailure}
              readOnly={editing.builtin}
            />
            {query.rules.length === 0 && (
              <p className="muted builder-hint">
                No rules yet, so every lead matches. Add a rule or a group to narrow it down.
              </p>
            )}

            <SegmentSample
              preview={preview}
              columns={columns}
              fieldByKey={fieldByKey}
              explainLead={explainLead}
              onExplain={setExplainLead}
            />
          </div>
          {explainLead !== null && (
            <ExplainPanel
              leadId={explainLead}
              explanation={explanation}
              error={explainError}
              onClose={() => setExplainLead(null)}
            />
          )}
        </div>
      </div>

      {(dialog === "save" || dialog === "save-new") && (
        <SaveDialog
          initial={
            dialog === "save-new" && editing.id !== null
              ? { ...editing.meta, name: `${editing.meta.name} (copy)` }
              : {
                  ...editing.meta,
                  name: editing.meta.name === NEW_META.name && editing.id === null ? "" : editing.meta.name,
                }
          }
          creating={creating}
          folders={folders}
          onSave={(meta) => save(meta, creating)}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog === "audience" && (
        <AudienceDialog
          count={preview.current?.count ?? null}
          onExport={exportAudience}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog === "export" && (
        <ExportDialog
          fields={catalogue.fields}
          count={preview.current?.count ?? null}
          onExport={exportMembers}
          onCancel={() => setDialog(null)}
        />
      )}
    </div>
  );
}

function metaOf(segment: Segment): SegmentMeta {
  return { name: segment.name, description: segment.description, color: segment.color, folder: segment.folder };
}
