// The Strategy view's Reviews tab (issue 12): the segments due or overdue
// for review at the as-of date with what changed since the last review
// (members, conversion, engagement then and now, fields imports changed,
// leads imports added), the "Record review" form, and every segment's
// cadence (editable), next due date and review history.
import { useState } from "react";

import type { DueReview } from "../../bindings/DueReview";
import type { ReviewNumbers } from "../../bindings/ReviewNumbers";
import { useReviewsDue } from "../../lib/queries";
import { ReviewCadence } from "./ReviewCadence";
import { ReviewForm } from "./ReviewForm";
import { ReviewHistory } from "./ReviewHistory";
import "./goals.css";

type Props = { onError: (error: unknown) => void };

function Change({ label, then, now, percent }: { label: string; then: number; now: number; percent: boolean }) {
  const fmt = (v: number) => (percent ? `${v.toFixed(1)}%` : v.toLocaleString("en-US"));
  const diff = now - then;
  const sign = diff > 0 ? "+" : diff < 0 ? "−" : "±";
  const size = percent ? `${Math.abs(diff).toFixed(1)} pt` : Math.abs(diff).toLocaleString("en-US");
  return (
    <li>
      {label}: {fmt(then)} → {fmt(now)}{" "}
      <span className={diff > 0 ? "review-up" : diff < 0 ? "review-down" : "muted"}>
        ({sign}
        {size})
      </span>
    </li>
  );
}

function Changes({ item }: { item: DueReview }) {
  if (item.problem) return <p className="goal-error">Cannot be measured: {item.problem}</p>;
  const then: ReviewNumbers | null = item.then;
  const now: ReviewNumbers | null = item.now;
  const shifted = item.shifted_fields.filter((f) => f.leads_changed > 0);
  return (
    <ul className="review-changes">
      {then && now && (
        <>
          <Change label="Members" then={then.members} now={now.members} percent={false} />
          <Change label="Conversion" then={then.conversion_rate} now={now.conversion_rate} percent />
          <Change label="Engagement" then={then.engagement_rate} now={now.engagement_rate} percent />
        </>
      )}
      {item.shifted_fields.length > 0 && (
        <li>
          Fields its rules test:{" "}
          {shifted.length === 0
            ? `${item.shifted_fields.map((f) => f.field).join(", ")} (no import changed them)`
            : shifted
                .map((f) => `${f.field} (${f.leads_changed.toLocaleString("en-US")} leads changed by imports)`)
                .join(", ")}
        </li>
      )}
      {item.leads_added > 0 && <li>Leads added by imports: {item.leads_added.toLocaleString("en-US")}</li>}
    </ul>
  );
}

export function ReviewsTab({ onError }: Props) {
  const [asOf, setAsOf] = useState("");
  const [recording, setRecording] = useState<{ id: number; name: string } | null>(null);
  const [historyOf, setHistoryOf] = useState<{ id: number; name: string } | null>(null);
  const when = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? asOf : null;
  const report = useReviewsDue(when);
  const due = report.data?.due ?? [];
  const states = report.data?.states ?? [];
  const active = states.filter((s) => !s.retired);
  const retired = states.filter((s) => s.retired);
  return (
    <div className="reviews-tab" data-testid="reviews-tab">
      <div className="reviews-toolbar">
        <label>
          As of
          <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} data-testid="reviews-as-of" />
        </label>
        <span className="muted">{when ? "" : "(today)"}</span>
      </div>
      {report.error && <p role="alert">{(report.error as Error).message}</p>}
      {recording && (
        <ReviewForm
          segmentId={recording.id}
          name={recording.name}
          onDone={() => {
            setHistoryOf(recording);
            setRecording(null);
          }}
        />
      )}
      <h3 className="reviews-heading">Due for review</h3>
      {due.length === 0 ? (
        <p className="muted" data-testid="reviews-none-due">
          {report.isLoading ? "Checking what is due…" : "No segment is due for review."}
        </p>
      ) : (
        <table className="reviews-table" data-testid="reviews-due">
          <caption className="muted">Segments due or overdue, with what changed since the last review</caption>
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col">Due</th>
              <th scope="col">Since</th>
              <th scope="col">What changed</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {due.map((item) => (
              <tr key={item.segment_id} data-testid={`review-due-${item.segment_id}`}>
                <th scope="row">{item.name}</th>
                <td>
                  <span className={item.overdue ? "review-badge review-overdue" : "review-badge"}>
                    {item.overdue ? `Overdue ${item.days_past_due} days` : "Due"}
                  </span>
                  <div className="muted">
                    {item.due_date} (every {item.cadence_days} days)
                  </div>
                </td>
                <td>
                  {item.since_date}
                  <div className="muted">
                    {item.last_review ? `last review: ${item.last_review.decision}` : "created"}
                  </div>
                </td>
                <td>
                  <Changes item={item} />
                </td>
                <td>
                  <button
                    type="button"
                    className="primary"
                    onClick={() => setRecording({ id: item.segment_id, name: item.name })}
                    data-testid={`review-record-${item.segment_id}`}
                  >
                    Record review
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 className="reviews-heading">Review cadence of every segment</h3>
      <table className="reviews-table" data-testid="reviews-states">
        <caption className="muted">Cadence, last review and next due date; choose a segment to see its reviews</caption>
        <thead>
          <tr>
            <th scope="col">Segment</th>
            <th scope="col">Cadence</th>
            <th scope="col">Last review</th>
            <th scope="col">Next due</th>
          </tr>
        </thead>
        <tbody>
          {active.map((s) => (
            <tr key={s.segment_id} className={historyOf?.id === s.segment_id ? "selected" : undefined}>
              <td>
                <button
                  type="button"
                  className="link"
                  aria-pressed={historyOf?.id === s.segment_id}
                  onClick={() => setHistoryOf({ id: s.segment_id, name: s.name })}
                >
                  {s.name}
                </button>
              </td>
              <td>
                <ReviewCadence
                  key={`${s.segment_id}-${s.cadence_days}`}
                  segmentId={s.segment_id}
                  name={s.name}
                  days={s.cadence_days}
                  onError={onError}
                />
              </td>
              <td>{s.last_reviewed_at ? new Date(s.last_reviewed_at * 1000).toISOString().slice(0, 10) : "never"}</td>
              <td>{s.next_due ?? "never"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {retired.length > 0 && (
        <>
          <h3 className="reviews-heading">Retired segments</h3>
          <ul data-testid="reviews-retired">
            {retired.map((s) => (
              <li key={s.segment_id}>
                <button type="button" className="link" onClick={() => setHistoryOf({ id: s.segment_id, name: s.name })}>
                  {s.name}
                </button>{" "}
                <span className="muted">(a later review that keeps or changes it brings it back)</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {historyOf && <ReviewHistory segmentId={historyOf.id} name={historyOf.name} />}
    </div>
  );
}
