// The visual rule builder: react-querybuilder with drag and drop (react-dnd),
// fields grouped by segmentation category plus behaviour and membership,
// operators per field type from the backend, our value editors, and valid
// defaults. Every change is normalised (values reshaped to their operator)
// before it reaches the view. It also caches each field's known values, and
// marks the rule or group the backend refused, with the reason beside it.
// Remove buttons are named after what they remove ("Remove rule 2
// (Employees)") and hand focus on to the next rule, or to "+ Rule"; a
// read-only builder (built-in segments) shows the rules with every control
// disabled. A rule on a field empty for at least half the leads says so
// beside it ("Budget is empty for 62% of leads: this rule can never match
// them"), from the quality report's field completeness.
import { QueryBuilderDnD } from "@react-querybuilder/dnd";
import { useQueries } from "@tanstack/react-query";
import { createReactDnDAdapter } from "@react-querybuilder/dnd/react-dnd";
import { useCallback, useMemo, useState } from "react";
import * as ReactDnD from "react-dnd";
import * as ReactDndHtml5Backend from "react-dnd-html5-backend";
import {
  QueryBuilder,
  findPath,
  type ActionWithRulesProps,
  type FullField,
  type RuleGroupTypeAny,
  type RuleGroupType,
  type RuleType,
} from "react-querybuilder";
import "react-querybuilder/dist/query-builder.css";

import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { Field } from "../../bindings/Field";
import type { Hierarchy } from "../../bindings/Hierarchy";
import type { OperatorSet } from "../../bindings/OperatorSet";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import type { ValueCount } from "../../bindings/ValueCount";
import { ipc } from "../../lib/ipc";
import { queryKeys, useFieldCompleteness, useHierarchies } from "../../lib/queries";
import type { FieldCompleteness } from "../../bindings/FieldCompleteness";
import { emptyFieldWarning } from "../quality/overviewFormat";
import {
  buildFieldOptions,
  defaultOperatorFor,
  defaultValue,
  fieldKinds,
  fieldLabeller,
  isoDate,
  normalizeQuery,
  operatorsFor,
  type DefaultHints,
  type FieldKind,
  type HierarchyValue,
} from "../../lib/segmentRules";
import { describeRulePath, samePath, type RuleFailure } from "./failingRule";
import { SegmentValueEditor, type BuilderContext } from "./valueEditors";

const dnd = createReactDnDAdapter({ ...ReactDnD, ...ReactDndHtml5Backend });

const COMBINATORS = [
  { name: "and", value: "and", label: "All of (AND)" },
  { name: "or", value: "or", label: "Any of (OR)" },
];

const TRANSLATIONS = {
  addRule: { label: "+ Rule", title: "Add a rule" },
  addGroup: { label: "+ Group", title: "Add a group of rules" },
  removeRule: { label: "✕", title: "Remove this rule" },
  removeGroup: { label: "✕", title: "Remove this group" },
  cloneRule: { label: "Duplicate", title: "Duplicate this rule" },
  cloneRuleGroup: { label: "Duplicate", title: "Duplicate this group" },
  notToggle: { label: "Not", title: "Negate this group: leads that do NOT match it" },
  dragHandle: { label: "⠿", title: "Drag to move" },
};

type Props = {
  query: RuleGroupType;
  onQueryChange: (query: RuleGroupType) => void;
  fields: Field[];
  operatorSets: OperatorSet[];
  eventTypes: EventTypeSummary[];
  segments: SegmentSummary[];
  currentSegmentId: number | null;
  /** The rule or group the backend refused, if any: it is marked and its message shown beside it. */
  failure?: RuleFailure | null;
  /** Shows the rules without letting them be changed (built-in segments). */
  readOnly?: boolean;
};

/** The builder's context: the value editors' catalogue, the refused rule, and how to name a rule. */
type FailureContext = BuilderContext & {
  failure: RuleFailure | null;
  query: RuleGroupType;
  labelOf: (field: string) => string;
  /** Each field's completeness by key (empty until it arrives). */
  completeness: Map<string, FieldCompleteness>;
};

/** After a rule or group is removed: focus the next one's first control, else the group's "+ Rule". */
export function focusAfterRemoval(next: Element | null, group: Element | null) {
  const target =
    next?.isConnected === true
      ? next.querySelector<HTMLElement>("select, input, button, textarea")
      : (group?.querySelector<HTMLElement>(':scope > .ruleGroup-header [data-testid="add-rule"]') ?? null);
  target?.focus();
}

/**
 * A remove button named after what it removes, which moves focus on
 * afterwards, and shows before it why the backend refused this rule or group.
 */
function RemoveWithFailure(props: ActionWithRulesProps) {
  const context = props.context as FailureContext | undefined;
  const failure = context?.failure ?? null;
  const failing = failure !== null && samePath(failure.path, props.path);
  const what = context ? describeRulePath(props.path, context.query, context.labelOf) : "this rule";
  const name = `Remove ${what.charAt(0).toLowerCase()}${what.slice(1)}`;
  const rule = "rules" in props.ruleOrGroup ? null : props.ruleOrGroup;
  const emptyWarning = rule ? emptyFieldWarning(context?.completeness.get(rule.field), rule.operator) : null;
  return (
    <>
      {emptyWarning && (
        <span className="rule-empty-warning" role="status" data-testid="rule-empty-warning">
          {emptyWarning}
        </span>
      )}
      {failing && (
        <span className="rule-failure" role="alert" data-testid="segment-rule-failure">
          {failure.message}
        </span>
      )}
      <button
        type="button"
        className={props.className}
        title={props.title}
        aria-label={name}
        data-testid={props.testID}
        disabled={props.disabled}
        onClick={(e) => {
          const item = e.currentTarget.closest(".rule, .ruleGroup");
          const next = item?.nextElementSibling ?? null;
          const group = item?.parentElement?.closest(".ruleGroup") ?? null;
          props.handleOnClick(e);
          requestAnimationFrame(() => focusAfterRemoval(next, group));
        }}
      >
        {props.label}
      </button>
    </>
  );
}

const CONTROL_ELEMENTS = {
  valueEditor: SegmentValueEditor,
  removeRuleAction: RemoveWithFailure,
  removeGroupAction: RemoveWithFailure,
};

/** The first hierarchy with a segment, and that segment: a new hierarchy rule's value. */
function firstHierarchyValue(hierarchies: Hierarchy[]): HierarchyValue | null {
  const first = hierarchies.find((h) => h.segments.length > 0);
  return first ? { hierarchy: first.id, segment: first.segments[0].id } : null;
}

const kindOfField = (fieldData: FullField | undefined) => fieldData?.kind as FieldKind | undefined;

export function RuleBuilder({
  query,
  onQueryChange,
  fields,
  operatorSets,
  eventTypes,
  segments,
  currentSegmentId,
  failure = null,
  readOnly = false,
}: Props) {
  // Known values per field key, asked on first use (an unknown field simply gets a free-text editor).
  const [requested, setRequested] = useState<string[]>([]);
  const loadFieldValues = useCallback(
    (key: string) => setRequested((keys) => (keys.includes(key) ? keys : [...keys, key])),
    [],
  );
  const byKey = useCallback(
    (answers: { data?: ValueCount[] }[]) =>
      Object.fromEntries(
        answers.flatMap((answer, i) => (answer.data ? [[requested[i], answer.data] as const] : [])),
      ) as Record<string, ValueCount[]>,
    [requested],
  );
  const values = useQueries({
    queries: requested.map((key) => ({
      queryKey: queryKeys.fieldValues(key),
      queryFn: () => ipc.fieldValues(key).catch(() => [] as ValueCount[]),
    })),
    combine: byKey,
  });

  // Hierarchies for the hierarchy rule; none usable: the rule defaults to none and says so.
  const hierarchyList = useHierarchies();
  const hierarchies = useMemo(() => hierarchyList.data ?? [], [hierarchyList.data]);
  const fieldOptions = useMemo(() => buildFieldOptions(fields), [fields]);
  const kinds = useMemo(() => fieldKinds(fields), [fields]);

  const hintsFor = useCallback(
    (key: string): DefaultHints => ({
      today: isoDate(new Date()),
      values: values[key]?.map((v) => v.value),
      eventType: eventTypes[0]?.event_type,
      segmentId: segments.find((s) => s.segment.id !== currentSegmentId)?.segment.id ?? null,
      hierarchy: firstHierarchyValue(hierarchies),
    }),
    [values, eventTypes, segments, currentSegmentId, hierarchies],
  );

  const handleQueryChange = useCallback(
    (next: RuleGroupType) => onQueryChange(normalizeQuery(next, (key) => kinds.get(key), hintsFor)),
    [onQueryChange, kinds, hintsFor],
  );

  const getOperators = useCallback(
    (_field: string, { fieldData }: { fieldData: FullField }) => {
      const kind = kindOfField(fieldData);
      return kind ? operatorsFor(kind, operatorSets) : null;
    },
    [operatorSets],
  );
  const getDefaultOperator = useCallback(
    (_field: string, { fieldData }: { fieldData: FullField }) => defaultOperatorFor(kindOfField(fieldData)),
    [],
  );
  const getDefaultValue = useCallback(
    (rule: RuleType, { fieldData }: { fieldData: FullField }) =>
      defaultValue(kindOfField(fieldData), rule.operator, hintsFor(rule.field)),
    [hintsFor],
  );

  const labelOf = useMemo(() => fieldLabeller(fields), [fields]);
  const completenessList = useFieldCompleteness();
  const completeness = useMemo(
    () => new Map((completenessList.data ?? []).map((f) => [f.key, f] as const)),
    [completenessList.data],
  );
  const context: FailureContext = useMemo(
    () => ({
      fieldValues: (key) => values[key],
      loadFieldValues,
      eventTypes,
      segments,
      hierarchies,
      currentSegmentId,
      failure,
      query,
      labelOf,
      completeness,
    }),
    [
      values,
      loadFieldValues,
      eventTypes,
      segments,
      hierarchies,
      currentSegmentId,
      failure,
      query,
      labelOf,
      completeness,
    ],
  );

  // The refused rule or group, found by its path in the tree as it was sent.
  const failingId = useMemo(() => (failure ? findPath(failure.path, query)?.id : undefined), [failure, query]);
  const markFailing = useCallback(
    (node: RuleType | RuleGroupTypeAny) => (failingId !== undefined && node.id === failingId ? "rule-failing" : ""),
    [failingId],
  );

  return (
    <fieldset
      className={readOnly ? "segment-builder read-only" : "segment-builder"}
      data-testid="segment-builder"
      disabled={readOnly}
      aria-label={readOnly ? "Rules (read-only)" : "Rules"}
    >
      <QueryBuilderDnD dnd={dnd}>
        <QueryBuilder
          query={query}
          onQueryChange={handleQueryChange}
          fields={fieldOptions}
          combinators={COMBINATORS}
          getOperators={getOperators}
          getDefaultOperator={getDefaultOperator}
          getDefaultValue={getDefaultValue}
          controlElements={CONTROL_ELEMENTS}
          getRuleClassname={markFailing}
          getRuleGroupClassname={markFailing}
          context={context}
          translations={TRANSLATIONS}
          listsAsArrays
          showNotToggle
          showCloneButtons
          addRuleToNewGroups
          controlClassnames={{ queryBuilder: "queryBuilder-branches" }}
          disabled={readOnly}
          enableDragAndDrop={!readOnly}
        />
      </QueryBuilderDnD>
    </fieldset>
  );
}
