// The value editor of a behaviour rule (`event` performed / not performed):
// which event type, how many times (min/max, blank for no bound), in which
// time window (or ever), and property filters on the events, which become
// the value's `where` group. Empty optional parts are left out of the JSON.
// Common behaviours are offered by name ("Downloaded a whitepaper"), and a
// property value box suggests the values the workspace's events have.
import { useEffect, useId, useState } from "react";

import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { Rule } from "../../bindings/Rule";
import type { RuleGroup } from "../../bindings/RuleGroup";
import type { RuleNode } from "../../bindings/RuleNode";
import type { SpanUnit } from "../../bindings/SpanUnit";
import { formatCount, humanize } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { useEventPropertyValues } from "../../lib/queries";
import {
  DEFAULT_SPAN,
  SPAN_UNITS,
  availableBehaviours,
  behaviourKey,
  cleanBehaviour,
  operatorLabel,
  parseCount,
  propertyText,
  propertyValue,
  type BehaviourDraft,
} from "../../lib/segmentRules";
import { AmountInput } from "./AmountInput";

type Props = {
  value: BehaviourDraft;
  eventTypes: EventTypeSummary[];
  onChange: (value: unknown) => void;
  disabled?: boolean;
};

/** The backend's property operators, fetched once for every editor. */
let propertyOperators: string[] | null = null;
function usePropertyOperators(): string[] {
  const [operators, setOperators] = useState<string[]>(propertyOperators ?? []);
  useEffect(() => {
    if (propertyOperators) return;
    ipc
      .segmentPropertyOperators()
      .then((found) => {
        propertyOperators = found;
        setOperators(found);
      })
      .catch(() => setOperators([]));
  }, []);
  return operators;
}

const EMPTY_WHERE: RuleGroup = { combinator: "and", not: false, rules: [] };
const isRule = (node: RuleNode): node is Rule => !("rules" in node);

export function BehaviourEditor({ value, eventTypes, onChange, disabled }: Props) {
  const listId = useId();
  const common = availableBehaviours(eventTypes.map((t) => t.event_type));
  const commonKey = behaviourKey(value);
  // A named behaviour sets the event and its filters; counts and the window stay as chosen.
  const chooseCommon = (key: string) => {
    const chosen = common.find((b) => b.key === key);
    if (chosen) update({ type: chosen.value.type, where: chosen.value.where ?? null });
  };
  const update = (patch: Partial<BehaviourDraft>) => onChange(cleanBehaviour({ ...value, ...patch }));
  const where = value.where ?? EMPTY_WHERE;
  const properties = eventTypes.find((t) => t.event_type === value.type)?.properties ?? [];
  const known = eventTypes.some((t) => t.event_type === value.type);

  const setFilter = (index: number, rule: Rule) =>
    update({ where: { ...where, rules: where.rules.map((node, i) => (i === index ? rule : node)) } });
  const removeFilter = (index: number) =>
    update({ where: { ...where, rules: where.rules.filter((_, i) => i !== index) } });
  // A new filter starts valid: "where <first property> is not empty".
  const addFilter = () =>
    update({
      where: { ...where, rules: [...where.rules, { field: properties[0] ?? "", operator: "notNull", value: null }] },
    });

  return (
    <div className="behaviour">
      {common.length > 0 && (
        <div className="behaviour-line">
          <label>
            <span>Behaviour</span>
            <select
              data-testid="behaviour-common"
              value={commonKey}
              disabled={disabled}
              onChange={(e) => chooseCommon(e.target.value)}
            >
              <option value="">{commonKey ? "Custom" : "Custom (choose the event below)"}</option>
              {common.map((b) => (
                <option key={b.key} value={b.key}>
                  {b.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <div className="behaviour-line">
        <label>
          <span>Event</span>
          <select data-testid="behaviour-type" value={value.type} onChange={(e) => update({ type: e.target.value })}>
            {!known && <option value={value.type}>{humanize(value.type)}</option>}
            {eventTypes.map((t) => (
              <option key={t.event_type} value={t.event_type}>
                {humanize(t.event_type)} ({formatCount(t.count)})
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>At least</span>
          <CountInput testId="behaviour-min" value={value.min} placeholder="1" onChange={(min) => update({ min })} />
        </label>
        <label>
          <span>At most</span>
          <CountInput testId="behaviour-max" value={value.max} placeholder="any" onChange={(max) => update({ max })} />
        </label>
        <span className="behaviour-times muted">times</span>
        <label>
          <span>In the last</span>
          <span className="behaviour-window">
            <AmountInput
              testId="behaviour-window-amount"
              label="In the last: how many"
              disabled={disabled || !value.inLast}
              value={value.inLast ? value.inLast.amount : null}
              placeholder="—"
              onChange={(amount) => value.inLast && update({ inLast: { ...value.inLast, amount } })}
            />
            <select
              data-testid="behaviour-window-unit"
              aria-label="In the last: days, weeks or months, or ever"
              value={value.inLast ? value.inLast.unit : "ever"}
              onChange={(e) =>
                update({
                  inLast:
                    e.target.value === "ever"
                      ? null
                      : { amount: value.inLast?.amount ?? DEFAULT_SPAN.amount, unit: e.target.value as SpanUnit },
                })
              }
            >
              <option value="ever">ever</option>
              {SPAN_UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </select>
          </span>
        </label>
      </div>

      <div className="behaviour-filters">
        {where.rules.length > 1 && (
          <select
            aria-label="Filters combine with"
            value={where.combinator}
            onChange={(e) => update({ where: { ...where, combinator: e.target.value === "or" ? "or" : "and" } })}
          >
            <option value="and">where all of</option>
            <option value="or">where any of</option>
          </select>
        )}
        {where.rules.map((node, index) =>
          isRule(node) ? (
            <PropertyFilter
              key={index}
              rule={node}
              eventType={value.type}
              listId={listId}
              first={index === 0 && where.rules.length === 1}
              onChange={(rule) => setFilter(index, rule)}
              onRemove={() => removeFilter(index)}
            />
          ) : (
            <div key={index} className="behaviour-filter muted">
              A nested group of property filters (edit it in the JSON)
              <button className="link" onClick={() => removeFilter(index)} aria-label="Remove filter group">
                ✕
              </button>
            </div>
          ),
        )}
        <button className="small" data-testid="behaviour-add-filter" onClick={addFilter}>
          + Property filter
        </button>
        <datalist id={listId}>
          {properties.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </div>
    </div>
  );
}

/** A count bound: blank means none. */
function CountInput({
  testId,
  value,
  placeholder,
  onChange,
}: {
  testId: string;
  value: number | null | undefined;
  placeholder: string;
  onChange: (value: number | null) => void;
}) {
  return (
    <input
      type="number"
      min={0}
      className="value-number"
      data-testid={testId}
      placeholder={placeholder}
      value={value ?? ""}
      onChange={(e) => onChange(parseCount(e.target.value))}
    />
  );
}

function PropertyFilter({
  rule,
  eventType,
  listId,
  first,
  onChange,
  onRemove,
}: {
  rule: Rule;
  eventType: string;
  listId: string;
  first: boolean;
  onChange: (rule: Rule) => void;
  onRemove: () => void;
}) {
  const operators = usePropertyOperators();
  // The value is typed as text; the rule gets numbers or lists as the operator needs.
  const [text, setText] = useState(propertyText(rule.value));
  const outside = propertyText(rule.value);
  useEffect(() => {
    setText((current) => (propertyText(propertyValue(rule.operator, current)) === outside ? current : outside));
  }, [outside, rule.operator]);
  const takesValue = rule.operator !== "null" && rule.operator !== "notNull";
  // The values this property has on the workspace's events, most frequent first.
  const known = useEventPropertyValues(takesValue ? eventType : "", rule.field).data ?? [];
  const valuesId = useId();
  return (
    <div className="behaviour-filter">
      <span className="muted">{first ? "where" : "and"}</span>
      <input
        type="text"
        list={listId}
        className="property-name"
        data-testid="behaviour-filter-property"
        aria-label="Property"
        placeholder="property"
        value={rule.field}
        onChange={(e) => onChange({ ...rule, field: e.target.value.trim() })}
      />
      <select
        data-testid="behaviour-filter-operator"
        aria-label="Property operator"
        value={rule.operator}
        onChange={(e) => onChange({ ...rule, operator: e.target.value, value: propertyValue(e.target.value, text) })}
      >
        {(operators.includes(rule.operator) ? operators : [rule.operator, ...operators]).map((op) => (
          <option key={op} value={op}>
            {operatorLabel(op)}
          </option>
        ))}
      </select>
      {takesValue && (
        <input
          type="text"
          list={valuesId}
          className="value-text"
          data-testid="behaviour-filter-value"
          aria-label={rule.field ? `Value of ${rule.field}` : "Property value"}
          placeholder={["in", "notIn", "between", "notBetween"].includes(rule.operator) ? "a, b" : "value"}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            onChange({ ...rule, value: propertyValue(rule.operator, e.target.value) });
          }}
        />
      )}
      {takesValue && known.length > 0 && (
        <select
          className="property-known"
          data-testid="behaviour-filter-known"
          aria-label={`Known values of ${rule.field}`}
          value=""
          onChange={(e) => {
            if (!e.target.value) return;
            const listed = ["in", "notIn"].includes(rule.operator) && text.trim() !== "";
            const next = listed ? `${text.replace(/,\s*$/, "")}, ${e.target.value}` : e.target.value;
            setText(next);
            onChange({ ...rule, value: propertyValue(rule.operator, next) });
          }}
        >
          <option value="">Known values…</option>
          {known.map((v) => (
            <option key={v.value} value={v.value}>
              {`${v.value} (${formatCount(v.count)})`}
            </option>
          ))}
        </select>
      )}
      {takesValue && (
        <datalist id={valuesId} data-testid="behaviour-filter-values">
          {known.map((v) => (
            <option key={v.value} value={v.value}>
              {`${v.value} (${formatCount(v.count)})`}
            </option>
          ))}
        </datalist>
      )}
      <button
        className="link"
        onClick={onRemove}
        aria-label={`Remove the filter on ${rule.field || "a property"}`}
        title="Remove filter"
      >
        ✕
      </button>
    </div>
  );
}
