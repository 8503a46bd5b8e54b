// The outcome choice shared by the Back-test tab and the suggestions panel:
// "events after a date" (a date, a window in days, the event types that
// count) or "a field" (a field of the workspace and the value that counts).
import { useId } from "react";

import { useEventTypes, useFields } from "../../lib/queries";
import type { OutcomeState } from "./outcomeChoice";

type Props = {
  outcome: OutcomeState;
  onChange: (patch: Partial<OutcomeState>) => void;
  /** Prefix of the data-testids ("backtest", "suggest"). */
  testId: string;
};

export function OutcomeFields({ outcome, onChange, testId }: Props) {
  const id = useId();
  const eventTypes = useEventTypes();
  const fields = useFields();
  const toggle = (type: string) =>
    onChange({
      types: outcome.types.includes(type) ? outcome.types.filter((t) => t !== type) : [...outcome.types, type].sort(),
    });
  return (
    <div className="outcome-fields">
      <fieldset className="outcome-kind" data-testid={`${testId}-outcome-kind`}>
        <legend>Who counts as converted</legend>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-kind`}
            checked={outcome.kind === "events"}
            data-testid={`${testId}-kind-events`}
            onChange={() => onChange({ kind: "events" })}
          />
          Leads with an outcome event in a window after a date
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-kind`}
            checked={outcome.kind === "field"}
            data-testid={`${testId}-kind-field`}
            onChange={() => onChange({ kind: "field" })}
          />
          Leads whose field says so (data without history, e.g. a CRM's “Converted”)
        </label>
      </fieldset>
      {outcome.kind === "events" ? (
        <>
          <div className="backtest-settings">
            <label htmlFor={`${id}-at`}>Score as of</label>
            <input
              id={`${id}-at`}
              type="date"
              value={outcome.at}
              data-testid={`${testId}-at`}
              onChange={(e) => onChange({ at: e.target.value })}
            />
            <label htmlFor={`${id}-window`}>then count conversions for</label>
            <input
              id={`${id}-window`}
              className="score-number"
              type="number"
              min={1}
              max={3650}
              value={outcome.windowText}
              data-testid={`${testId}-window`}
              onChange={(e) => onChange({ windowText: e.target.value })}
            />
            <span>days</span>
          </div>
          <fieldset className="backtest-outcome" data-testid={`${testId}-outcome`}>
            <legend>Counts as a conversion: any of these events in the window</legend>
            {(eventTypes.data ?? []).map((t) => (
              <label key={t.event_type} className="checkbox">
                <input
                  type="checkbox"
                  checked={outcome.types.includes(t.event_type)}
                  data-testid={`${testId}-outcome-${t.event_type}`}
                  onChange={() => toggle(t.event_type)}
                />
                {t.event_type}
              </label>
            ))}
          </fieldset>
        </>
      ) : (
        <div className="backtest-settings">
          <label htmlFor={`${id}-field`}>Outcome field</label>
          <select
            id={`${id}-field`}
            value={outcome.field}
            data-testid={`${testId}-field`}
            onChange={(e) => onChange({ field: e.target.value })}
          >
            <option value="">Choose a field…</option>
            {(fields.data ?? [])
              .filter((f) => !f.is_computed)
              .map((f) => (
                <option key={f.key} value={f.key}>
                  {f.label}
                </option>
              ))}
          </select>
          <label htmlFor={`${id}-value`}>equals</label>
          <input
            id={`${id}-value`}
            value={outcome.value}
            placeholder="blank: yes, or 1"
            aria-describedby={`${id}-value-hint`}
            data-testid={`${testId}-field-value`}
            onChange={(e) => onChange({ value: e.target.value })}
          />
          <span id={`${id}-value-hint`} className="muted">
            Leave blank for a yes/no field or a 0/1 flag; a text field needs its value (e.g. Customer).
          </span>
        </div>
      )}
    </div>
  );
}
