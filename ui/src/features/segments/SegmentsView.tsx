// The Segments view: saved segments and templates on the left; on the right
// the open segment's header and actions (save, duplicate, delete, export,
// JSON), the live exact count of its rules (debounced, rule errors shown right
// there and on the refused rule), the rule builder, a sample of matching leads
// and, for any lead, the explanation of why it is in or out.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { prepareRuleGroup, type RuleGroupType } from "react-querybuilder";

import type { RuleGroup } from "../../bindings/RuleGroup";
import type { Segment } from "../../bindings/Segment";
import type { SegmentTemplate } from "../../bindings/SegmentTemplate";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { ipc } from "../../lib/ipc";
import { useDeleteSegment, useDuplicateSegment, useSaveSegment, useSegments } from "../../lib/queries";
import { EMPTY_QUERY, csvFileName, fromRuleGroup, isAsOfDate, toRuleGroup } from "../../lib/segmentRules";
import { ExplainPanel } from "./ExplainPanel";
import { ruleFailureOf, type RuleFailure } from "./failingRule";
import { RuleBuilder } from "./RuleBuilder";
import { ExportDialog, SaveDialog, type SegmentMeta } from "./SegmentDialogs";
import { SegmentHeader, SegmentNotice, type Notice } from "./SegmentHeader";
import { SegmentList } from "./SegmentList";
import { SegmentSample } from "./SegmentSample";
import { SegmentSummary } from "./SegmentSummary";
import { useSegmentCatalogue } from "./useSegmentCatalogue";
import { useExplanation, useLivePreview } from "./useLivePreview";

const SAMPLE_COLUMNS = ["email", "first_name", "last_name", "company", "persona", "lifecycle_stage", "country"];
const NEW_META: SegmentMeta = { name: "New segment", description: "", color: "#0d9488", folder: "" };

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };

/** The segment open in the builder: a saved one (id) or a new, unsaved one. */
type Editing = { id: number | null; builtin: boolean; meta: SegmentMeta; baseline: string };

const rulesJson = (query: RuleGroupType) => JSON.stringify(toRuleGroup(query));

export function SegmentsView({ onError }: Props) {
  const { catalogue, error: catalogueError } = useSegmentCatalogue();
  const [editing, setEditing] = useState<Editing>({ id: null, builtin: false, meta: NEW_META, baseline: "" });
  const [query, setQuery] = useState<RuleGroupType>(() => prepareRuleGroup(EMPTY_QUERY));
  // The as-of date as typed (YYYY-MM-DD, empty for now) and the last valid one, which is what counts.
  const [asOfText, setAsOfText] = useState("");
  const [asOf, setAsOf] = useState("");
  const typeAsOf = (text: string) => {
    setAsOfText(text);
    if (isAsOfDate(text)) setAsOf(text.trim());
  };
  const segmentsQuery = useSegments(asOf || null);
  const segments = segmentsQuery.data ?? null;
  const [dialog, setDialog] = useState<"save" | "save-new" | "export" | null>(null);
  const [showJson, setShowJson] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [saveFailure, setSaveFailure] = useState<RuleFailure | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [explainLead, setExplainLead] = useState<number | null>(null);

  useEffect(() => {
    if (catalogueError) onError(catalogueError);
  }, [catalogueError, onError]);
  useEffect(() => {
    if (segmentsQuery.error) onError(segmentsQuery.error);
  }, [segmentsQuery.error, onError]);

  // Opening segments and templates.
  const load = useCallback(
    (id: number | null, builtin: boolean, meta: SegmentMeta, rules: RuleGroup, keepQuery?: RuleGroupType) => {
      const prepared = prepareRuleGroup(fromRuleGroup(rules));
      setNotice(null);
      setExplainLead(null); // an explanation belongs to the segment it was asked for
      setSaveFailure(null);
      setEditing({ id, builtin, meta, baseline: id === null ? "" : rulesJson(prepared) });
      setQuery(keepQuery ?? prepared);
    },
    [],
  );
  const openSegment = useCallback(
    (segment: Segment, keepQuery?: RuleGroupType) =>
      load(segment.id, segment.is_builtin, metaOf(segment), segment.rules, keepQuery),
    [load],
  );
  const startNew = () => load(null, false, NEW_META, toRuleGroup(EMPTY_QUERY));
  const startFromTemplate = (t: SegmentTemplate) =>
    load(null, false, { name: t.name, description: t.description, color: t.color, folder: t.folder }, t.rules);
  const changeQuery = (next: RuleGroupType) => {
    setSaveFailure(null);
    setQuery(next);
  };

  const currentJson = useMemo(() => rulesJson(query), [query]);
  const dirty = editing.id === null || currentJson !== editing.baseline;
  const rules = useMemo(() => JSON.parse(currentJson) as RuleGroup, [currentJson]);

  const fieldByKey = useMemo(() => new Map(catalogue?.fields.map((f) => [f.key, f])), [catalogue]);
  const columns = useMemo(() => SAMPLE_COLUMNS.filter((k) => fieldByKey.has(k)), [fieldByKey]);
  const preview = useLivePreview(currentJson, asOf, columns, catalogue !== null);
  const { explanation, error: explainError } = useExplanation(preview, explainLead);

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
      throw e;
    }
    openSegment(saved);
    setDialog(null);
    setNotice({ text: `Saved “${saved.name}”.` });
  };
  const duplicate = async () => {
    if (editing.id === null) return;
    try {
      const copy = await duplicateSegment.mutateAsync(editing.id);
      // Unsaved edits come along, so a built-in segment can be changed and saved as a copy.
      openSegment(copy, dirty ? query : undefined);
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
      <SegmentList
        segments={segments}
        templates={catalogue.templates}
        selectedId={editing.id}
        onSelect={({ segment }) => openSegment(segment)}
        onNew={startNew}
        onTemplate={startFromTemplate}
      />

      <div className="segment-main">
        <SegmentHeader
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
          onToggleJson={() => {
            if (!showJson) scroller.current?.scrollTo({ top: 0 });
            setShowJson(!showJson);
          }}
        />

        <SegmentNotice notice={notice} onDismiss={() => setNotice(null)} />

        <SegmentSummary
          preview={preview}
          asOfText={asOfText}
          asOf={asOf}
          onAsOfText={typeAsOf}
          onExplain={setExplainLead}
        />

        <div className="segment-body">
          <div className="segment-scroll" ref={scroller}>
            {showJson && (
              <section className="segment-json">
                <h3>Rules as JSON</h3>
                <textarea data-testid="segment-json" readOnly rows={14} value={JSON.stringify(rules, null, 2)} />
              </section>
            )}
            <RuleBuilder
              query={query}
              onQueryChange={changeQuery}
              fields={catalogue.fields}
              operatorSets={catalogue.operators}
              eventTypes={catalogue.eventTypes}
              segments={segments ?? []}
              currentSegmentId={editing.id}
              failure={preview.failure ?? saveFailure}
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
