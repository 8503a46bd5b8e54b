// The Overlap tab: the user chooses saved segments (by default their own,
// remembered per workspace), and sees how they overlap: a heatmap of the
// pairwise matrix (count and share of the row's segment), the same matrix as
// a table, and the largest exact combinations of three or more segments.
// A cell or a combination opens the segment builder on its rules.
import { useEffect, useState } from "react";

import { readDraft, writeDraft } from "../../lib/drafts";
import { formatCount } from "../../lib/format";
import { useOverlap, useSegments, useWorkspaceInfo } from "../../lib/queries";
import { OverlapChooser } from "./OverlapChooser";
import { OverlapHeatmap } from "./OverlapHeatmap";
import { OverlapIntersections } from "./OverlapIntersections";
import { OverlapTable } from "./OverlapTable";
import { defaultChoice, keepExisting, matrixOf } from "./overlapModel";
import "./overlap.css";

type Props = { initialSegmentIds?: number[]; onError: (error: unknown) => void };

/** Where the choice is remembered, per workspace (lib/drafts). */
const CHOICE_KEY = "insights:overlap:segments";

export function OverlapTab({ initialSegmentIds, onError }: Props) {
  const segments = useSegments(null);
  const info = useWorkspaceInfo();
  const space = info.data ? (info.data.path ?? info.data.name) : null;
  const [chosen, setChosen] = useState<number[] | null>(null);

  // The first choice: the segments asked for, else the remembered ones, else the default.
  useEffect(() => {
    if (chosen !== null || !segments.data || info.isPending) return;
    const list = segments.data;
    const asked = initialSegmentIds?.length ? keepExisting(initialSegmentIds, list) : [];
    const remembered = space ? keepExisting(readDraft<number[]>(space, CHOICE_KEY)?.value ?? [], list) : [];
    const first = asked.length ? asked : remembered.length ? remembered : defaultChoice(list);
    setChosen(first);
  }, [chosen, segments.data, info.isPending, initialSegmentIds, space]);

  const choose = (ids: number[]) => {
    setChosen(ids);
    if (space) writeDraft(space, CHOICE_KEY, ids);
  };

  const overlap = useOverlap(chosen ?? [], null);
  useEffect(() => {
    if (segments.error) onError(segments.error);
  }, [segments.error, onError]);
  useEffect(() => {
    if (overlap.error) onError(overlap.error);
  }, [overlap.error, onError]);

  const report = chosen && chosen.length > 0 ? overlap.data : undefined;
  const matrix = report ? matrixOf(report) : null;
  const broken = report?.segments.filter((s) => s.problem !== null) ?? [];
  return (
    <div className="overlap-tab" data-testid="insights-overlap">
      <p className="muted overlap-intro">
        How many leads your segments share: each cell counts the leads in both the row's and the column's segment, with
        their share of the row's segment. Open a cell to see those leads in the segment builder.
      </p>
      {segments.data && chosen && <OverlapChooser segments={segments.data} chosen={chosen} onChange={choose} />}
      {chosen?.length === 0 && <p className="muted">Choose at least two segments to compare.</p>}
      {report && (
        <p className="muted small" data-testid="overlap-status" aria-live="polite">
          {formatCount(report.segments.length)} segments, {formatCount(report.total_leads)} leads in the workspace
          {overlap.isFetching ? " · counting…" : ""}
        </p>
      )}
      {broken.length > 0 && (
        <ul className="overlap-problems" data-testid="overlap-problems">
          {broken.map((s) => (
            <li key={s.id}>
              “{s.name}” cannot be counted: {s.problem}
            </li>
          ))}
        </ul>
      )}
      {report && matrix && matrix.columns.length > 0 && (
        <>
          <section className="overlap-section" aria-labelledby="overlap-heatmap-title">
            <h3 id="overlap-heatmap-title">Overlap matrix</h3>
            <OverlapHeatmap rows={matrix.rows} columns={matrix.columns} />
          </section>
          <section className="overlap-section" aria-labelledby="overlap-table-title">
            <h3 id="overlap-table-title">The matrix as a table</h3>
            <OverlapTable rows={matrix.rows} columns={matrix.columns} />
          </section>
          <section className="overlap-section" aria-labelledby="overlap-intersections-title">
            <h3 id="overlap-intersections-title">Largest combinations of three or more segments</h3>
            <OverlapIntersections report={report} />
          </section>
        </>
      )}
    </div>
  );
}
