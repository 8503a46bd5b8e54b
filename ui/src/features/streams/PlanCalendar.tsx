// The calendar heatmap of planned sends per day (@nivo/calendar's TimeRange:
// weeks as columns, weekdays as rows, only the planned horizon), with the
// busiest day and totals underneath.
import { ResponsiveTimeRange } from "@nivo/calendar";

import type { Plan } from "../../bindings/Plan";
import { formatCount } from "../../lib/format";

const COLORS = ["#d7f0ec", "#9fdcd2", "#5cbfb1", "#17978a", "#0b6b62", "#312e81"];

export function PlanCalendar({ plan }: { plan: Plan }) {
  const data = plan.per_day.filter((d) => d.sends > 0).map((d) => ({ day: d.date, value: d.sends }));
  const from = plan.from.slice(0, 10);
  // The horizon's last day (until is an exclusive instant when it falls on midnight).
  const until = plan.until.slice(0, 10);
  const busiest = plan.per_day.reduce<{ date: string; sends: number } | null>(
    (best, d) => (!best || d.sends > best.sends ? d : best),
    null,
  );
  const total = plan.per_day.reduce((a, d) => a + d.sends, 0);
  const activeDays = plan.per_day.filter((d) => d.sends > 0).length;
  return (
    <div className="plan-calendar" data-testid="plan-calendar" data-days={activeDays} data-total={total}>
      <div className="calendar-chart">
        <ResponsiveTimeRange
          data={data}
          from={from}
          to={until}
          emptyColor="#f1f3f8"
          colors={COLORS}
          margin={{ top: 26, right: 12, bottom: 6, left: 40 }}
          weekdays={["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]}
          dayBorderWidth={2}
          dayBorderColor="#ffffff"
          dayRadius={3}
          firstWeekday="monday"
          weekdayTicks={[0, 1, 2, 3, 4, 5, 6]}
          weekdayLegendOffset={36}
          monthLegendOffset={12}
          monthLegend={(_y, _m, date) => date.toLocaleString("en-US", { month: "short" })}
          theme={{ text: { fontSize: 11, fill: "#6b7088" } }}
          valueFormat={(v) => `${formatCount(v)} sends`}
        />
      </div>
      <p className="muted small">
        <span className="calendar-legend" aria-hidden>
          fewer{" "}
          {COLORS.map((c) => (
            <i key={c} style={{ background: c }} />
          ))}{" "}
          more
        </span>
        {formatCount(total)} sends on {activeDays} of {plan.days} days
        {busiest && busiest.sends > 0 && (
          <>
            {" "}
            · busiest {busiest.date} with {formatCount(busiest.sends)}
          </>
        )}{" "}
        · dates in {plan.settings.default_timezone}
      </p>
    </div>
  );
}
