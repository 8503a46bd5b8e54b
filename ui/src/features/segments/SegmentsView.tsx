// The Segments view: saved segments and templates on the left; on the right
// the open segment's header and actions (save, duplicate, delete, export,
// JSON), the live exact count of its rules (debounced, stale answers
// ignored, rule errors shown right there), the rule builder, a sample of
// matching leads and, for any lead, the explanation of why it is in or out.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { prepareRuleGroup, type RuleGroupType } from "react-querybuilder";

import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { Explanation } from "../../bindings/Explanation";
import type { Field } from "../../bindings/Field";
import type { OperatorSet } from "../../bindings/OperatorSet";
import type { RuleGroup } from "../../bindings/RuleGroup";
import type { Segment } from "../../bindings/Segment";
import type { SegmentPreview } from "../../bindings/SegmentPreview";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import type { SegmentTemplate } from "../../bindings/SegmentTemplate";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { formatCell, formatCount } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { EMPTY_QUERY, csvFileName, fromRuleGroup, isAsOfDate, shareText, toRuleGroup } from "../../lib/segmentRules";
import { useDebounced } from "../../lib/useDebounced";
import { ExplainPanel } from "./ExplainPanel";
import { RuleBuilder } from "./RuleBuilder";
import { ExportDialog, SaveDialog, type SegmentMeta } from "./SegmentDialogs";
import { SegmentList } from "./SegmentList";

const SAMPLE_COLUMNS = ["email", "first_name", "last_name", "company", "persona", "lifecycle_stage", "country"];
const SAMPLE_SIZE = 50;
const NEW_META: SegmentMeta = { name: "New segment", description: "", color: "#0d9488", folder: "" };

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };

/** The segment open in the builder: a saved one (id) or a new, unsaved one. */
type Editing = { id: number | null; builtin: boolean; meta: SegmentMeta; baseline: string };

type Catalogue = {
  fields: Field[];
  operators: OperatorSet[];
  eventTypes: EventTypeSummary[];
  templates: SegmentTemplate[];
};

type PreviewState = { key: string; preview: SegmentPreview | null; error: string | null };

type Notice = { text: string; undo?: () => void };

const rulesJson = (query: RuleGroupType) => JSON.stringify(toRuleGroup(query));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function SegmentsView({ workspace, onError }: Props) {
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  const [segments, setSegments] = useState<SegmentSummary[] | null>(null);
  const [editing, setEditing] = useState<Editing>({ id: null, builtin: false, meta: NEW_META, baseline: "" });
  const [query, setQuery] = useState<RuleGroupType>(() => prepareRuleGroup(EMPTY_QUERY));
  // The as-of date as typed (YYYY-MM-DD, empty for now) and the last valid one, which is what counts.
  const [asOfText, setAsOfText] = useState("");
  const [asOf, setAsOf] = useState("");
  const asOfValid = isAsOfDate(asOfText);
  const typeAsOf = (text: string) => {
    setAsOfText(text);
    if (isAsOfDate(text)) setAsOf(text.trim());
  };
  const [dialog, setDialog] = useState<"save" | "save-new" | "export" | null>(null);
  const [showJson, setShowJson] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [explainLead, setExplainLead] = useState<number | null>(null);
  const [explainInput, setExplainInput] = useState("");
  const [explanation, setExplanation] = useState<Explanation | null>(null);
  const [explainError, setExplainError] = useState<string | null>(null);

  const refreshSegments = useCallback(
    () =>
      ipc
        .segmentsList(asOf || null)
        .then((list) => {
          setSegments(list);
          return list;
        })
        .catch((e) => {
          onError(e);
          return null;
        }),
    [onError, asOf],
  );

  useEffect(() => {
    Promise.all([ipc.fieldsList(), ipc.segmentOperators(), ipc.eventTypes(), ipc.segmentTemplates()])
      .then(([fields, operators, eventTypes, templates]) => setCatalogue({ fields, operators, eventTypes, templates }))
      .catch(onError);
    void refreshSegments();
  }, [onError, refreshSegments, workspace.lead_count]);

  // Opening segments and templates.
  const load = useCallback((id: number | null, builtin: boolean, meta: SegmentMeta, rules: RuleGroup, keepQuery?: RuleGroupType) => {
    const prepared = prepareRuleGroup(fromRuleGroup(rules));
    setNotice(null);
    setExplainLead(null); // an explanation belongs to the segment it was asked for
    setExplanation(null);
    setEditing({ id, builtin, meta, baseline: id === null ? "" : rulesJson(prepared) });
    setQuery(keepQuery ?? prepared);
  }, []);
  const openSegment = useCallback(
    (segment: Segment, keepQuery?: RuleGroupType) =>
      load(segment.id, segment.is_builtin, metaOf(segment), segment.rules, keepQuery),
    [load],
  );
  const startNew = () => load(null, false, NEW_META, toRuleGroup(EMPTY_QUERY));
  const startFromTemplate = (t: SegmentTemplate) =>
    load(null, false, { name: t.name, description: t.description, color: t.color, folder: t.folder }, t.rules);

  const currentJson = useMemo(() => rulesJson(query), [query]);
  const dirty = editing.id === null || currentJson !== editing.baseline;
  const rules = useMemo(() => JSON.parse(currentJson) as RuleGroup, [currentJson]);

  // Live preview: debounced, and only the answer to the latest request counts.
  const fieldKeys = useMemo(() => new Set(catalogue?.fields.map((f) => f.key)), [catalogue]);
  const columns = useMemo(() => SAMPLE_COLUMNS.filter((k) => fieldKeys.has(k)), [fieldKeys]);
  const requestKey = `${currentJson}|${asOf}`;
  const debouncedKey = useDebounced(requestKey, 250);
  const [result, setResult] = useState<PreviewState>({ key: "", preview: null, error: null });
  const [lastGood, setLastGood] = useState<SegmentPreview | null>(null);
  const sequence = useRef(0);
  useEffect(() => {
    if (!catalogue) return;
    const ticket = ++sequence.current;
    const [json, date] = splitKey(debouncedKey);
    ipc
      .segmentPreview(JSON.parse(json) as RuleGroup, date || null, columns, SAMPLE_SIZE)
      .then((preview) => {
        if (ticket !== sequence.current) return;
        setLastGood(preview);
        setResult({ key: debouncedKey, preview, error: null });
      })
      .catch((error) => {
        if (ticket !== sequence.current) return;
        setResult({ key: debouncedKey, preview: null, error: message(error) });
      });
  }, [catalogue, debouncedKey, columns]);
  const loading = result.key !== requestKey;
  const current = !loading && result.preview ? result.preview : null;
  const shown = current ?? lastGood;

  // Explanations follow the rules and the as-of date while the panel is open.
  const explainTicket = useRef(0);
  useEffect(() => {
    if (explainLead === null) return;
    const ticket = ++explainTicket.current;
    const [json, date] = splitKey(debouncedKey);
    setExplainError(null);
    ipc
      .segmentExplain(JSON.parse(json) as RuleGroup, explainLead, date || null)
      .then((found) => ticket === explainTicket.current && setExplanation(found))
      .catch((error) => {
        if (ticket !== explainTicket.current) return;
        setExplanation(null);
        setExplainError(message(error));
      });
  }, [explainLead, debouncedKey]);
  const explain = (id: number) => {
    if (id !== explainLead) setExplanation(null);
    setExplainLead(id);
  };

  // Saving, duplicating, deleting, exporting.
  const save = async (meta: SegmentMeta, creating: boolean) => {
    const saved = await ipc.segmentSave(creating ? null : editing.id, { ...meta, rules });
    await refreshSegments();
    openSegment(saved);
    setDialog(null);
    setNotice({ text: `Saved “${saved.name}”.` });
  };
  const duplicate = async () => {
    if (editing.id === null) return;
    try {
      const copy = await ipc.segmentDuplicate(editing.id);
      await refreshSegments();
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
      await ipc.segmentDelete(editing.id);
      await refreshSegments();
      startNew();
      setNotice({
        text: `Deleted “${gone.meta.name}”.`,
        undo: () => {
          ipc
            .segmentSave(null, { ...gone.meta, rules: gone.rules })
            .then(async (restored) => {
              await refreshSegments();
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
    () => [...new Set([...(catalogue?.templates.map((t) => t.folder) ?? []), ...(segments ?? []).map((s) => s.segment.folder)])].filter(Boolean),
    [catalogue, segments],
  );
  const fieldByKey = useMemo(() => new Map(catalogue?.fields.map((f) => [f.key, f])), [catalogue]);
  const sampleGrid = ["56px", ...columns.map((k) => (k === "email" ? "minmax(0, 2fr)" : "minmax(0, 1fr)"))].join(" ");

  if (!catalogue) {
    return (
      <div className="segments-view loading" data-testid="segments-view">
        Loading the segment builder…
      </div>
    );
  }

  const canSave = !editing.builtin;
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
        <header className="segment-head">
          <div className="segment-title-block">
            <h2>
              <span className="dot" style={{ background: editing.meta.color }} />
              <span data-testid="segment-title">{editing.meta.name}</span>
              {editing.builtin && (
                <span className="badge" data-testid="segment-builtin-note">
                  Built in — duplicate to edit
                </span>
              )}
              {dirty && (
                <span className="badge unsaved" data-testid="segment-unsaved">
                  {editing.id === null ? "Not saved yet" : "Unsaved changes"}
                </span>
              )}
            </h2>
            {editing.meta.description && <p className="muted">{editing.meta.description}</p>}
          </div>
          <div className="segment-actions">
            <button className="primary" data-testid="segment-save" disabled={!canSave} onClick={() => setDialog("save")}>
              Save…
            </button>
            {editing.id !== null && !editing.builtin && (
              <button data-testid="segment-save-as" onClick={() => setDialog("save-new")}>
                Save as…
              </button>
            )}
            <button data-testid="segment-duplicate" disabled={editing.id === null} onClick={() => void duplicate()}>
              Duplicate
            </button>
            <button data-testid="segment-delete" disabled={editing.id === null || editing.builtin} onClick={() => void remove()}>
              Delete
            </button>
            <button data-testid="segment-export" onClick={() => setDialog("export")}>
              Export…
            </button>
            <button
              data-testid="segment-json-toggle"
              aria-pressed={showJson}
              onClick={() => {
                if (!showJson) scroller.current?.scrollTo({ top: 0 });
                setShowJson(!showJson);
              }}
            >
              {showJson ? "Hide JSON" : "JSON"}
            </button>
          </div>
        </header>

        {notice && (
          <div className="note segment-notice" data-testid="segment-notice">
            <span>{notice.text}</span>
            <span>
              {notice.undo && (
                <button className="link" data-testid="segment-undo" onClick={() => notice.undo?.()}>
                  Undo
                </button>
              )}
              <button className="link" onClick={() => setNotice(null)} aria-label="Dismiss">
                ✕
              </button>
            </span>
          </div>
        )}

        <section className="segment-summary">
          <div className={loading || result.error ? "live-count stale" : "live-count"}>
            <span className="big" data-testid="segment-live-count" data-count={current ? String(current.count) : ""}>
              {shown ? formatCount(shown.count) : "…"}
            </span>
            <span className="unit">leads</span>
          </div>
          <div className="share-block">
            <span data-testid="segment-share">{shown ? shareText(shown.count, shown.total) : "Counting…"}</span>
            <span className="muted small">
              {loading ? "counting…" : shown ? `exact count in ${formatCount(shown.elapsed_ms)} ms` : ""}
            </span>
          </div>
          <div className="summary-tools">
            <label>
              <span>
                As of {asOf ? "" : <em>(now)</em>}
                {asOfText && (
                  <button type="button" className="link inline" onClick={() => typeAsOf("")} title="Back to now">
                    now
                  </button>
                )}
              </span>
              {/* Typed as YYYY-MM-DD, like the CLI's --as-of: a native date input cannot be typed into reliably. */}
              <input
                type="text"
                inputMode="numeric"
                className={asOfValid ? "as-of" : "as-of invalid"}
                data-testid="segment-as-of"
                placeholder="YYYY-MM-DD"
                value={asOfText}
                onChange={(e) => typeAsOf(e.target.value)}
                title={asOfValid ? "Evaluate the rules at 00:00 UTC of this date; empty means now" : "Type a date as YYYY-MM-DD"}
              />
            </label>
            <form
              className="explain-form"
              onSubmit={(e) => {
                e.preventDefault();
                const id = Number(explainInput);
                if (Number.isInteger(id) && id > 0) explain(id);
              }}
            >
              <label>
                <span>Explain lead #</span>
                <input
                  type="number"
                  min={1}
                  data-testid="explain-lead-id"
                  value={explainInput}
                  onChange={(e) => setExplainInput(e.target.value)}
                  placeholder="id"
                />
              </label>
              <button type="submit" data-testid="explain-button" disabled={!explainInput}>
                Explain
              </button>
            </form>
          </div>
          {result.error && !loading && (
            <p className="rule-error" data-testid="segment-rule-error">
              {result.error}
            </p>
          )}
        </section>

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
              onQueryChange={setQuery}
              fields={catalogue.fields}
              operatorSets={catalogue.operators}
              eventTypes={catalogue.eventTypes}
              segments={segments ?? []}
              currentSegmentId={editing.id}
            />
            {query.rules.length === 0 && (
              <p className="muted builder-hint">No rules yet, so every lead matches. Add a rule or a group to narrow it down.</p>
            )}


            <section className="segment-sample-block">
              <h3>
                {shown && shown.count > 0
                  ? `First ${Math.min(shown.count, SAMPLE_SIZE)} matching leads`
                  : "Matching leads"}{" "}
                <span className="muted small">— click a lead to see why it matches</span>
              </h3>
              <div className={loading || result.error ? "sample-wrap stale" : "sample-wrap"}>
                {/* A grid of divs rather than a <table>: WebKit's WebDriver cannot click <tr> rows. */}
                <div className="segment-sample" role="table" aria-label="Matching leads" data-testid="segment-sample">
                  <div className="sample-row head" role="row" style={{ gridTemplateColumns: sampleGrid }}>
                    <div role="columnheader">#</div>
                    {columns.map((key) => (
                      <div role="columnheader" key={key}>
                        {fieldByKey.get(key)?.label ?? key}
                      </div>
                    ))}
                  </div>
                  {shown?.sample.map((row) => (
                    <div
                      key={row.id}
                      role="row"
                      tabIndex={0}
                      data-testid="segment-sample-row"
                      data-lead-id={row.id}
                      className={row.id === explainLead ? "sample-row selected" : "sample-row"}
                      style={{ gridTemplateColumns: sampleGrid }}
                      onClick={() => explain(row.id)}
                      onKeyDown={(e) => e.key === "Enter" && explain(row.id)}
                    >
                      <div role="cell" className="muted">
                        {row.id}
                      </div>
                      {columns.map((key, index) => (
                        <div role="cell" key={key}>
                          {formatCell(row.cells[index], fieldByKey.get(key)?.type ?? "text")}
                        </div>
                      ))}
                    </div>
                  ))}
                </div>
                {shown && shown.count === 0 && <p className="empty-table">No lead matches these rules.</p>}
              </div>
            </section>
          </div>
          {explainLead !== null && (
            <ExplainPanel
              leadId={explainLead}
              explanation={explanation}
              error={explainError}
              onClose={() => {
                setExplainLead(null);
                setExplanation(null);
              }}
            />
          )}
        </div>
      </div>

      {(dialog === "save" || dialog === "save-new") && (
        <SaveDialog
          initial={
            dialog === "save-new" && editing.id !== null
              ? { ...editing.meta, name: `${editing.meta.name} (copy)` }
              : { ...editing.meta, name: editing.meta.name === NEW_META.name && editing.id === null ? "" : editing.meta.name }
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
          count={current?.count ?? null}
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

/** A preview request key back into its rule JSON and as-of date. */
function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf("|");
  return [key.slice(0, at), key.slice(at + 1)];
}
