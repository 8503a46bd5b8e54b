// The Overlap tab's choice of segments: the user's own segments and the
// built-in ones by folder, each a labelled checkbox with its count, and
// shortcuts for "all of mine", "all built-in" and "none".
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import { formatCount } from "../../lib/format";

type Props = { segments: SegmentSummary[]; chosen: number[]; onChange: (ids: number[]) => void };

export function OverlapChooser({ segments, chosen, onChange }: Props) {
  const picked = new Set(chosen);
  const own = segments.filter((s) => !s.segment.is_builtin);
  const builtIn = segments.filter((s) => s.segment.is_builtin);
  // Kept in the list's order, whatever order they were ticked in.
  const toggle = (id: number, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(id);
    else next.delete(id);
    onChange(segments.filter((s) => next.has(s.segment.id)).map((s) => s.segment.id));
  };
  const box = (s: SegmentSummary) => (
    <label key={s.segment.id} className="check overlap-choice">
      <input
        type="checkbox"
        data-testid={`overlap-choose-${s.segment.id}`}
        checked={picked.has(s.segment.id)}
        onChange={(e) => toggle(s.segment.id, e.target.checked)}
      />
      <span className="overlap-swatch" style={{ background: s.segment.color }} aria-hidden="true" />
      {s.segment.name}
      <span className="muted small">{s.count === null ? "—" : formatCount(s.count)}</span>
    </label>
  );
  return (
    <details className="overlap-chooser" open data-testid="overlap-chooser">
      <summary>
        Segments compared: {chosen.length} of {segments.length}
      </summary>
      <div className="overlap-shortcuts">
        <button type="button" className="link" onClick={() => onChange(own.map((s) => s.segment.id))}>
          All of mine
        </button>
        <button type="button" className="link" onClick={() => onChange(builtIn.map((s) => s.segment.id))}>
          All built-in
        </button>
        <button type="button" className="link" onClick={() => onChange([])}>
          None
        </button>
      </div>
      <fieldset className="overlap-group">
        <legend>Your segments</legend>
        {own.length ? own.map(box) : <span className="muted small">None saved yet: tick built-in ones below.</span>}
      </fieldset>
      <fieldset className="overlap-group">
        <legend>Built-in segments</legend>
        {builtIn.map(box)}
      </fieldset>
    </details>
  );
}
