// The planner's horizon controls shared by the Designer's plan bar and the
// Plan tab: start date (YYYY-MM-DD), number of days, and the run button.
import { isAsOfDate, isoDate } from "../../lib/segmentRules";

/** The longest plan, in days: the backend's range (`streams/limits.rs`, HORIZON_DAYS). */
export const MAX_PLAN_DAYS = 3660;

/** Is `days` a whole number of days the planner accepts? */
export const isPlanDays = (days: string) =>
  Number.isInteger(Number(days)) && Number(days) >= 1 && Number(days) <= MAX_PLAN_DAYS;

/** Today in UTC as YYYY-MM-DD, the default start of a plan. */
export const todayUtc = () => isoDate(new Date());

type Props = {
  from: string;
  days: string;
  onFrom: (from: string) => void;
  onDays: (days: string) => void;
  onRun: () => void;
  running: boolean;
  disabled: boolean;
};

export function PlanControls({ from, days, onFrom, onDays, onRun, running, disabled }: Props) {
  const fromValid = isAsOfDate(from) && from.trim() !== "";
  return (
    <div className="plan-controls">
      <label className="inline-field">
        From
        <input
          data-testid="plan-from"
          className={fromValid ? "date-input" : "date-input invalid"}
          value={from}
          onChange={(e) => onFrom(e.target.value)}
          placeholder="YYYY-MM-DD"
        />
      </label>
      <label className="inline-field">
        for
        <input
          data-testid="plan-days"
          type="number"
          min={1}
          max={MAX_PLAN_DAYS}
          className="days-input"
          value={days}
          onChange={(e) => onDays(e.target.value)}
        />
        days
      </label>
      <button className="primary small" data-testid="plan-run" onClick={onRun} disabled={disabled || running}>
        {running ? "Planning…" : "Run plan"}
      </button>
    </div>
  );
}
