// A goal's trajectory chart (@nivo/bar): the metric at evenly spaced dates
// from the start to the as-of date as bars, and the straight line from
// baseline to target at the same dates as a dashed line. The table beside
// it (GoalDetail) is the text equivalent.
import { ResponsiveBar, type BarCustomLayerProps } from "@nivo/bar";

import type { Metric } from "../../bindings/Metric";
import type { TrajectoryPoint } from "../../bindings/TrajectoryPoint";
import { formatMetric } from "./goalFormat";

type Datum = { date: string; value: number; expected: number };

export function GoalChart({ metric, points, target }: { metric: Metric; points: TrajectoryPoint[]; target: number }) {
  const data: Datum[] = points.map((p) => ({ date: p.date, value: p.value, expected: p.expected }));
  const top = Math.max(target, ...points.map((p) => Math.max(p.value, p.expected)), 1) * 1.05;
  const Line = ({ bars, yScale }: BarCustomLayerProps<Datum>) => {
    const y = (v: number) => (yScale as (v: number) => number)(v);
    const coordinates = bars.map((bar, i) => `${bar.x + bar.width / 2},${y(data[i]?.expected ?? 0)}`);
    return (
      <polyline
        points={coordinates.join(" ")}
        fill="none"
        stroke="#5d6279"
        strokeWidth={2}
        strokeDasharray="6 4"
        data-testid="goal-chart-line"
      />
    );
  };
  const summary = `The goal's ${points.length} measured values as bars, against a dashed straight line from the baseline to the target; the table lists the same numbers.`;
  return (
    <figure className="goal-chart" data-testid="goal-chart">
      <div style={{ height: 240 }}>
        <ResponsiveBar<Datum>
          data={data}
          keys={["value"]}
          indexBy="date"
          margin={{ top: 12, right: 12, bottom: 48, left: 64 }}
          padding={0.3}
          valueScale={{ type: "linear", min: 0, max: top }}
          colors={["#0f766e"]}
          enableLabel={false}
          isInteractive={false}
          animate={false}
          role="img"
          ariaLabel={summary}
          axisLeft={{ format: (v) => formatMetric(metric, Number(v)), tickSize: 4 }}
          axisBottom={{ tickSize: 4, tickRotation: -30 }}
          theme={{ text: { fill: "#1f2333", fontSize: 12 } }}
          layers={["grid", "axes", "bars", Line]}
        />
      </div>
      <figcaption className="muted">
        Bars: the measured value. Dashed: the straight line from baseline to target.
      </figcaption>
    </figure>
  );
}
