// The designer's plan bar: the plan controls, and the counts of the stream as
// planned (greyed once the drawing has changed since): how many leads would
// enter it on its own and how many with the other active streams (the Plan
// tab's number), the difference and the higher-priority streams that take
// those leads, and which of the two counts paints the steps.
import { formatCount } from "../../lib/format";
import { PlanControls } from "./PlanControls";
import type { DesignerPlan } from "./useDesignerPlan";

const leads = (n: number) => `${formatCount(n)} ${n === 1 ? "lead" : "leads"}`;

/** The plain sentence under the counts: where the difference between them goes. */
export function lostText(lost: { name: string; leads: number }[]): string {
  const total = lost.reduce((sum, o) => sum + o.leads, 0);
  if (total === 0) return "no higher-priority stream takes any of its leads";
  const names = lost.map((o) => `“${o.name}” (${formatCount(o.leads)})`).join(", ");
  return `${leads(total)} enter higher-priority streams first: ${names}`;
}

export function DesignerPlanBar({ plan }: { plan: DesignerPlan }) {
  const { streamPlan, alonePlan, togetherPlan, stale } = plan;
  const lost = togetherPlan ? togetherPlan.lost_to.reduce((sum, o) => sum + o.leads, 0) : 0;
  return (
    <div className="plan-bar">
      <PlanControls
        from={plan.from}
        days={plan.days}
        onFrom={plan.setFrom}
        onDays={plan.setDays}
        onRun={() => void plan.run()}
        running={plan.planning}
        disabled={!plan.valid}
      />
      {plan.error && (
        <span className="plan-error" data-testid="plan-error">
          {plan.error}
        </span>
      )}
      {plan.plan && streamPlan && alonePlan && (
        <div
          className={stale ? "plan-summary stale" : "plan-summary"}
          data-testid="plan-summary"
          data-sends={streamPlan.sends}
          data-eligible={plan.plan.eligible}
          data-scope={plan.scope}
          data-entered-alone={alonePlan.leads}
          data-entered-together={togetherPlan?.leads ?? alonePlan.leads}
          data-lost={lost}
        >
          <span data-testid="plan-entered-alone">
            <b>{formatCount(alonePlan.leads)}</b> would enter on its own
          </span>
          {togetherPlan ? (
            <span data-testid="plan-entered-together">
              <b>{formatCount(togetherPlan.leads)}</b> enter with the other active streams, as in the Plan tab
            </span>
          ) : (
            <span className="muted">no other stream is active</span>
          )}
          {togetherPlan && (
            <span className="plan-lost" data-testid="plan-lost">
              {lostText(togetherPlan.lost_to)}
            </span>
          )}
          <span>
            <b>{formatCount(streamPlan.sends)}</b> sends ({formatCount(streamPlan.entries)} entries)
          </span>
          {streamPlan.also_eligible.length > 0 && (
            <span className="muted" data-testid="plan-overlaps">
              it takes first leads also eligible for:{" "}
              {streamPlan.also_eligible.map((o) => `${o.name} (${formatCount(o.leads)})`).join(", ")}
            </span>
          )}
          {stale && <span className="muted">· counts are for the stream as planned; run again</span>}
        </div>
      )}
      {plan.plan && togetherPlan && (
        <div className="plan-scope" role="radiogroup" aria-label="Counts on the steps">
          <span className="muted small">Counts on the steps:</span>
          <label className="check">
            <input
              type="radio"
              name="plan-scope"
              data-testid="plan-scope-together"
              checked={plan.scope === "together"}
              onChange={() => plan.setScope("together")}
            />
            with the other active streams
          </label>
          <label className="check">
            <input
              type="radio"
              name="plan-scope"
              data-testid="plan-scope-alone"
              checked={plan.scope === "alone"}
              onChange={() => plan.setScope("alone")}
            />
            on its own
          </label>
        </div>
      )}
    </div>
  );
}
