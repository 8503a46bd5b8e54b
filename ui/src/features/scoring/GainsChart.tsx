// The back-test's cumulative gains chart (@nivo/bar): for each score decile,
// the share of all conversions found in it and the deciles above, against a
// dashed line for a model no better than chance (decile d finds d × 10%).
// The deciles table below it is the text equivalent.
import { ResponsiveBar, type BarCustomLayerProps } from "@nivo/bar";

import type { DecileRow } from "../../bindings/DecileRow";

type Datum = { decile: string; found: number; lift: number };

export function GainsChart({ deciles }: { deciles: DecileRow[] }) {
  const data: Datum[] = deciles.map((d) => ({
    decile: String(d.decile),
    found: Math.round(d.cumulative_share * 1000) / 10,
    lift: d.lift ?? 0,
  }));
  const Chance = ({ bars, yScale }: BarCustomLayerProps<Datum>) => {
    const y = (v: number) => (yScale as (v: number) => number)(v);
    const points = bars.map((bar, i) => `${bar.x + bar.width / 2},${y(((i + 1) / bars.length) * 100)}`);
    return <polyline points={points.join(" ")} fill="none" stroke="#5d6279" strokeWidth={1.5} strokeDasharray="5 4" />;
  };
  const summary =
    "Cumulative share of conversions found from the top decile down, against a dashed line for chance; the table below lists the same numbers.";
  return (
    <figure className="gains-chart" data-testid="backtest-gains-chart">
      <div style={{ height: 220 }}>
        <ResponsiveBar<Datum>
          data={data}
          keys={["found"]}
          indexBy="decile"
          margin={{ top: 12, right: 12, bottom: 40, left: 48 }}
          padding={0.25}
          valueScale={{ type: "linear", min: 0, max: 100 }}
          colors={["#0f766e"]}
          enableLabel={false}
          isInteractive={false}
          animate={false}
          role="img"
          ariaLabel={summary}
          axisLeft={{ format: (v) => `${v}%`, tickSize: 4 }}
          axisBottom={{
            tickSize: 4,
            legend: "Score decile (1: top tenth)",
            legendPosition: "middle",
            legendOffset: 32,
          }}
          theme={{ text: { fill: "#1f2333", fontSize: 12 }, axis: { legend: { text: { fill: "#3b3f52" } } } }}
          layers={["grid", "axes", "bars", Chance]}
        />
      </div>
      <figcaption className="perf-legend muted">
        Bars: conversions found down to each decile. Dashed: no better than chance.
      </figcaption>
    </figure>
  );
}
