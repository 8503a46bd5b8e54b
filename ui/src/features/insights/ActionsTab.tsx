// The Actions tab: which actions predict conversion. For each event type
// (and "at least twice"), the conversion rate of the leads who did it before
// converting (before their first conversion in the period, or before the
// period's end for the others) against the leads who did not, ranked by
// lift with a bar per lift, the counts and the 95% interval. An action can
// be opened in the segment builder as "did it at least N times".
import type { ActionPrediction } from "../../bindings/ActionPrediction";
import type { RuleGroup } from "../../bindings/RuleGroup";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { useInsightsActions } from "../../lib/queries";
import { settingsProblem, type AnalysisSettings } from "./AnalysisSettings";
import { interval, liftText, percent, verdict, VERDICT_LABEL } from "./performanceFormat";
import "./performance.css";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

/** "trial_start" or "trial_start, at least twice". */
export function actionLabel(action: ActionPrediction): string {
  if (action.at_least === 1) return action.event_type;
  if (action.at_least === 2) return `${action.event_type}, at least twice`;
  return `${action.event_type}, at least ${action.at_least} times`;
}

/** The segment rules "did it at least N times" (ever) for the builder. */
export function actionRules(action: ActionPrediction): RuleGroup {
  return {
    combinator: "and",
    not: false,
    rules: [
      {
        field: "event",
        operator: "performed",
        value: { type: action.event_type, min: action.at_least, max: null },
      },
    ],
  };
}

/** The lift bars' scale: the largest finite lift, at least 2 so that 1× sits mid-way or further left. */
export function liftScale(actions: ActionPrediction[]): number {
  return Math.max(2, ...actions.map((a) => a.lift ?? 0).filter((l) => Number.isFinite(l)));
}

export function ActionsTab({ settings }: Props) {
  const problem = settingsProblem(settings);
  const query = useInsightsActions(settings.outcome, settings.from, settings.to, problem === null);
  const report = query.data;
  const scale = report ? liftScale(report.actions) : 2;
  return (
    <section className="perf-tab" data-testid="insights-actions" aria-labelledby="actions-title">
      <h2 id="actions-title" className="perf-title">
        Which actions predict conversion
      </h2>
      <p className="muted perf-intro">
        For each action, the leads who did it before converting (before their first conversion in the period; the others
        until the period's end) against the leads who did not. Lift is how many times more often they converted.
      </p>
      {problem && <p className="muted">{problem}</p>}
      {query.isError && (
        <p className="error-text" role="alert" data-testid="actions-error">
          {String((query.error as { message?: string })?.message ?? query.error)}
        </p>
      )}
      {!report && !problem && !query.isError && <p className="muted">Measuring…</p>}
      {report && (
        <>
          <p className="perf-baseline" data-testid="actions-baseline">
            All leads: <strong>{formatCount(report.baseline.successes)}</strong> of{" "}
            {formatCount(report.baseline.trials)} converted ({percent(report.baseline.rate)}).
            {query.isFetching && <span className="muted"> Updating…</span>}
          </p>
          {report.actions.length === 0 && <p className="muted">No lead did anything but convert in this workspace.</p>}
          <div className="perf-table-wrap">
            <table className="perf-table actions-table" data-testid="actions-table">
              <caption className="perf-hidden">Actions ranked by lift</caption>
              <thead>
                <tr>
                  <th scope="col">Did before converting</th>
                  <th scope="col">Leads</th>
                  <th scope="col">Converted</th>
                  <th scope="col">Rate (95% interval)</th>
                  <th scope="col">Did not: leads</th>
                  <th scope="col">Did not: rate</th>
                  <th scope="col">Lift</th>
                  <th scope="col">Against the others</th>
                  <th scope="col">
                    <span className="perf-hidden">Open as a segment</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.actions.map((a, i) => {
                  const v = verdict(a.distinguishable, a.did.rate, a.did_not.rate);
                  const width = a.lift === null ? 100 : Math.min(100, (a.lift / scale) * 100);
                  return (
                    <tr
                      key={`${a.event_type}-${a.at_least}`}
                      data-testid={`action-row-${i}`}
                      data-action={a.event_type}
                      data-at-least={a.at_least}
                      className={a.distinguishable ? undefined : "perf-row-same"}
                    >
                      <th scope="row" data-testid="action-name">
                        {actionLabel(a)}
                      </th>
                      <td data-testid="action-leads">{formatCount(a.did.trials)}</td>
                      <td data-testid="action-converted">{formatCount(a.did.successes)}</td>
                      <td data-testid="action-rate">
                        {percent(a.did.rate)} <span className="perf-interval">({interval(a.did)})</span>
                      </td>
                      <td>{formatCount(a.did_not.trials)}</td>
                      <td>{percent(a.did_not.rate)}</td>
                      <td data-testid="action-lift">
                        <span className="lift-cell">
                          <span className="lift-bar-track" aria-hidden="true">
                            <span className={`lift-bar lift-bar-${v}`} style={{ width: `${width}%` }} />
                            <span className="lift-bar-one" style={{ left: `${(1 / scale) * 100}%` }} />
                          </span>
                          <span className="lift-value">{liftText(a.lift)}</span>
                        </span>
                      </td>
                      <td>
                        <span className={`perf-badge perf-badge-${v}`}>
                          {v === "same" ? VERDICT_LABEL.same : v === "higher" ? "More likely" : "Less likely"}
                        </span>
                      </td>
                      <td>
                        <button
                          type="button"
                          className="link"
                          aria-label={`Open “${actionLabel(a)}” as a segment`}
                          onClick={() => navigate({ view: "segments", rules: actionRules(a), name: actionLabel(a) })}
                        >
                          Segment
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
