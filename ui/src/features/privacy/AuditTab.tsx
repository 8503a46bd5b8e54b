// The Privacy view's Audit log tab (issue 15): the append-only audit log,
// newest first (time, action, one summary line each), filtered by action,
// virtualised (a long log renders only the rows in view) and loaded a page
// at a time; "Export…" writes what the filter keeps as CSV or JSON through
// the save dialog. The log holds lead ids, counts and file paths, never a
// person's name, e-mail or phone.
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";

import type { AuditEntry } from "../../bindings/AuditEntry";
import type { AuditExportFormat } from "../../bindings/AuditExportFormat";
import type { AuditFilter } from "../../bindings/AuditFilter";
import { formatCount, humanize } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { useAuditLog, useExportAudit } from "../../lib/queries";
import "./backups.css";

type Props = { onError: (error: unknown) => void };

const PAGE = 200;
const ROW_HEIGHT = 36;

/** Unix seconds as `2026-11-30 04:06:38 UTC`. */
export function auditTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** An action's name as the filter and the table show it: `undo_import` as "Undo import". */
export function actionLabel(action: string): string {
  return action === "fix" ? "Fix or merge" : humanize(action);
}

const column = createColumnHelper<AuditEntry>();
const COLUMNS = [
  column.accessor("occurred_at", { header: "Time", cell: (c) => auditTime(c.getValue()) }),
  column.accessor("action", { header: "Action", cell: (c) => actionLabel(c.getValue()) }),
  column.accessor("summary", { header: "What happened" }),
];

export function AuditTab({ onError }: Props) {
  const [action, setAction] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const [format, setFormat] = useState<AuditExportFormat>("csv");
  const [notice, setNotice] = useState<string | null>(null);
  const filter = useMemo<AuditFilter>(() => ({ action: action || null, since: null, until: null }), [action]);
  const log = useAuditLog(filter, limit);
  const exporter = useExportAudit();
  const entries = useMemo(() => log.data?.entries ?? [], [log.data]);
  const table = useReactTable({ data: entries, columns: COLUMNS, getCoreRowModel: getCoreRowModel() });
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const exportLog = async () => {
    setNotice(null);
    try {
      const name = `audit-log.${format}`;
      const path = format === "csv" ? await ipc.pickCsvSavePath(name) : await ipc.pickJsonSavePath(name);
      if (!path) return;
      const written = await exporter.mutateAsync({ filter, format, path });
      setNotice(`Exported ${formatCount(written)} entries to ${path}`);
    } catch (e) {
      onError(e);
    }
  };

  const rows = table.getRowModel().rows;
  const items = virtualizer.getVirtualItems();
  const padTop = items.length > 0 ? items[0].start : 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const total = log.data?.total ?? 0;
  return (
    <section className="audit-tab" aria-labelledby="audit-heading">
      <h3 id="audit-heading">Audit log</h3>
      <p className="muted backups-intro">
        Every import, undo, merge and fix, export, erasure, retention run, restore and settings change, newest first.
        The log can only grow, and it names leads by id, never by name or e-mail.
      </p>
      <div className="audit-toolbar">
        <label>
          Action{" "}
          <select
            value={action}
            onChange={(e) => {
              setAction(e.target.value);
              setLimit(PAGE);
            }}
            data-testid="audit-action"
          >
            <option value="">All actions</option>
            {(log.data?.actions ?? []).map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Format{" "}
          <select
            value={format}
            onChange={(e) => setFormat(e.target.value as AuditExportFormat)}
            data-testid="audit-format"
          >
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
        </label>
        <button type="button" onClick={exportLog} disabled={exporter.isPending} data-testid="audit-export">
          Export…
        </button>
        <span className="muted" data-testid="audit-count" aria-live="polite">
          {log.data ? `${formatCount(total)} ${total === 1 ? "entry" : "entries"}` : "Reading the log…"}
        </span>
      </div>
      <div role="status" aria-live="polite" className="backups-notice" data-testid="audit-notice">
        {notice}
      </div>
      {log.error ? (
        <p role="alert">{(log.error as Error).message}</p>
      ) : entries.length === 0 ? (
        <p className="muted">{log.isLoading ? "" : "No entries."}</p>
      ) : (
        <div className="audit-scroller" ref={scroller} tabIndex={0} role="region" aria-label="Audit log entries">
          <table className="audit-table" data-testid="audit-table">
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => (
                    <th key={header.id} scope="col">
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
            <tbody>
              {padTop > 0 && (
                <tr aria-hidden="true">
                  <td colSpan={COLUMNS.length} style={{ height: padTop, padding: 0, border: 0 }} />
                </tr>
              )}
              {items.map((item) => {
                const row = rows[item.index];
                return (
                  <tr
                    key={row.id}
                    data-testid="audit-row"
                    data-action={row.original.action}
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                  >
                    {row.getVisibleCells().map((cell) => (
                      <td
                        key={cell.id}
                        className={`audit-${cell.column.id === "occurred_at" ? "time" : cell.column.id}`}
                      >
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    ))}
                  </tr>
                );
              })}
              {padBottom > 0 && (
                <tr aria-hidden="true">
                  <td colSpan={COLUMNS.length} style={{ height: padBottom, padding: 0, border: 0 }} />
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {total > entries.length && (
        <button type="button" onClick={() => setLimit(limit + PAGE)} data-testid="audit-more">
          Show {formatCount(Math.min(PAGE, total - entries.length))} more
        </button>
      )}
    </section>
  );
}
