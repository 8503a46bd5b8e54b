// The value editors of the segment builder, one per field type and operator:
// text, enum select / checkbox multi-select (fields with a known set of
// values), number and date inputs (two for between), the relative-date span,
// yes/no, saved-segment membership and the behaviour editor. react-querybuilder
// renders `SegmentValueEditor` for every rule; it picks the editor.
import { useEffect, useState } from "react";
import type { ValueEditorProps } from "react-querybuilder";

import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { RelativeSpan } from "../../bindings/RelativeSpan";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import type { SpanUnit } from "../../bindings/SpanUnit";
import type { ValueCount } from "../../bindings/ValueCount";
import { formatCount } from "../../lib/format";
import {
  DEFAULT_SPAN,
  SPAN_UNITS,
  isSpan,
  splitList,
  valueShape,
  type BehaviourDraft,
  type FieldKind,
} from "../../lib/segmentRules";
import { BehaviourEditor } from "./BehaviourEditor";

/** What the editors need beyond the rule itself; passed as react-querybuilder's `context`. */
export type BuilderContext = {
  /** The field's values, most common first; undefined until loaded. */
  fieldValues: (key: string) => ValueCount[] | undefined;
  loadFieldValues: (key: string) => void;
  eventTypes: EventTypeSummary[];
  segments: SegmentSummary[];
  /** The segment being edited, which a membership rule may not point at. */
  currentSegmentId: number | null;
};

const ENUM_SCALAR_OPERATORS = ["=", "!="];

export function SegmentValueEditor(props: ValueEditorProps) {
  const { field, operator, value, handleOnChange, fieldData, className, testID, disabled } = props;
  const context = props.context as BuilderContext;
  const kind = fieldData?.kind as FieldKind | undefined;
  const shape = valueShape(kind, operator);
  const enumCapable =
    (kind === "text" || kind === "list") && (shape === "list" || ENUM_SCALAR_OPERATORS.includes(operator));
  const values = enumCapable ? context.fieldValues(field) : undefined;

  useEffect(() => {
    if (enumCapable) context.loadFieldValues(field);
  }, [enumCapable, field, context]);

  if (shape === "none") return null;

  // Single controls carry react-querybuilder's class and test id themselves (as
  // its default editor does); composite editors get a wrapper that carries them.
  const own = { className: `${className ?? ""} value-${shape}`.trim(), "data-testid": testID };
  const wrap = (editor: React.ReactNode) => <span {...own}>{editor}</span>;

  if (shape === "behaviour") {
    return wrap(
      <BehaviourEditor value={value as BehaviourDraft} eventTypes={context.eventTypes} onChange={handleOnChange} />,
    );
  }
  if (shape === "segment") {
    return wrap(
      <MembershipEditor
        value={typeof value === "number" ? value : null}
        segments={context.segments.filter((s) => s.segment.id !== context.currentSegmentId)}
        onChange={handleOnChange}
      />,
    );
  }
  if (shape === "span")
    return wrap(<SpanEditor value={isSpan(value) ? value : DEFAULT_SPAN} onChange={handleOnChange} />);
  if (kind === "boolean") {
    return (
      <select
        {...own}
        value={String(value === true)}
        onChange={(e) => handleOnChange(e.target.value === "true")}
        disabled={disabled}
      >
        <option value="true">Yes</option>
        <option value="false">No</option>
      </select>
    );
  }
  if (values && values.length > 0 && shape === "list") {
    return wrap(
      <MultiSelect options={values} value={Array.isArray(value) ? value.map(String) : []} onChange={handleOnChange} />,
    );
  }
  if (values && values.length > 0 && shape === "scalar") {
    return <EnumSelect own={own} options={values} value={String(value ?? "")} onChange={handleOnChange} />;
  }
  if (shape === "pair") {
    const pair = Array.isArray(value) ? value : ["", ""];
    return wrap(
      <>
        <ScalarInput kind={kind} value={pair[0]} onChange={(v) => handleOnChange([v, pair[1]])} label="From" />
        <span className="muted">and</span>
        <ScalarInput kind={kind} value={pair[1]} onChange={(v) => handleOnChange([pair[0], v])} label="To" />
      </>,
    );
  }
  if (shape === "list") {
    return <ListTextInput own={own} kind={kind} value={Array.isArray(value) ? value : []} onChange={handleOnChange} />;
  }
  return <ScalarInput own={own} kind={kind} value={value} onChange={handleOnChange} label="Value" />;
}

/** react-querybuilder's class name and test id, for editors that are a single control. */
type Own = { className?: string; "data-testid"?: string };

/** A number, date or text input for one value. */
function ScalarInput({
  own,
  kind,
  value,
  onChange,
  label,
}: {
  own?: Own;
  kind: FieldKind | undefined;
  value: unknown;
  onChange: (value: unknown) => void;
  label: string;
}) {
  const classes = (extra: string) => `${own?.className ?? ""} ${extra}`.trim();
  if (kind === "number") {
    return (
      <input
        type="number"
        {...own}
        className={classes("value-number")}
        aria-label={label}
        value={value === null || value === undefined ? "" : String(value)}
        onChange={(e) => onChange(e.target.value === "" ? "" : Number(e.target.value))}
      />
    );
  }
  if (kind === "date") {
    const text = typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : "";
    return <input type="date" {...own} aria-label={label} value={text} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <input
      type="text"
      {...own}
      className={classes("value-text")}
      aria-label={label}
      value={value === null || value === undefined ? "" : String(value)}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** Free-text list for `in`/`notIn` on fields without a known set of values: comma-separated. */
function ListTextInput({
  own,
  kind,
  value,
  onChange,
}: {
  own: Own;
  kind: FieldKind | undefined;
  value: unknown[];
  onChange: (value: unknown[]) => void;
}) {
  const joined = value.join(", ");
  const [text, setText] = useState(joined);
  // Follow outside changes (another operator, a loaded segment) but not our own typing.
  useEffect(() => {
    setText((current) => (splitList(current).join(", ") === joined ? current : joined));
  }, [joined]);
  const parse = (input: string) =>
    splitList(input).map((item) => (kind === "number" && Number.isFinite(Number(item)) ? Number(item) : item));
  return (
    <input
      type="text"
      {...own}
      className={`${own.className ?? ""} value-list`}
      placeholder="Values, separated by commas"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  );
}

/** One of the field's known values. Fills in the most common one when the value is still blank. */
function EnumSelect({
  own,
  options,
  value,
  onChange,
}: {
  own: Own;
  options: ValueCount[];
  value: string;
  onChange: (value: string) => void;
}) {
  useEffect(() => {
    if (value === "" && options.length > 0) onChange(options[0].value);
  }, [value, options, onChange]);
  const known = options.some((o) => o.value === value);
  return (
    <select
      {...own}
      className={`${own.className ?? ""} value-enum`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {!known && <option value={value}>{value === "" ? "Choose a value…" : value}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.value} ({formatCount(o.count)})
        </option>
      ))}
    </select>
  );
}

/** Several of the field's known values, as a checkbox list (with a filter when long). */
function MultiSelect({
  options,
  value,
  onChange,
}: {
  options: ValueCount[];
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const [filter, setFilter] = useState("");
  const chosen = new Set(value);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? options.filter((o) => o.value.toLowerCase().includes(needle) || chosen.has(o.value)) : options;
  // Values the rule has that the workspace does not (any more) stay visible and removable.
  const unknown = value.filter((v) => !options.some((o) => o.value === v));
  const toggle = (item: string, on: boolean) => onChange(on ? [...value, item] : value.filter((v) => v !== item));
  return (
    <div className="multiselect" data-testid="value-multiselect">
      <div className="multiselect-head">
        <span className="muted">{value.length === 0 ? "Choose values" : `${value.length} chosen`}</span>
        {options.length > 8 && (
          <input
            type="search"
            placeholder="Filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            aria-label="Filter values"
          />
        )}
      </div>
      <div className="multiselect-options">
        {[...unknown.map((v) => ({ value: v, count: 0 })), ...shown].map((o) => (
          <label key={o.value} className="check">
            <input
              type="checkbox"
              value={o.value}
              checked={chosen.has(o.value)}
              onChange={(e) => toggle(o.value, e.target.checked)}
            />
            <span>{o.value}</span>
            <span className="muted">{formatCount(o.count)}</span>
          </label>
        ))}
      </div>
    </div>
  );
}

/** "the last N days/weeks/months". */
export function SpanEditor({ value, onChange }: { value: RelativeSpan; onChange: (value: RelativeSpan) => void }) {
  return (
    <>
      <input
        type="number"
        min={1}
        className="value-number"
        data-testid="span-amount"
        aria-label="Amount"
        value={value.amount}
        onChange={(e) => onChange({ ...value, amount: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
      />
      <select
        data-testid="span-unit"
        aria-label="Unit"
        value={value.unit}
        onChange={(e) => onChange({ ...value, unit: e.target.value as SpanUnit })}
      >
        {SPAN_UNITS.map((unit) => (
          <option key={unit} value={unit}>
            {unit}
          </option>
        ))}
      </select>
    </>
  );
}

/** A saved segment, by id. */
function MembershipEditor({
  value,
  segments,
  onChange,
}: {
  value: number | null;
  segments: SegmentSummary[];
  onChange: (value: number) => void;
}) {
  const known = segments.some((s) => s.segment.id === value);
  return (
    <select data-testid="segment-ref" value={value ?? ""} onChange={(e) => onChange(Number(e.target.value))}>
      {!known && <option value={value ?? ""}>{value === null ? "Choose a segment…" : `Segment #${value}`}</option>}
      {segments.map(({ segment, count }) => (
        <option key={segment.id} value={segment.id}>
          {segment.name} ({count === null ? "cannot be counted" : formatCount(count)})
        </option>
      ))}
    </select>
  );
}
