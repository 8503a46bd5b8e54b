// The lead browser: a virtualised table over every lead in the workspace,
// paged from the backend as it scrolls, with column choice, sorting, a quick
// search and a detail panel. It stays smooth at a million leads because only
// the rows on screen exist in the DOM and only their pages are fetched.
// Rows are a listbox with a roving tabindex: Tab lands on one row, the arrows,
// Page Up/Down and Home/End move between rows, Enter opens the detail, and
// closing the detail (Escape or ✕) puts the focus back on the row. Leads
// without a name show their stand-in name (company, external id) in the name
// columns. Another view can open it on a scope (lib/navigation), such as the
// leads of a coverage bucket: a banner says so and "Show all leads" leaves it.
import {
  createColumnHelper,
  getCoreRowModel,
  useReactTable,
  type SortingState,
  type VisibilityState,
  type OnChangeFn,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from "react";

import type { Field } from "../../bindings/Field";
import type { LeadRow } from "../../bindings/LeadRow";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { ColumnChooser } from "../../components/ColumnChooser";
import { FieldsDialog } from "../../components/FieldsDialog";
import { formatCell, formatCount } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { useIntent, type LeadScope } from "../../lib/navigation";
import { PageCache } from "../../lib/pageCache";
import { useFields } from "../../lib/queries";
import { useDebounced } from "../../lib/useDebounced";
import { LeadDetailPanel } from "./LeadDetailPanel";
import "./leads.css";
import { nextRowIndex, opensRow, tabbableRow } from "./rowKeys";

export const DEFAULT_COLUMNS = [
  "first_name",
  "last_name",
  "email",
  "company",
  "job_title",
  "persona",
  "country",
  "lifecycle_stage",
  "buying_stage",
  "score",
  "created_at",
];
const ROW_HEIGHT = 34;
const NAME_COLUMNS = ["first_name", "last_name"];
export const FIRST_ROWS_MARK = "leadstream:first-rows";

const columnHelper = createColumnHelper<LeadRow>();
const NO_FIELDS: Field[] = [];

type Props = {
  workspace: WorkspaceInfo;
  /** Moves when the leads' values changed behind the table (the day's upkeep re-ran the scores). */
  dataVersion?: number;
  onError: (error: unknown) => void;
};

export function LeadsView({ workspace, dataVersion = 0, onError }: Props) {
  const fieldsQuery = useFields();
  const fields = useMemo(() => fieldsQuery.data ?? NO_FIELDS, [fieldsQuery.data]);
  // Column visibility: the default columns until the user changes it.
  const [chosenVisibility, setChosenVisibility] = useState<VisibilityState | null>(null);
  const visibility = useMemo(
    () => chosenVisibility ?? Object.fromEntries(fields.map((f) => [f.key, DEFAULT_COLUMNS.includes(f.key)])),
    [chosenVisibility, fields],
  );
  const setVisibility: OnChangeFn<VisibilityState> = (change) =>
    setChosenVisibility(typeof change === "function" ? change(visibility) : change);
  const [sorting, setSorting] = useState<SortingState>([]);
  const [searchInput, setSearchInput] = useState("");
  const search = useDebounced(searchInput.trim(), 250);
  const [searchCustomFields, setSearchCustomFields] = useState(false);
  // The row that holds the table's one tab stop, and a row waiting to be focused once rendered.
  const [activeIndex, setActiveIndex] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);

  const [managingFields, setManagingFields] = useState(false);
  // The leads of a scope another view opened this one on (a coverage bucket), until "Show all leads".
  const intent = useIntent("leads");
  const [scope, setScope] = useState<LeadScope | null>(() => intent?.scope ?? null);
  // The lead whose detail panel is open; another view may open it on one lead (a segment diff's lead).
  const [selected, setSelected] = useState<number | null>(() => intent?.leadId ?? null);

  useEffect(() => {
    if (fieldsQuery.error) onError(fieldsQuery.error);
  }, [fieldsQuery.error, onError]);

  // After a field is deleted (the field list is asked again): other columns as they were.
  const reloadFields = (deleted: string) => {
    setChosenVisibility((current) => {
      const next = { ...(current ?? visibility) };
      delete next[deleted];
      return next;
    });
    setSorting((current) => current.filter((s) => s.id !== deleted));
  };

  // Default columns first, in their order; every other field after them.
  const columns = useMemo(() => {
    const rank = (key: string) => {
      const index = DEFAULT_COLUMNS.indexOf(key);
      return index === -1 ? DEFAULT_COLUMNS.length : index;
    };
    const ordered = fields.map((field, position) => ({ field, position }));
    ordered.sort((a, b) => rank(a.field.key) - rank(b.field.key) || a.position - b.position);
    return ordered.map(({ field }) =>
      // The accessor is only there to make the column sortable: rows are
      // sorted by the backend (manualSorting) and cells are read by position.
      columnHelper.accessor((row) => row.id, {
        id: field.key,
        header: field.label,
        size: field.key === "email" ? 260 : field.type === "number" ? 110 : 160,
      }),
    );
  }, [fields]);

  const table = useReactTable({
    data: [],
    columns,
    state: { sorting, columnVisibility: visibility },
    onSortingChange: setSorting,
    onColumnVisibilityChange: setVisibility,
    manualSorting: true,
    sortDescFirst: false,
    enableSorting: true,
    enableMultiSort: false,
    getCoreRowModel: getCoreRowModel(),
  });
  const visibleColumns = table.getVisibleLeafColumns();
  const visibleKeys = visibleColumns.map((c) => c.id);
  const fieldByKey = useMemo(() => new Map(fields.map((f) => [f.key, f])), [fields]);
  const columnsKey = visibleKeys.join(",");
  const sortField = sorting[0]?.id ?? null;
  const sortDescending = sorting[0]?.desc ?? false;

  // One cache per query. The cache is the only holder of its rows and total:
  // what is shown is read from the cache of this render, so an answer can
  // never be applied to the wrong query, nor lost because it arrived before
  // an effect ran. Answers for a replaced cache only cost a re-render.
  // The query a cache answers, with the workspace's lead count and data version: new leads (an
  // import) or values changed behind the table (today's scores) mean a new cache.
  const request = useMemo(
    () => ({
      columns: columnsKey.split(",").filter(Boolean),
      sort: sortField === null ? null : { field: sortField, descending: sortDescending },
      search,
      searchCustomFields: search !== "" && searchCustomFields,
      leadCount: workspace.lead_count,
      dataVersion,
      scope,
    }),
    [columnsKey, sortField, sortDescending, search, searchCustomFields, workspace.lead_count, dataVersion, scope],
  );
  const cache = useMemo(() => {
    if (fields.length === 0) return null;
    const { columns: keys, sort, search: text, searchCustomFields: custom, scope: within } = request;
    return new PageCache(
      (offset, limit) => {
        const query = { offset, limit, columns: keys, sort, search: text, search_custom_fields: custom };
        return within ? ipc.coverageLeadsPage(within.coverage, query) : ipc.leadsPage(query);
      },
      rerender,
      onError,
    );
  }, [fields.length, request, onError, rerender]);
  const total = cache?.total ?? null;

  useEffect(() => {
    if (cache) void cache.load(0);
  }, [cache]);

  // Marks the moment the first rows are on screen, for the start-up benchmark
  // (bench/app-startup.mjs reads it).
  useEffect(() => {
    if (total !== null && performance.getEntriesByName(FIRST_ROWS_MARK).length === 0) {
      performance.mark(FIRST_ROWS_MARK);
    }
  }, [total]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setActiveIndex(0);
  }, [cache]);

  // Focuses row `index` if it is rendered; else asks again after the next render.
  const focusRow = useCallback((index: number) => {
    const element = scroller.current?.querySelector<HTMLElement>(`[data-row-index="${index}"]`);
    if (element) {
      element.focus({ preventScroll: true });
      pendingFocus.current = null;
    } else {
      pendingFocus.current = index;
    }
  }, []);
  useEffect(() => {
    if (pendingFocus.current !== null) focusRow(pendingFocus.current);
  });

  // A row is wider than the view: focusing it would scroll the table
  // sideways to show it. A click or a move from row to row keeps the
  // horizontal position the user chose; Tab into the table (past the column
  // headers, which scroll it right) shows the start of the row.
  const keptScrollLeft = useRef(0);
  const rowJustFocused = useRef(false);
  const pointerOnRow = useRef(false);
  const keepHorizontalScroll = () => {
    if (!rowJustFocused.current && scroller.current) keptScrollLeft.current = scroller.current.scrollLeft;
  };
  const onRowFocus = (index: number, from: EventTarget | null) => {
    setActiveIndex(index);
    const fromRow = from instanceof HTMLElement && from.dataset.rowIndex !== undefined;
    const left = pointerOnRow.current || fromRow ? keptScrollLeft.current : 0;
    pointerOnRow.current = false;
    rowJustFocused.current = true;
    requestAnimationFrame(() => {
      if (scroller.current) scroller.current.scrollLeft = left;
      rowJustFocused.current = false;
    });
  };

  const moveTo = (index: number) => {
    setActiveIndex(index);
    virtualizer.scrollToIndex(index, { align: "auto" });
    focusRow(index);
  };
  const openRow = (index: number) => {
    const row = cache?.row(index);
    if (row) setSelected(row.id);
  };
  const closeDetail = () => {
    setSelected(null);
    virtualizer.scrollToIndex(activeIndex, { align: "auto" });
    focusRow(activeIndex);
  };
  const onRowKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!(event.target instanceof HTMLElement) || event.target.dataset.rowIndex === undefined) return;
    if (opensRow(event.key)) {
      event.preventDefault();
      openRow(activeIndex);
      return;
    }
    if (event.key === "Escape" && selected !== null) {
      event.preventDefault();
      closeDetail();
      return;
    }
    const rowsPerPage = Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT);
    const next = nextRowIndex(event.key, activeIndex, total ?? 0, rowsPerPage);
    if (next === null) return;
    event.preventDefault();
    moveTo(next);
  };

  const gridTemplate = visibleColumns.map((c) => `${c.getSize()}px`).join(" ");
  const virtualItems = virtualizer.getVirtualItems();
  const tabStop = tabbableRow(
    activeIndex,
    virtualItems.map((item) => item.index),
  );
  // A nameless lead's stand-in name is shown from the first visible name
  // column across the empty cells after it (at most three columns).
  const firstNameColumn = visibleKeys.findIndex((key) => NAME_COLUMNS.includes(key));
  const standInSpan = (row: LeadRow) => {
    let span = 1;
    while (span < 3 && firstNameColumn + span < visibleKeys.length) {
      const cell = row.cells[firstNameColumn + span];
      if (cell !== null && cell !== undefined && cell !== "") break;
      span++;
    }
    return span;
  };
  const width = visibleColumns.reduce((sum, c) => sum + c.getSize(), 0);

  return (
    <div className="leads-view">
      <div className="toolbar">
        <input
          className="search"
          type="search"
          placeholder="Search name, e-mail, company or ID"
          aria-label="Search leads by name, e-mail, company or external ID"
          data-testid="lead-search"
          value={searchInput}
          onChange={(e) => setSearchInput(e.target.value)}
        />
        <label
          className="check search-custom"
          title="Also look in the values of custom fields (slower on large workspaces)"
        >
          <input
            type="checkbox"
            data-testid="lead-search-custom-fields"
            checked={searchCustomFields}
            onChange={(e) => setSearchCustomFields(e.target.checked)}
          />
          Custom fields too
        </label>
        <span className="count" data-testid="lead-total" data-total={total ?? ""}>
          {total === null
            ? "Counting…"
            : search && scope
              ? `${formatCount(total)} leads match`
              : search
                ? `${formatCount(total)} of ${formatCount(workspace.lead_count)} leads match`
                : `${formatCount(total)} leads`}
        </span>
        <ColumnChooser table={table} fields={fields} />
        <button data-testid="fields-manage" onClick={() => setManagingFields(true)}>
          Fields…
        </button>
      </div>

      {scope && (
        <div className="scope-banner" role="status" data-testid="lead-scope">
          <span data-testid="lead-scope-text">
            {total === null
              ? `Showing the leads ${scope.description}`
              : `Showing ${formatCount(total)} ${total === 1 ? "lead" : "leads"} ${scope.description}${search ? " that match the search" : ""}`}
          </span>
          <span aria-hidden="true"> · </span>
          <button className="link" data-testid="lead-scope-clear" onClick={() => setScope(null)}>
            Show all leads
          </button>
        </div>
      )}

      <div className="table-scroller" ref={scroller} data-testid="lead-table" onScroll={keepHorizontalScroll}>
        <div style={{ width, minWidth: "100%" }}>
          <div className="table-header" style={{ gridTemplateColumns: gridTemplate }}>
            {table.getHeaderGroups()[0]?.headers.map((header) => {
              const direction = header.column.getIsSorted();
              return (
                <button
                  key={header.id}
                  className="th"
                  data-testid={`col-header-${header.id}`}
                  data-sort={direction || "none"}
                  onClick={header.column.getToggleSortingHandler()}
                  title="Sort"
                >
                  {String(header.column.columnDef.header)}
                  <span className="sort-mark">{direction === "asc" ? "▲" : direction === "desc" ? "▼" : ""}</span>
                </button>
              );
            })}
          </div>
          <div
            style={{ height: virtualizer.getTotalSize(), position: "relative" }}
            role={total ? "listbox" : undefined}
            aria-label={total ? "Leads: arrow keys move, Enter opens" : undefined}
            onKeyDown={onRowKeyDown}
          >
            {virtualItems.map((item) => {
              const row = cache?.row(item.index);
              const isOpen = row !== undefined && row.id === selected;
              return (
                <div
                  key={item.key}
                  className={isOpen ? "tr selected" : "tr"}
                  role="option"
                  aria-selected={isOpen}
                  aria-posinset={item.index + 1}
                  aria-setsize={total ?? undefined}
                  tabIndex={item.index === tabStop ? 0 : -1}
                  data-row-index={item.index}
                  data-testid={row ? "lead-row" : "lead-row-loading"}
                  data-lead-id={row?.id}
                  style={{
                    gridTemplateColumns: gridTemplate,
                    transform: `translateY(${item.start}px)`,
                    height: ROW_HEIGHT,
                  }}
                  onFocus={(event) => onRowFocus(item.index, event.relatedTarget)}
                  onPointerDown={() => {
                    pointerOnRow.current = true;
                  }}
                  onClick={() => row && setSelected(row.id)}
                >
                  {visibleKeys.map((key, index) => {
                    const nameSpan = row?.stand_in_name && firstNameColumn >= 0 ? standInSpan(row) : 1;
                    if (row?.stand_in_name && index > firstNameColumn && index < firstNameColumn + nameSpan) {
                      return null;
                    }
                    if (row?.stand_in_name && index === firstNameColumn) {
                      return (
                        <div
                          className="td stand-in-name"
                          key={key}
                          data-testid="lead-stand-in-name"
                          style={{ gridColumn: `span ${nameSpan}` }}
                          title="This lead has no name: shown by its company and external ID"
                        >
                          {row.stand_in_name}
                        </div>
                      );
                    }
                    return (
                      <div className="td" key={key}>
                        {row
                          ? formatCell(row.cells[index], fieldByKey.get(key)?.type ?? "text")
                          : index === 0
                            ? "…"
                            : ""}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
          {total === 0 && (
            <div className="empty-table" data-testid="no-leads">
              {search
                ? "No lead matches this search."
                : scope
                  ? `No lead is ${scope.description}.`
                  : "This workspace has no leads yet."}
            </div>
          )}
        </div>
      </div>

      {selected !== null && <LeadDetailPanel id={selected} onClose={closeDetail} onError={onError} />}
      {managingFields && (
        <FieldsDialog fields={fields} onDeleted={reloadFields} onClose={() => setManagingFields(false)} />
      )}
    </div>
  );
}
