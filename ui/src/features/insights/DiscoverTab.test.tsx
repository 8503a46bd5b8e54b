// The Discover and Cross-tab tabs against a fake backend: proposals show
// their conditions, numbers and interval and save as a segment in one click
// with their own rules; nothing beating the baseline says so; the cross-tab
// shows each cell's leads and rate and colours stay light enough for dark text.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Crosstab } from "../../bindings/Crosstab";
import type { Discovery } from "../../bindings/Discovery";
import type { Rate } from "../../bindings/Rate";
import { createQueryClient } from "../../lib/queries";
import type { AnalysisSettings } from "./AnalysisSettings";

const ipc = vi.hoisted(() => ({
  insightsDiscover: vi.fn(),
  insightsCrosstab: vi.fn(),
  segmentSave: vi.fn(),
  fieldsList: vi.fn(),
  segmentsList: vi.fn(),
}));

vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));

const { DiscoverTab } = await import("./DiscoverTab");
const { CrosstabTab, cellColour } = await import("./CrosstabTab");

const settings: AnalysisSettings = {
  from: "2026-09-01",
  to: "2026-11-29",
  outcome: { event_types: ["purchase"], rules: null },
};

const rate = (successes: number, trials: number, low: number, high: number): Rate => ({
  successes,
  trials,
  rate: successes / trials,
  low,
  high,
});

const RULES = {
  combinator: "and" as const,
  not: false,
  rules: [{ field: "entry_point", operator: "=", value: "Free trial" }],
};

function discovery(proposals: Discovery["proposals"]): Discovery {
  return { baseline: rate(100, 1000, 0.083, 0.12), proposals, leaves: 6, min_leaf: 50, max_depth: 3, candidates: 120 };
}

function renderWithClient(node: React.ReactNode) {
  return render(<QueryClientProvider client={createQueryClient()}>{node}</QueryClientProvider>);
}

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe("DiscoverTab", () => {
  it("shows a proposal and saves it with its rules in one click", async () => {
    ipc.insightsDiscover.mockResolvedValue(
      discovery([
        {
          name: "Entry point is Free trial",
          conditions: ["Entry point is Free trial"],
          rules: RULES,
          conversion: rate(60, 200, 0.24, 0.37),
          lift: 3,
        },
      ]),
    );
    ipc.segmentSave.mockResolvedValue({ id: 42 });
    renderWithClient(<DiscoverTab settings={settings} onError={vi.fn()} />);
    await screen.findByText("Entry point is Free trial");
    expect(screen.getByTestId("discover-size-0").textContent).toBe("200");
    expect(screen.getByTestId("discover-rate-0").textContent).toContain("30.0%");
    expect(screen.getByText("3.00×")).toBeTruthy();
    expect(ipc.insightsDiscover).toHaveBeenCalledWith(settings.outcome, "2026-09-01", "2026-11-29", {
      max_depth: 3,
      min_leaf: null,
    });
    fireEvent.click(screen.getByTestId("discover-save-0"));
    await screen.findByTestId("discover-saved-0");
    const [id, draft] = ipc.segmentSave.mock.calls[0];
    expect(id).toBeNull();
    expect(draft.rules).toEqual(RULES);
    expect(draft.name).toBe("Entry point is Free trial");
    expect(draft.folder).toBe("Proposed");
    expect(draft.description).toContain("200 leads as of 2026-09-01");
  });

  it("says plainly when nothing beats the baseline", async () => {
    ipc.insightsDiscover.mockResolvedValue(discovery([]));
    renderWithClient(<DiscoverTab settings={settings} onError={vi.fn()} />);
    const none = await screen.findByTestId("discover-none");
    expect(none.textContent).toContain("No group converts clearly better");
    expect(none.textContent).toContain("10.0%");
  });
});

describe("CrosstabTab", () => {
  it("shows each cell's leads and rate, and the totals", async () => {
    ipc.fieldsList.mockResolvedValue([
      {
        key: "buying_stage",
        label: "Buying stage",
        type: "text",
        origin: "implicit",
        category: "behavioral",
        is_standard: true,
      },
      {
        key: "industry",
        label: "Industry",
        type: "text",
        origin: "explicit",
        category: "firmographic",
        is_standard: true,
      },
    ]);
    ipc.segmentsList.mockResolvedValue([]);
    const bucket = (label: string) => ({ label, rules: RULES });
    const table: Crosstab = {
      rows: [bucket("Awareness"), bucket("Decision")],
      columns: [bucket("Software")],
      cells: [[rate(0, 40, 0, 0.09)], [rate(12, 30, 0.25, 0.58)]],
      row_totals: [rate(0, 40, 0, 0.09), rate(12, 30, 0.25, 0.58)],
      column_totals: [rate(12, 70, 0.1, 0.28)],
      total: rate(12, 70, 0.1, 0.28),
    };
    ipc.insightsCrosstab.mockResolvedValue(table);
    renderWithClient(<CrosstabTab settings={settings} onError={vi.fn()} />);
    const cell = await screen.findByTestId("crosstab-cell-1-0");
    expect(cell.getAttribute("data-leads")).toBe("30");
    expect(cell.textContent).toContain("40.0%");
    await waitFor(() =>
      expect(ipc.insightsCrosstab).toHaveBeenCalledWith(
        { kind: "field", key: "buying_stage" },
        { kind: "field", key: "industry" },
        settings.outcome,
        "2026-09-01",
        "2026-11-29",
      ),
    );
    expect(screen.getByTestId("crosstab-total").textContent).toContain("70");
  });

  it("colours from near-white to a light teal that dark text reads on", () => {
    expect(cellColour(0, 0.5)).toBe("hsl(174, 60%, 97%)");
    expect(cellColour(0.5, 0.5)).toBe("hsl(174, 60%, 70%)");
  });
});
