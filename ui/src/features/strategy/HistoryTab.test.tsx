// The History tab against a fake backend: it opens on the first segment with
// a diff over the last 30 days of snapshots, shows the counts the core sent,
// a lead's reason in full when clicked, and never another segment's diff.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import type { DiffLead } from "../../bindings/DiffLead";
import type { HistoryPoint } from "../../bindings/HistoryPoint";
import type { SegmentDiff } from "../../bindings/SegmentDiff";
import { createQueryClient } from "../../lib/queries";
import { savedSegmentSummary } from "../../testing/fixtures";

const ipc = vi.hoisted(() => ({ segmentsList: vi.fn(), segmentHistory: vi.fn(), segmentDiff: vi.fn() }));
vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));
const { HistoryTab } = await import("./HistoryTab");

const point = (id: number, taken_at: string, count: number): HistoryPoint => ({
  snapshot_id: id,
  taken_at,
  reason: "daily",
  import: null,
  count,
  joined: null,
  left: null,
  rules_changed: false,
  problem: null,
});

const lead = (lead_id: number, name: string, summary: string): DiffLead => ({
  lead_id,
  email: `${name.toLowerCase()}@x.io`,
  name,
  exists: true,
  reason: { kind: "time_passed", summary, details: [`${summary} (in full)`] },
});

const diffOf = (segment_id: number, joined: DiffLead[], left: DiffLead[]): SegmentDiff => ({
  segment_id,
  segment_name: `Segment ${segment_id}`,
  from_requested: "",
  to_requested: "",
  from: { snapshot_id: 1, taken_at: "2026-10-20T00:00:00Z", reason: "daily", count: 5 },
  to: { snapshot_id: 3, taken_at: "2026-11-19T00:00:00Z", reason: "daily", count: 5 + joined.length - left.length },
  rules_changed: false,
  joined,
  left,
});

beforeAll(() => {
  // jsdom has no layout: give the lists a height so the virtualiser renders
  // rows, as it does in the window.
  for (const [name, value] of [
    ["clientHeight", 320],
    ["clientWidth", 400],
    ["offsetHeight", 320],
    ["offsetWidth", 400],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe("HistoryTab", () => {
  it("diffs the last 30 days of snapshots and shows a lead's reason in full", async () => {
    ipc.segmentsList.mockResolvedValue([savedSegmentSummary(7, "Engaged"), savedSegmentSummary(8, "Dormant")]);
    ipc.segmentHistory.mockImplementation(async (id: number) => ({
      segment_id: id,
      segment_name: `Segment ${id}`,
      bytes: 100,
      points: [
        point(1, "2026-09-01T00:00:00Z", 4),
        point(2, "2026-10-20T00:00:00Z", 5),
        point(3, "2026-11-19T00:00:00Z", 6),
      ],
    }));
    let answerSecond: (diff: SegmentDiff) => void = () => {};
    ipc.segmentDiff.mockImplementation((id: number) =>
      id === 7
        ? Promise.resolve(
            diffOf(7, [lead(1, "Ann", "Ann's window"), lead(2, "Bo", "Bo's window")], [lead(3, "Cy", "Cy aged out")]),
          )
        : new Promise<SegmentDiff>((resolve) => (answerSecond = resolve)),
    );
    render(
      <QueryClientProvider client={createQueryClient()}>
        <HistoryTab onError={() => {}} />
      </QueryClientProvider>,
    );
    const summary = await screen.findByTestId("diff-summary");
    expect(ipc.segmentDiff).toHaveBeenCalledWith(7, "2026-10-20", "2026-11-19");
    expect(summary.textContent).toContain("2 joined");
    expect(summary.textContent).toContain("1 left");
    expect((screen.getByTestId("diff-from") as HTMLInputElement).value).toBe("2026-10-20");

    fireEvent.click(screen.getByText("Cy aged out"));
    expect(screen.getByTestId("diff-lead-detail").textContent).toContain("Cy left");
    expect(screen.getByTestId("diff-reason-details").textContent).toContain("Cy aged out (in full)");

    // Another segment: its diff, never the first one's while it is asked.
    fireEvent.change(screen.getByTestId("history-segment"), { target: { value: "8" } });
    await waitFor(() => expect(ipc.segmentDiff).toHaveBeenCalledWith(8, "2026-10-20", "2026-11-19"));
    expect(screen.queryByTestId("diff-summary")).toBeNull();
    answerSecond(diffOf(8, [], []));
    await waitFor(() => expect(screen.getByTestId("diff-summary").textContent).toContain("0 joined"));
  });
});
