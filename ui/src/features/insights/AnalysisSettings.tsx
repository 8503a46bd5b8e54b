// The period and the outcome every conversion measure in Insights uses: the
// dates (the last 90 days by default) and which event types count as a
// conversion (a purchase by default), set once for the tabs that measure.
import { useId } from "react";

import type { Outcome } from "../../bindings/Outcome";
import { useEventTypes } from "../../lib/queries";

/** The period as typed (YYYY-MM-DD; `to` includes its day) and the outcome. */
export type AnalysisSettings = { from: string; to: string; outcome: Outcome };

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function defaultAnalysisSettings(): AnalysisSettings {
  const today = new Date();
  const start = new Date(today.getTime() - 89 * 86_400_000);
  return { from: isoDate(start), to: isoDate(today), outcome: { event_types: ["purchase"], rules: null } };
}

type Props = {
  settings: AnalysisSettings;
  onChange: (next: AnalysisSettings) => void;
  onError: (error: unknown) => void;
};

export function AnalysisSettingsBar({ settings, onChange }: Props) {
  const eventTypes = useEventTypes();
  const id = useId();
  const chosen = new Set(settings.outcome.event_types);
  const types = eventTypes.data ?? [];
  const toggle = (name: string) => {
    const next = new Set(chosen);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    onChange({ ...settings, outcome: { ...settings.outcome, event_types: [...next].sort() } });
  };
  return (
    <div className="analysis-settings" data-testid="analysis-settings">
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
      <fieldset className="analysis-outcome" data-testid="analysis-outcome">
        <legend>Counts as a conversion</legend>
        {types.map((t) => (
          <label key={t.event_type} className="checkbox">
            <input type="checkbox" checked={chosen.has(t.event_type)} onChange={() => toggle(t.event_type)} />
            {t.event_type}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
