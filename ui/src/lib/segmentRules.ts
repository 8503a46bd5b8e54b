// Pure helpers behind the segment builder: the field and operator options
// react-querybuilder shows, the value shape each field type and operator
// needs (with valid defaults, and coercion when the operator changes), the
// behaviour value cleanup, the saved-segment folders and the explanation
// checklist. No React and no IPC here, so all of it is unit-tested.
import type { RuleGroupType, RuleType } from "react-querybuilder";

import type { BehaviourValue } from "../bindings/BehaviourValue";
import type { Category } from "../bindings/Category";
import type { ExplainNode } from "../bindings/ExplainNode";
import type { Field } from "../bindings/Field";
import type { FieldType } from "../bindings/FieldType";
import type { Operator } from "../bindings/Operator";
import { OPERATOR_CATALOGUE, PROPERTY_OPERATORS } from "../bindings/OperatorCatalogue";
import type { OperatorSet } from "../bindings/OperatorSet";
import type { RelativeSpan } from "../bindings/RelativeSpan";
import type { RuleGroup } from "../bindings/RuleGroup";
import type { SegmentSummary } from "../bindings/SegmentSummary";
import type { SegmentTemplate } from "../bindings/SegmentTemplate";
import type { SpanUnit } from "../bindings/SpanUnit";
import type { ValueShape } from "../bindings/ValueShape";
import { CATEGORY_LABELS } from "./format";

/** The special behaviour field: "performed an event". */
export const EVENT_FIELD = "event";
/** The special membership field: "member of a saved segment". */
export const SEGMENT_FIELD = "segment";
/** The special hierarchy field: "primary (or secondary) segment in a hierarchy". */
export const HIERARCHY_FIELD = "hierarchy";
/** The operators of a hierarchy rule. */
export const HIERARCHY_OPERATORS = ["primaryIs", "secondaryIs"] as const;
/** The value of a hierarchy rule: a hierarchy and a segment in it. */
export type HierarchyValue = { hierarchy: number; segment: number };
/** The value shapes of the builder: the backend's, plus the hierarchy rule's. */
export type BuilderShape = ValueShape | "hierarchy";

/** What kind of value a builder field holds: a catalogue type or one of the two special fields. */
export type FieldKind = FieldType | "event" | "segment" | "hierarchy";

/** One entry of the field selector (react-querybuilder's field option, plus our kind). */
export type FieldOption = { name: string; value: string; label: string; kind: FieldKind };
export type FieldOptionGroup = { label: string; options: FieldOption[] };
export type OperatorOption = { name: string; value: string; label: string };

export const CATEGORY_ORDER: Category[] = [
  "demographic",
  "geographic",
  "firmographic",
  "psychographic",
  "behavioral",
  "needs_based",
  "technographic",
];

/** Field selector options grouped by segmentation category, then Behaviour and Segments. */
export function buildFieldOptions(fields: Field[]): FieldOptionGroup[] {
  const groups: FieldOptionGroup[] = [];
  for (const category of CATEGORY_ORDER) {
    const options = fields
      .filter((f) => f.category === category)
      .map((f) => ({ name: f.key, value: f.key, label: f.label, kind: f.type }));
    if (options.length > 0) groups.push({ label: CATEGORY_LABELS[category] ?? category, options });
  }
  groups.push({
    label: "Behaviour",
    options: [{ name: EVENT_FIELD, value: EVENT_FIELD, label: "Performed an event", kind: "event" }],
  });
  groups.push({
    label: "Segments",
    options: [
      { name: SEGMENT_FIELD, value: SEGMENT_FIELD, label: "Member of segment", kind: "segment" },
      { name: HIERARCHY_FIELD, value: HIERARCHY_FIELD, label: "Place in a hierarchy", kind: "hierarchy" },
    ],
  });
  return groups;
}

/** The kind of every field key, special fields included. */
export function fieldKinds(fields: Field[]): Map<string, FieldKind> {
  const kinds = new Map<string, FieldKind>(fields.map((f) => [f.key, f.type]));
  kinds.set(EVENT_FIELD, "event");
  kinds.set(SEGMENT_FIELD, "segment");
  kinds.set(HIERARCHY_FIELD, "hierarchy");
  return kinds;
}

/** Whether `name` is an operator the backend knows (react-querybuilder hands us plain strings). */
export function isOperator(name: string): name is Operator {
  return Object.prototype.hasOwnProperty.call(OPERATOR_CATALOGUE, name);
}

/** Each operator's label, from the catalogue generated from the Rust `Operator` enum. */
export const OPERATOR_LABELS = Object.fromEntries(
  Object.entries(OPERATOR_CATALOGUE).map(([operator, info]) => [operator, info.label]),
) as Record<Operator, string>;

const DATE_LABELS: Partial<Record<Operator, string>> = {
  "<": "is before",
  "<=": "is on or before",
  ">": "is after",
  ">=": "is on or after",
};

export function operatorLabel(operator: string, kind?: FieldKind): string {
  if (operator === "primaryIs") return "primary is";
  if (operator === "secondaryIs") return "secondary includes";
  if (!isOperator(operator)) return operator;
  const dateLabel = DATE_LABELS[operator];
  if (kind === "date" && dateLabel) return dateLabel;
  if (kind === "segment")
    return operator === "in" ? "is a member of" : operator === "notIn" ? "is not a member of" : operator;
  return OPERATOR_LABELS[operator];
}

/** The operators of a behaviour rule (field `event`) and of a membership rule (field `segment`). */
export const BEHAVIOUR_OPERATORS: Operator[] = ["performed", "notPerformed"];
export const MEMBERSHIP_OPERATORS: Operator[] = ["in", "notIn"];

/** The operator options for a field kind, from the backend's operator sets. */
export function operatorsFor(kind: FieldKind, sets: OperatorSet[]): OperatorOption[] {
  const names: readonly string[] =
    kind === "hierarchy"
      ? HIERARCHY_OPERATORS
      : kind === "event"
        ? BEHAVIOUR_OPERATORS
        : kind === "segment"
          ? MEMBERSHIP_OPERATORS
          : (sets.find((s) => s.field_type === kind)?.operators ?? []);
  return names.map((name) => ({ name, value: name, label: operatorLabel(name, kind) }));
}

export function defaultOperatorFor(kind: FieldKind | undefined): Operator | "primaryIs" {
  switch (kind) {
    case "hierarchy":
      return "primaryIs";
    case "event":
      return "performed";
    case "segment":
      return "in";
    case "date":
      return "inLast";
    case "number":
      return ">=";
    default:
      return "=";
  }
}

/** The shape of value a field kind and operator take (generated from Rust). */
export type { ValueShape };

export function valueShape(kind: FieldKind | undefined, operator: string): BuilderShape {
  if (kind === "hierarchy") return "hierarchy";
  if (kind === "event") return "behaviour";
  if (kind === "segment") return "segment";
  return isOperator(operator) ? OPERATOR_CATALOGUE[operator].shape : "scalar";
}

/** What the defaults may draw on: today, the field's common values, the event types, the segments. */
export type DefaultHints = {
  today: string;
  /** The field's values, most common first (empty when unknown or free text). */
  values?: string[];
  /** The most common event type. */
  eventType?: string;
  /** A saved segment to point a membership rule at. */
  segmentId?: number | null;
  /** A hierarchy and its first segment, to point a hierarchy rule at. */
  hierarchy?: HierarchyValue | null;
};

export const DEFAULT_SPAN: RelativeSpan = { amount: 30, unit: "days" };
export const SPAN_UNITS: SpanUnit[] = ["days", "weeks", "months"];

/** `date` minus `days`, as YYYY-MM-DD. */
export function shiftDate(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return isoDate(at);
}

/** Whether an as-of text is empty (now) or a real YYYY-MM-DD date. */
export function isAsOfDate(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "") return true;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return false;
  const date = new Date(`${trimmed}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === trimmed;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function defaultScalar(kind: FieldKind | undefined, hints: DefaultHints): unknown {
  switch (kind) {
    case "number":
      return 0;
    case "date":
      return hints.today;
    case "boolean":
      return true;
    default:
      return hints.values?.[0] ?? "";
  }
}

/** A valid starting value for a new rule or a changed field. */
export function defaultValue(kind: FieldKind | undefined, operator: string, hints: DefaultHints): unknown {
  switch (valueShape(kind, operator)) {
    case "none":
      return null;
    case "behaviour":
      return { type: hints.eventType ?? "page_view" };
    case "segment":
      return hints.segmentId ?? null;
    case "hierarchy":
      return hints.hierarchy ?? null;
    case "span":
      return { ...DEFAULT_SPAN };
    case "list":
      return hints.values?.length ? [hints.values[0]] : [];
    case "pair":
      if (kind === "number") return [0, 100];
      if (kind === "date") return [shiftDate(hints.today, 30), hints.today];
      return ["", ""];
    case "scalar":
      return defaultScalar(kind, hints);
  }
}

export function isHierarchyValue(value: unknown): value is HierarchyValue {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.hierarchy === "number" && typeof v.segment === "number";
}

export function isSpan(value: unknown): value is RelativeSpan {
  if (typeof value !== "object" || value === null) return false;
  const span = value as Record<string, unknown>;
  return typeof span.amount === "number" && SPAN_UNITS.includes(span.unit as SpanUnit);
}

function isBehaviour(value: unknown): value is BehaviourValue {
  return typeof value === "object" && value !== null && typeof (value as Record<string, unknown>).type === "string";
}

const isPlainScalar = (value: unknown) =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

/** Comma-separated text as a list of trimmed, non-empty items. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * The value in the shape its field kind and operator need: unchanged when it
 * already fits (so typing is never disturbed), carried over when it can be
 * (`Germany` → `[Germany]` when `=` becomes `in`), a valid default otherwise.
 */
export function coerceValue(
  kind: FieldKind | undefined,
  operator: string,
  value: unknown,
  hints: DefaultHints,
): unknown {
  const fallback = () => defaultValue(kind, operator, hints);
  switch (valueShape(kind, operator)) {
    case "none":
      return value === null ? value : null;
    case "behaviour":
      return isBehaviour(value) ? value : fallback();
    case "hierarchy":
      return isHierarchyValue(value) ? value : fallback();
    case "segment":
      if (typeof value === "number") return value;
      if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
      return fallback();
    case "span":
      return isSpan(value) ? value : fallback();
    case "list":
      if (Array.isArray(value)) return value;
      if (typeof value === "string") return value.trim() === "" ? fallback() : splitList(value);
      if (typeof value === "number") return [value];
      return fallback();
    case "pair": {
      if (Array.isArray(value) && value.length === 2) return value;
      const base = fallback() as unknown[];
      if (Array.isArray(value)) return [value[0] ?? base[0], value[1] ?? base[1]];
      if (isPlainScalar(value) && value !== "") return [value, value];
      return base;
    }
    case "scalar": {
      if (kind === "boolean") {
        if (typeof value === "boolean") return value;
        if (value === "true" || value === "false") return value === "true";
        return fallback();
      }
      if (Array.isArray(value)) return value.length > 0 && isPlainScalar(value[0]) ? value[0] : fallback();
      if (isPlainScalar(value)) return value;
      return fallback();
    }
  }
}

function isGroup(node: RuleType | RuleGroupType): node is RuleGroupType {
  return Array.isArray((node as RuleGroupType).rules);
}

/**
 * The query with every rule's value coerced to its operator's shape. Returns
 * the very same objects where nothing changed, so React sees no change.
 */
export function normalizeQuery(
  group: RuleGroupType,
  kindOf: (field: string) => FieldKind | undefined,
  hintsFor: (field: string) => DefaultHints,
): RuleGroupType {
  let changed = false;
  const rules = group.rules.map((node) => {
    if (typeof node === "string") return node;
    if (isGroup(node)) {
      const next = normalizeQuery(node, kindOf, hintsFor);
      if (next !== node) changed = true;
      return next;
    }
    const value = coerceValue(kindOf(node.field), node.operator, node.value, hintsFor(node.field));
    if (value === node.value) return node;
    changed = true;
    return { ...node, value };
  });
  return changed ? { ...group, rules } : group;
}

/** react-querybuilder's query as the backend's rule type (same JSON; `not` made explicit). */
export function toRuleGroup(group: RuleGroupType): RuleGroup {
  return {
    ...group,
    combinator: group.combinator === "or" ? "or" : "and",
    not: group.not ?? false,
    rules: group.rules
      .filter((node): node is RuleType | RuleGroupType => typeof node !== "string")
      .map((node) => (isGroup(node) ? toRuleGroup(node) : { ...node })),
  };
}

/** The backend's rule type as react-querybuilder's query type (they share the JSON). */
export function fromRuleGroup(group: RuleGroup): RuleGroupType {
  return {
    ...group,
    rules: group.rules.map((node) =>
      "rules" in node ? fromRuleGroup(node) : { ...node, value: node.value as RuleType["value"] },
    ),
  };
}

export const EMPTY_QUERY: RuleGroupType = { combinator: "and", not: false, rules: [] };

/** An editable form of a behaviour value: numbers may be blank while the user types. */
export type BehaviourDraft = {
  type: string;
  min?: number | null;
  max?: number | null;
  inLast?: RelativeSpan | null;
  where?: RuleGroup | null;
};

/** The behaviour value as the backend wants it: empty optional keys left out. */
export function cleanBehaviour(draft: BehaviourDraft): BehaviourValue {
  const value: BehaviourValue = { type: draft.type };
  const count = (n: number | null | undefined) =>
    typeof n === "number" && Number.isFinite(n) ? Math.max(0, Math.floor(n)) : undefined;
  const min = count(draft.min);
  const max = count(draft.max);
  if (min !== undefined) value.min = min;
  if (max !== undefined) value.max = max;
  if (draft.inLast && isSpan(draft.inLast)) value.inLast = draft.inLast;
  if (draft.where && draft.where.rules.length > 0) value.where = draft.where;
  return value;
}

/** A number input's text as a number, or null when blank or not a number. */
export function parseCount(text: string): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** A property filter value typed as text: numbers for numeric comparisons, lists split on commas. */
export function propertyValue(operator: string, text: string): unknown {
  const shape = valueShape(undefined, operator);
  if (shape === "none") return null;
  if (shape === "list" || shape === "pair") {
    return splitList(text).map((item) => numberOrText(item, operator));
  }
  return numberOrText(text, operator);
}

/** A property operator compares numbers when text fields cannot use it (`<`, `between`…). */
export function isNumericPropertyOperator(operator: string): boolean {
  return (
    isOperator(operator) &&
    PROPERTY_OPERATORS.includes(operator) &&
    !OPERATOR_CATALOGUE[operator].fieldTypes.includes("text")
  );
}

function numberOrText(text: string, operator: string): string | number {
  const numeric = isNumericPropertyOperator(operator);
  return numeric && text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
}

/** A property filter value as the text its input shows. */
export function propertyText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

export type ExplainLine = { node: ExplainNode; depth: number };

/** The explanation tree as a checklist, depth first, with each node's depth. */
export function flattenExplanation(root: ExplainNode, depth = 0): ExplainLine[] {
  return [{ node: root, depth }, ...root.children.flatMap((child) => flattenExplanation(child, depth + 1))];
}

export const MY_SEGMENTS = "My segments";

export type SegmentFolder = { name: string; items: SegmentSummary[] };

/**
 * Saved segments grouped by folder: the built-in folders in template order,
 * then user folders alphabetically, then the ones without a folder. Inside a
 * folder, built-in segments keep template order and user segments follow by name.
 */
export function groupSegments(summaries: SegmentSummary[], templates: SegmentTemplate[]): SegmentFolder[] {
  const folderRank = new Map<string, number>();
  templates.forEach((t) => folderRank.has(t.folder) || folderRank.set(t.folder, folderRank.size));
  const nameRank = new Map(templates.map((t, i) => [t.name, i]));
  const byFolder = new Map<string, SegmentSummary[]>();
  for (const summary of summaries) {
    const name = summary.segment.folder.trim() || MY_SEGMENTS;
    byFolder.set(name, [...(byFolder.get(name) ?? []), summary]);
  }
  const rank = (folder: string) =>
    folderRank.get(folder) ?? (folder === MY_SEGMENTS ? Number.MAX_SAFE_INTEGER : folderRank.size);
  const folders = [...byFolder.entries()].map(([name, items]) => ({ name, items }));
  folders.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  for (const folder of folders) {
    folder.items.sort((a, b) => {
      if (a.segment.is_builtin !== b.segment.is_builtin) return a.segment.is_builtin ? -1 : 1;
      const ra = nameRank.get(a.segment.name) ?? Infinity;
      const rb = nameRank.get(b.segment.name) ?? Infinity;
      return (a.segment.is_builtin && ra !== rb ? ra - rb : 0) || a.segment.name.localeCompare(b.segment.name);
    });
  }
  return folders;
}

/** "12.3% of 5,000 leads". */
export function shareText(count: number, total: number): string {
  const share = total > 0 ? (count / total) * 100 : 0;
  const digits = share > 0 && share < 0.1 ? 2 : 1;
  return `${share.toFixed(digits)}% of ${new Intl.NumberFormat("en-US").format(total)} leads`;
}

/** A file name from a segment name: "Trade-show contacts" → "trade-show-contacts.csv". */
export function csvFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${slug || "segment"}.csv`;
}

/** Standard number fields that count things and so are never negative. */
export const NON_NEGATIVE_FIELDS = new Set(["employees", "annual_revenue"]);

/**
 * A number input's text as a rule value: a finite number, blank as "", and
 * anything else (`1e999`, `12abc`) as the text itself, so the backend says
 * what is wrong with it instead of a silent null.
 */
export function numberInputValue(text: string): number | string {
  if (text.trim() === "") return "";
  const n = Number(text);
  return Number.isFinite(n) ? n : text.trim();
}

/** A hint about a number value that will not do what the user expects, or null. */
export function numberHint(field: string, label: string, value: unknown): string | null {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  if (typeof value === "string" && value.trim() !== "" && !Number.isFinite(n)) {
    return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())
      ? `${value.trim()} is too large to be a number`
      : `${value.trim()} is not a number`;
  }
  if (Number.isFinite(n) && n < 0 && NON_NEGATIVE_FIELDS.has(field)) {
    return `${label} is never negative: did you mean ${-n}?`;
  }
  return null;
}

/**
 * A note when `between` bounds are reversed: the rule counts them in order
 * (docs/decisions.md), and the user is told so. Null when they are in order.
 */
export function reversedPairNote(kind: FieldKind | undefined, value: unknown): string | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [from, to] = value;
  if (kind === "number") {
    const a = Number(from);
    const b = Number(to);
    if (from === "" || to === "" || !Number.isFinite(a) || !Number.isFinite(b) || a <= b) return null;
    return `From is larger than To: counted as between ${to} and ${from}`;
  }
  if (kind === "date") {
    if (typeof from !== "string" || typeof to !== "string" || !from || !to || from <= to) return null;
    return `From is after To: counted as between ${to} and ${from}`;
  }
  return null;
}

/** A common behaviour, named as marketers say it, and the behaviour rule it stands for. */
export type CommonBehaviour = { key: string; label: string; value: BehaviourValue };

/** The named behaviours offered as quick choices; only those whose event type the workspace has are shown. */
export const COMMON_BEHAVIOURS: CommonBehaviour[] = [
  {
    key: "whitepaper",
    label: "Downloaded a whitepaper",
    value: {
      type: "download",
      where: { combinator: "and", not: false, rules: [{ field: "asset", operator: "notNull", value: null }] },
    },
  },
  { key: "email-open", label: "Opened an e-mail", value: { type: "email_open" } },
  { key: "email-click", label: "Clicked a link in an e-mail", value: { type: "email_click" } },
  {
    key: "pricing",
    label: "Visited the pricing page",
    value: {
      type: "page_view",
      where: { combinator: "and", not: false, rules: [{ field: "url", operator: "contains", value: "pricing" }] },
    },
  },
  { key: "webinar", label: "Attended a webinar", value: { type: "webinar_attend" } },
  { key: "demo", label: "Requested a demo", value: { type: "demo_request" } },
  { key: "trial", label: "Started a free trial", value: { type: "trial_start" } },
  { key: "trade-show", label: "Visited us at a trade show", value: { type: "trade_show_visit" } },
];

/** The common behaviours whose event type is in `eventTypes`. */
export function availableBehaviours(eventTypes: string[]): CommonBehaviour[] {
  const known = new Set(eventTypes);
  return COMMON_BEHAVIOURS.filter((b) => known.has(b.value.type));
}

/** The common behaviour a behaviour value is (same type and filters, whatever its counts and window), if any. */
export function behaviourKey(value: BehaviourDraft): string {
  const found = COMMON_BEHAVIOURS.find(
    (b) =>
      b.value.type === value.type &&
      JSON.stringify(b.value.where?.rules ?? []) === JSON.stringify(value.where?.rules ?? []),
  );
  return found?.key ?? "";
}

/** A field key's label for messages: the catalogue's, or the builder's name of the two special fields. */
export function fieldLabeller(fields: Field[]): (key: string) => string {
  const labels = new Map(fields.map((f) => [f.key, f.label]));
  return (key) =>
    labels.get(key) ?? (key === EVENT_FIELD ? "Performed an event" : key === SEGMENT_FIELD ? "Member of segment" : key);
}
