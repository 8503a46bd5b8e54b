// The designer's stream list: new, from a template, JSON import, the unsaved
// stream being drawn, and every saved stream with its priority and state.
import type { Stream } from "../../bindings/Stream";
import type { StreamTemplate } from "../../bindings/StreamTemplate";

type Props = {
  streams: Stream[];
  templates: StreamTemplate[];
  /** The saved stream open in the designer, if any. */
  openedId: number | null;
  /** The name of the new stream being drawn, null when none is. */
  unsavedName: string | null;
  /** The saved streams with unsaved changes kept as drafts. */
  withDrafts: Set<number>;
  onNew: () => void;
  onTemplate: (template: StreamTemplate) => void;
  onImport: () => void;
  onOpen: (stream: Stream) => void;
};

export function StreamList({
  streams,
  templates,
  openedId,
  unsavedName,
  withDrafts,
  onNew,
  onTemplate,
  onImport,
  onOpen,
}: Props) {
  return (
    <aside className="stream-sidebar">
      <div className="segment-sidebar-actions">
        <button className="primary" data-testid="stream-new" onClick={onNew}>
          + New stream
        </button>
        <select
          data-testid="stream-template-menu"
          aria-label="Start from a template"
          value=""
          onChange={(e) => {
            const t = templates.find((x) => x.key === e.target.value);
            if (t) onTemplate(t);
          }}
        >
          <option value="">Start from template…</option>
          {templates.map((t) => (
            <option key={t.key} value={t.key} title={t.description}>
              {t.name}
            </option>
          ))}
        </select>
        <button data-testid="stream-import-json" onClick={onImport}>
          Import JSON…
        </button>
      </div>
      <nav className="stream-list" data-testid="stream-list" aria-label="Streams">
        {openedId === null && unsavedName !== null && (
          <div className="stream-item selected unsaved">
            <span className="name">{unsavedName || "Untitled"}</span>
            <span className="badge unsaved">unsaved</span>
          </div>
        )}
        {streams.map((s) => (
          <button
            key={s.id}
            className={s.id === openedId ? "stream-item selected" : "stream-item"}
            data-testid={`stream-item-${s.id}`}
            onClick={() => onOpen(s)}
            title={s.name}
          >
            <span className="name">{s.name}</span>
            <span className="stream-item-meta">
              <span className="muted small" title="Priority">
                P{s.priority}
              </span>
              {withDrafts.has(s.id) && (
                <span
                  className="badge unsaved"
                  data-testid={`stream-draft-${s.id}`}
                  title="Unsaved changes are kept for this stream"
                >
                  changed
                </span>
              )}
              {s.is_active && (
                <span className="badge active" data-testid={`stream-active-${s.id}`}>
                  active
                </span>
              )}
            </span>
          </button>
        ))}
        {streams.length === 0 && <p className="muted small">No streams yet: start a new one or from a template.</p>}
      </nav>
    </aside>
  );
}
