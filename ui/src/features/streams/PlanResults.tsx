// A plan's results: headline counts, the streams that were not planned, the
// calendar heatmap of sends per day, the comparison with the previous run,
// the per-stream and per-content tables, and the suppression / moved /
// outcome reports. "Also eligible for" links to the Insights overlap of the
// streams' entry segments.
import type { Plan } from "../../bindings/Plan";
import type { ReasonTally } from "../../bindings/ReasonTally";
import type { Stream } from "../../bindings/Stream";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { PlanCalendar } from "./PlanCalendar";
import { signed, unchanged, type DiffLine, type PlanDiff } from "./planDiff";

/** Before, after and change per line of a plan comparison; `empty` shows when there are no lines. */
function DiffTable({
  heading,
  lines,
  rowTestId,
  empty,
}: {
  heading: string;
  lines: DiffLine[];
  rowTestId?: string;
  empty?: string;
}) {
  return (
    <table className="plan-table">
      <thead>
        <tr>
          <th>{heading}</th>
          <th>Before</th>
          <th>After</th>
          <th>Change</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.key} data-testid={rowTestId}>
            <td>{l.label}</td>
            <td className="num">{formatCount(l.before)}</td>
            <td className="num">{formatCount(l.after)}</td>
            <td className="num">
              <DeltaCell line={l} />
            </td>
          </tr>
        ))}
        {lines.length === 0 && empty && (
          <tr>
            <td colSpan={4} className="muted">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function Tally({ title, items, unit, testId }: { title: string; items: ReasonTally[]; unit: string; testId: string }) {
  const total = items.reduce((a, b) => a + b.count, 0);
  return (
    <div className="report" data-testid={testId}>
      <h4>
        {title}{" "}
        <span className="muted small">
          ({formatCount(total)} {unit})
        </span>
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
  return (
    <span className={line.delta > 0 ? "delta up" : line.delta < 0 ? "delta down" : "delta"}>{signed(line.delta)}</span>
  );
}

type Props = {
  plan: Plan;
  /** What was planned, e.g. "all active streams". */
  label: string;
  /** The comparison with the previous run, when there is one. */
  diff: PlanDiff | null;
  /** What the previous run was for (its label, first day and days), when there is one. */
  previous: { label: string; from: string; days: number } | null;
  /** The streams, for the link from "also eligible for" to the overlap of their entry segments. */
  streams?: Stream[];
};

/** The entry segments of the streams `ids`, each once, in stream order: what the overlap link opens. */
export function entrySegmentsOf(streams: Stream[], ids: number[]): number[] {
  const wanted = new Set(ids);
  const segments = streams.filter((s) => wanted.has(s.id)).flatMap((s) => s.definition.entry_segments);
  return [...new Set(segments)];
}

export function PlanResults({ plan, label, diff, previous, streams }: Props) {
  const maxStreamSends = Math.max(1, ...plan.streams.map((s) => s.sends));
  return (
    <>
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
          {label}
          <br />
          {plan.from.slice(0, 10)} → {plan.until.slice(0, 10)} ({plan.days} days)
          <br />
          data as of {plan.as_of.slice(0, 10)} · send window {plan.settings.send_window.from_hour}–
          {plan.settings.send_window.to_hour} h
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

      {diff && previous && unchanged(diff) && (
        <section className="plan-section plan-diff" data-testid="plan-diff" data-sends-delta={0} data-unchanged="yes">
          <h3>Compared with the previous run</h3>
          <p>
            Same as the previous run ({previous.label} from {previous.from} for {previous.days} days): no count changed.
          </p>
        </section>
      )}
      {diff && previous && !unchanged(diff) && (
        <section className="plan-section plan-diff" data-testid="plan-diff" data-sends-delta={diff.sends.delta}>
          <h3>Compared with the previous run</h3>
          <p className="muted small">
            The previous run: {previous.label} from {previous.from} for {previous.days} days.
          </p>
          <p>
            <DeltaCell line={diff.sends} /> sends ({formatCount(diff.sends.before)} → {formatCount(diff.sends.after)}),{" "}
            <DeltaCell line={diff.eligible} /> eligible leads
          </p>
          <div className="diff-columns">
            <DiffTable heading="Stream" lines={diff.streams} rowTestId="plan-diff-stream" />
            <DiffTable
              heading="Content"
              lines={diff.content.filter((l) => l.delta !== 0)}
              empty="No change per content item."
            />
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
                  <td className="small">
                    {s.also_eligible.length ? (
                      <>
                        {s.also_eligible.map((o) => `${o.name} (${formatCount(o.leads)})`).join(", ")}{" "}
                        {streams && (
                          <button
                            type="button"
                            className="link inline"
                            data-testid={`plan-overlap-link-${s.stream_id}`}
                            aria-label={`See the overlap of the entry segments of ${s.name} and of the streams it shares leads with`}
                            onClick={() =>
                              navigate({
                                view: "insights",
                                tab: "overlap",
                                segmentIds: entrySegmentsOf(streams, [
                                  s.stream_id,
                                  ...s.also_eligible.map((o) => o.stream_id),
                                ]),
                              })
                            }
                          >
                            See the overlap
                          </button>
                        )}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
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
          <Tally
            title="Suppressed (eligible, get nothing)"
            items={plan.suppressed}
            unit="leads"
            testId="plan-suppressed"
          />
          <Tally title="Moved to a later slot" items={plan.moved} unit="sends" testId="plan-moved" />
          <Tally title="How entries ended" items={plan.outcomes} unit="entries" testId="plan-outcomes" />
        </div>
      </section>
    </>
  );
}
