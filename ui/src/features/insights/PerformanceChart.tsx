// The Performance tab's chart: each segment's conversion rate as a bar with
// its 95% interval as a whisker, against a dashed line at all leads' rate
// (@nivo/bar with custom layers). Segments whose interval includes the
// baseline are grey and hatched: not yet distinguishable from noise. The
// table beside it is the chart's text equivalent.
import { ResponsiveBar, type BarCustomLayerProps } from "@nivo/bar";

import type { SegmentPerformance } from "../../bindings/SegmentPerformance";
import { percent, VERDICT_COLOR, VERDICT_LABEL, verdict, type Verdict } from "./performanceFormat";

type Datum = { id: string; name: string; rate: number; low: number; high: number; verdict: Verdict };

const ROW_HEIGHT = 26;

function shortName(name: string): string {
  return name.length > 30 ? `${name.slice(0, 29)}…` : name;
}

export function PerformanceChart({ rows, baseline }: { rows: SegmentPerformance[]; baseline: number }) {
  // nivo draws the first datum at the bottom: reverse so the best is on top.
  const data: Datum[] = rows
    .map((r) => ({
      id: String(r.segment_id),
      name: r.name,
      rate: r.conversion.rate * 100,
      low: r.conversion.low * 100,
      high: r.conversion.high * 100,
      verdict: verdict(r.distinguishable, r.conversion.rate, baseline),
    }))
    .reverse();
  const names = new Map(data.map((d) => [d.id, d.name]));
  const max = Math.max(baseline * 100, ...data.map((d) => d.high), 1) * 1.05;
  const Whiskers = ({ bars, xScale }: BarCustomLayerProps<Datum>) => {
    const x = (v: number) => (xScale as (v: number) => number)(v);
    return (
      <g>
        {bars.map((bar) => {
          const d = bar.data.data;
          const y = bar.y + bar.height / 2;
          const cap = Math.min(6, bar.height / 2);
          return (
            <g key={bar.key} stroke="#1f2333" strokeWidth={1.5}>
              <line x1={x(d.low)} x2={x(d.high)} y1={y} y2={y} />
              <line x1={x(d.low)} x2={x(d.low)} y1={y - cap} y2={y + cap} />
              <line x1={x(d.high)} x2={x(d.high)} y1={y - cap} y2={y + cap} />
            </g>
          );
        })}
      </g>
    );
  };
  const Baseline = ({ xScale, innerHeight }: BarCustomLayerProps<Datum>) => {
    const x = (xScale as (v: number) => number)(baseline * 100);
    return (
      <g>
        <line x1={x} x2={x} y1={-6} y2={innerHeight} stroke="#5d6279" strokeWidth={1.5} strokeDasharray="5 4" />
        <text x={x + 4} y={-8} fontSize={11} fill="#3b3f52">
          All leads {percent(baseline)}
        </text>
      </g>
    );
  };
  const Hatching = ({ bars }: BarCustomLayerProps<Datum>) => (
    <g>
      <defs>
        <pattern id="perf-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <line x1="0" y1="0" x2="0" y2="6" stroke="#5d6279" strokeWidth="1.5" />
        </pattern>
      </defs>
      {bars
        .filter((bar) => bar.data.data.verdict === "same" && bar.width > 0)
        .map((bar) => (
          <rect key={bar.key} x={bar.x} y={bar.y} width={bar.width} height={bar.height} fill="url(#perf-hatch)" />
        ))}
    </g>
  );
  const summary = `Conversion rate per segment with 95% intervals against all leads' ${percent(baseline)}; the table below lists the same numbers.`;
  return (
    <figure className="perf-chart" data-testid="performance-chart">
      <div style={{ height: data.length * ROW_HEIGHT + 60 }}>
        <ResponsiveBar<Datum>
          data={data}
          keys={["rate"]}
          indexBy="id"
          layout="horizontal"
          margin={{ top: 24, right: 24, bottom: 36, left: 230 }}
          padding={0.3}
          valueScale={{ type: "linear", min: 0, max }}
          colors={(bar) => VERDICT_COLOR[bar.data.verdict]}
          enableLabel={false}
          enableGridY={false}
          enableGridX
          isInteractive={false}
          animate={false}
          role="img"
          ariaLabel={summary}
          axisLeft={{ format: (id) => shortName(names.get(String(id)) ?? String(id)), tickSize: 0, tickPadding: 8 }}
          axisBottom={{
            format: (v) => `${v}%`,
            tickSize: 4,
            legend: "Converted in the period (95% interval)",
            legendPosition: "middle",
            legendOffset: 30,
          }}
          theme={{ text: { fill: "#1f2333", fontSize: 12 }, axis: { legend: { text: { fill: "#3b3f52" } } } }}
          layers={["grid", "axes", "bars", Hatching, Whiskers, Baseline]}
        />
      </div>
      <figcaption className="perf-legend">
        {(["higher", "same", "lower"] as Verdict[]).map((v) => (
          <span key={v} className="perf-legend-item">
            <span className={`perf-swatch perf-swatch-${v}`} aria-hidden="true" />
            {VERDICT_LABEL[v]}
          </span>
        ))}
        <span className="perf-legend-item">
          <span className="perf-swatch-line" aria-hidden="true" />
          All leads ({percent(baseline)})
        </span>
      </figcaption>
    </figure>
  );
}
