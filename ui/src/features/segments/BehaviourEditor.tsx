// The value editor of a behaviour rule (`event` performed / not performed):
// which event type, how many times (min/max, blank for no bound), in which
// time window (or ever), and property filters on the events, which become
// the value's `where` group. Empty optional parts are left out of the JSON.
import { useEffect, useId, useState } from "react";

import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { Rule } from "../../bindings/Rule";
import type { RuleGroup } from "../../bindings/RuleGroup";
import type { RuleNode } from "../../bindings/RuleNode";
import type { SpanUnit } from "../../bindings/SpanUnit";
import { formatCount, humanize } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import {
  DEFAULT_SPAN,
  SPAN_UNITS,
  cleanBehaviour,
  operatorLabel,
  parseCount,
  propertyText,
  propertyValue,
  type BehaviourDraft,
} from "../../lib/segmentRules";

type Props = {
  value: BehaviourDraft;
  eventTypes: EventTypeSummary[];
  onChange: (value: unknown) => void;
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

export function BehaviourEditor({ value, eventTypes, onChange }: Props) {
  const listId = useId();
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
            <input
              type="number"
              min={1}
              data-testid="behaviour-window-amount"
              aria-label="Window amount"
              className="value-number"
              disabled={!value.inLast}
              value={value.inLast ? value.inLast.amount : ""}
              placeholder="—"
              onChange={(e) =>
                value.inLast &&
                update({ inLast: { ...value.inLast, amount: Math.max(0, Math.floor(Number(e.target.value) || 0)) } })
              }
            />
            <select
              data-testid="behaviour-window-unit"
              aria-label="Window unit"
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
  listId,
  first,
  onChange,
  onRemove,
}: {
  rule: Rule;
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
          className="value-text"
          data-testid="behaviour-filter-value"
          aria-label="Property value"
          placeholder={["in", "notIn", "between", "notBetween"].includes(rule.operator) ? "a, b" : "value"}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            onChange({ ...rule, value: propertyValue(rule.operator, e.target.value) });
          }}
        />
      )}
      <button className="link" onClick={onRemove} aria-label="Remove property filter" title="Remove filter">
        ✕
      </button>
    </div>
  );
}
