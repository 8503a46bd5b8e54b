// The value editors of the segment builder, one per field type and operator:
// text, enum select / checkbox multi-select (fields with a known set of
// values), number and date inputs (two for between), the relative-date span,
// yes/no, saved-segment membership, a place in a hierarchy and the behaviour editor. react-querybuilder
// renders `SegmentValueEditor` for every rule; it picks the editor. Every
// control is named after its field ("Employees value"), and number values
// carry a hint when they will not do what the user expects.
import { useEffect, useState } from "react";
import type { ValueEditorProps } from "react-querybuilder";

import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { Hierarchy } from "../../bindings/Hierarchy";
import type { RelativeSpan } from "../../bindings/RelativeSpan";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import type { SpanUnit } from "../../bindings/SpanUnit";
import type { ValueCount } from "../../bindings/ValueCount";
import { formatCount } from "../../lib/format";
import {
  DEFAULT_SPAN,
  SPAN_UNITS,
  isSpan,
  numberHint,
  numberInputValue,
  reversedPairNote,
  splitList,
  valueShape,
  type BehaviourDraft,
  type FieldKind,
  isHierarchyValue,
  type HierarchyValue,
} from "../../lib/segmentRules";
import { AmountInput } from "./AmountInput";
import { BehaviourEditor } from "./BehaviourEditor";

/** What the editors need beyond the rule itself; passed as react-querybuilder's `context`. */
export type BuilderContext = {
  /** The field's values, most common first; undefined until loaded. */
  fieldValues: (key: string) => ValueCount[] | undefined;
  loadFieldValues: (key: string) => void;
  eventTypes: EventTypeSummary[];
  segments: SegmentSummary[];
  /** The saved hierarchies, for the hierarchy rule. */
  hierarchies: Hierarchy[];
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
  const fieldLabel = (fieldData?.label as string | undefined) ?? field;

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
      <BehaviourEditor
        value={value as BehaviourDraft}
        eventTypes={context.eventTypes}
        onChange={handleOnChange}
        disabled={disabled}
      />,
    );
  }
  if (shape === "hierarchy") {
    return wrap(
      <HierarchyRuleEditor
        value={isHierarchyValue(value) ? value : null}
        hierarchies={context.hierarchies}
        onChange={handleOnChange}
        disabled={disabled}
      />,
    );
  }
  if (shape === "segment") {
    return wrap(
      <MembershipEditor
        value={typeof value === "number" ? value : null}
        segments={context.segments.filter((s) => s.segment.id !== context.currentSegmentId)}
        onChange={handleOnChange}
        disabled={disabled}
      />,
    );
  }
  if (shape === "span")
    return wrap(
      <SpanEditor
        value={isSpan(value) ? value : DEFAULT_SPAN}
        onChange={handleOnChange}
        label={fieldLabel}
        disabled={disabled}
      />,
    );
  if (kind === "boolean") {
    return (
      <select
        {...own}
        aria-label={`${fieldLabel} value`}
        value={String(value === true)}
        onChange={(e) => handleOnChange(e.target.value === "true")}
        disabled={disabled}
      >
        <option value="true">Yes</option>
        <option value="false">No</option>
      </select>
    );
  }
  // Until the field's known values arrive, a disabled menu holds the place of the editor they decide (a menu of
  // them, or free text when there are none): an input swapped for a menu while the user types lost the keys.
  if (enumCapable && values === undefined && (shape === "scalar" || shape === "list")) {
    return (
      <EnumSelect
        own={own}
        label={`${fieldLabel} value`}
        options={[]}
        value={shape === "scalar" ? String(value ?? "") : ""}
        onChange={handleOnChange}
        disabled
        loading
      />
    );
  }
  if (values && values.length > 0 && shape === "list") {
    return wrap(
      <MultiSelect
        options={values}
        label={fieldLabel}
        value={Array.isArray(value) ? value.map(String) : []}
        onChange={handleOnChange}
      />,
    );
  }
  if (values && values.length > 0 && shape === "scalar") {
    return (
      <EnumSelect
        own={own}
        label={`${fieldLabel} value`}
        options={values}
        value={String(value ?? "")}
        onChange={handleOnChange}
        disabled={disabled}
      />
    );
  }
  if (shape === "pair") {
    const pair = Array.isArray(value) ? value : ["", ""];
    const reversed = reversedPairNote(kind, pair);
    return wrap(
      <>
        <ScalarInput
          kind={kind}
          field={field}
          value={pair[0]}
          onChange={(v) => handleOnChange([v, pair[1]])}
          label={`${fieldLabel} from`}
        />
        <span className="muted">and</span>
        <ScalarInput
          kind={kind}
          field={field}
          value={pair[1]}
          onChange={(v) => handleOnChange([pair[0], v])}
          label={`${fieldLabel} to`}
        />
        {reversed && (
          <span className="value-hint" role="status" data-testid="value-hint">
            {reversed}
          </span>
        )}
      </>,
    );
  }
  if (shape === "list") {
    return (
      <ListTextInput
        own={own}
        kind={kind}
        label={`${fieldLabel} values`}
        value={Array.isArray(value) ? value : []}
        onChange={handleOnChange}
      />
    );
  }
  return (
    <ScalarInput
      own={own}
      kind={kind}
      field={field}
      value={value}
      onChange={handleOnChange}
      label={`${fieldLabel} value`}
    />
  );
}

/** react-querybuilder's class name and test id, for editors that are a single control. */
type Own = { className?: string; "data-testid"?: string };

/** A number, date or text input for one value. */
function ScalarInput({
  own,
  kind,
  field,
  value,
  onChange,
  label,
}: {
  own?: Own;
  kind: FieldKind | undefined;
  field: string;
  value: unknown;
  onChange: (value: unknown) => void;
  label: string;
}) {
  const classes = (extra: string) => `${own?.className ?? ""} ${extra}`.trim();
  if (kind === "number") {
    return (
      <NumberInput
        own={own}
        className={classes("value-number")}
        field={field}
        value={value}
        onChange={onChange}
        label={label}
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

/**
 * A number typed as text: finite numbers reach the rule as numbers, anything
 * else as the text typed (so `1e999` is refused by name, not sent as null),
 * with a hint beside it (a negative count, a number too large).
 */
function NumberInput({
  own,
  className,
  field,
  value,
  onChange,
  label,
}: {
  own?: Own;
  className: string;
  field: string;
  value: unknown;
  onChange: (value: unknown) => void;
  label: string;
}) {
  const outside = value === null || value === undefined ? "" : String(value);
  const [text, setText] = useState(outside);
  useEffect(() => {
    setText((current) => (String(numberInputValue(current)) === outside ? current : outside));
  }, [outside]);
  const hint = numberHint(field, label.replace(/ (value|from|to)$/, ""), numberInputValue(text));
  return (
    <>
      <input
        type="text"
        inputMode="decimal"
        {...own}
        className={className}
        aria-label={label}
        aria-invalid={hint !== null && !Number.isFinite(Number(text)) ? true : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onChange(numberInputValue(e.target.value));
        }}
      />
      {hint && (
        <span className="value-hint" role="status" data-testid="value-hint">
          {hint}
        </span>
      )}
    </>
  );
}

/** Free-text list for `in`/`notIn` on fields without a known set of values: comma-separated. */
function ListTextInput({
  own,
  kind,
  label,
  value,
  onChange,
}: {
  own: Own;
  kind: FieldKind | undefined;
  label: string;
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
      aria-label={label}
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
  label,
  options,
  value,
  onChange,
  disabled,
  loading = false,
}: {
  own: Own;
  label: string;
  options: ValueCount[];
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  /** The options are still being fetched: says so, and `data-loading` tells tests to wait. */
  loading?: boolean;
}) {
  useEffect(() => {
    if (value === "" && options.length > 0) onChange(options[0].value);
  }, [value, options, onChange]);
  const known = options.some((o) => o.value === value);
  return (
    <select
      {...own}
      className={`${own.className ?? ""} value-enum`}
      aria-label={label}
      aria-busy={loading || undefined}
      data-loading={loading ? "yes" : undefined}
      disabled={disabled}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {!known && (
        <option value={value}>{value !== "" ? value : loading ? "Loading values…" : "Choose a value…"}</option>
      )}
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
  label,
  value,
  onChange,
}: {
  options: ValueCount[];
  label: string;
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
    <div className="multiselect" data-testid="value-multiselect" role="group" aria-label={`${label} values`}>
      <div className="multiselect-head">
        <span className="muted">{value.length === 0 ? "Choose values" : `${value.length} chosen`}</span>
        {options.length > 8 && (
          <input
            type="search"
            placeholder="Filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            aria-label={`Filter ${label} values`}
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
export function SpanEditor({
  value,
  onChange,
  label,
  disabled,
}: {
  value: RelativeSpan;
  onChange: (value: RelativeSpan) => void;
  label: string;
  disabled?: boolean;
}) {
  return (
    <>
      <AmountInput
        testId="span-amount"
        label={`${label}: how many`}
        value={value.amount}
        disabled={disabled}
        onChange={(amount) => onChange({ ...value, amount })}
      />
      <select
        data-testid="span-unit"
        aria-label={`${label}: days, weeks or months`}
        disabled={disabled}
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
  disabled,
}: {
  value: number | null;
  segments: SegmentSummary[];
  onChange: (value: number) => void;
  disabled?: boolean;
}) {
  const known = segments.some((s) => s.segment.id === value);
  return (
    <select
      data-testid="segment-ref"
      aria-label="Segment"
      disabled={disabled}
      value={value ?? ""}
      onChange={(e) => onChange(Number(e.target.value))}
    >
      {!known && <option value={value ?? ""}>{value === null ? "Choose a segment…" : `Segment #${value}`}</option>}
      {segments.map(({ segment, count }) => (
        <option key={segment.id} value={segment.id}>
          {segment.name} ({count === null ? "cannot be counted" : formatCount(count)})
        </option>
      ))}
    </select>
  );
}

/** A hierarchy, then one of its segments: the value of a hierarchy rule. */
function HierarchyRuleEditor({
  value,
  hierarchies,
  onChange,
  disabled,
}: {
  value: HierarchyValue | null;
  hierarchies: Hierarchy[];
  onChange: (value: HierarchyValue) => void;
  disabled?: boolean;
}) {
  if (hierarchies.length === 0)
    return <span className="muted">No hierarchies yet: make one in Insights → Hierarchies.</span>;
  const chosen = hierarchies.find((h) => h.id === value?.hierarchy);
  return (
    <>
      <select
        data-testid="hierarchy-ref"
        aria-label="Hierarchy"
        disabled={disabled}
        value={value?.hierarchy ?? ""}
        onChange={(e) => {
          const next = hierarchies.find((h) => h.id === Number(e.target.value));
          if (next && next.segments.length > 0) onChange({ hierarchy: next.id, segment: next.segments[0].id });
        }}
      >
        {!chosen && <option value={value?.hierarchy ?? ""}>Choose a hierarchy…</option>}
        {hierarchies.map((h) => (
          <option key={h.id} value={h.id} disabled={h.segments.length === 0}>
            {h.name}
          </option>
        ))}
      </select>
      <select
        data-testid="hierarchy-segment-ref"
        aria-label="Segment in the hierarchy"
        disabled={disabled || !chosen}
        value={value?.segment ?? ""}
        onChange={(e) => value && onChange({ hierarchy: value.hierarchy, segment: Number(e.target.value) })}
      >
        {chosen && !chosen.segments.some((s) => s.id === value?.segment) && (
          <option value={value?.segment ?? ""}>Choose a segment…</option>
        )}
        {(chosen?.segments ?? []).map((s, i) => (
          <option key={s.id} value={s.id}>
            {i + 1}. {s.name}
          </option>
        ))}
      </select>
    </>
  );
}
