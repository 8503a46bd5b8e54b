// The Strategy view's History tab (issue 12): a saved segment's recorded
// member count over time (chart and table), and the diff between two dates:
// who joined and who left, each with the reason the data gives, and the
// diff as CSV through the save dialog. Snapshots are recorded by the core
// (once a day on open, after every import or undo): this tab only reads.
import { useEffect, useMemo, useState } from "react";

import type { DiffLead } from "../../bindings/DiffLead";
import { formatCount } from "../../lib/format";
import { ipc, toErrorReport } from "../../lib/ipc";
import { useSegmentDiff, useSegmentHistory, useSegments } from "../../lib/queries";
import { DiffLeadDetail } from "./DiffLeadDetail";
import { DiffList } from "./DiffList";
import { HistoryChart } from "./HistoryChart";
import { HistoryTable } from "./HistoryTable";
import { defaultRange, isDate, timeOf } from "./historyModel";
import "./history.css";

type Props = { initialSegmentId?: number; onError: (error: unknown) => void };

type Selected = { lead: DiffLead; side: "joined" | "left" };

export function HistoryTab({ initialSegmentId, onError }: Props) {
  const segments = useSegments(null);
  const [segmentId, setSegmentId] = useState<number | null>(initialSegmentId ?? null);
  const list = useMemo(() => (segments.data ?? []).map((s) => s.segment), [segments.data]);
  useEffect(() => {
    if (segmentId === null && list.length > 0) setSegmentId(list[0].id);
  }, [list, segmentId]);

  const history = useSegmentHistory(segmentId);
  const [range, setRange] = useState<{ segmentId: number; from: string; to: string } | null>(null);
  useEffect(() => {
    if (!history.data || segmentId === null || range?.segmentId === segmentId) return;
    const defaults = defaultRange(history.data.points);
    if (defaults) setRange({ segmentId, ...defaults });
  }, [history.data, segmentId, range]);
  const from = range?.from ?? "";
  const to = range?.to ?? "";
  const datesOk = isDate(from) && isDate(to);
  const diff = useSegmentDiff(segmentId, from, to, datesOk && range?.segmentId === segmentId);
  const [selected, setSelected] = useState<Selected | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  useEffect(() => setSelected(null), [segmentId, from, to]);
  useEffect(() => {
    if (segments.error) onError(segments.error);
    if (history.error) onError(history.error);
  }, [segments.error, history.error, onError]);

  async function exportCsv() {
    if (segmentId === null || !datesOk) return;
    try {
      const path = await ipc.pickCsvSavePath(`segment-${segmentId}-diff-${from}-to-${to}.csv`);
      if (!path) return;
      const leads = await ipc.segmentDiffExport(segmentId, from, to, path);
      setExported(`Wrote ${formatCount(leads)} leads to ${path}`);
    } catch (error) {
      onError(error);
    }
  }

  const setDate = (key: "from" | "to", value: string) =>
    segmentId !== null && setRange({ segmentId, from, to, [key]: value });
  const points = history.data?.points ?? [];
  const name = history.data?.segment_name ?? "";

  return (
    <div className="history-tab" data-testid="history-tab">
      <div className="history-controls">
        <label>
          Segment
          <select
            data-testid="history-segment"
            value={segmentId ?? ""}
            onChange={(e) => {
              setSegmentId(Number(e.target.value));
              setExported(null);
            }}
          >
            {list.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <p className="muted history-note">
          Members are recorded once a day when the workspace is open and after every import or undo; older snapshots
          thin out to one a day, then a week, then a month.
        </p>
      </div>

      {history.isPending && segmentId !== null && <p className="muted">Reading the history…</p>}
      {history.data && points.length === 0 && (
        <p className="muted" data-testid="history-empty">
          No snapshot of this segment yet: the first is recorded on the next opening or import.
        </p>
      )}
      {history.data && points.length > 0 && (
        <>
          <HistoryChart points={points} name={name} />
          <HistoryTable points={points} />

          <section className="diff-section" aria-labelledby="diff-title">
            <h3 id="diff-title">Who joined or left</h3>
            <div className="diff-controls">
              <label>
                From
                <input
                  type="text"
                  inputMode="numeric"
                  placeholder="YYYY-MM-DD"
                  data-testid="diff-from"
                  value={from}
                  aria-invalid={!isDate(from)}
                  onChange={(e) => setDate("from", e.target.value.trim())}
                />
              </label>
              <label>
                To
                <input
                  type="text"
                  inputMode="numeric"
                  placeholder="YYYY-MM-DD"
                  data-testid="diff-to"
                  value={to}
                  aria-invalid={!isDate(to)}
                  onChange={(e) => setDate("to", e.target.value.trim())}
                />
              </label>
              <button type="button" data-testid="diff-export" disabled={!diff.data} onClick={() => void exportCsv()}>
                Export CSV
              </button>
              {exported && (
                <span className="muted" role="status">
                  {exported}
                </span>
              )}
            </div>
            {!datesOk && <p className="muted">Enter both dates as YYYY-MM-DD (each counts to the end of its day).</p>}
            {diff.error && datesOk && (
              <p className="history-error" role="alert" data-testid="diff-error">
                {toErrorReport(diff.error).message}
              </p>
            )}
            {diff.data && diff.data.segment_id === segmentId && datesOk && !diff.error && (
              <>
                <p
                  data-testid="diff-summary"
                  className={diff.isPlaceholderData || diff.isFetching ? "stale" : undefined}
                  aria-busy={diff.isFetching}
                >
                  From the snapshot of {timeOf(diff.data.from.taken_at)} ({formatCount(diff.data.from.count)} members)
                  to the one of {timeOf(diff.data.to.taken_at)} ({formatCount(diff.data.to.count)} members):{" "}
                  <strong>{formatCount(diff.data.joined.length)} joined</strong>,{" "}
                  <strong>{formatCount(diff.data.left.length)} left</strong>.
                </p>
                {diff.data.rules_changed && (
                  <p className="history-warning" role="note">
                    The segment's rules changed between these snapshots: leads moved because of the new rules.
                  </p>
                )}
                <div className="diff-columns">
                  <DiffList
                    side="joined"
                    leads={diff.data.joined}
                    selectedId={selected?.side === "joined" ? selected.lead.lead_id : null}
                    onSelect={(lead) => setSelected({ lead, side: "joined" })}
                  />
                  <DiffList
                    side="left"
                    leads={diff.data.left}
                    selectedId={selected?.side === "left" ? selected.lead.lead_id : null}
                    onSelect={(lead) => setSelected({ lead, side: "left" })}
                  />
                  {selected ? (
                    <DiffLeadDetail lead={selected.lead} side={selected.side} onClose={() => setSelected(null)} />
                  ) : (
                    <p className="muted diff-detail-hint">Choose a lead to read in full why it joined or left.</p>
                  )}
                </div>
              </>
            )}
          </section>
        </>
      )}
    </div>
  );
}
