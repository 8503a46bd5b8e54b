// One scoring rule in the model editor: its label, kind (fit or engagement),
// condition (segment rules through the shared rule builder, or a behaviour
// counted per event: an event type and an optional "in the last" span),
// points and cap, and the problem the form or the core found with it.
import { useId } from "react";

import type { ScoreKind } from "../../bindings/ScoreKind";
import { humanize } from "../../lib/format";
import { RulesEditor, type RuleCatalogue } from "../streams/RulesEditor";
import type { RuleForm, SpanUnitText } from "./modelForm";

type Props = {
  rule: RuleForm;
  index: number;
  catalogue: RuleCatalogue;
  problem: string | null;
  onChange: (patch: Partial<RuleForm>) => void;
  onRemove: () => void;
};

export function RuleRow({ rule, index, catalogue, problem, onChange, onRemove }: Props) {
  const id = useId();
  const n = index + 1;
  const types = catalogue.eventTypes.map((t) => t.event_type);
  if (rule.eventType && !types.includes(rule.eventType)) types.push(rule.eventType);
  return (
    <li className="score-rule" data-testid={`score-rule-${index}`} aria-labelledby={`${id}-title`}>
      <div className="score-rule-head">
        <h4 id={`${id}-title`} className="score-rule-title">
          Rule {n}
        </h4>
        <label htmlFor={`${id}-label`}>Label</label>
        <input
          id={`${id}-label`}
          className="score-rule-label"
          value={rule.label}
          placeholder="e.g. Downloaded a whitepaper"
          data-testid={`score-rule-label-${index}`}
          onChange={(e) => onChange({ label: e.target.value })}
        />
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select
          id={`${id}-kind`}
          value={rule.kind}
          data-testid={`score-rule-kind-${index}`}
          onChange={(e) => onChange({ kind: e.target.value as ScoreKind })}
        >
          <option value="fit">Fit (who the lead is)</option>
          <option value="engagement">Engagement (what it did)</option>
        </select>
        <label htmlFor={`${id}-mode`}>Scores</label>
        <select
          id={`${id}-mode`}
          value={rule.mode}
          data-testid={`score-rule-mode-${index}`}
          onChange={(e) => onChange({ mode: e.target.value as RuleForm["mode"] })}
        >
          <option value="when">once, if the lead matches</option>
          <option value="each">per event of a type</option>
        </select>
        <label htmlFor={`${id}-points`}>Points</label>
        <input
          id={`${id}-points`}
          className="score-number"
          type="number"
          step="any"
          value={rule.points}
          data-testid={`score-rule-points-${index}`}
          onChange={(e) => onChange({ points: e.target.value })}
        />
        <label htmlFor={`${id}-cap`}>Cap</label>
        <input
          id={`${id}-cap`}
          className="score-number"
          type="number"
          min={0}
          step="any"
          placeholder="none"
          value={rule.cap}
          data-testid={`score-rule-cap-${index}`}
          onChange={(e) => onChange({ cap: e.target.value })}
        />
        <button
          type="button"
          className="danger-link"
          data-testid={`score-rule-remove-${index}`}
          aria-label={`Remove rule ${n}${rule.label ? ` (${rule.label})` : ""}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </div>
      {rule.mode === "when" ? (
        <div className="score-rule-when" data-testid={`score-rule-when-${index}`}>
          <RulesEditor
            key={`${rule.key}-when`}
            value={rule.when}
            onChange={(when) => onChange({ when })}
            catalogue={catalogue}
          />
        </div>
      ) : (
        <div className="score-rule-each">
          <label htmlFor={`${id}-type`}>Each event of type</label>
          <select
            id={`${id}-type`}
            value={rule.eventType}
            data-testid={`score-rule-event-${index}`}
            onChange={(e) => onChange({ eventType: e.target.value })}
          >
            <option value="">Choose…</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-in-last`}>in the last</label>
          <input
            id={`${id}-in-last`}
            className="score-number"
            type="number"
            min={1}
            step={1}
            placeholder="ever"
            value={rule.inLastAmount}
            data-testid={`score-rule-in-last-${index}`}
            onChange={(e) => onChange({ inLastAmount: e.target.value })}
          />
          <label htmlFor={`${id}-unit`} className="visually-hidden">
            Unit of “in the last”
          </label>
          <select
            id={`${id}-unit`}
            value={rule.inLastUnit}
            onChange={(e) => onChange({ inLastUnit: e.target.value as SpanUnitText })}
          >
            <option value="days">days</option>
            <option value="weeks">weeks</option>
            <option value="months">months</option>
          </select>
          {rule.where && rule.where.rules.length > 0 && (
            <span className="muted">(with {rule.where.rules.length} property filter(s), kept as saved)</span>
          )}
        </div>
      )}
      {problem && (
        <p className="rule-error" role="alert" data-testid={`score-rule-error-${index}`}>
          {problem}
        </p>
      )}
    </li>
  );
}
