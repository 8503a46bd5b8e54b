// The "Add goal" form against a fake backend: no baseline until a segment is
// picked, then the baseline measured for the picked segment and metric
// (before saving), the draft sent on save, and the core's refusal shown.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { createQueryClient } from "../../lib/queries";
import { savedSegmentSummary } from "../../testing/fixtures";

const ipc = vi.hoisted(() => ({
  segmentsList: vi.fn(),
  streamsList: vi.fn(),
  goalBaseline: vi.fn(),
  goalAdd: vi.fn(),
}));
vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));
const { GoalForm } = await import("./GoalForm");

const measurement = { at: 0, members: 250, converted_since: 0, converted_recently: 30, engaged: 100, emailable: 200 };

function renderForm(onAdded = vi.fn()) {
  ipc.segmentsList.mockResolvedValue([savedSegmentSummary(7, "Germany")]);
  ipc.streamsList.mockResolvedValue([]);
  ipc.goalBaseline.mockImplementation(async (draft: { metric: string }) => ({
    value: draft.metric === "conversion-rate" ? 12 : 250,
    at: 1_790_000_000,
    measurement,
  }));
  render(
    <QueryClientProvider client={createQueryClient()}>
      <GoalForm onAdded={onAdded} onCancel={() => {}} />
    </QueryClientProvider>,
  );
  return onAdded;
}

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe("GoalForm", () => {
  it("shows the baseline of the picked segment and metric before saving", async () => {
    renderForm();
    expect(screen.getByTestId("goal-baseline").textContent).toMatch(/Pick a segment/);
    await waitFor(() => expect(screen.getAllByRole("option", { name: "Germany" })).toHaveLength(1));
    fireEvent.change(screen.getByTestId("goal-subject"), { target: { value: "segment:7" } });
    await waitFor(() => expect(screen.getByTestId("goal-baseline").textContent).toMatch(/Baseline: 250 \(250 members/));
    fireEvent.change(screen.getByTestId("goal-metric"), { target: { value: "conversion-rate" } });
    await waitFor(() => expect(screen.getByTestId("goal-baseline").textContent).toMatch(/Baseline: 12\.0%/));
    const asked = ipc.goalBaseline.mock.calls.at(-1)?.[0];
    expect(asked.subject).toEqual({ kind: "segment", id: 7 });
    expect(asked.metric).toBe("conversion-rate");
  });

  it("never shows the last metric's baseline while the new one is measured", async () => {
    renderForm();
    await waitFor(() => expect(screen.getAllByRole("option", { name: "Germany" })).toHaveLength(1));
    fireEvent.change(screen.getByTestId("goal-subject"), { target: { value: "segment:7" } });
    await waitFor(() => expect(screen.getByTestId("goal-baseline").textContent).toMatch(/Baseline: 250 /));
    let measured: (value: unknown) => void = () => {};
    ipc.goalBaseline.mockImplementationOnce(() => new Promise((resolve) => (measured = resolve)));
    fireEvent.change(screen.getByTestId("goal-metric"), { target: { value: "conversion-rate" } });
    expect(screen.getByTestId("goal-baseline").textContent).toBe("Measuring the baseline…");
    measured({ value: 12, at: 1_790_000_000, measurement });
    await waitFor(() => expect(screen.getByTestId("goal-baseline").textContent).toMatch(/Baseline: 12\.0%/));
  });

  it("sends the draft and shows the core's refusal", async () => {
    const onAdded = renderForm();
    ipc.goalAdd.mockRejectedValueOnce(new Error("the goal's target 12 equals its baseline 12"));
    await waitFor(() => expect(screen.getAllByRole("option", { name: "Germany" })).toHaveLength(1));
    fireEvent.change(screen.getByTestId("goal-subject"), { target: { value: "segment:7" } });
    fireEvent.change(screen.getByTestId("goal-metric"), { target: { value: "conversion-rate" } });
    fireEvent.change(screen.getByTestId("goal-target"), { target: { value: "12" } });
    fireEvent.change(screen.getByTestId("goal-objective"), { target: { value: "own" } });
    fireEvent.change(screen.getByTestId("goal-objective-own"), { target: { value: "Fewer wasted sends" } });
    fireEvent.click(screen.getByTestId("goal-save"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toMatch(/target 12 equals its baseline 12/));
    const sent = ipc.goalAdd.mock.calls[0][0];
    expect(sent).toMatchObject({ target: 12, metric: "conversion-rate", objective: "Fewer wasted sends" });
    ipc.goalAdd.mockResolvedValueOnce({ id: 9 });
    fireEvent.change(screen.getByTestId("goal-target"), { target: { value: "20" } });
    fireEvent.click(screen.getByTestId("goal-save"));
    await waitFor(() => expect(onAdded).toHaveBeenCalledWith(9));
  });
});
