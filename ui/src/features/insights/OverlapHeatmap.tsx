// The overlap matrix as a nivo heatmap: a cell per pair of segments with the
// leads in both and their share of the row's segment, coloured by that
// share. Clicking a cell opens the segment builder on "in A and in B". The
// table beside it (OverlapTable) carries the same numbers for keyboards and
// screen readers.
import { HeatMap } from "@nivo/heatmap";

import type { OverlapSegment } from "../../bindings/OverlapSegment";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { bothRules, formatShare, SHARE_TEXT_COLOR, shareColor, type MatrixRow } from "./overlapModel";

type Props = { rows: MatrixRow[]; columns: OverlapSegment[] };

type Datum = { x: string; y: number; count: number; row: OverlapSegment; column: OverlapSegment };

const CELL_WIDTH = 92;
const CELL_HEIGHT = 40;
const MARGIN = { top: 130, right: 130, bottom: 8, left: 210 };

const short = (name: string, max: number) => (name.length > max ? `${name.slice(0, max - 1)}…` : name);

/** Opens the segment builder on the leads in both segments, titled as the cell. */
export function openBoth(row: OverlapSegment, column: OverlapSegment) {
  navigate({ view: "segments", name: `In ${row.name} and in ${column.name}`, rules: bothRules(row.id, column.id) });
}

export function OverlapHeatmap({ rows, columns }: Props) {
  const names = new Map(columns.map((c) => [`s${c.id}`, c.name]));
  const data = rows.map(({ segment, cells }) => ({
    id: `s${segment.id}`,
    data: cells.map((cell, i): Datum => ({
      x: `s${columns[i].id}`,
      y: cell.share_of_row,
      count: cell.count,
      row: segment,
      column: columns[i],
    })),
  }));
  const width = MARGIN.left + MARGIN.right + columns.length * CELL_WIDTH;
  const height = MARGIN.top + MARGIN.bottom + rows.length * CELL_HEIGHT;
  return (
    <div className="overlap-heatmap-block">
      <div
        className="overlap-heatmap"
        data-testid="overlap-heatmap"
        role="img"
        tabIndex={0}
        aria-label={`Heatmap of the leads shared by ${columns.length} segments, as a share of each row's segment; the table below gives every number.`}
      >
        <HeatMap<Datum, Record<string, never>>
          data={data as never}
          width={width}
          height={height}
          margin={MARGIN}
          valueFormat={(share) => formatShare(share)}
          axisTop={{ tickSize: 4, tickPadding: 4, tickRotation: -35, format: (v) => short(names.get(v) ?? v, 22) }}
          axisLeft={{ tickSize: 4, tickPadding: 6, format: (v) => short(names.get(v) ?? v, 28) }}
          axisBottom={null}
          axisRight={null}
          colors={(cell) => shareColor(cell.value ?? 0)}
          emptyColor="#f4f5f8"
          borderWidth={1}
          borderColor="#ffffff"
          label={(cell) => `${formatCount(cell.data.count)} · ${formatShare(cell.value ?? 0)}`}
          labelTextColor={SHARE_TEXT_COLOR}
          theme={{ text: { fontSize: 11, fill: "#1f2430" }, labels: { text: { fontSize: 11 } } }}
          hoverTarget="cell"
          animate={false}
          onClick={(cell) => openBoth(cell.data.row, cell.data.column)}
          tooltip={({ cell }) => (
            <div className="overlap-tooltip">
              <b>{formatCount(cell.data.count)}</b> leads in “{cell.data.row.name}” and “{cell.data.column.name}”:{" "}
              {formatShare(cell.data.y)} of “{cell.data.row.name}”
            </div>
          )}
        />
      </div>
      <p className="muted small">Shade: the share of the row's segment. Click a cell to open its leads.</p>
    </div>
  );
}
