// The Hierarchies tab: the saved hierarchies (ordered lists of segments that
// give each lead one primary segment) on the left, the chosen one's editor on
// the right (HierarchyEditor). Owns which hierarchy is open and asks before
// leaving unsaved edits.
import { useEffect, useState } from "react";

import type { Hierarchy } from "../../bindings/Hierarchy";
import { useHierarchies } from "../../lib/queries";
import { confirmLeave } from "../../lib/unsavedChanges";
import { HierarchyEditor } from "./HierarchyEditor";
import "./hierarchies.css";

type Props = { onError: (error: unknown) => void };

/** What the editor shows: a saved hierarchy by id, or a new one. */
type Open = { kind: "saved"; id: number } | { kind: "new" } | null;

export function HierarchiesTab({ onError }: Props) {
  const hierarchies = useHierarchies();
  const [open, setOpen] = useState<Open>(null);
  const list = hierarchies.data ?? [];

  useEffect(() => {
    if (hierarchies.error) onError(hierarchies.error);
  }, [hierarchies.error, onError]);

  // Open the first hierarchy once the list arrives, and leave a deleted one.
  useEffect(() => {
    if (!hierarchies.data) return;
    if (open === null || (open.kind === "saved" && !hierarchies.data.some((h) => h.id === open.id))) {
      setOpen(hierarchies.data.length > 0 ? { kind: "saved", id: hierarchies.data[0].id } : null);
    }
  }, [hierarchies.data, open]);

  const choose = async (next: Open) => {
    if (await confirmLeave()) setOpen(next);
  };

  const current: Hierarchy | null = open?.kind === "saved" ? (list.find((h) => h.id === open.id) ?? null) : null;

  return (
    <div className="hierarchies" data-testid="insights-hierarchies">
      <nav className="hierarchy-list" aria-label="Hierarchies">
        <button className="primary" data-testid="hierarchy-new" onClick={() => void choose({ kind: "new" })}>
          New hierarchy
        </button>
        {hierarchies.isPending && <p className="muted">Loading…</p>}
        {hierarchies.data && list.length === 0 && (
          <p className="muted">No hierarchies yet. A hierarchy settles each lead into one primary segment.</p>
        )}
        <ul>
          {list.map((h) => (
            <li key={h.id}>
              <button
                className={open?.kind === "saved" && open.id === h.id ? "hierarchy-item active" : "hierarchy-item"}
                aria-current={open?.kind === "saved" && open.id === h.id ? "true" : undefined}
                data-testid={`hierarchy-item-${h.id}`}
                onClick={() => void choose({ kind: "saved", id: h.id })}
              >
                <span>{h.name}</span>
                <span className="muted">
                  {h.segments.length} {h.segments.length === 1 ? "segment" : "segments"}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {open?.kind === "new" && (
        <HierarchyEditor
          key="new"
          saved={null}
          onSaved={(h) => setOpen({ kind: "saved", id: h.id })}
          onDeleted={() => setOpen(null)}
          onError={onError}
        />
      )}
      {current && (
        <HierarchyEditor
          key={current.id}
          saved={current}
          onSaved={(h) => setOpen({ kind: "saved", id: h.id })}
          onDeleted={() => setOpen(null)}
          onError={onError}
        />
      )}
    </div>
  );
}
