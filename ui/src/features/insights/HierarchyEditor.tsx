// One hierarchy's editor: its name, its segments in order (drag a row, or
// use Move up / Move down), adding and removing segments, and the live
// primary / secondary / in-none counts of the order as edited, with a bar
// per segment. Edits are saved explicitly and register as unsaved changes.
import { useCallback, useMemo, useRef, useState } from "react";
import { DndProvider, useDrag, useDrop } from "react-dnd";
import { HTML5Backend } from "react-dnd-html5-backend";

import type { Hierarchy } from "../../bindings/Hierarchy";
import type { SegmentAssignment } from "../../bindings/SegmentAssignment";
import { useDeleteHierarchy, useHierarchyAssign, useSaveHierarchy, useSegments } from "../../lib/queries";
import { useUnsavedChanges } from "../../lib/unsavedChanges";

type Props = {
  /** The saved hierarchy, or null for a new one. */
  saved: Hierarchy | null;
  onSaved: (hierarchy: Hierarchy) => void;
  onDeleted: () => void;
  onError: (error: unknown) => void;
};

type Draft = { name: string; segments: number[] };

/** `items` with the element at `from` moved to `to`. */
export function moved<T>(items: T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from === to) return items;
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

const ROW = "hierarchy-row";

export function HierarchyEditor({ saved, onSaved, onDeleted, onError }: Props) {
  const initial: Draft = useMemo(
    () => ({ name: saved?.name ?? "New hierarchy", segments: saved?.segments.map((s) => s.id) ?? [] }),
    [saved],
  );
  const [draft, setDraft] = useState<Draft>(initial);
  const [adding, setAdding] = useState("");
  const segments = useSegments(null);
  const assign = useHierarchyAssign(draft.segments, null);
  const save = useSaveHierarchy();
  const remove = useDeleteHierarchy();

  const dirty = saved === null || draft.name !== initial.name || draft.segments.join() !== initial.segments.join();
  const discard = useCallback(() => setDraft(initial), [initial]);
  useUnsavedChanges("insights-hierarchy", `hierarchy “${draft.name}”`, dirty, discard);

  const byId = new Map((segments.data ?? []).map((s) => [s.segment.id, s.segment]));
  const counts = new Map((assign.data?.segments ?? []).map((row) => [row.segment.id, row]));
  const total = assign.data?.total ?? 0;
  const available = (segments.data ?? []).filter((s) => !draft.segments.includes(s.segment.id));

  const move = (from: number, to: number) => setDraft((d) => ({ ...d, segments: moved(d.segments, from, to) }));

  const onSave = async () => {
    try {
      const result = await save.mutateAsync({ id: saved?.id, name: draft.name, segments: draft.segments });
      onSaved(result);
    } catch (error) {
      onError(error);
    }
  };
  const onDelete = async () => {
    if (!saved) return;
    try {
      await remove.mutateAsync(saved.id);
      onDeleted();
    } catch (error) {
      onError(error);
    }
  };

  return (
    <DndProvider backend={HTML5Backend}>
      <section className="hierarchy-editor" aria-labelledby="hierarchy-editor-title">
        <h2 id="hierarchy-editor-title" className="visually-hidden">
          Hierarchy “{draft.name}”
        </h2>
        <div className="hierarchy-header">
          <label>
            Name{" "}
            <input
              data-testid="hierarchy-name"
              value={draft.name}
              onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
            />
          </label>
          <button
            className="primary"
            data-testid="hierarchy-save"
            disabled={!dirty || save.isPending}
            onClick={() => void onSave()}
          >
            {save.isPending ? "Saving…" : "Save"}
          </button>
          <button data-testid="hierarchy-discard" disabled={!dirty || saved === null} onClick={discard}>
            Discard changes
          </button>
          {saved && (
            <button className="danger" data-testid="hierarchy-delete" onClick={() => void onDelete()}>
              Delete
            </button>
          )}
          {dirty && saved && (
            <span className="muted" data-testid="hierarchy-unsaved">
              Unsaved changes
            </span>
          )}
        </div>
        <p className="muted hierarchy-help">
          Each lead’s <strong>primary</strong> segment is the first one in this order that it matches; the others it
          matches are its <strong>secondary</strong> segments. Counts are as of now and follow your edits.
        </p>
        {assign.data?.note && <p className="muted">Note: {assign.data.note}.</p>}
        <table className="hierarchy-table" data-testid="hierarchy-table">
          <caption className="visually-hidden">Segments in order, with their primary and secondary leads</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Segment</th>
              <th scope="col" className="num">
                Primary
              </th>
              <th scope="col" className="num">
                Secondary
              </th>
              <th scope="col">Share of leads (primary, then secondary)</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {draft.segments.map((id, index) => (
              <SegmentRow
                key={id}
                index={index}
                count={draft.segments.length}
                name={byId.get(id)?.name ?? `Segment ${id}`}
                color={byId.get(id)?.color ?? "#5d6279"}
                id={id}
                row={counts.get(id)}
                total={total}
                onMove={move}
                onRemove={() => setDraft((d) => ({ ...d, segments: d.segments.filter((s) => s !== id) }))}
              />
            ))}
          </tbody>
          <tfoot>
            <tr className="hierarchy-none">
              <td />
              <th scope="row">In none</th>
              <td className="num" data-testid="hierarchy-none">
                {assign.data ? assign.data.none.toLocaleString("en-US") : "…"}
              </td>
              <td />
              <td>
                <Bar primary={assign.data?.none ?? 0} secondary={0} total={total} none />
              </td>
              <td className="muted">of {total.toLocaleString("en-US")} leads</td>
            </tr>
          </tfoot>
        </table>
        <div className="hierarchy-add">
          <label>
            Add a segment{" "}
            <select data-testid="hierarchy-add-select" value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">Choose a segment…</option>
              {available.map((s) => (
                <option key={s.segment.id} value={s.segment.id}>
                  {s.segment.name}
                </option>
              ))}
            </select>
          </label>
          <button
            data-testid="hierarchy-add"
            disabled={adding === ""}
            onClick={() => {
              setDraft((d) => ({ ...d, segments: [...d.segments, Number(adding)] }));
              setAdding("");
            }}
          >
            Add to the end
          </button>
        </div>
      </section>
    </DndProvider>
  );
}

type RowProps = {
  id: number;
  index: number;
  count: number;
  name: string;
  color: string;
  row: SegmentAssignment | undefined;
  total: number;
  onMove: (from: number, to: number) => void;
  onRemove: () => void;
};

/** One segment in the order: drag it by its row, or move it with the buttons. */
function SegmentRow({ id, index, count, name, color, row, total, onMove, onRemove }: RowProps) {
  const ref = useRef<HTMLTableRowElement>(null);
  const [{ dragging }, drag] = useDrag({
    type: ROW,
    item: { index },
    collect: (monitor) => ({ dragging: monitor.isDragging() }),
  });
  const [, drop] = useDrop<{ index: number }>({
    accept: ROW,
    hover: (item) => {
      if (item.index === index) return;
      onMove(item.index, index);
      item.index = index;
    },
  });
  drag(drop(ref));
  return (
    <tr
      ref={ref}
      className={dragging ? "dragging" : undefined}
      data-testid={`hierarchy-row-${id}`}
      title="Drag to reorder"
    >
      <td className="num">
        <span aria-hidden="true" className="drag-handle">
          ⠿
        </span>{" "}
        {index + 1}
      </td>
      <td>
        <span className="swatch" style={{ background: color }} aria-hidden="true" /> {name}
      </td>
      <td className="num" data-testid={`hierarchy-primary-${id}`}>
        {row ? row.primary.toLocaleString("en-US") : "…"}
      </td>
      <td className="num" data-testid={`hierarchy-secondary-${id}`}>
        {row ? row.secondary.toLocaleString("en-US") : "…"}
      </td>
      <td>
        <Bar primary={row?.primary ?? 0} secondary={row?.secondary ?? 0} total={total} />
      </td>
      <td className="hierarchy-actions">
        <button
          aria-label={`Move up “${name}”`}
          data-testid={`hierarchy-up-${id}`}
          disabled={index === 0}
          onClick={() => onMove(index, index - 1)}
        >
          Move up
        </button>
        <button
          aria-label={`Move down “${name}”`}
          data-testid={`hierarchy-down-${id}`}
          disabled={index === count - 1}
          onClick={() => onMove(index, index + 1)}
        >
          Move down
        </button>
        <button aria-label={`Remove “${name}”`} data-testid={`hierarchy-remove-${id}`} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/** A bar of primary (solid) then secondary (light) leads as shares of all leads; the numbers are in the row. */
function Bar({
  primary,
  secondary,
  total,
  none,
}: {
  primary: number;
  secondary: number;
  total: number;
  none?: boolean;
}) {
  const share = (n: number) => (total > 0 ? `${(100 * n) / total}%` : "0%");
  return (
    <div className="hierarchy-bar" aria-hidden="true">
      <span className={none ? "bar-none" : "bar-primary"} style={{ width: share(primary) }} />
      <span className="bar-secondary" style={{ width: share(secondary) }} />
    </div>
  );
}
