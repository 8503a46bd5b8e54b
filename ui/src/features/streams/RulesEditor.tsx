// The Segments view's rule builder, reused for a branch node's rules and a
// stream's exit goal: it keeps react-querybuilder's own query (with its ids)
// while editing and reports the backend's RuleGroup upwards. Remount it (key)
// when it should show another rule tree.
import { useState } from "react";
import { prepareRuleGroup, type RuleGroupType } from "react-querybuilder";

import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { Field } from "../../bindings/Field";
import type { OperatorSet } from "../../bindings/OperatorSet";
import type { RuleGroup } from "../../bindings/RuleGroup";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import { EMPTY_QUERY, fromRuleGroup, toRuleGroup } from "../../lib/segmentRules";
import { RuleBuilder } from "../segments/RuleBuilder";

export type RuleCatalogue = {
  fields: Field[];
  operators: OperatorSet[];
  eventTypes: EventTypeSummary[];
  segments: SegmentSummary[];
};

type Props = { value: RuleGroup | undefined; onChange: (rules: RuleGroup) => void; catalogue: RuleCatalogue };

/** The rules without react-querybuilder's ids, as JSON. */
function withoutIds(group: RuleGroup | undefined): string {
  return JSON.stringify(group ?? { combinator: "and", not: false, rules: [] }, (key, v) =>
    key === "id" ? undefined : v,
  );
}

const sameRules = (a: RuleGroup | undefined, b: RuleGroup | undefined) => withoutIds(a) === withoutIds(b);

export function RulesEditor({ value, onChange, catalogue }: Props) {
  const [query, setQuery] = useState<RuleGroupType>(() => prepareRuleGroup(value ? fromRuleGroup(value) : EMPTY_QUERY));
  return (
    <div className="stream-rules">
      <RuleBuilder
        query={query}
        onQueryChange={(next) => {
          setQuery(next);
          // react-querybuilder reports its prepared query on mount (ids added): not an edit.
          const rules = toRuleGroup(next);
          if (sameRules(rules, value)) return;
          onChange(rules);
        }}
        fields={catalogue.fields}
        operatorSets={catalogue.operators}
        eventTypes={catalogue.eventTypes}
        segments={catalogue.segments}
        currentSegmentId={null}
      />
    </div>
  );
}
