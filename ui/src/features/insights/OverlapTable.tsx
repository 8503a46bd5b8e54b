// The overlap matrix as a table: the accessible equivalent of the heatmap.
// Each off-diagonal cell is a button (Enter or a click) that opens the
// segment builder on "in A and in B"; its label reads the count and share.
import type { OverlapSegment } from "../../bindings/OverlapSegment";
import { formatCount } from "../../lib/format";
import { openBoth } from "./OverlapHeatmap";
import { formatShare, type MatrixRow } from "./overlapModel";

type Props = { rows: MatrixRow[]; columns: OverlapSegment[] };

export function OverlapTable({ rows, columns }: Props) {
  return (
    <div className="overlap-table-wrap">
      <table className="overlap-table" data-testid="overlap-table">
        <caption className="muted small">
          Leads in both the row's and the column's segment, and their share of the row's segment.
        </caption>
        <thead>
          <tr>
            <th scope="col">Segment (count)</th>
            {columns.map((c) => (
              <th key={c.id} scope="col" title={c.name}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ segment, cells }) => (
            <tr key={segment.id}>
              <th scope="row">
                {segment.name} <span className="muted">({formatCount(segment.count ?? 0)})</span>
              </th>
              {cells.map((cell, i) => {
                const column = columns[i];
                const text = (
                  <>
                    <span className="overlap-count">{formatCount(cell.count)}</span>
                    <span className="overlap-hidden">
                      {" "}
                      leads in {segment.name} and in {column.name},{" "}
                    </span>
                    <span className="overlap-share">{formatShare(cell.share_of_row)}</span>
                    <span className="overlap-hidden"> of {segment.name}</span>
                  </>
                );
                const testId = `overlap-cell-${segment.id}-${column.id}`;
                return (
                  <td key={column.id} className="num" data-count={cell.count}>
                    {segment.id === column.id ? (
                      <span className="overlap-diagonal" data-testid={testId}>
                        {text}
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="overlap-cell"
                        data-testid={testId}
                        data-count={cell.count}
                        onClick={() => openBoth(segment, column)}
                      >
                        {text}
                      </button>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
