// The Plan tab: dry-runs all active streams (or a chosen set) over a horizon
// and shows the result: headline counts, the calendar heatmap of sends per
// day, per-stream and per-content tables, the suppression / moved / outcome
// reports, CSV export, the comparison with the previous run, and any lead's
// journey with its explanations. The planner settings dialog lives here too.
import { useEffect, useMemo, useRef, useState } from "react";

import type { LeadJourney } from "../../bindings/LeadJourney";
import type { Plan } from "../../bindings/Plan";
import type { ReasonTally } from "../../bindings/ReasonTally";
import type { Stream } from "../../bindings/Stream";
import { formatCount } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { planDiff, signed, type DiffLine } from "./planDiff";
import { isAsOfDate } from "../../lib/segmentRules";
import { PlanCalendar } from "./PlanCalendar";
import { PlanControls, isPlanDays, todayUtc } from "./PlanControls";
import { PlannerSettingsDialog } from "./PlannerSettingsDialog";

type Props = { streams: Stream[]; onError: (error: unknown) => void };

/** What a plan was run with, so journeys and exports use the same request. */
type Request = { streams: Stream[] | null; from: string; days: number; label: string };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function Tally({ title, items, unit, testId }: { title: string; items: ReasonTally[]; unit: string; testId: string }) {
  const total = items.reduce((a, b) => a + b.count, 0);
  return (
    <div className="report" data-testid={testId}>
      <h4>
        {title} <span className="muted small">({formatCount(total)} {unit})</span>
      </h4>
      {items.length === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <ul>
          {items.map((t) => (
            <li key={t.reason}>
              <span className="bar" style={{ width: `${total ? Math.max(2, (t.count / total) * 100) : 0}%` }} />
              <span className="reason">{t.reason}</span>
              <span className="n">{formatCount(t.count)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function DeltaCell({ line }: { line: DiffLine }) {
  return <span className={line.delta > 0 ? "delta up" : line.delta < 0 ? "delta down" : "delta"}>{signed(line.delta)}</span>;
}

export function PlanTab({ streams, onError }: Props) {
  const [from, setFrom] = useState(todayUtc());
  const [days, setDays] = useState("90");
  const [allActive, setAllActive] = useState(true);
  const [chosen, setChosen] = useState<Set<number>>(() => new Set(streams.filter((s) => s.is_active).map((s) => s.id)));
  const [runs, setRuns] = useState<{ plan: Plan; request: Request }[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [leadInput, setLeadInput] = useState("");
  const [journey, setJourney] = useState<LeadJourney | null>(null);
  const [journeyError, setJourneyError] = useState<string | null>(null);

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
      label: allActive ? "all active streams" : `${chosenStreams.length} chosen ${chosenStreams.length === 1 ? "stream" : "streams"}`,
    };
    setRunning(true);
    setError(null);
    setNotice(null);
    try {
      const result = await ipc.planRun(request.streams, request.from, request.days);
      setRuns((r) => [...r.slice(-1), { plan: result, request }]);
      setJourney(null);
      setJourneyError(null);
    } catch (e) {
      setError(message(e));
    } finally {
      setRunning(false);
    }
  };

  // Plan the active streams as soon as the tab opens: the first thing to see is a plan.
  const autoRun = useRef(false);
  useEffect(() => {
    if (autoRun.current || !streams.some((s) => s.is_active)) return;
    autoRun.current = true;
    void run();
    // run() reads the current controls; it must run once when the tab opens.
  }, [streams]);

  const showJourney = async (leadId: number) => {
    if (!current) return;
    setLeadInput(String(leadId));
    setJourneyError(null);
    try {
      const { streams: s, from: f, days: d } = current.request;
      setJourney(await ipc.planJourney(s, f, d, leadId));
    } catch (e) {
      setJourney(null);
      setJourneyError(message(e));
    }
  };

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
  const maxStreamSends = plan ? Math.max(1, ...plan.streams.map((s) => s.sends)) : 1;

  return (
    <div className="plan-tab">
      <div className="plan-head">
        <PlanControls from={from} days={days} onFrom={setFrom} onDays={setDays} onRun={() => void run()} running={running} disabled={!fromValid || !daysValid || (!allActive && chosen.size === 0)} />
        <div className="plan-streams">
          <label className="check">
            <input type="checkbox" data-testid="plan-all-active" checked={allActive} onChange={(e) => setAllActive(e.target.checked)} />
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

      {!plan ? (
        <div className="empty-state small-empty">
          <h2>Dry-run your streams</h2>
          <p>Plan who gets which email when: choose the start and the number of days, then run. Nothing is sent.</p>
        </div>
      ) : (
        <div className="plan-body">
          <div className="plan-headline" data-testid="plan-summary" data-sends={plan.sends} data-eligible={plan.eligible}>
            <div className="count-box">
              <div className="n">{formatCount(plan.eligible)}</div>
              <div className="muted small">eligible leads</div>
            </div>
            <div className="count-box inserted">
              <div className="n">{formatCount(plan.sends)}</div>
              <div className="muted small">sends</div>
            </div>
            <div className="count-box">
              <div className="n">{formatCount(plan.streams.reduce((a, s) => a + s.leads, 0))}</div>
              <div className="muted small">leads in streams</div>
            </div>
            <div className="count-box rejected">
              <div className="n">{formatCount(plan.suppressed.reduce((a, s) => a + s.count, 0))}</div>
              <div className="muted small">suppressed</div>
            </div>
            <div className="plan-range muted small">
              {current!.request.label}
              <br />
              {plan.from.slice(0, 10)} → {plan.until.slice(0, 10)} ({plan.days} days)
              <br />
              data as of {plan.as_of.slice(0, 10)} · send window {plan.settings.send_window.from_hour}–{plan.settings.send_window.to_hour} h
            </div>
          </div>

          {plan.skipped.length > 0 && (
            <div className="warning" role="alert" data-testid="plan-skipped">
              <strong>
                {plan.skipped.length === 1 ? "One stream was" : `${plan.skipped.length} streams were`} not planned:
              </strong>
              <ul>
                {plan.skipped.map((stream) => (
                  <li key={stream.stream_id}>
                    “{stream.name}”: {stream.problems.join("; ")}
                  </li>
                ))}
              </ul>
            </div>
          )}

          <section className="plan-section">
            <h3>Sends per day</h3>
            <PlanCalendar plan={plan} />
          </section>

          {diff && (
            <section className="plan-section plan-diff" data-testid="plan-diff" data-sends-delta={diff.sends.delta}>
              <h3>Compared with the previous run</h3>
              <p>
                <DeltaCell line={diff.sends} /> sends ({formatCount(diff.sends.before)} → {formatCount(diff.sends.after)}), <DeltaCell line={diff.eligible} /> eligible leads
              </p>
              <div className="diff-columns">
                <table className="plan-table">
                  <thead>
                    <tr>
                      <th>Stream</th>
                      <th>Before</th>
                      <th>After</th>
                      <th>Change</th>
                    </tr>
                  </thead>
                  <tbody>
                    {diff.streams.map((l) => (
                      <tr key={l.key} data-testid="plan-diff-stream">
                        <td>{l.label}</td>
                        <td className="num">{formatCount(l.before)}</td>
                        <td className="num">{formatCount(l.after)}</td>
                        <td className="num">
                          <DeltaCell line={l} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <table className="plan-table">
                  <thead>
                    <tr>
                      <th>Content</th>
                      <th>Before</th>
                      <th>After</th>
                      <th>Change</th>
                    </tr>
                  </thead>
                  <tbody>
                    {diff.content
                      .filter((l) => l.delta !== 0)
                      .map((l) => (
                        <tr key={l.key}>
                          <td>{l.label}</td>
                          <td className="num">{formatCount(l.before)}</td>
                          <td className="num">{formatCount(l.after)}</td>
                          <td className="num">
                            <DeltaCell line={l} />
                          </td>
                        </tr>
                      ))}
                    {diff.content.every((l) => l.delta === 0) && (
                      <tr>
                        <td colSpan={4} className="muted">
                          No change per content item.
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
            </section>
          )}

          <div className="plan-grid">
            <section className="plan-section">
              <h3>Streams</h3>
              <table className="plan-table" data-testid="plan-streams-table">
                <thead>
                  <tr>
                    <th>Stream</th>
                    <th>Prio</th>
                    <th>Leads</th>
                    <th>Entries</th>
                    <th>Sends</th>
                    <th>Also eligible for</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.streams.map((s) => (
                    <tr key={s.stream_id} data-testid={`plan-stream-row-${s.stream_id}`}>
                      <td>
                        {s.name}
                        <span className="mini-bar" style={{ width: `${(s.sends / maxStreamSends) * 100}%` }} />
                      </td>
                      <td className="num">{s.priority}</td>
                      <td className="num">{formatCount(s.leads)}</td>
                      <td className="num">{formatCount(s.entries)}</td>
                      <td className="num">{formatCount(s.sends)}</td>
                      <td className="small">{s.also_eligible.length ? s.also_eligible.map((o) => `${o.name} (${formatCount(o.leads)})`).join(", ") : <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="plan-section">
              <h3>Content audience</h3>
              <table className="plan-table" data-testid="plan-content-table">
                <thead>
                  <tr>
                    <th>Content</th>
                    <th>Leads</th>
                    <th>Sends</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.per_content.map((c) => (
                    <tr key={c.content_id}>
                      <td>{c.title}</td>
                      <td className="num">{formatCount(c.leads)}</td>
                      <td className="num">{formatCount(c.sends)}</td>
                    </tr>
                  ))}
                  {plan.per_content.length === 0 && (
                    <tr>
                      <td colSpan={3} className="muted">
                        Nothing is sent.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </section>
          </div>

          <section className="plan-section" data-testid="plan-reports">
            <h3>Reports</h3>
            <div className="reports">
              <Tally title="Suppressed (eligible, get nothing)" items={plan.suppressed} unit="leads" testId="plan-suppressed" />
              <Tally title="Moved to a later slot" items={plan.moved} unit="sends" testId="plan-moved" />
              <Tally title="How entries ended" items={plan.outcomes} unit="entries" testId="plan-outcomes" />
            </div>
          </section>

          <section className="plan-section journey-section">
            <h3>A lead's journey</h3>
            <div className="journey-form">
              <label className="inline-field">
                Lead id
                <input
                  data-testid="plan-lead-id"
                  value={leadInput}
                  onChange={(e) => setLeadInput(e.target.value)}
                  onKeyDown={(e) => e.key === "Enter" && Number(leadInput) > 0 && void showJourney(Number(leadInput))}
                  style={{ width: 100 }}
                />
              </label>
              <button className="small" data-testid="plan-lead-show" disabled={!(Number(leadInput) > 0)} onClick={() => void showJourney(Number(leadInput))}>
                Show journey
              </button>
              <span className="muted small">or a lead with sends:</span>
              <div className="sample-leads">
                {plan.sample_leads.slice(0, 12).map((id) => (
                  <button key={id} className={journey?.lead_id === id ? "chip selected" : "chip"} data-testid="plan-sample-lead" data-lead={id} onClick={() => void showJourney(id)}>
                    #{id}
                  </button>
                ))}
              </div>
            </div>
            {journeyError && <div className="rule-error">{journeyError}</div>}
            {journey && (
              <div className="journey" data-testid="plan-journey" data-lead={journey.lead_id}>
                <p>
                  <b>Lead #{journey.lead_id}</b> <span className="muted small">({journey.timezone})</span> — <span data-testid="journey-status">{journey.status}</span>
                </p>
                {journey.entries.length === 0 ? (
                  <p className="muted">No steps in this plan.</p>
                ) : (
                  <ol className="journey-timeline">
                    {journey.entries.map((e, i) => (
                      <li key={i} data-testid="journey-entry" className={e.step.toLowerCase().startsWith("send") ? "send" : ""}>
                        <span className="when" title={`${e.at} UTC`}>
                          {e.local}
                        </span>
                        <span className="what">
                          <span className="stream-name">{e.stream}</span> · {e.step}
                          {e.note && <span className="journey-note muted">{e.note}</span>}
                        </span>
                      </li>
                    ))}
                  </ol>
                )}
              </div>
            )}
          </section>
        </div>
      )}
      {settingsOpen && <PlannerSettingsDialog onClose={() => setSettingsOpen(false)} onError={onError} onSaved={() => setNotice("Planner settings saved; run the plan again to see their effect.")} />}
    </div>
  );
}
