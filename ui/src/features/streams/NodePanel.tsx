// The side panel for the selected node: its properties by type (content for
// a send, duration, window or event, branch rules and assumed rate, split
// paths, field update, target stream) and, for each output, which node it
// leads to. Every change is reported as a whole new action or connection.
import { useEffect, useState } from "react";

import type { ContentItem } from "../../bindings/ContentItem";
import type { Field } from "../../bindings/Field";
import type { NodeAction } from "../../bindings/NodeAction";
import type { Stream } from "../../bindings/Stream";
import type { StreamDefinition } from "../../bindings/StreamDefinition";
import type { StreamNode } from "../../bindings/StreamNode";
import type { ValueCount } from "../../bindings/ValueCount";
import type { WaitUnit } from "../../bindings/WaitUnit";
import { ipc } from "../../lib/ipc";
import { edgeUsesHandle, handleKey, outputHandles, TYPE_LABELS } from "./streamGraph";
import { TYPE_ICONS } from "./StreamCanvas";
import { BranchTest } from "./BranchTest";
import type { RuleCatalogue } from "./RulesEditor";

const WEEKDAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

type Props = {
  node: StreamNode;
  definition: StreamDefinition;
  title: (node: StreamNode) => string;
  problems: string[];
  onAction: (action: NodeAction) => void;
  onConnect: (handle: string | null, target: string | null) => void;
  onDelete: () => void;
  content: { suited: ContentItem[]; others: ContentItem[] };
  streams: Stream[];
  currentStreamId: number | null;
  fields: Field[];
  rules: RuleCatalogue;
  /** Changes on undo/redo so editors holding their own state start over. */
  revision: number;
};

/** A number input that lets the user type freely and reports valid numbers. */
function NumberInput({
  value,
  onChange,
  testId,
  min,
  max,
  step,
  label,
}: {
  value: number | undefined;
  onChange: (n: number | undefined) => void;
  testId: string;
  min?: number;
  max?: number;
  step?: number;
  label: string;
}) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    setText((current) =>
      Number(current) === value && current !== "" ? current : value === undefined ? "" : String(value),
    );
  }, [value]);
  return (
    <input
      type="number"
      aria-label={label}
      data-testid={testId}
      value={text}
      min={min}
      max={max}
      step={step}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === "") onChange(undefined);
        else if (!Number.isNaN(Number(e.target.value))) onChange(Number(e.target.value));
      }}
    />
  );
}

/** Assumed engagement as a percentage input over a 0–1 rate. */
function RateInput({
  rate,
  onChange,
  testId,
}: {
  rate: number | undefined;
  onChange: (rate: number | undefined) => void;
  testId: string;
}) {
  return (
    <label className="field">
      Assumed engagement rate (%)
      <NumberInput
        label="Assumed engagement rate in percent"
        testId={testId}
        min={0}
        max={100}
        step={1}
        value={rate === undefined ? undefined : Math.round(rate * 1000) / 10}
        onChange={(n) => onChange(n === undefined ? undefined : Math.round(n * 10) / 1000)}
      />
    </label>
  );
}

export function NodePanel(props: Props) {
  const {
    node,
    definition,
    title,
    problems,
    onAction,
    onConnect,
    onDelete,
    content,
    streams,
    currentStreamId,
    fields,
    rules,
    revision,
  } = props;
  const action = node.action;
  const handles = outputHandles(action);
  const others = definition.nodes.filter((n) => n.id !== node.id && n.action.type !== "entry");
  const [fieldValues, setFieldValues] = useState<ValueCount[]>([]);
  const updateField = action.type === "update_field" ? action.field : null;
  useEffect(() => {
    if (!updateField) return setFieldValues([]);
    let live = true;
    ipc
      .fieldValues(updateField)
      .then((v) => live && setFieldValues(v))
      .catch(() => live && setFieldValues([]));
    return () => {
      live = false;
    };
  }, [updateField]);

  return (
    <div className="node-panel" data-testid="node-panel" data-node-id={node.id}>
      <div className="node-panel-head">
        <span className={`flow-node-icon type-${action.type}`}>{TYPE_ICONS[action.type]}</span>
        <div>
          <h3>{title(node)}</h3>
          <span className="muted small">
            {TYPE_LABELS[action.type]} · id <code>{node.id}</code>
          </span>
        </div>
      </div>
      {problems.length > 0 && (
        <ul className="panel-problems">
          {problems.map((p, i) => (
            <li key={i}>⚠ {p}</li>
          ))}
        </ul>
      )}

      {action.type === "entry" && (
        <p className="hint">
          Leads in the stream's entry segments start here. Choose the segments in the stream settings (click the empty
          canvas).
        </p>
      )}

      {action.type === "send" && (
        <label className="field">
          Content
          <select
            data-testid="node-content"
            value={action.content_id}
            onChange={(e) => onAction({ type: "send", content_id: Number(e.target.value) })}
          >
            {!content.suited.concat(content.others).some((c) => c.id === action.content_id) && (
              <option value={action.content_id}>Choose content…</option>
            )}
            {content.suited.length > 0 && (
              <optgroup label="Suits this stream">
                {content.suited.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
              </optgroup>
            )}
            {content.others.length > 0 && (
              <optgroup label={content.suited.length > 0 ? "Other content" : "Content library"}>
                {content.others.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          <span className="hint">Items suiting the entry segments' personas, stages and lifecycles come first.</span>
        </label>
      )}

      {action.type === "wait" && (
        <div className="field-row">
          <label className="field">
            Wait
            <NumberInput
              label="Wait amount"
              testId="node-wait-amount"
              min={1}
              value={action.amount}
              onChange={(n) => onAction({ ...action, amount: Math.max(0, Math.round(n ?? 0)) })}
            />
          </label>
          <label className="field">
            Unit
            <select
              data-testid="node-wait-unit"
              value={action.unit}
              onChange={(e) => onAction({ ...action, unit: e.target.value as WaitUnit })}
            >
              <option value="hours">hours</option>
              <option value="days">days</option>
              <option value="weeks">weeks</option>
            </select>
          </label>
        </div>
      )}

      {action.type === "wait_until" && (
        <>
          <label className="field">
            Wait until
            <select
              data-testid="node-until-mode"
              value={action.until.kind}
              onChange={(e) =>
                onAction({
                  type: "wait_until",
                  until:
                    e.target.value === "event"
                      ? { kind: "event", event_type: rules.eventTypes[0]?.event_type ?? "email_click", timeout_days: 7 }
                      : { kind: "window", weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 },
                })
              }
            >
              <option value="window">a time window (weekdays and hours)</option>
              <option value="event">an event (with a timeout)</option>
            </select>
          </label>
          {action.until.kind === "window"
            ? (() => {
                const until = action.until;
                return (
                  <>
                    <div className="weekday-row">
                      {WEEKDAY_LABELS.map((label, i) => (
                        <label key={label} className="check">
                          <input
                            type="checkbox"
                            data-testid={`node-window-day-${i + 1}`}
                            checked={until.weekdays.includes(i + 1)}
                            onChange={(e) =>
                              onAction({
                                type: "wait_until",
                                until: {
                                  ...until,
                                  weekdays: e.target.checked
                                    ? [...until.weekdays, i + 1].sort()
                                    : until.weekdays.filter((d) => d !== i + 1),
                                },
                              })
                            }
                          />
                          {label}
                        </label>
                      ))}
                    </div>
                    <div className="field-row">
                      <label className="field">
                        From hour
                        <NumberInput
                          label="From hour"
                          testId="node-window-from"
                          min={0}
                          max={23}
                          value={until.from_hour}
                          onChange={(n) =>
                            onAction({ type: "wait_until", until: { ...until, from_hour: Math.round(n ?? 0) } })
                          }
                        />
                      </label>
                      <label className="field">
                        To hour
                        <NumberInput
                          label="To hour"
                          testId="node-window-to"
                          min={1}
                          max={24}
                          value={until.to_hour}
                          onChange={(n) =>
                            onAction({ type: "wait_until", until: { ...until, to_hour: Math.round(n ?? 0) } })
                          }
                        />
                      </label>
                    </div>
                    <p className="hint">In each lead's own time zone.</p>
                  </>
                );
              })()
            : (() => {
                const until = action.until;
                return (
                  <>
                    <label className="field">
                      Event
                      <select
                        data-testid="node-event-type"
                        value={until.event_type}
                        onChange={(e) =>
                          onAction({ type: "wait_until", until: { ...until, event_type: e.target.value } })
                        }
                      >
                        {!rules.eventTypes.some((t) => t.event_type === until.event_type) && (
                          <option value={until.event_type}>{until.event_type || "Choose…"}</option>
                        )}
                        {rules.eventTypes.map((t) => (
                          <option key={t.event_type} value={t.event_type}>
                            {t.event_type}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label className="field">
                      Timeout (days)
                      <NumberInput
                        label="Timeout in days"
                        testId="node-event-timeout"
                        min={1}
                        value={until.timeout_days}
                        onChange={(n) =>
                          onAction({
                            type: "wait_until",
                            until: { ...until, timeout_days: Math.max(0, Math.round(n ?? 0)) },
                          })
                        }
                      />
                    </label>
                    <RateInput
                      testId="node-event-rate"
                      rate={until.rate}
                      onChange={(rate) => {
                        const next = { ...until, rate };
                        if (rate === undefined) delete next.rate;
                        onAction({ type: "wait_until", until: next });
                      }}
                    />
                    <p className="hint">
                      The planner cannot see the future: this share of leads is assumed to do the event before the
                      timeout. Empty: nobody does (everyone takes the timeout path).
                    </p>
                  </>
                );
              })()}
        </>
      )}

      {action.type === "branch" && (
        <BranchTest
          action={action}
          nodeId={node.id}
          definition={definition}
          title={title}
          rules={rules}
          revision={revision}
          onAction={onAction}
          rateEditor={
            <RateInput
              testId="node-branch-rate"
              rate={action.rate}
              onChange={(rate) => {
                const next: NodeAction = { ...action };
                if (rate === undefined) delete next.rate;
                else next.rate = rate;
                onAction(next);
              }}
            />
          }
        />
      )}

      {action.type === "split" && (
        <>
          <div className="split-paths">
            {action.percentages.map((p, i) => (
              <label key={i} className="field split-path">
                Path {i + 1} (%)
                <span className="row">
                  <NumberInput
                    label={`Path ${i + 1} percentage`}
                    testId={`node-split-${i}`}
                    min={0}
                    max={100}
                    value={p}
                    onChange={(n) =>
                      onAction({
                        type: "split",
                        percentages: action.percentages.map((q, j) => (j === i ? Math.max(0, Math.round(n ?? 0)) : q)),
                      })
                    }
                  />
                  {action.percentages.length > 2 && (
                    <button
                      className="link"
                      data-testid={`node-split-remove-${i}`}
                      title="Remove this path"
                      aria-label={`Remove path ${i + 1}`}
                      onClick={() =>
                        onAction({ type: "split", percentages: action.percentages.filter((_, j) => j !== i) })
                      }
                    >
                      ✕
                    </button>
                  )}
                </span>
              </label>
            ))}
          </div>
          <button
            className="small"
            data-testid="node-split-add"
            onClick={() => onAction({ type: "split", percentages: [...action.percentages, 0] })}
          >
            + Add path
          </button>
          <p className={action.percentages.reduce((a, b) => a + b, 0) === 100 ? "hint" : "hint bad"}>
            Sum: {action.percentages.reduce((a, b) => a + b, 0)}% (must be 100%). Leads are assigned at random,
            reproducibly.
          </p>
        </>
      )}

      {action.type === "update_field" && (
        <>
          <label className="field">
            Field
            <select
              data-testid="node-update-field"
              value={action.field}
              onChange={(e) => onAction({ ...action, field: e.target.value })}
            >
              {!fields.some((f) => f.key === action.field) && (
                <option value={action.field}>{action.field || "Choose a field…"}</option>
              )}
              {/* Computed fields (the lead scores) are set by the scoring model, never by a stream. */}
              {fields
                .filter((f) => !f.is_computed)
                .map((f) => (
                  <option key={f.key} value={f.key}>
                    {f.label}
                  </option>
                ))}
            </select>
          </label>
          <label className="field">
            New value
            <input
              data-testid="node-update-value"
              list="node-update-values"
              value={String(action.value ?? "")}
              onChange={(e) => onAction({ ...action, value: e.target.value })}
            />
            <datalist id="node-update-values">
              {fieldValues.slice(0, 50).map((v) => (
                <option key={v.value} value={v.value} />
              ))}
            </datalist>
          </label>
        </>
      )}

      {action.type === "move_to_stream" && (
        <label className="field">
          Move leads to stream
          <select
            data-testid="node-move-stream"
            value={action.stream_id}
            onChange={(e) => onAction({ type: "move_to_stream", stream_id: Number(e.target.value) })}
          >
            {!streams.some((s) => s.id === action.stream_id) && (
              <option value={action.stream_id}>Choose a stream…</option>
            )}
            {streams
              .filter((s) => s.id !== currentStreamId)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.is_active ? "" : " (inactive)"}
                </option>
              ))}
          </select>
        </label>
      )}

      {action.type === "exit" && <p className="hint">Leads leave the stream here.</p>}

      {handles.length > 0 && (
        <div className="node-next">
          <h4>Next steps</h4>
          {handles.map((h) => {
            const edge = definition.edges.find((e) => e.source === node.id && edgeUsesHandle(e, h.id));
            return (
              <label key={handleKey(h.id)} className="field next-row">
                {h.id === null ? "Then" : `On “${h.label}”`}
                <select
                  data-testid={`node-next-${handleKey(h.id)}`}
                  value={edge?.target ?? ""}
                  onChange={(e) => onConnect(h.id, e.target.value || null)}
                >
                  <option value="">— not connected —</option>
                  {others.map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.id}: {title(n)}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
        </div>
      )}
      {action.type !== "entry" && (
        <button className="danger-link" data-testid="node-panel-delete" onClick={onDelete}>
          Delete this step
        </button>
      )}
    </div>
  );
}
