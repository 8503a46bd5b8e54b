// The calendar heatmap of planned sends per day (@nivo/calendar's TimeRange:
// weeks as columns, weekdays as rows, only the planned horizon), with the
// busiest day and totals underneath and the count of every day in a table.
// Days are each lead's own days by default (the send window's days, so a
// Monday–Friday window never shows weekend sends), or the default zone's.
import { ResponsiveTimeRange } from "@nivo/calendar";
import { useState } from "react";

import type { DayCount } from "../../bindings/DayCount";
import type { Plan } from "../../bindings/Plan";
import { formatCount } from "../../lib/format";

const COLORS = ["#d7f0ec", "#9fdcd2", "#5cbfb1", "#17978a", "#0b6b62", "#312e81"];

/** Which days the calendar counts in. */
export type DayZone = "lead" | "default";

/** "Mon 30 Nov 2026" for a YYYY-MM-DD day (the day itself, whatever the zone). */
export function dayLabel(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  return day.toLocaleDateString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function PlanCalendar({ plan }: { plan: Plan }) {
  const [zone, setZone] = useState<DayZone>("lead");
  const days: DayCount[] = zone === "lead" ? plan.per_local_day : plan.per_day;
  const data = days.filter((d) => d.sends > 0).map((d) => ({ day: d.date, value: d.sends }));
  const from = days[0]?.date ?? plan.from.slice(0, 10);
  const until = days[days.length - 1]?.date ?? plan.until.slice(0, 10);
  const busiest = days.reduce<DayCount | null>((best, d) => (!best || d.sends > best.sends ? d : best), null);
  const total = days.reduce((a, d) => a + d.sends, 0);
  const activeDays = days.filter((d) => d.sends > 0).length;
  const zoneName = zone === "lead" ? "each lead's own time zone" : plan.settings.default_timezone;
  return (
    <div
      className="plan-calendar"
      data-testid="plan-calendar"
      data-days={activeDays}
      data-total={total}
      data-zone={zone}
    >
      <div className="plan-calendar-zone" role="radiogroup" aria-label="Days of the calendar">
        <span className="muted small">Days in:</span>
        <label className="check">
          <input
            type="radio"
            name="plan-calendar-zone"
            data-testid="plan-calendar-zone-lead"
            checked={zone === "lead"}
            onChange={() => setZone("lead")}
          />
          each lead's own time zone (as the send window)
        </label>
        <label className="check">
          <input
            type="radio"
            name="plan-calendar-zone"
            data-testid="plan-calendar-zone-default"
            checked={zone === "default"}
            onChange={() => setZone("default")}
          />
          {plan.settings.default_timezone}
        </label>
      </div>
      <div className="calendar-chart">
        <ResponsiveTimeRange
          data={data}
          from={from}
          to={until}
          role="presentation"
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
            · busiest {dayLabel(busiest.date)} with {formatCount(busiest.sends)}
          </>
        )}{" "}
        · days in {zoneName}
      </p>
      <details className="plan-days" data-testid="plan-days-table">
        <summary>Sends per day ({activeDays} days with sends)</summary>
        <table className="plan-table">
          <thead>
            <tr>
              <th scope="col">Day ({zoneName})</th>
              <th scope="col" className="num">
                Sends
              </th>
            </tr>
          </thead>
          <tbody>
            {days
              .filter((d) => d.sends > 0)
              .map((d) => (
                <tr key={d.date} data-testid="plan-day" data-date={d.date} data-sends={d.sends}>
                  <td>{dayLabel(d.date)}</td>
                  <td className="num">{formatCount(d.sends)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
