// The suggestions panel against a fake backend: collapsed until opened, asks
// the core with the field outcome as `FIELD=VALUE`, lists each suggestion's
// lifts on both halves, and "Add to model" hands its ready rule over once.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Suggestions } from "../../bindings/Suggestions";
import { createQueryClient } from "../../lib/queries";

const ipc = vi.hoisted(() => ({ scoringSuggest: vi.fn(), fieldsList: vi.fn(), eventTypes: vi.fn() }));
vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));
const { SuggestPanel } = await import("./SuggestPanel");

const rate = (successes: number, trials: number) => ({
  successes,
  trials,
  rate: successes / trials,
  low: 0,
  high: 1,
});

const RULE = {
  label: "Persona is Executive",
  kind: "fit" as const,
  when: {
    combinator: "and" as const,
    not: false,
    rules: [{ field: "persona", operator: "=", value: "Executive" }],
  },
  points: 30,
};

const SUGGESTIONS: Suggestions = {
  as_of: 0,
  training: rate(20, 100),
  held_out: rate(22, 100),
  left_out: ["lifecycle_stage: the outcome rules read it"],
  suggestions: [
    {
      label: "Persona is Executive",
      kind: "fit",
      training: { with: rate(10, 20), without: rate(10, 80), lift: 4 },
      held_out: { with: rate(9, 20), without: rate(13, 80), lift: 2.77 },
      distinguishable: true,
      points: 30,
      rule: RULE,
    },
    {
      label: "Did page_view",
      kind: "engagement",
      training: { with: rate(10, 50), without: rate(10, 50), lift: 1 },
      held_out: { with: rate(11, 50), without: rate(11, 50), lift: 1 },
      distinguishable: false,
      points: 0,
      rule: { ...RULE, label: "Did page_view", points: 0 },
    },
  ],
};

afterEach(cleanup);

describe("SuggestPanel", () => {
  it("asks with the field outcome, lists both halves and adds a suggestion's rule once", async () => {
    ipc.fieldsList.mockResolvedValue([
      {
        key: "lifecycle_stage",
        label: "Lifecycle stage",
        type: "text",
        origin: "standard",
        category: "lead",
        is_standard: true,
        is_computed: false,
      },
    ]);
    ipc.eventTypes.mockResolvedValue([]);
    ipc.scoringSuggest.mockResolvedValue(SUGGESTIONS);
    const onAdd = vi.fn();
    render(
      <QueryClientProvider client={createQueryClient()}>
        <SuggestPanel onAdd={onAdd} />
      </QueryClientProvider>,
    );
    expect(screen.queryByTestId("suggest-run")).toBeNull();
    fireEvent.click(screen.getByTestId("suggest-open"));
    fireEvent.click(screen.getByTestId("suggest-kind-field"));
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(2));
    fireEvent.change(screen.getByTestId("suggest-field"), { target: { value: "lifecycle_stage" } });
    fireEvent.change(screen.getByTestId("suggest-field-value"), { target: { value: "Customer" } });
    fireEvent.click(screen.getByTestId("suggest-run"));
    await waitFor(() => expect(screen.getByTestId("suggest-training-lift-0").textContent).toBe("4.00×"));
    expect(ipc.scoringSuggest).toHaveBeenCalledWith("lifecycle_stage=Customer", expect.any(String), 60, ["purchase"]);
    expect(screen.getByTestId("suggest-held-out-lift-0").textContent).toBe("2.77×");
    expect(screen.getByTestId("suggest-points-1").textContent).toBe("0 (no clear effect)");
    expect((screen.getByTestId("suggest-add-1") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("suggest-add-0"));
    expect(onAdd).toHaveBeenCalledWith(RULE);
    expect(screen.getByTestId("suggest-add-0").textContent).toBe("Added");
    fireEvent.click(screen.getByTestId("suggest-add-0"));
    expect(onAdd).toHaveBeenCalledTimes(1);
  });
});
