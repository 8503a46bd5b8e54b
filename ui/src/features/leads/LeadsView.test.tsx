// The lead browser against a fake backend: the quick search must always end
// on the answer to the last query typed, however fast the backend answers.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import type { Field } from "../../bindings/Field";
import type { LeadPage } from "../../bindings/LeadPage";
import type { LeadQuery } from "../../bindings/LeadQuery";

const MULLERS = 3;
const ALL = 5000;

// A backend that answers at once (on the next microtask), like the real one
// does for a search with no match: the answer can beat React's effects.
const leadsPage = vi.fn(async (query: LeadQuery): Promise<LeadPage> => {
  const search = (query.search ?? "").toLowerCase();
  const total = search === "" ? ALL : search === "müller" ? MULLERS : 0;
  const rows = [];
  for (let i = query.offset; i < Math.min(query.offset + query.limit, total); i++) {
    rows.push({
      id: i + 1,
      cells: query.columns.map((key) => (key === "last_name" ? "Müller" : `${key} ${i}`)),
      stand_in_name: null,
    });
  }
  return { total: query.offset === 0 ? total : null, offset: query.offset, rows };
});

const FIELDS: Field[] = [
  {
    key: "first_name",
    label: "First name",
    type: "text",
    origin: "explicit",
    category: "demographic",
    is_standard: true,
    is_computed: false,
  },
  {
    key: "last_name",
    label: "Last name",
    type: "text",
    origin: "explicit",
    category: "demographic",
    is_standard: true,
    is_computed: false,
  },
];

vi.mock("../../lib/ipc", () => ({
  ipc: {
    fieldsList: async () => FIELDS,
    leadsPage: (query: LeadQuery) => leadsPage(query),
    leadDetail: async () => {
      throw new Error("not used");
    },
  },
}));

const { LeadsView } = await import("./LeadsView");
const { createQueryClient } = await import("../../lib/queries");

beforeAll(() => {
  // jsdom has no layout: give the table a height so the virtualiser renders
  // rows, as it does in the window, and let updates run as they do there
  // (scheduled, not flushed synchronously by act()).
  for (const [name, value] of [
    ["clientHeight", 600],
    ["clientWidth", 1000],
    ["offsetHeight", 600],
    ["offsetWidth", 1000],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
  HTMLElement.prototype.scrollTo ??= () => {};
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(cleanup);

const workspace = { name: "Demo", path: null, lead_count: ALL, field_count: 2, schema_version: 1, warnings: [] };

describe("LeadsView quick search", () => {
  // The defect: with an answer that arrived before the effect that marked its
  // query current, the table stayed on "Counting…" for good.
  it("quick search never stays on Counting when the answer beats the effect", async () => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
    const onError = vi.fn();
    render(
      <QueryClientProvider client={createQueryClient()}>
        <LeadsView workspace={workspace} onError={onError} />
      </QueryClientProvider>,
    );
    const total = await screen.findByTestId("lead-total");
    await waitFor(() => expect(total.getAttribute("data-total")).toBe(String(ALL)));

    const search = screen.getByTestId("lead-search");
    fireEvent.change(search, { target: { value: "MÜLLER" } });
    await waitFor(() => expect(total.getAttribute("data-total")).toBe(String(MULLERS)), { timeout: 2000 });
    await waitFor(() => expect(screen.getAllByTestId("lead-row").length).toBe(MULLERS));

    fireEvent.change(search, { target: { value: "zzzz-no-such-lead" } });
    await screen.findByTestId("no-leads", undefined, { timeout: 2000 });
    expect(total.getAttribute("data-total")).toBe("0");
    expect(total.textContent).toBe("0 of 5,000 leads match");
    expect(onError).not.toHaveBeenCalled();
  });
});
