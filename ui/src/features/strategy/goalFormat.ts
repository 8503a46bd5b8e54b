// Goals' and reviews' pure formatting: a metric's value (count or
// percentage), status labels, the subject of a draft from a <select> value,
// and dates. Tested in goalFormat.test.ts.
import type { GoalStatus } from "../../bindings/GoalStatus";
import type { GoalSubject } from "../../bindings/GoalSubject";
import type { Metric } from "../../bindings/Metric";

export const METRICS: { key: Metric; label: string }[] = [
  { key: "conversions", label: "Conversions since the start" },
  { key: "conversion-rate", label: "Conversion rate (90 days)" },
  { key: "engagement-rate", label: "Engagement rate (30 days)" },
  { key: "size", label: "Segment size" },
  { key: "emailable-share", label: "E-mailable share" },
];

export const OBJECTIVES: { key: string; label: string }[] = [
  { key: "faster-conversion", label: "Faster conversion" },
  { key: "lead-satisfaction", label: "Lead satisfaction" },
  { key: "personalised-communication", label: "Personalised communication" },
  { key: "return-on-investment", label: "Return on investment" },
];

export const STATUS_LABELS: Record<GoalStatus, string> = {
  "not-started": "Not started",
  "on-track": "On track",
  "off-track": "Off track",
  "not-achievable": "Probably not achievable",
  achieved: "Achieved",
  "past-deadline": "Past deadline",
};

export function isRate(metric: Metric): boolean {
  return metric !== "conversions" && metric !== "size";
}

export function metricLabel(metric: Metric): string {
  return METRICS.find((m) => m.key === metric)?.label ?? metric;
}

/** A metric's value as shown: a whole count, or a percentage with one decimal. */
export function formatMetric(metric: Metric, value: number): string {
  return isRate(metric) ? `${value.toFixed(1)}%` : Math.round(value).toLocaleString("en-US");
}

/** "segment:12" or "stream:3" (a <select> value) as a goal subject; null when empty. */
export function parseSubject(value: string): GoalSubject | null {
  const [kind, id] = value.split(":");
  const n = Number(id);
  if (!Number.isInteger(n) || (kind !== "segment" && kind !== "stream")) return null;
  return { kind, id: n };
}

/** A UTC instant (seconds) as YYYY-MM-DD. */
export function dayOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** Today (UTC) as YYYY-MM-DD, and a date `days` later. */
export function isoDay(date: Date, days = 0): string {
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
