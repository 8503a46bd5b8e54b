// The History tab's table: every recorded snapshot of the segment with its
// count, who joined and left since the one before, and why it was taken;
// the chart's text equivalent. Newest first.
import type { HistoryPoint } from "../../bindings/HistoryPoint";
import { formatCount } from "../../lib/format";
import { reasonLabel, timeOf } from "./historyModel";

const count = (n: number | null) => (n === null ? "–" : formatCount(n));

export function HistoryTable({ points }: { points: HistoryPoint[] }) {
  return (
    <details className="history-table" open={points.length <= 8}>
      <summary>Snapshots as a table ({points.length})</summary>
      <table data-testid="history-table">
        <thead>
          <tr>
            <th scope="col">Taken (UTC)</th>
            <th scope="col">Members</th>
            <th scope="col">Joined</th>
            <th scope="col">Left</th>
            <th scope="col">Why it was taken</th>
          </tr>
        </thead>
        <tbody>
          {[...points].reverse().map((p) => (
            <tr key={p.snapshot_id}>
              <td>{timeOf(p.taken_at)}</td>
              <td className="num">{count(p.count)}</td>
              <td className="num">{count(p.joined)}</td>
              <td className="num">{count(p.left)}</td>
              <td>{reasonLabel(p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
