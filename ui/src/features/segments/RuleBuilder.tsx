// The visual rule builder: react-querybuilder with drag and drop (react-dnd),
// fields grouped by segmentation category plus behaviour and membership,
// operators per field type from the backend, our value editors, and valid
// defaults. Every change is normalised (values reshaped to their operator)
// before it reaches the view. It also caches each field's known values, and
// marks the rule or group the backend refused, with the reason beside it.
import { QueryBuilderDnD } from "@react-querybuilder/dnd";
import { useQueries } from "@tanstack/react-query";
import { createReactDnDAdapter } from "@react-querybuilder/dnd/react-dnd";
import { useCallback, useMemo, useState } from "react";
import * as ReactDnD from "react-dnd";
import * as ReactDndHtml5Backend from "react-dnd-html5-backend";
import {
  ActionElement,
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
import type { OperatorSet } from "../../bindings/OperatorSet";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import type { ValueCount } from "../../bindings/ValueCount";
import { ipc } from "../../lib/ipc";
import { queryKeys } from "../../lib/queries";
import {
  buildFieldOptions,
  defaultOperatorFor,
  defaultValue,
  fieldKinds,
  isoDate,
  normalizeQuery,
  operatorsFor,
  type DefaultHints,
  type FieldKind,
} from "../../lib/segmentRules";
import { samePath, type RuleFailure } from "./failingRule";
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
  cloneRule: { label: "Copy", title: "Duplicate this rule" },
  cloneRuleGroup: { label: "Copy", title: "Duplicate this group" },
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
};

/** The builder's context: the value editors' catalogue and the refused rule. */
type FailureContext = BuilderContext & { failure: RuleFailure | null };

/** A remove button that shows, before it, why the backend refused this rule or group. */
function RemoveWithFailure(props: ActionWithRulesProps) {
  const failure = (props.context as FailureContext | undefined)?.failure ?? null;
  const failing = failure !== null && samePath(failure.path, props.path);
  return (
    <>
      {failing && (
        <span className="rule-failure" role="alert" data-testid="segment-rule-failure">
          {failure.message}
        </span>
      )}
      <ActionElement {...props} />
    </>
  );
}

const CONTROL_ELEMENTS = {
  valueEditor: SegmentValueEditor,
  removeRuleAction: RemoveWithFailure,
  removeGroupAction: RemoveWithFailure,
};

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

  const fieldOptions = useMemo(() => buildFieldOptions(fields), [fields]);
  const kinds = useMemo(() => fieldKinds(fields), [fields]);

  const hintsFor = useCallback(
    (key: string): DefaultHints => ({
      today: isoDate(new Date()),
      values: values[key]?.map((v) => v.value),
      eventType: eventTypes[0]?.event_type,
      segmentId: segments.find((s) => s.segment.id !== currentSegmentId)?.segment.id ?? null,
    }),
    [values, eventTypes, segments, currentSegmentId],
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

  const context: FailureContext = useMemo(
    () => ({ fieldValues: (key) => values[key], loadFieldValues, eventTypes, segments, currentSegmentId, failure }),
    [values, loadFieldValues, eventTypes, segments, currentSegmentId, failure],
  );

  // The refused rule or group, found by its path in the tree as it was sent.
  const failingId = useMemo(() => (failure ? findPath(failure.path, query)?.id : undefined), [failure, query]);
  const markFailing = useCallback(
    (node: RuleType | RuleGroupTypeAny) => (failingId !== undefined && node.id === failingId ? "rule-failing" : ""),
    [failingId],
  );

  return (
    <div className="segment-builder" data-testid="segment-builder">
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
        />
      </QueryBuilderDnD>
    </div>
  );
}
