// The saved segments, grouped by folder (built-in folders first), each with
// its colour, name and member count (and a mark when unsaved edits of it are
// kept as a draft); plus "New segment" and the template menu.
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import type { SegmentTemplate } from "../../bindings/SegmentTemplate";
import { formatCount } from "../../lib/format";
import { groupSegments } from "../../lib/segmentRules";

type Props = {
  segments: SegmentSummary[] | null;
  templates: SegmentTemplate[];
  selectedId: number | null;
  /** Whether unsaved edits of this segment are kept as a draft. */
  hasDraft: (id: number) => boolean;
  onSelect: (summary: SegmentSummary) => void;
  onNew: () => void;
  onTemplate: (template: SegmentTemplate) => void;
};

export function SegmentList({ segments, templates, selectedId, hasDraft, onSelect, onNew, onTemplate }: Props) {
  const folders = segments ? groupSegments(segments, templates) : [];
  const templateFolders = [...new Set(templates.map((t) => t.folder))];
  return (
    <aside className="segment-sidebar">
      <div className="segment-sidebar-actions">
        <button className="primary" data-testid="segment-new" onClick={onNew}>
          + New segment
        </button>
        <select
          data-testid="segment-template-menu"
          aria-label="Start from template"
          value=""
          onChange={(e) => {
            const template = templates.find((t) => t.key === e.target.value);
            if (template) onTemplate(template);
          }}
        >
          <option value="">Start from template…</option>
          {templateFolders.map((folder) => (
            <optgroup key={folder} label={folder}>
              {templates
                .filter((t) => t.folder === folder)
                .map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </div>
      <nav className="segment-list" data-testid="segment-list" aria-label="Saved segments">
        {segments === null && <p className="muted">Loading segments…</p>}
        {folders.map((folder) => (
          <section key={folder.name}>
            <h3>{folder.name}</h3>
            {folder.items.map((summary) => (
              <button
                key={summary.segment.id}
                className={summary.segment.id === selectedId ? "segment-item selected" : "segment-item"}
                data-testid={`segment-item-${summary.segment.id}`}
                title={summary.problem ?? (summary.segment.description || summary.segment.name)}
                onClick={() => onSelect(summary)}
              >
                <span className="dot" style={{ background: summary.segment.color }} />
                <span className="name">{summary.segment.name}</span>
                {hasDraft(summary.segment.id) && (
                  <span
                    className="draft-mark"
                    data-testid={`segment-draft-${summary.segment.id}`}
                    title="Unsaved changes kept as a draft"
                  >
                    <span aria-hidden="true">✎</span>
                    <span className="visually-hidden">(unsaved changes kept as a draft)</span>
                  </span>
                )}
                <span
                  className="n"
                  data-testid={`segment-count-${summary.segment.id}`}
                  data-count={summary.count ?? ""}
                >
                  {summary.count === null ? "—" : formatCount(summary.count)}
                </span>
              </button>
            ))}
          </section>
        ))}
      </nav>
    </aside>
  );
}
