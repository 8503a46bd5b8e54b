// The side panel when no node is selected: the stream's name, priority and
// active flag, its entry segments (checkboxes grouped by folder), re-entry,
// exit goal (the segment rule builder; empty means none) and the dates it
// runs between.
import type { StreamDefinition } from "../../bindings/StreamDefinition";
import type { RuleGroup } from "../../bindings/RuleGroup";
import { formatCount } from "../../lib/format";
import { groupSegments, isAsOfDate } from "../../lib/segmentRules";
import { RulesEditor, type RuleCatalogue } from "./RulesEditor";

export type StreamMeta = { name: string; priority: number; is_active: boolean };

type Props = {
  meta: StreamMeta;
  definition: StreamDefinition;
  onMeta: (meta: StreamMeta) => void;
  onDefinition: (definition: StreamDefinition) => void;
  rules: RuleCatalogue;
  problems: string[];
  revision: number;
  streamKey: string;
};

function setDate(definition: StreamDefinition, key: "active_from" | "active_until", text: string): StreamDefinition {
  const next = { ...definition };
  if (text.trim() === "") delete next[key];
  else next[key] = text.trim();
  return next;
}

export function StreamSettings({
  meta,
  definition,
  onMeta,
  onDefinition,
  rules,
  problems,
  revision,
  streamKey,
}: Props) {
  const folders = groupSegments(rules.segments, []);
  const entry = new Set(definition.entry_segments);
  const toggle = (id: number, on: boolean) =>
    onDefinition({
      ...definition,
      entry_segments: on ? [...definition.entry_segments, id] : definition.entry_segments.filter((s) => s !== id),
    });
  const reentry = definition.reentry;
  return (
    <div className="stream-settings" data-testid="stream-settings">
      <h3>Stream settings</h3>
      <label className="field">
        Name
        <input
          data-testid="stream-name"
          value={meta.name}
          onChange={(e) => onMeta({ ...meta, name: e.target.value })}
        />
      </label>
      <div className="field-row">
        <label className="field">
          Priority
          <input
            type="number"
            data-testid="stream-priority"
            value={meta.priority}
            onChange={(e) => onMeta({ ...meta, priority: Math.round(Number(e.target.value) || 0) })}
            style={{ width: 90 }}
          />
        </label>
        <label className="check active-check">
          <input
            type="checkbox"
            data-testid="stream-active"
            checked={meta.is_active}
            onChange={(e) => onMeta({ ...meta, is_active: e.target.checked })}
          />
          Active
        </label>
      </div>
      <p className="hint">
        Higher priority wins when a lead is eligible for several streams. A stream with problems can be saved but not
        activated.
      </p>

      <h4>Entry segments</h4>
      <div className="entry-segments" data-testid="stream-entry-segments">
        {folders.map((folder) => (
          <fieldset key={folder.name}>
            <legend>{folder.name}</legend>
            {folder.items.map(({ segment, count }) => (
              <label key={segment.id} className="check">
                <input
                  type="checkbox"
                  data-testid={`stream-entry-${segment.id}`}
                  checked={entry.has(segment.id)}
                  onChange={(e) => toggle(segment.id, e.target.checked)}
                />
                <span className="dot" style={{ background: segment.color }} />
                <span className="grow">{segment.name}</span>
                <span className="muted small">{count === null ? "—" : formatCount(count)}</span>
              </label>
            ))}
          </fieldset>
        ))}
        {folders.length === 0 && <p className="muted">No saved segments yet: create one in Segments.</p>}
      </div>

      <h4 id="stream-reentry-heading">Re-entry</h4>
      <div className="field-row">
        <select
          data-testid="stream-reentry"
          aria-labelledby="stream-reentry-heading"
          value={reentry.kind}
          onChange={(e) =>
            onDefinition({
              ...definition,
              reentry: e.target.value === "after_days" ? { kind: "after_days", days: 30 } : { kind: "once" },
            })
          }
        >
          <option value="once">Once per lead</option>
          <option value="after_days">Again after some days</option>
        </select>
        {reentry.kind === "after_days" && (
          <label className="inline-field">
            after
            <input
              type="number"
              min={1}
              data-testid="stream-reentry-days"
              value={reentry.days}
              onChange={(e) =>
                onDefinition({
                  ...definition,
                  reentry: { kind: "after_days", days: Math.max(0, Math.round(Number(e.target.value) || 0)) },
                })
              }
              style={{ width: 80 }}
            />
            days
          </label>
        )}
      </div>

      <h4>Exit goal</h4>
      <p className="hint">Leads leave as soon as they match these rules (checked at every step). No rules: no goal.</p>
      <RulesEditor
        key={`${streamKey}-${revision}`}
        value={definition.exit_goal}
        catalogue={rules}
        onChange={(goal: RuleGroup) => {
          const next = { ...definition };
          if (goal.rules.length === 0) delete next.exit_goal;
          else next.exit_goal = goal;
          onDefinition(next);
        }}
      />

      <h4>Runs</h4>
      <div className="field-row">
        <label className="field">
          From (YYYY-MM-DD)
          <input
            data-testid="stream-active-from"
            className={isAsOfDate(definition.active_from ?? "") ? "" : "invalid"}
            placeholder="open"
            value={definition.active_from ?? ""}
            onChange={(e) => onDefinition(setDate(definition, "active_from", e.target.value))}
            style={{ width: 130 }}
          />
        </label>
        <label className="field">
          Until (YYYY-MM-DD)
          <input
            data-testid="stream-active-until"
            className={isAsOfDate(definition.active_until ?? "") ? "" : "invalid"}
            placeholder="open"
            value={definition.active_until ?? ""}
            onChange={(e) => onDefinition(setDate(definition, "active_until", e.target.value))}
            style={{ width: 130 }}
          />
        </label>
      </div>
      {problems.length > 0 && (
        <>
          <h4>Stream problems</h4>
          <ul className="panel-problems">
            {problems.map((p, i) => (
              <li key={i}>⚠ {p}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
