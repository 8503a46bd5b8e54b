// The Privacy view's Retention tab (issue 15): leads without activity (no
// event, no update, not created) for N months: how many, who (a sample,
// oldest first), and a run that deletes or anonymises them after a
// confirmation naming the count. The months are remembered.
import { useEffect, useRef, useState } from "react";

import type { RetentionMode } from "../../bindings/RetentionMode";
import type { RetentionReport } from "../../bindings/RetentionReport";
import { AlertDialog } from "../../components/AlertDialog";
import { formatCount } from "../../lib/format";
import { useRetentionMonths, useRetentionPreview, useRetentionRun } from "../../lib/queries";
import "./people.css";

type Props = { onDataChanged?: () => void; onError: (error: unknown) => void };

const DEFAULT_MONTHS = 24;

export function RetentionTab({ onDataChanged, onError }: Props) {
  const saved = useRetentionMonths();
  const [monthsText, setMonthsText] = useState<string | null>(null);
  const text = monthsText ?? String(saved.data ?? DEFAULT_MONTHS);
  const months = Number(text);
  const valid = Number.isInteger(months) && months >= 1 && months <= 1200;
  const preview = useRetentionPreview(months, valid && !saved.isLoading);
  const [mode, setMode] = useState<RetentionMode>("delete");
  const [asking, setAsking] = useState(false);
  const [report, setReport] = useState<RetentionReport | null>(null);
  const run = useRetentionRun();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (preview.error) onError(preview.error);
  }, [preview.error, onError]);
  const count = preview.data?.count ?? 0;
  const verb = mode === "delete" ? "Delete" : "Anonymise";

  return (
    <div className="retention-tab" data-testid="retention-tab">
      <p className="muted">
        A lead&apos;s last activity is the latest of its last event, its last update by an import or fix, and its
        creation.
      </p>
      <div className="retention-form">
        <label>
          Inactive for (months)
          <input
            type="number"
            min={1}
            max={1200}
            data-testid="retention-months"
            value={text}
            onChange={(e) => setMonthsText(e.target.value)}
            aria-invalid={!valid}
          />
        </label>
        <label>
          What to do
          <select data-testid="retention-mode" value={mode} onChange={(e) => setMode(e.target.value as RetentionMode)}>
            <option value="delete">Delete them and everything about them</option>
            <option value="anonymise">Anonymise them (keep country, industry, lifecycle, events)</option>
          </select>
        </label>
        <button
          className="danger"
          data-testid="retention-run"
          disabled={!valid || !preview.data || count === 0 || run.isPending}
          onClick={() => setAsking(true)}
        >
          Run…
        </button>
      </div>
      {!valid && <p role="alert">Enter a whole number of months from 1 to 1200.</p>}
      {valid && preview.data && (
        <section aria-live="polite">
          <p data-testid="retention-count" data-value={preview.data.count}>
            {formatCount(preview.data.count)} {preview.data.count === 1 ? "lead has" : "leads have"} had no activity
            since {preview.data.cutoff.slice(0, 10)}
            {preview.data.oldest_activity && ` (the oldest activity: ${preview.data.oldest_activity.slice(0, 10)})`}.
          </p>
          {preview.data.sample.length > 0 && (
            <table className="retention-sample" data-testid="retention-sample">
              <caption className="muted">The first {preview.data.sample.length}, oldest activity first</caption>
              <thead>
                <tr>
                  <th scope="col">Lead</th>
                  <th scope="col">Last activity</th>
                </tr>
              </thead>
              <tbody>
                {preview.data.sample.map((lead) => (
                  <tr key={lead.id}>
                    <td>
                      {lead.title} <span className="muted">#{lead.id}</span>
                    </td>
                    <td>{lead.last_activity.slice(0, 10)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {report && (
        <p data-testid="retention-result" role="status">
          {report.mode === "delete" ? "Deleted" : "Anonymised"} {formatCount(report.leads)} leads without activity since{" "}
          {report.cutoff.slice(0, 10)}
          {report.mode === "delete" && ` and ${formatCount(report.events_deleted)} events`}. A backup was taken first.
        </p>
      )}
      {asking && (
        <AlertDialog
          title={`${verb} ${formatCount(count)} inactive leads?`}
          description={
            mode === "delete"
              ? `This deletes ${formatCount(count)} leads without activity for ${months} months, with their events, consent history and segment history. A backup is taken first; the workspace itself cannot undo it.`
              : `This clears the e-mail, names, phone, company, job title, city and custom text fields of ${formatCount(count)} leads without activity for ${months} months. A backup is taken first; the workspace itself cannot undo it.`
          }
          descriptionTestId="retention-dialog-description"
          testId="retention-dialog"
          onCancel={() => setAsking(false)}
          initialFocus={cancel}
        >
          <div className="actions">
            <button ref={cancel} onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button
              className="danger"
              data-testid="retention-confirm"
              disabled={run.isPending}
              onClick={() =>
                run.mutate(
                  { months, mode },
                  {
                    onSuccess: (done) => {
                      setAsking(false);
                      setReport(done);
                      onDataChanged?.();
                    },
                    onError: (error) => {
                      setAsking(false);
                      onError(error);
                    },
                  },
                )
              }
            >
              {run.isPending ? "Working…" : `${verb} ${formatCount(count)} leads`}
            </button>
          </div>
        </AlertDialog>
      )}
    </div>
  );
}
