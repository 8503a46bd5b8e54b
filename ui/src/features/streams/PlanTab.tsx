// The Plan tab: dry-runs all active streams (or a chosen set) over a horizon
// and shows the result: headline counts, the calendar heatmap of sends per
// day, per-stream and per-content tables, the suppression / moved / outcome
// reports, CSV export, the comparison with the previous run, and any lead's
// journey with its explanations. The planner settings dialog lives here too.
import { useEffect, useEffectEvent, useMemo, useRef, useState } from "react";

import type { Plan } from "../../bindings/Plan";
import type { Stream } from "../../bindings/Stream";
import { formatCount } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { useRunPlan, type PlanRequest } from "../../lib/queries";
import { isAsOfDate } from "../../lib/segmentRules";
import { planDiff } from "./planDiff";
import { PlanControls, isPlanDays, todayUtc } from "./PlanControls";
import { PlanJourney } from "./PlanJourney";
import { PlannerSettingsDialog } from "./PlannerSettingsDialog";
import { PlanResults } from "./PlanResults";

/** What a plan was run with, so journeys and exports use the same request. */
type Request = PlanRequest & { label: string };
/** A plan the user was shown, and what it was run with. */
export type PlanShown = { plan: Plan; request: Request };

type Props = {
  streams: Stream[];
  /**
   * The last two plans shown, kept by the Streams view across visits of this tab: the plan made on opening the tab
   * is compared with the one the user saw before, not with itself.
   */
  runs: PlanShown[];
  onRuns: (update: (runs: PlanShown[]) => PlanShown[]) => void;
  onError: (error: unknown) => void;
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function PlanTab({ streams, runs, onRuns: setRuns, onError }: Props) {
  // The horizon of the plan seen last, so the plan made on opening compares like with like.
  const [from, setFrom] = useState(() => runs[runs.length - 1]?.request.from ?? todayUtc());
  const [days, setDays] = useState(() => String(runs[runs.length - 1]?.request.days ?? 90));
  const [allActive, setAllActive] = useState(true);
  const [chosen, setChosen] = useState<Set<number>>(() => new Set(streams.filter((s) => s.is_active).map((s) => s.id)));
  const planRun = useRunPlan();
  const running = planRun.isPending;
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);

  const current = runs[runs.length - 1] ?? null;
  const previous = runs.length > 1 ? runs[runs.length - 2] : null;
  const diff = useMemo(() => (current && previous ? planDiff(previous.plan, current.plan) : null), [current, previous]);
  const plan = current?.plan ?? null;

  const run = async () => {
    const chosenStreams = streams.filter((s) => chosen.has(s.id));
    const request: Request = {
      streams: allActive ? null : chosenStreams,
      from: from.trim(),
      days: Number(days),
      label: allActive
        ? "all active streams"
        : `${chosenStreams.length} chosen ${chosenStreams.length === 1 ? "stream" : "streams"}`,
    };
    setError(null);
    setNotice(null);
    try {
      const result = await planRun.mutateAsync(request);
      setRuns((r) => [...r.slice(-1), { plan: result, request }]);
    } catch (e) {
      setError(message(e));
    }
  };

  // Plan the active streams as soon as the tab opens: the first thing to see is a plan.
  // run() reads the current controls: an effect event, so the effect runs once when the tab opens.
  const autoRun = useRef(false);
  const runOnOpen = useEffectEvent(() => void run());
  useEffect(() => {
    if (autoRun.current || !streams.some((s) => s.is_active)) return;
    autoRun.current = true;
    runOnOpen();
  }, [streams]);

  const exportCsv = async () => {
    if (!current) return;
    try {
      const path = await ipc.pickCsvSavePath(`plan-${current.request.from}-${current.request.days}d.csv`);
      if (!path) return;
      const { streams: s, from: f, days: d } = current.request;
      const n = await ipc.planExport(s, f, d, path);
      setNotice(`Exported ${formatCount(n)} sends to ${path}`);
    } catch (e) {
      onError(e);
    }
  };

  const fromValid = isAsOfDate(from) && from.trim() !== "";
  const daysValid = isPlanDays(days);

  return (
    <div className="plan-tab">
      <div className="plan-head">
        <PlanControls
          from={from}
          days={days}
          onFrom={setFrom}
          onDays={setDays}
          onRun={() => void run()}
          running={running}
          disabled={!fromValid || !daysValid || (!allActive && chosen.size === 0)}
        />
        <div className="plan-streams">
          <label className="check">
            <input
              type="checkbox"
              data-testid="plan-all-active"
              checked={allActive}
              onChange={(e) => setAllActive(e.target.checked)}
            />
            All active streams
          </label>
          {!allActive &&
            streams.map((s) => (
              <label key={s.id} className="check">
                <input
                  type="checkbox"
                  data-testid={`plan-stream-${s.id}`}
                  checked={chosen.has(s.id)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(s.id);
                    else next.delete(s.id);
                    setChosen(next);
                  }}
                />
                {s.name}
                {!s.is_active && <span className="muted small"> (inactive)</span>}
              </label>
            ))}
        </div>
        <div className="plan-head-actions">
          <button className="small" data-testid="planner-settings-open" onClick={() => setSettingsOpen(true)}>
            Planner settings…
          </button>
          <button className="small" data-testid="plan-export" onClick={() => void exportCsv()} disabled={!current}>
            Export CSV…
          </button>
        </div>
      </div>
      {error && (
        <div className="rule-error plan-error" data-testid="plan-error">
          {error}
        </div>
      )}
      {notice && (
        <div className="note plan-notice" data-testid="plan-export-notice">
          {notice}
        </div>
      )}

      {!plan || !current ? (
        <div className="empty-state small-empty">
          <h2>Dry-run your streams</h2>
          <p>Plan who gets which email when: choose the start and the number of days, then run. Nothing is sent.</p>
        </div>
      ) : (
        <div className="plan-body">
          <PlanResults
            plan={plan}
            label={current.request.label}
            diff={diff}
            previous={previous?.request ?? null}
            streams={streams}
          />
          <PlanJourney plan={plan} request={current.request} />
        </div>
      )}
      {settingsOpen && (
        <PlannerSettingsDialog
          onClose={() => setSettingsOpen(false)}
          onError={onError}
          onSaved={() => setNotice("Planner settings saved; run the plan again to see their effect.")}
        />
      )}
    </div>
  );
}
