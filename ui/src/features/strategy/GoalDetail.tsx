// One goal's detail: its definition, progress at the as-of date (current,
// expected on the line, status), the feasibility check with its numbers,
// the trajectory chart and the same numbers as a table, and deleting it.
import { useDeleteGoal, useGoalProgress } from "../../lib/queries";
import { GoalChart } from "./GoalChart";
import { dayOf, formatMetric, metricLabel, STATUS_LABELS } from "./goalFormat";

type Props = { id: number; asOf: string | null; onError: (error: unknown) => void; onDeleted: () => void };

export function GoalDetail({ id, asOf, onError, onDeleted }: Props) {
  const progress = useGoalProgress(id, asOf);
  const remove = useDeleteGoal();
  if (progress.error) return <p role="alert">{String((progress.error as Error).message ?? progress.error)}</p>;
  const p = progress.data;
  if (!p || p.goal.id !== id) return <p className="muted">Measuring the goal…</p>;
  const g = p.goal;
  const fmt = (v: number) => formatMetric(g.metric, v);
  return (
    <section className="goal-detail" aria-labelledby="goal-detail-title" data-testid="goal-detail">
      <div className="goal-detail-head">
        <h3 id="goal-detail-title">{g.name}</h3>
        <button
          type="button"
          className="danger"
          onClick={() => remove.mutate(id, { onSuccess: onDeleted, onError: (error) => onError(error) })}
        >
          Delete goal
        </button>
      </div>
      <dl className="goal-facts">
        <dt>For</dt>
        <dd>
          {g.subject.kind === "segment" ? "Segment" : "Stream"} {g.subject_name}
        </dd>
        <dt>Metric</dt>
        <dd>{metricLabel(g.metric)}</dd>
        {g.objective && (
          <>
            <dt>Objective</dt>
            <dd>{g.objective_label}</dd>
          </>
        )}
        <dt>Baseline</dt>
        <dd>
          {fmt(g.baseline)} <span className="muted">(measured {dayOf(g.baseline_at)})</span>
        </dd>
        <dt>Target</dt>
        <dd>
          {fmt(g.target)}{" "}
          <span className="muted">
            from {g.start} to {g.deadline}
          </span>
        </dd>
        <dt>Current</dt>
        <dd data-testid="goal-current">{fmt(p.current)}</dd>
        <dt>Expected today</dt>
        <dd data-testid="goal-expected">{fmt(p.expected)}</dd>
        <dt>Status</dt>
        <dd>
          <span className={`goal-status goal-status-${p.status}`} data-testid="goal-status">
            {STATUS_LABELS[p.status]}
          </span>
        </dd>
      </dl>
      <p className={g.feasibility.achievable ? "muted" : "goal-warning"} data-testid="goal-feasibility">
        {g.feasibility.achievable ? "Within the segment's history: " : "Probably not achievable: "}
        {g.feasibility.reason}.
      </p>
      {p.trajectory.length > 0 ? (
        <>
          <GoalChart metric={g.metric} points={p.trajectory} target={g.target} />
          <table className="goal-trajectory" data-testid="goal-trajectory">
            <caption className="muted">Trajectory: measured value and the straight line, by date</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Value</th>
                <th scope="col">Line</th>
                <th scope="col">Members</th>
              </tr>
            </thead>
            <tbody>
              {p.trajectory.map((point) => (
                <tr key={point.at}>
                  <td>{point.date}</td>
                  <td>{fmt(point.value)}</td>
                  <td>{fmt(point.expected)}</td>
                  <td>{point.members.toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">The goal starts on {g.start}: no trajectory before then.</p>
      )}
    </section>
  );
}
