// The "Add goal" form: a segment or stream, a metric, a target, a start and
// a deadline, the business objective (one of four, or the user's own
// words) and a name. The baseline is measured live as the user picks and
// shown before saving; the core's refusal (which value, and why) is shown
// beside the form.
import { useState, type FormEvent } from "react";

import type { GoalDraft } from "../../bindings/GoalDraft";
import type { Metric } from "../../bindings/Metric";
import { useAddGoal, useGoalBaseline, useSegments, useStreams } from "../../lib/queries";
import { formatMetric, isoDay, isRate, METRICS, OBJECTIVES, parseSubject } from "./goalFormat";

type Props = { onAdded: (id: number) => void; onCancel: () => void };

const OWN_WORDS = "own";

export function GoalForm({ onAdded, onCancel }: Props) {
  const segments = useSegments(null);
  const streams = useStreams();
  const add = useAddGoal();
  const [subject, setSubject] = useState("");
  const [metric, setMetric] = useState<Metric>("conversions");
  const [target, setTarget] = useState("");
  const [start, setStart] = useState(isoDay(new Date()));
  const [deadline, setDeadline] = useState(isoDay(new Date(), 90));
  const [objective, setObjective] = useState(OBJECTIVES[0].key);
  const [ownWords, setOwnWords] = useState("");
  const [name, setName] = useState("");
  const parsed = parseSubject(subject);
  const draft: GoalDraft | null = parsed
    ? {
        name,
        subject: parsed,
        metric,
        target: Number(target),
        start,
        deadline,
        objective: objective === OWN_WORDS ? ownWords : objective,
        outcome_types: [],
      }
    : null;
  // The baseline does not depend on the target, name or objective.
  const baselineJson = draft ? JSON.stringify({ ...draft, target: 0, name: "", objective: "" }) : "";
  const baseline = useGoalBaseline(baselineJson, draft !== null && /^\d{4}-\d{2}-\d{2}$/.test(start));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft) add.mutate(draft, { onSuccess: (goal) => onAdded(goal.id) });
  };
  const error = add.error instanceof Error ? add.error.message : add.error ? String(add.error) : null;
  const baselineError = baseline.error instanceof Error ? baseline.error.message : null;
  return (
    <form className="goal-form" onSubmit={submit} aria-labelledby="goal-form-title" data-testid="goal-form">
      <h3 id="goal-form-title">Add a goal</h3>
      <div className="goal-form-grid">
        <label>
          Segment or stream
          <select value={subject} onChange={(e) => setSubject(e.target.value)} data-testid="goal-subject" required>
            <option value="">Choose…</option>
            <optgroup label="Segments">
              {(segments.data ?? []).map((s) => (
                <option key={s.segment.id} value={`segment:${s.segment.id}`}>
                  {s.segment.name}
                </option>
              ))}
            </optgroup>
            <optgroup label="Streams (leads of their entry segments)">
              {(streams.data ?? []).map((s) => (
                <option key={s.id} value={`stream:${s.id}`}>
                  {s.name}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          Metric
          <select value={metric} onChange={(e) => setMetric(e.target.value as Metric)} data-testid="goal-metric">
            {METRICS.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Target {isRate(metric) ? "(%)" : "(leads)"}
          <input
            type="number"
            min={0}
            max={isRate(metric) ? 100 : undefined}
            step={isRate(metric) ? 0.1 : 1}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            data-testid="goal-target"
            required
          />
        </label>
        <label>
          Start
          <input type="date" value={start} onChange={(e) => setStart(e.target.value)} data-testid="goal-start" />
        </label>
        <label>
          Deadline
          <input
            type="date"
            value={deadline}
            onChange={(e) => setDeadline(e.target.value)}
            data-testid="goal-deadline"
            required
          />
        </label>
        <label>
          Business objective
          <select value={objective} onChange={(e) => setObjective(e.target.value)} data-testid="goal-objective">
            {OBJECTIVES.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
            <option value={OWN_WORDS}>In my own words…</option>
          </select>
        </label>
        {objective === OWN_WORDS && (
          <label>
            Objective in your words
            <input value={ownWords} onChange={(e) => setOwnWords(e.target.value)} data-testid="goal-objective-own" />
          </label>
        )}
        <label>
          Name (optional)
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="goal-name" />
        </label>
      </div>
      <p className="goal-baseline" aria-live="polite" data-testid="goal-baseline">
        {!draft
          ? "Pick a segment or stream to see its baseline."
          : baselineError
            ? baselineError
            : baseline.data
              ? `Baseline: ${formatMetric(metric, baseline.data.value)} (${baseline.data.measurement.members.toLocaleString("en-US")} members, measured ${new Date(baseline.data.at * 1000).toISOString().slice(0, 10)})`
              : "Measuring the baseline…"}
      </p>
      {error && (
        <p role="alert" className="goal-error" data-testid="goal-form-error">
          {error}
        </p>
      )}
      <div className="goal-form-actions">
        <button type="submit" className="primary" disabled={!draft || add.isPending} data-testid="goal-save">
          {add.isPending ? "Saving…" : "Save goal"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
