// The lead detail panel: titled by the lead's stand-in name when it has no
// name, the implicit badge explained, and Escape closes it.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { LeadDetail } from "../../bindings/LeadDetail";

const NAMELESS: LeadDetail = {
  id: 7,
  title: "ID 7927b2df",
  external_id: "7927b2df",
  fields: [
    {
      field: {
        key: "email",
        label: "Email",
        type: "text",
        origin: "explicit",
        category: "demographic",
        is_standard: true,
        is_computed: false,
      },
      value: null,
    },
    {
      field: {
        key: "score",
        label: "Score",
        type: "number",
        origin: "implicit",
        category: "behavioral",
        is_standard: true,
        is_computed: false,
      },
      value: 12,
    },
  ],
  events: [],
  event_count: 0,
};

vi.mock("../../lib/ipc", () => ({ ipc: { leadDetail: async () => NAMELESS } }));

const { LeadDetailPanel, ORIGIN_NOTE } = await import("./LeadDetailPanel");
const { createQueryClient } = await import("../../lib/queries");

afterEach(cleanup);

describe("LeadDetailPanel", () => {
  it("titles a nameless lead by its external id and explains implicit fields", async () => {
    const onClose = vi.fn();
    render(
      <QueryClientProvider client={createQueryClient()}>
        <LeadDetailPanel id={7} onClose={onClose} onError={vi.fn()} />
      </QueryClientProvider>,
    );
    expect(await screen.findByText("ID 7927b2df")).toBeTruthy();
    expect(screen.getByTestId("detail-subtitle").textContent).toBe("No e-mail address");
    expect(screen.queryByText(/Unnamed lead/)).toBeNull();
    const badge = screen.getByText("implicit");
    expect(badge.getAttribute("title")).toBe(ORIGIN_NOTE);
    expect(document.getElementById(badge.getAttribute("aria-describedby") ?? "")?.textContent).toBe(ORIGIN_NOTE);

    fireEvent.keyDown(screen.getByTestId("lead-detail"), { key: "Escape" });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
