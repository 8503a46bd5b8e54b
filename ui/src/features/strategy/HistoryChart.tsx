// The History tab's chart: a segment's recorded member count at each
// snapshot, as columns (@nivo/bar), oldest on the left. The table under it
// (HistoryTable) lists the same numbers.
import { ResponsiveBar } from "@nivo/bar";

import type { HistoryPoint } from "../../bindings/HistoryPoint";
import { formatCount } from "../../lib/format";
import { timeOf } from "./historyModel";

type Datum = { id: string; label: string; count: number };

export function HistoryChart({ points, name }: { points: HistoryPoint[]; name: string }) {
  const data: Datum[] = points
    .filter((p) => p.count !== null)
    .map((p) => ({ id: String(p.snapshot_id), label: timeOf(p.taken_at).slice(5, 10), count: p.count ?? 0 }));
  const labels = new Map(data.map((d) => [d.id, d.label]));
  const every = Math.max(1, Math.ceil(data.length / 10));
  const ticks = data.filter((_, i) => (data.length - 1 - i) % every === 0).map((d) => d.id);
  const last = data[data.length - 1];
  const summary = `Members of “${name}” at each of ${data.length} snapshots${
    last ? `, ${formatCount(last.count)} at the last` : ""
  }; the table below lists the same numbers.`;
  return (
    <figure className="history-chart" data-testid="history-chart">
      <div style={{ height: 220 }}>
        <ResponsiveBar<Datum>
          data={data}
          keys={["count"]}
          indexBy="id"
          margin={{ top: 12, right: 12, bottom: 40, left: 64 }}
          padding={0.25}
          colors={["#0f766e"]}
          enableLabel={false}
          isInteractive={false}
          animate={false}
          role="img"
          ariaLabel={summary}
          axisBottom={{
            tickValues: ticks,
            format: (id) => labels.get(String(id)) ?? "",
            tickSize: 4,
            legend: "Snapshot (UTC)",
            legendPosition: "middle",
            legendOffset: 32,
          }}
          axisLeft={{
            tickSize: 4,
            format: (v) => formatCount(Number(v)),
            legend: "Members",
            legendPosition: "middle",
            legendOffset: -54,
          }}
          theme={{ text: { fill: "#1f2333", fontSize: 12 }, axis: { legend: { text: { fill: "#3b3f52" } } } }}
        />
      </div>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
