// The Overview tab against a fake backend: the report's counts in the
// cards, the stale months asked of the backend, a count's leads in a panel
// that opens a lead in Leads, and "Fix…" opening the Fixes tab on its field.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { QualityReport } from "../../bindings/QualityReport";
import { createQueryClient } from "../../lib/queries";

const ipc = vi.hoisted(() => ({ qualityReport: vi.fn(), leadDetail: vi.fn() }));
vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));
const navigation = vi.hoisted(() => ({ navigate: vi.fn() }));
vi.mock("../../lib/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/navigation")>()),
  navigate: navigation.navigate,
}));
const { OverviewTab } = await import("./OverviewTab");

const none = { total: 0, unsendable: 0, lead_ids: [] };

function report(staleMonths: number): QualityReport {
  return {
    as_of: 1_790_000_000,
    total_leads: 1234,
    completeness: [
      {
        category: "needs_based",
        filled_share: 0.38,
        fields: [
          { key: "budget", label: "Budget", category: "needs_based", filled: 469, empty: 765, empty_share: 0.62 },
        ],
      },
    ],
    mostly_empty: [
      {
        key: "budget",
        label: "Budget",
        empty: 765,
        empty_share: 0.62,
        segments: [{ id: 4, name: "Big budgets" }],
        message: "budget is empty for 62% of leads: rules on it can never match those leads",
      },
    ],
    emails: {
      missing: none,
      invalid: { total: 3, unsendable: 1, lead_ids: [121, 122, 123] },
      role: none,
      disposable: none,
      hard_bounced: none,
    },
    phones: {
      empty: 2,
      e164: 10,
      normalisable: { total: 1219, unsendable: 0, lead_ids: [1, 2] },
      invalid: none,
      invalid_reasons: [],
    },
    countries: {
      empty: 0,
      canonical: [{ value: "Germany", count: 1228 }],
      variants: [{ value: "Deutschland", canonical: "Germany", alpha2: "DE", count: 6 }],
      variant_leads: 6,
      unrecognised: [],
      unrecognised_leads: 0,
    },
    stale: {
      months: staleMonths,
      cutoff: 0,
      inactive: { total: staleMonths * 10, unsendable: 0, lead_ids: [5] },
      inactive_without_events: 1,
      activity_before_import: none,
    },
  };
}

function renderTab() {
  ipc.qualityReport.mockImplementation(async (options: { stale_months: number }) => report(options.stale_months));
  ipc.leadDetail.mockImplementation(async (id: number) => ({
    id,
    title: `Person ${id}`,
    external_id: null,
    fields: [],
    events: [],
    event_count: 0,
  }));
  render(
    <QueryClientProvider client={createQueryClient()}>
      <OverviewTab onError={() => {}} />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe("OverviewTab", () => {
  it("shows the report's counts and asks again for other stale months", async () => {
    renderTab();
    await waitFor(() => expect(screen.getByTestId("quality-email-invalid-count").textContent).toBe("3"));
    expect(screen.getByTestId("quality-email-invalid").textContent).toMatch(/1 already not sendable/);
    expect(screen.getByTestId("quality-phone-normalisable-count").textContent).toBe("1,219");
    expect(screen.getByTestId("quality-country-variants-count").textContent).toBe("6");
    expect(screen.getByTestId("quality-country-variant-list").textContent).toMatch(/Deutschland.*Germany/);
    expect(screen.getByTestId("quality-mostly-empty-budget").textContent).toMatch(
      /empty for 62% of leads.*Big budgets/,
    );
    expect(screen.getByTestId("quality-field-budget-empty-share").textContent).toBe("62%");
    expect(screen.getByTestId("quality-stale-inactive-count").textContent).toBe("60");
    expect(ipc.qualityReport).toHaveBeenLastCalledWith({ stale_months: 6, as_of: null });

    fireEvent.change(screen.getByTestId("quality-stale-months"), { target: { value: "12" } });
    await waitFor(() => expect(screen.getByTestId("quality-stale-inactive-count").textContent).toBe("120"));
    expect(ipc.qualityReport).toHaveBeenLastCalledWith({ stale_months: 12, as_of: null });
  });

  it("lists a count's leads, opens one in Leads, and links to the fixes", async () => {
    renderTab();
    fireEvent.click(await screen.findByTestId("quality-email-invalid-show"));
    expect(screen.getByTestId("quality-leads-panel").textContent).toMatch(/Invalid syntax: 3 leads/);
    await waitFor(() => expect(screen.getByTestId("quality-lead-122").textContent).toBe("Person 122"));
    fireEvent.click(screen.getByTestId("quality-lead-122"));
    expect(navigation.navigate).toHaveBeenLastCalledWith({ view: "leads", leadId: 122 });
    fireEvent.click(screen.getByTestId("quality-fix-country"));
    expect(navigation.navigate).toHaveBeenLastCalledWith({ view: "quality", tab: "fixes", field: "country" });
    fireEvent.click(screen.getByTestId("quality-leads-close"));
    expect(screen.queryByTestId("quality-leads-panel")).toBeNull();
  });
});
