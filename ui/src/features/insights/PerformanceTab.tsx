// The Performance tab: which segments convert and engage over the period.
// Members are counted as of the period's start; each segment shows its
// conversion rate with a 95% interval against all leads (chart and ranked
// table, sortable), its lift, engagement per member and revenue. Segments
// whose interval includes the baseline are marked "not yet distinguishable".
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from "@tanstack/react-table";
import { useMemo, useState } from "react";

import type { SegmentPerformance } from "../../bindings/SegmentPerformance";
import { formatCount } from "../../lib/format";
import { useInsightsPerformance, useSegments } from "../../lib/queries";
import { settingsProblem, type AnalysisSettings } from "./AnalysisSettings";
import { PerformanceChart } from "./PerformanceChart";
import { interval, liftText, money, percent, perLead, verdict, VERDICT_LABEL } from "./performanceFormat";
import "./performance.css";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

const column = createColumnHelper<SegmentPerformance>();

const COLUMNS = [
  column.accessor("name", { header: "Segment", sortingFn: "alphanumeric" }),
  column.accessor((r) => r.conversion.trials, {
    id: "members",
    header: "Members",
    cell: (c) => formatCount(c.getValue()),
  }),
  column.accessor((r) => r.conversion.successes, {
    id: "converted",
    header: "Converted",
    cell: (c) => formatCount(c.getValue()),
  }),
  column.accessor((r) => r.conversion.rate, { id: "rate", header: "Rate", cell: (c) => percent(c.getValue()) }),
  column.accessor((r) => r.conversion.low, {
    id: "interval",
    header: "95% interval",
    cell: (c) => interval(c.row.original.conversion),
  }),
  column.accessor((r) => r.lift ?? -1, { id: "lift", header: "Lift", cell: (c) => liftText(c.row.original.lift) }),
  column.accessor((r) => (r.distinguishable ? (r.lift ?? 0) : 0), {
    id: "verdict",
    header: "Against all leads",
    enableSorting: false,
    cell: (c) => (
      <VerdictBadge row={c.row.original} baseline={(c.table.options.meta as TableMeta | undefined)?.baseline ?? 0} />
    ),
  }),
  column.accessor((r) => r.engagement.email_opens, {
    id: "opens",
    header: "Opens / lead",
    cell: (c) => perLead(c.getValue()),
  }),
  column.accessor((r) => r.engagement.email_clicks, {
    id: "clicks",
    header: "Clicks / lead",
    cell: (c) => perLead(c.getValue()),
  }),
  column.accessor((r) => r.engagement.page_views, {
    id: "views",
    header: "Page views / lead",
    cell: (c) => perLead(c.getValue()),
  }),
  column.accessor((r) => r.engagement.downloads, {
    id: "downloads",
    header: "Downloads / lead",
    cell: (c) => perLead(c.getValue()),
  }),
  column.accessor((r) => r.engagement.active_share, {
    id: "active",
    header: "Active",
    cell: (c) => percent(c.getValue(), 0),
  }),
  column.accessor("revenue", { header: "Revenue", cell: (c) => money(c.getValue()) }),
  column.accessor("revenue_per_member", { header: "Revenue / member", cell: (c) => money(c.getValue()) }),
];

type TableMeta = { baseline: number };

function VerdictBadge({ row, baseline }: { row: SegmentPerformance; baseline: number }) {
  const v = verdict(row.distinguishable, row.conversion.rate, baseline);
  return (
    <span className={`perf-badge perf-badge-${v}`} data-testid="perf-verdict-badge" data-verdict={v}>
      {VERDICT_LABEL[v]}
    </span>
  );
}

export function PerformanceTab({ settings }: Props) {
  const segments = useSegments(null);
  const [chosen, setChosen] = useState<number[] | null>(null);
  const [sorting, setSorting] = useState<SortingState>([{ id: "rate", desc: true }]);
  const problem = settingsProblem(settings);
  const ids = chosen ?? [];
  const query = useInsightsPerformance(ids, settings.outcome, settings.from, settings.to, problem === null);
  const report = query.data;
  const rows = useMemo(() => report?.segments ?? [], [report]);
  const table = useReactTable({
    data: rows,
    columns: COLUMNS,
    state: { sorting },
    meta: { baseline: report?.all_leads.conversion.rate ?? 0 } satisfies TableMeta,
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    enableMultiSort: false,
    sortDescFirst: true,
  });
  const sortedRows = table.getRowModel().rows.map((r) => r.original);
  const all = segments.data ?? [];
  const toggle = (id: number) => {
    const current = chosen ?? all.map((s) => s.segment.id);
    const next = current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
    setChosen(next.length === all.length ? null : next);
  };
  const chosenCount = chosen?.length ?? all.length;
  return (
    <section className="perf-tab" data-testid="insights-performance" aria-labelledby="perf-title">
      <h2 id="perf-title" className="perf-title">
        Which segments perform
      </h2>
      <p className="muted perf-intro">
        Members as of the period's first day, so that a segment is not explained by the conversion itself. A segment is
        "not yet distinguishable" while its 95% interval includes all leads' rate.
      </p>
      <details className="perf-segments" data-testid="perf-segment-chooser">
        <summary>Segments: {chosen === null ? "all saved segments" : `${chosenCount} of ${all.length}`}</summary>
        <div className="perf-segment-list">
          {all.map((s) => (
            <label key={s.segment.id} className="checkbox">
              <input
                type="checkbox"
                checked={chosen === null || chosen.includes(s.segment.id)}
                data-testid={`perf-choose-${s.segment.id}`}
                onChange={() => toggle(s.segment.id)}
              />
              {s.segment.name}
            </label>
          ))}
          {chosen !== null && (
            <button type="button" className="link" onClick={() => setChosen(null)}>
              Choose all
            </button>
          )}
        </div>
      </details>
      {problem && <p className="muted">{problem}</p>}
      {query.isError && (
        <p className="error-text" role="alert" data-testid="perf-error">
          {String((query.error as { message?: string })?.message ?? query.error)}
        </p>
      )}
      {!report && !problem && !query.isError && <p className="muted">Measuring…</p>}
      {report && chosen !== null && chosen.length === 0 && <p className="muted">Choose at least one segment.</p>}
      {report && (
        <>
          <p className="perf-baseline" data-testid="perf-baseline">
            All leads: <strong>{formatCount(report.all_leads.conversion.successes)}</strong> of{" "}
            {formatCount(report.all_leads.conversion.trials)} converted ({percent(report.all_leads.conversion.rate)},
            95% interval {interval(report.all_leads.conversion)});{" "}
            {percent(report.all_leads.engagement.active_share, 0)} active; revenue {money(report.all_leads.revenue)}.
            {query.isFetching && <span className="muted"> Updating…</span>}
          </p>
          {rows.length > 0 && <PerformanceChart rows={sortedRows} baseline={report.all_leads.conversion.rate} />}
          <div className="perf-table-wrap">
            <table className="perf-table" data-testid="performance-table">
              <caption className="perf-hidden">Performance of each segment in the period</caption>
              <thead>
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    {group.headers.map((header) => {
                      const sorted = header.column.getIsSorted();
                      return (
                        <th
                          key={header.id}
                          scope="col"
                          aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                        >
                          {header.column.getCanSort() ? (
                            <button
                              type="button"
                              className="perf-sort"
                              data-testid={`perf-sort-${header.id}`}
                              onClick={header.column.getToggleSortingHandler()}
                            >
                              {flexRender(header.column.columnDef.header, header.getContext())}
                              <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}</span>
                            </button>
                          ) : (
                            flexRender(header.column.columnDef.header, header.getContext())
                          )}
                        </th>
                      );
                    })}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <tr
                    key={row.id}
                    data-testid={`perf-row-${row.original.segment_id}`}
                    data-segment={row.original.name}
                    className={row.original.distinguishable ? undefined : "perf-row-same"}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} data-testid={`perf-${cell.column.id}`}>
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.failed.map((f) => (
            <p key={f.segment_id} className="error-text">
              {f.name} could not be measured: {f.error}
            </p>
          ))}
        </>
      )}
    </section>
  );
}
