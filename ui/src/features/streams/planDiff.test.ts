import { describe, expect, it } from "vitest";

import type { Plan } from "../../bindings/Plan";
import { planDiff, signed, unchanged } from "./planDiff";

function plan(sends: number, streams: [number, string, number][], content: [number, string, number][]): Plan {
  return {
    from: "2026-01-01T00:00:00Z",
    until: "2026-03-31T00:00:00Z",
    days: 90,
    as_of: "2026-01-01T00:00:00Z",
    settings: {
      send_window: { weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 },
      default_timezone: "UTC",
      frequency_cap: null,
      quiet_dates: [],
      require_opt_in: false,
      seed: 1,
    },
    eligible: 100,
    sends,
    streams: streams.map(([stream_id, name, s]) => ({
      stream_id,
      name,
      priority: 0,
      leads: 0,
      entries: 0,
      sends: s,
      also_eligible: [],
      lost_to: [],
      nodes: [],
      edges: [],
    })),
    per_day: [],
    per_local_day: [],
    per_content: content.map(([content_id, title, s]) => ({ content_id, title, sends: s, leads: s })),
    suppressed: [],
    suppressed_leads: [],
    moved: [],
    outcomes: [],
    sample_leads: [],
    skipped: [],
  };
}

describe("planDiff", () => {
  it("compares totals, streams and content, including ones that appear or disappear", () => {
    const before = plan(
      100,
      [
        [1, "Decision", 60],
        [2, "ROI", 40],
      ],
      [
        [10, "Demo", 60],
        [11, "Guide", 40],
      ],
    );
    const after = plan(
      112,
      [
        [1, "Decision", 72],
        [3, "Win-back", 40],
      ],
      [
        [10, "Demo", 72],
        [12, "Offer", 40],
      ],
    );
    const diff = planDiff(before, after);
    expect(diff.sends).toMatchObject({ before: 100, after: 112, delta: 12 });
    expect(diff.eligible.delta).toBe(0);
    expect(diff.streams.map((l) => [l.label, l.delta])).toEqual([
      ["Decision", 12],
      ["Win-back", 40],
      ["ROI", -40],
    ]);
    expect(diff.content.map((l) => [l.label, l.before, l.after])).toEqual([
      ["Demo", 60, 72],
      ["Offer", 0, 40],
      ["Guide", 40, 0],
    ]);
  });

  it("says when two runs are the same, so the tab shows no table of ±0", () => {
    const one = plan(100, [[1, "Decision", 100]], [[10, "Demo", 100]]);
    const same = plan(100, [[1, "Decision", 100]], [[10, "Demo", 100]]);
    expect(unchanged(planDiff(one, same))).toBe(true);
    const moved = plan(100, [[1, "Decision", 100]], [[11, "Guide", 100]]);
    expect(unchanged(planDiff(one, moved))).toBe(false);
  });

  it("formats signed changes", () => {
    expect(signed(12)).toBe("+12");
    expect(signed(-1500)).toBe("−1,500");
    expect(signed(0)).toBe("±0");
  });
});
