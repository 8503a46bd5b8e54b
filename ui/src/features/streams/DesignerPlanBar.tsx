// The designer's plan bar: the plan controls, and the counts of the stream as
// planned (greyed once the drawing has changed since).
import { formatCount } from "../../lib/format";
import { PlanControls } from "./PlanControls";
import type { DesignerPlan } from "./useDesignerPlan";

export function DesignerPlanBar({ plan }: { plan: DesignerPlan }) {
  const { streamPlan, stale } = plan;
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
      {plan.plan && streamPlan && (
        <div
          className={stale ? "plan-summary stale" : "plan-summary"}
          data-testid="plan-summary"
          data-sends={plan.plan.sends}
          data-eligible={plan.plan.eligible}
        >
          <span>
            <b>{formatCount(plan.plan.eligible)}</b> eligible
          </span>
          <span>
            <b>{formatCount(streamPlan.leads)}</b> entered ({formatCount(streamPlan.entries)} entries)
          </span>
          <span>
            <b>{formatCount(plan.plan.sends)}</b> sends
          </span>
          {streamPlan.also_eligible.length > 0 && (
            <span className="muted" data-testid="plan-overlaps">
              also eligible for: {streamPlan.also_eligible.map((o) => `${o.name} (${formatCount(o.leads)})`).join(", ")}
            </span>
          )}
          {stale && <span className="muted">· counts are for the stream as planned; run again</span>}
        </div>
      )}
    </div>
  );
}
