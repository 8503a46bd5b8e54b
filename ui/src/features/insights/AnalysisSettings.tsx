// The period and the outcome every conversion measure in Insights uses: the
// dates (the last 90 days by default, with presets), which event types count
// as a conversion (a purchase by default), and, for data without history
// such as X Education's `Converted` flag, a field whose value says a lead
// converted (the outcome's rules). Set once for the tabs that measure.
import { useId } from "react";

import type { Outcome } from "../../bindings/Outcome";
import type { Rule } from "../../bindings/Rule";
import { useEventTypes, useFields, useFieldValues } from "../../lib/queries";
import "./performance.css";

/** The period as typed (YYYY-MM-DD; `to` includes its day) and the outcome. */
export type AnalysisSettings = { from: string; to: string; outcome: Outcome };

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The presets of the period box: the last N days, today included. */
export const PERIOD_PRESETS = [
  { days: 30, label: "Last 30 days" },
  { days: 90, label: "Last 90 days" },
  { days: 365, label: "Last 365 days" },
] as const;

/** The last `days` days up to `today` (UTC dates), today included. */
export function lastDays(days: number, today: Date = new Date()): { from: string; to: string } {
  const start = new Date(today.getTime() - (days - 1) * 86_400_000);
  return { from: isoDate(start), to: isoDate(today) };
}

export function defaultAnalysisSettings(): AnalysisSettings {
  return { ...lastDays(90), outcome: { event_types: ["purchase"], rules: null } };
}

/** The preset the period matches, or "custom". */
export function presetOf(settings: { from: string; to: string }, today: Date = new Date()): string {
  const match = PERIOD_PRESETS.find((p) => {
    const range = lastDays(p.days, today);
    return range.from === settings.from && range.to === settings.to;
  });
  return match ? String(match.days) : "custom";
}

/** The field test of the outcome's rules (`field = value`), if it has one. */
export function outcomeFieldRule(outcome: Outcome): { field: string; value: string } | null {
  const rule = outcome.rules?.rules[0] as Rule | undefined;
  if (!rule || !("field" in rule)) return null;
  return { field: rule.field, value: String(rule.value ?? "") };
}

/** The outcome with its field test set to `field = value` (none when `field` is empty). */
export function withFieldRule(outcome: Outcome, field: string, value: string): Outcome {
  if (field === "") return { ...outcome, rules: null };
  return {
    ...outcome,
    rules: { combinator: "and", not: false, rules: [{ field, operator: "=", value }] },
  };
}

/** Why the settings cannot be measured, or null when they can. */
export function settingsProblem(settings: AnalysisSettings): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(settings.from) || !/^\d{4}-\d{2}-\d{2}$/.test(settings.to))
    return "Enter both dates of the period.";
  if (settings.to < settings.from) return "The period ends before it starts: put the earlier date first.";
  const field = outcomeFieldRule(settings.outcome);
  if (field && field.value.trim() === "") return "Enter the value of the field that marks a conversion.";
  if (settings.outcome.event_types.length === 0 && !field)
    return "Choose at least one event type, or a field, that counts as a conversion.";
  return null;
}

type Props = {
  settings: AnalysisSettings;
  onChange: (next: AnalysisSettings) => void;
  onError: (error: unknown) => void;
};

export function AnalysisSettingsBar({ settings, onChange }: Props) {
  const eventTypes = useEventTypes();
  const fields = useFields();
  const id = useId();
  const chosen = new Set(settings.outcome.event_types);
  const types = eventTypes.data ?? [];
  const fieldRule = outcomeFieldRule(settings.outcome);
  const values = useFieldValues(fieldRule?.field ?? "");
  const flagFields = (fields.data ?? []).filter((f) => f.type !== "date");
  const toggle = (name: string) => {
    const next = new Set(chosen);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    onChange({ ...settings, outcome: { ...settings.outcome, event_types: [...next].sort() } });
  };
  const preset = presetOf(settings);
  const problem = settingsProblem(settings);
  return (
    <div className="analysis-settings" data-testid="analysis-settings">
      <div className="analysis-period">
        <label htmlFor={`${id}-preset`}>Period</label>
        <select
          id={`${id}-preset`}
          value={preset}
          data-testid="analysis-preset"
          onChange={(e) => {
            const days = Number(e.target.value);
            if (days > 0) onChange({ ...settings, ...lastDays(days) });
          }}
        >
          {PERIOD_PRESETS.map((p) => (
            <option key={p.days} value={p.days}>
              {p.label}
            </option>
          ))}
          <option value="custom" disabled>
            Custom dates
          </option>
        </select>
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          value={settings.from}
          data-testid="analysis-from"
          onChange={(e) => onChange({ ...settings, from: e.target.value })}
        />
        <label htmlFor={`${id}-to`}>to</label>
        <input
          id={`${id}-to`}
          type="date"
          value={settings.to}
          data-testid="analysis-to"
          onChange={(e) => onChange({ ...settings, to: e.target.value })}
        />
      </div>
      <fieldset className="analysis-outcome" data-testid="analysis-outcome">
        <legend>Counts as a conversion: any of these events in the period</legend>
        {types.map((t) => (
          <label key={t.event_type} className="checkbox">
            <input
              type="checkbox"
              checked={chosen.has(t.event_type)}
              data-testid={`outcome-type-${t.event_type}`}
              onChange={() => toggle(t.event_type)}
            />
            {t.event_type}
          </label>
        ))}
        {types.length === 0 && <span className="muted">This workspace has no events yet.</span>}
      </fieldset>
      <fieldset className="analysis-outcome analysis-field" data-testid="analysis-field-outcome">
        <legend>…or a field that says a lead converted (for data without history)</legend>
        <label htmlFor={`${id}-field`}>Field</label>
        <select
          id={`${id}-field`}
          value={fieldRule?.field ?? ""}
          data-testid="outcome-field"
          onChange={(e) => onChange({ ...settings, outcome: withFieldRule(settings.outcome, e.target.value, "") })}
        >
          <option value="">None</option>
          {flagFields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-field-value`}>equals</label>
        <input
          id={`${id}-field-value`}
          list={`${id}-field-values`}
          value={fieldRule?.value ?? ""}
          disabled={!fieldRule}
          placeholder={fieldRule ? "a value, e.g. 1 or Customer" : "choose a field first"}
          data-testid="outcome-field-value"
          onChange={(e) =>
            onChange({
              ...settings,
              outcome: withFieldRule(settings.outcome, fieldRule?.field ?? "", e.target.value),
            })
          }
        />
        <datalist id={`${id}-field-values`}>
          {(values.data ?? []).map((v) => (
            <option key={v.value} value={v.value} />
          ))}
        </datalist>
      </fieldset>
      {problem && (
        <p className="analysis-problem" role="status" data-testid="analysis-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
