// The Strategy view's Priorities tab (issue 12): ICE prioritisation. Every
// saved segment and stream in one ranked table (scored rows by score, ties
// by name; unscored ones at the bottom), Impact, Confidence and E editable
// 1-10 with a note each, the workspace's formula at the top (the E column
// says which way it runs), suggestions from the data beside each score
// with their reasons and a "Use" button, a kind filter and a search, and
// "Export CSV". An edit re-ranks at once and says where the row went.
import { useQueryClient } from "@tanstack/react-query";
import { Fragment, useEffect, useRef, useState } from "react";

import type { IceFormula } from "../../bindings/IceFormula";
import type { IceRow } from "../../bindings/IceRow";
import type { IceTable } from "../../bindings/IceTable";
import type { IceUpdate } from "../../bindings/IceUpdate";
import { formatCount } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { iceKeys, useIceSuggestions, useIceTable, useSetIceFormula, useSetIceScores } from "../../lib/queries";
import { IceDetails } from "./IceDetails";
import { IceScoreCell } from "./IceScoreCell";
import { moveMessage, rowKey, scoreText, suggestionFor, visibleRows, type KindFilter, type ScoreKey } from "./iceView";
import "./priorities.css";

type Props = { onError: (error: unknown) => void };

const FORMULAS: { value: IceFormula; label: string }[] = [
  { value: "weighted", label: "Weighted: Impact × Confidence / Effort" },
  { value: "product", label: "Product: Impact × Confidence × Ease" },
  { value: "average", label: "Average: (Impact + Confidence + Ease) / 3" },
];

export function PrioritiesTab({ onError }: Props) {
  const table = useIceTable();
  const suggestions = useIceSuggestions();
  const setScores = useSetIceScores();
  const setFormula = useSetIceFormula();
  const [kind, setKind] = useState<KindFilter>("all");
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [moved, setMoved] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const latest = useRef(0);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const pending = useRef(0);
  const burstStart = useRef<IceTable | undefined>(undefined);
  const client = useQueryClient();

  useEffect(() => {
    if (table.error) onError(table.error);
  }, [table.error, onError]);
  useEffect(() => {
    if (moved === null) return;
    const timer = setTimeout(() => setMoved(null), 1500);
    return () => clearTimeout(timer);
  }, [moved]);

  const data: IceTable | undefined = table.data;
  if (!data) return <p className="muted">{table.isLoading ? "Loading the ranking…" : "No ranking."}</p>;

  // Writes go one after the other, in the order they were made: typing
  // "10" sends 1 then 10, and the 10 must land last. A burst of edits is
  // reported once, from the ranking before its first write.
  const save = (row: IceRow, update: IceUpdate) => {
    const key = rowKey(row);
    const call = ++latest.current;
    if (pending.current === 0) burstStart.current = client.getQueryData<IceTable>(iceKeys.table);
    pending.current += 1;
    queue.current = queue.current.then(async () => {
      try {
        const after = await setScores.mutateAsync({ kind: row.kind, id: row.id, update });
        if (call !== latest.current) return;
        const message = moveMessage(burstStart.current, after, key);
        if (message) {
          setStatus(message);
          setMoved(key);
        }
      } catch (e) {
        onError(e);
      } finally {
        pending.current -= 1;
      }
    });
  };
  const commitScore = (row: IceRow, key: ScoreKey, value: number) => {
    if (key === "e") save(row, data.e_is_effort ? { effort: value } : { ease: value });
    else save(row, { [key]: value });
  };
  const exportCsv = async () => {
    try {
      const path = await ipc.pickCsvSavePath("ice-priorities.csv");
      if (!path) return;
      const n = await ipc.iceExport(path);
      setNotice(`Exported ${formatCount(n)} rows to ${path}`);
    } catch (e) {
      onError(e);
    }
  };

  const rows = visibleRows(data.rows, kind, search);
  const ranked = data.rows.filter((r) => r.rank !== null).length;
  const eShort = data.e_is_effort ? "Effort" : "Ease";
  const suggestionsOf = (row: IceRow) => suggestions.data?.find((s) => s.kind === row.kind && s.id === row.id);
  const scoreColumns: { key: ScoreKey; label: string; value: (r: IceRow) => number | null }[] = [
    { key: "impact", label: "Impact", value: (r) => r.impact },
    { key: "confidence", label: "Confidence", value: (r) => r.confidence },
    { key: "e", label: eShort, value: (r) => r.e },
  ];

  return (
    <section className="ice-tab" data-testid="ice-tab" aria-labelledby="ice-title">
      <h2 id="ice-title" className="ice-title">
        Priorities (ICE)
      </h2>
      <p className="muted ice-intro">
        Score each segment and stream 1 to 10 on Impact, Confidence and {data.e_is_effort ? "Effort" : "Ease"}. The
        suggestions come from the last 90 days of data and are only applied when you press “Use”.
      </p>
      <div className="ice-toolbar">
        <label className="ice-field">
          <span>Formula</span>
          <select
            data-testid="ice-formula"
            className="ice-formula-select"
            value={data.formula}
            onChange={(e) => {
              const formula = e.target.value as IceFormula;
              setFormula.mutate(formula, {
                onSuccess: (t) => setStatus(`Ranked with the ${formula} formula: ${t.formula_text}`),
                onError,
              });
            }}
          >
            {FORMULAS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="ice-field">
          <span>Show</span>
          <select data-testid="ice-kind" value={kind} onChange={(e) => setKind(e.target.value as KindFilter)}>
            <option value="all">Segments and streams</option>
            <option value="segment">Segments</option>
            <option value="stream">Streams</option>
          </select>
        </label>
        <label className="ice-field">
          <span>Search</span>
          <input
            type="search"
            data-testid="ice-search"
            value={search}
            placeholder="Name"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <button type="button" data-testid="ice-export" onClick={exportCsv}>
          Export CSV
        </button>
      </div>
      <p className="ice-summary muted" data-testid="ice-summary">
        {ranked} of {data.rows.length} ranked · E is {data.e_label}
        {suggestions.isLoading && " · working out suggestions…"}
      </p>
      <p className="ice-status" role="status" data-testid="ice-status">
        {status}
      </p>
      {notice && (
        <div className="note" data-testid="ice-export-notice">
          {notice}
        </div>
      )}
      <div className="ice-table-wrap">
        <table className="ice-table" data-testid="ice-table">
          <caption className="visually-hidden">
            ICE ranking under {data.formula_text}; {data.e_label}
          </caption>
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Name</th>
              <th scope="col">Impact</th>
              <th scope="col">Confidence</th>
              <th scope="col" data-testid="ice-e-header">
                {data.e_label}
              </th>
              <th scope="col">Score</th>
              <th scope="col">
                <span className="visually-hidden">Notes and reasons</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const key = rowKey(row);
              const s = suggestionsOf(row);
              const expanded = open === key;
              return (
                <Fragment key={key}>
                  <tr
                    className={`ice-row${moved === key ? " ice-moved" : ""}${row.rank === null ? " ice-unscored" : ""}`}
                    data-testid={`ice-row-${key}`}
                  >
                    <td className="ice-rank" data-testid={`ice-rank-${key}`}>
                      {row.rank ?? "–"}
                    </td>
                    <th scope="row" className="ice-name">
                      <span data-testid={`ice-name-${key}`}>{row.name}</span>
                      <span className={`ice-kind ice-kind-${row.kind}`}>
                        {row.kind === "stream" ? "Stream" : "Segment"}
                      </span>
                    </th>
                    {scoreColumns.map((c) => (
                      <td key={c.key}>
                        <IceScoreCell
                          label={c.label}
                          targetName={row.name}
                          value={c.value(row)}
                          suggestion={suggestionFor(s, c.key, data.e_is_effort)}
                          suggestionsLoading={suggestions.isLoading}
                          testId={`ice-${c.key}-${key}`}
                          onCommit={(v) => commitScore(row, c.key, v)}
                        />
                      </td>
                    ))}
                    <td className="ice-score-value" data-testid={`ice-score-${key}`}>
                      {scoreText(row.score)}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="small"
                        aria-expanded={expanded}
                        aria-controls={`ice-details-${key}`}
                        data-testid={`ice-toggle-${key}`}
                        onClick={() => setOpen(expanded ? null : key)}
                      >
                        {expanded ? "Hide notes" : "Notes & reasons"}
                        <span className="visually-hidden"> of {row.name}</span>
                      </button>
                    </td>
                  </tr>
                  {expanded && (
                    <tr className="ice-details-row" id={`ice-details-${key}`}>
                      <td colSpan={7}>
                        <IceDetails
                          row={row}
                          eLabel={data.e_label}
                          testId={`ice-details-${key}`}
                          parts={[
                            { label: "Impact", noteKey: "note_impact", suggestion: s?.impact },
                            { label: "Confidence", noteKey: "note_confidence", suggestion: s?.confidence },
                            {
                              label: "E",
                              noteKey: "note_ease",
                              suggestion: suggestionFor(s, "e", data.e_is_effort),
                            },
                          ]}
                          onSave={(update) => save(row, update)}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && <p className="muted">Nothing matches the filter.</p>}
      </div>
    </section>
  );
}
