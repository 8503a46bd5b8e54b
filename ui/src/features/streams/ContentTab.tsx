// The Content tab: the library table (filterable by a matrix cell), the edit
// form for a new or existing item (personas and stages from the workspace's
// known values, plus free text), and the persona × buying-stage matrix with
// empty cells marked as gaps.
import { useEffect, useMemo, useState } from "react";

import type { ContentDraft } from "../../bindings/ContentDraft";
import type { ContentItem } from "../../bindings/ContentItem";
import type { ContentKind } from "../../bindings/ContentKind";
import type { LifecycleFit } from "../../bindings/LifecycleFit";
import { humanize } from "../../lib/format";
import { useContentMatrix, useDeleteContent, useFieldValues, useSaveContent } from "../../lib/queries";
import { splitList } from "../../lib/segmentRules";
import { itemSuitsCell, targetedItems } from "./contentMatrix";

const KINDS: ContentKind[] = [
  "blog_post",
  "guide",
  "whitepaper",
  "case_study",
  "webinar",
  "free_trial",
  "demo_invitation",
  "discount_offer",
  "newsletter",
  "win_back",
  "welcome",
  "onboarding",
];
const LIFECYCLES: LifecycleFit[] = ["prospect", "customer", "former_customer"];

const EMPTY_DRAFT: ContentDraft = {
  title: "",
  kind: "guide",
  subject: "",
  link: "",
  body: "",
  personas: [],
  stages: [],
  lifecycles: ["prospect"],
};

type Props = { content: ContentItem[]; onError: (error: unknown) => void };

/** Checkboxes for the known values plus a free-text box for others. */
function TagPicker({
  known,
  value,
  onChange,
  testId,
  label,
}: {
  known: string[];
  value: string[];
  onChange: (v: string[]) => void;
  testId: string;
  label: string;
}) {
  const extra = value.filter((v) => !known.some((k) => k.toLowerCase() === v.toLowerCase()));
  const [text, setText] = useState(extra.join(", "));
  // The free text follows the values from outside (another item opened), compared by content.
  const extraJson = JSON.stringify(extra);
  useEffect(() => setText((JSON.parse(extraJson) as string[]).join(", ")), [extraJson]);
  const has = (k: string) => value.some((v) => v.toLowerCase() === k.toLowerCase());
  return (
    <fieldset className="tag-picker" data-testid={testId}>
      <legend>{label}</legend>
      {known.map((k) => (
        <label key={k} className="check">
          <input
            type="checkbox"
            data-testid={`${testId}-${k}`}
            checked={has(k)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, k] : value.filter((v) => v.toLowerCase() !== k.toLowerCase()))
            }
          />
          {k}
        </label>
      ))}
      <input
        className="tag-other"
        data-testid={`${testId}-text`}
        placeholder={known.length ? "others, comma-separated" : "comma-separated"}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onChange([
            ...value.filter((v) => known.some((k) => k.toLowerCase() === v.toLowerCase())),
            ...splitList(e.target.value),
          ]);
        }}
      />
      <span className="hint">None ticked: suits any.</span>
    </fieldset>
  );
}

export function ContentTab({ content, onError }: Props) {
  const matrixQuery = useContentMatrix();
  const matrix = useMemo(() => matrixQuery.data ?? [], [matrixQuery.data]);
  const personaValues = useFieldValues("persona");
  const stageValues = useFieldValues("buying_stage");
  const personas = useMemo(() => (personaValues.data ?? []).map((x) => x.value), [personaValues.data]);
  const stages = useMemo(() => (stageValues.data ?? []).map((x) => x.value), [stageValues.data]);
  const saveContent = useSaveContent();
  const deleteContent = useDeleteContent();
  const [filter, setFilter] = useState<{ persona: string; stage: string } | null>(null);
  const [editing, setEditing] = useState<{ id: number | null; draft: ContentDraft } | null>(null);
  const [notice, setNotice] = useState<{ text: string; bad?: boolean } | null>(null);

  useEffect(() => {
    if (matrixQuery.error) onError(matrixQuery.error);
  }, [matrixQuery.error, onError]);

  // Matrix rows and columns in the backend's order.
  const rows = useMemo(() => [...new Set(matrix.map((c) => c.persona))], [matrix]);
  const columns = useMemo(() => [...new Set(matrix.map((c) => c.stage))], [matrix]);
  const cell = (persona: string, stage: string) =>
    matrix.find((c) => c.persona === persona && c.stage === stage)?.items ?? 0;
  const gaps = matrix.filter((c) => c.items === 0).length;

  const shown = filter ? content.filter((item) => itemSuitsCell(item, filter.persona, filter.stage)) : content;

  const save = async () => {
    if (!editing) return;
    try {
      // The library, its matrix and the suggestions are asked again.
      const saved = await saveContent.mutateAsync({ id: editing.id, draft: editing.draft });
      setEditing({ id: saved.id, draft: draftOf(saved) });
      setNotice({ text: `Saved “${saved.title}”.` });
    } catch (e) {
      setNotice({ text: e instanceof Error ? e.message : String(e), bad: true });
    }
  };
  const remove = async () => {
    if (!editing || editing.id === null) return;
    try {
      await deleteContent.mutateAsync(editing.id);
      setNotice({ text: `Deleted “${editing.draft.title}”.` });
      setEditing(null);
    } catch (e) {
      setNotice({ text: e instanceof Error ? e.message : String(e), bad: true });
    }
  };
  const set = (change: Partial<ContentDraft>) =>
    setEditing((e) => (e ? { ...e, draft: { ...e.draft, ...change } } : e));

  return (
    <div className="content-tab">
      <div className="content-left">
        <div className="content-toolbar">
          <button
            className="primary small"
            data-testid="content-new"
            onClick={() => setEditing({ id: null, draft: { ...EMPTY_DRAFT } })}
          >
            + New content
          </button>
          {filter ? (
            <span className="filter-chip" data-testid="content-filter">
              {filter.persona} × {filter.stage}: {shown.length} {shown.length === 1 ? "item" : "items"}
              <button className="link" onClick={() => setFilter(null)} aria-label="Clear the filter">
                ✕
              </button>
            </span>
          ) : (
            <span className="muted small">{content.length} items · click a matrix cell to filter</span>
          )}
        </div>
        {notice && (
          <div className={notice.bad ? "rule-error" : "note"} data-testid="content-notice">
            {notice.text}
          </div>
        )}
        <div className="content-table-wrap">
          <div className="content-list" data-testid="content-list" role="table" aria-label="Content library">
            <div className="content-row head" role="row">
              <span role="columnheader">Title</span>
              <span role="columnheader">Kind</span>
              <span role="columnheader">Suits</span>
            </div>
            {shown.map((item) => (
              <div
                key={item.id}
                role="row"
                tabIndex={0}
                data-testid={`content-row-${item.id}`}
                className={editing?.id === item.id ? "content-row selected" : "content-row"}
                onClick={() => setEditing({ id: item.id, draft: draftOf(item) })}
                onKeyDown={(e) => e.key === "Enter" && setEditing({ id: item.id, draft: draftOf(item) })}
              >
                <span role="cell" className="content-cell-title">
                  <span className="content-title">{item.title}</span>
                  <span className="muted small ellipsis">{item.subject}</span>
                </span>
                <span role="cell">
                  <span className={`kind kind-${item.kind}`}>{humanize(item.kind)}</span>
                </span>
                <span role="cell" className="fits">
                  <span className="fits-line">{item.stages.length ? item.stages.join(", ") : "any stage"}</span>
                  <span className="fits-line">{item.personas.length ? item.personas.join(", ") : "any persona"}</span>
                  <span className="fits-line">
                    {item.lifecycles.length ? item.lifecycles.map(humanize).join(", ") : "any lifecycle"}
                  </span>
                </span>
              </div>
            ))}
            {shown.length === 0 && (
              <p className="muted empty-list">
                {filter ? "No content for this persona and stage: a gap worth filling." : "The library is empty."}
              </p>
            )}
          </div>
        </div>
      </div>

      <div className="content-right">
        <section className="panel matrix-panel">
          <h3>
            Persona × stage coverage{" "}
            <span className={gaps ? "badge unsaved" : "badge"} data-testid="content-gaps">
              {gaps} {gaps === 1 ? "gap" : "gaps"}
            </span>
          </h3>
          <table className="content-matrix" data-testid="content-matrix">
            <thead>
              <tr>
                <th />
                {columns.map((s) => (
                  <th key={s}>{s}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p}>
                  <th>{p}</th>
                  {columns.map((s) => {
                    const n = cell(p, s);
                    const targeted = targetedItems(content, p, s);
                    const active = filter?.persona === p && filter.stage === s;
                    return (
                      <td key={s}>
                        <button
                          className={`matrix-cell${n === 0 ? " gap" : targeted === 0 ? " thin" : ""}${active ? " active" : ""}`}
                          data-testid="matrix-cell"
                          data-persona={p}
                          data-stage={s}
                          data-items={n}
                          data-targeted={targeted}
                          title={
                            n === 0
                              ? `No content for ${p} in ${s}`
                              : `${n} items suit ${p} in ${s}; ${targeted} are tagged for exactly this persona and stage`
                          }
                          onClick={() => setFilter(active ? null : { persona: p, stage: s })}
                        >
                          {n === 0 ? (
                            "no content"
                          ) : (
                            <>
                              <span className="cell-n">{n}</span>
                              <span className="cell-targeted">
                                {targeted === 0 ? "generic only" : `${targeted} targeted`}
                              </span>
                            </>
                          )}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            A cell counts prospect content written for that buying stage that suits the persona (items with no persona
            suit every persona); “targeted” counts the items tagged with exactly that persona. Cells with no content are
            gaps.
          </p>
        </section>

        {editing && (
          <section className="panel content-form" data-testid="content-form">
            <h3>{editing.id === null ? "New content" : "Edit content"}</h3>
            <div className="field-row">
              <label className="field grow">
                Title
                <input
                  data-testid="content-title"
                  value={editing.draft.title}
                  onChange={(e) => set({ title: e.target.value })}
                />
              </label>
              <label className="field">
                Kind
                <select
                  data-testid="content-kind"
                  value={editing.draft.kind}
                  onChange={(e) => set({ kind: e.target.value as ContentKind })}
                >
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {humanize(k)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <label className="field">
              Subject line
              <input
                data-testid="content-subject"
                value={editing.draft.subject}
                onChange={(e) => set({ subject: e.target.value })}
              />
            </label>
            <label className="field">
              Link
              <input
                data-testid="content-link"
                value={editing.draft.link}
                onChange={(e) => set({ link: e.target.value })}
                placeholder="https://"
              />
            </label>
            <label className="field">
              Body
              <textarea
                data-testid="content-body"
                rows={3}
                value={editing.draft.body}
                onChange={(e) => set({ body: e.target.value })}
              />
            </label>
            <div className="field-row tags-row">
              <TagPicker
                known={personas}
                value={editing.draft.personas}
                onChange={(v) => set({ personas: v })}
                testId="content-personas"
                label="Personas"
              />
              <TagPicker
                known={stages}
                value={editing.draft.stages}
                onChange={(v) => set({ stages: v })}
                testId="content-stages"
                label="Buying stages"
              />
              <fieldset className="tag-picker" data-testid="content-lifecycles">
                <legend>Lifecycles</legend>
                {LIFECYCLES.map((l) => (
                  <label key={l} className="check">
                    <input
                      type="checkbox"
                      data-testid={`content-lifecycle-${l}`}
                      checked={editing.draft.lifecycles.includes(l)}
                      onChange={(e) =>
                        set({
                          lifecycles: e.target.checked
                            ? [...editing.draft.lifecycles, l]
                            : editing.draft.lifecycles.filter((x) => x !== l),
                        })
                      }
                    />
                    {humanize(l)}
                  </label>
                ))}
              </fieldset>
            </div>
            <div className="actions">
              {editing.id !== null && (
                <button className="danger" data-testid="content-delete" onClick={() => void remove()}>
                  Delete
                </button>
              )}
              <button onClick={() => setEditing(null)}>Close</button>
              <button className="primary" data-testid="content-save" onClick={() => void save()}>
                Save
              </button>
            </div>
          </section>
        )}
      </div>
    </div>
  );
}

function draftOf(item: ContentItem): ContentDraft {
  return {
    title: item.title,
    kind: item.kind,
    subject: item.subject,
    link: item.link,
    body: item.body,
    personas: [...item.personas],
    stages: [...item.stages],
    lifecycles: [...item.lifecycles],
  };
}
