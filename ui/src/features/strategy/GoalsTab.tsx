// The Strategy view's Goals tab (issue 12): every goal with its status at
// the as-of date (on track, off track, probably not achievable, achieved,
// past deadline), the "Add goal" form, and the chosen goal's detail with
// its trajectory chart and table.
import { useState } from "react";

import { useGoals } from "../../lib/queries";
import { GoalDetail } from "./GoalDetail";
import { GoalForm } from "./GoalForm";
import { formatMetric, metricLabel, STATUS_LABELS } from "./goalFormat";
import "./goals.css";

type Props = { onError: (error: unknown) => void };

export function GoalsTab({ onError }: Props) {
  const [asOf, setAsOf] = useState("");
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const when = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : null;
  const goals = useGoals(when);
  const list = goals.data ?? [];
  const chosen = selected ?? list[0]?.goal.id ?? null;
  return (
    <div className="goals-tab" data-testid="goals-tab">
      <div className="goals-toolbar">
        <label>
          As of
          <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} data-testid="goals-as-of" />
        </label>
        <span className="muted">{when ? "" : "(today)"}</span>
        <button type="button" className="primary" onClick={() => setAdding(true)} data-testid="goal-add">
          Add goal
        </button>
      </div>
      {adding && (
        <GoalForm
          onAdded={(id) => {
            setAdding(false);
            setSelected(id);
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      {goals.error ? (
        <p role="alert">{(goals.error as Error).message}</p>
      ) : list.length === 0 ? (
        <p className="muted">{goals.isLoading ? "Measuring goals…" : "No goals yet: add one to measure progress."}</p>
      ) : (
        <table className="goals-table" data-testid="goals-table">
          <caption className="muted">Goals and their status {when ? `as of ${when}` : "today"}</caption>
          <thead>
            <tr>
              <th scope="col">Goal</th>
              <th scope="col">Metric</th>
              <th scope="col">Baseline</th>
              <th scope="col">Current</th>
              <th scope="col">Target</th>
              <th scope="col">Deadline</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr
                key={p.goal.id}
                className={p.goal.id === chosen ? "selected" : undefined}
                data-testid={`goal-row-${p.goal.id}`}
              >
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-pressed={p.goal.id === chosen}
                    onClick={() => setSelected(p.goal.id)}
                  >
                    {p.goal.name}
                  </button>
                </td>
                <td>{metricLabel(p.goal.metric)}</td>
                <td>{formatMetric(p.goal.metric, p.goal.baseline)}</td>
                <td>{formatMetric(p.goal.metric, p.current)}</td>
                <td>{formatMetric(p.goal.metric, p.goal.target)}</td>
                <td>{p.goal.deadline}</td>
                <td>
                  <span className={`goal-status goal-status-${p.status}`}>{STATUS_LABELS[p.status]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen !== null && <GoalDetail id={chosen} asOf={when} onError={onError} onDeleted={() => setSelected(null)} />}
    </div>
  );
}
