// The Priorities (ICE) tab against a fake backend: the ranked rows in order
// with the E column labelled by the formula; typing a score sends it at once
// (E as effort under the weighted formula) and the answer re-ranks the rows
// and says where the row went; "Use" sends the suggestion; an out-of-range
// value is marked and never sent; the formula menu sets the formula.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { IceRow } from "../../bindings/IceRow";
import type { IceTable } from "../../bindings/IceTable";
import type { TargetSuggestions } from "../../bindings/TargetSuggestions";
import { createQueryClient } from "../../lib/queries";

const ipc = vi.hoisted(() => ({
  iceTable: vi.fn(),
  iceSuggestions: vi.fn(),
  iceSet: vi.fn(),
  iceSetFormula: vi.fn(),
  iceExport: vi.fn(),
  pickCsvSavePath: vi.fn(),
}));
vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));
const { PrioritiesTab } = await import("./PrioritiesTab");

const row = (id: number, name: string, rank: number | null, i: number | null, score: number | null): IceRow => ({
  rank,
  kind: "segment",
  id,
  name,
  impact: i,
  confidence: rank === null ? null : 5,
  ease: rank === null ? null : 6,
  e: rank === null ? null : 5,
  note_impact: "",
  note_confidence: "",
  note_ease: "",
  note: "",
  score,
});

const table = (rows: IceRow[]): IceTable => ({
  formula: "weighted",
  formula_text: "Impact × Confidence / Effort",
  e_is_effort: true,
  e_label: "Effort (1 = little work)",
  rows,
});

const BEFORE = table([row(1, "Alpha", 1, 8, 8), row(2, "Beta", 2, 2, 2), row(3, "Gamma", null, null, null)]);
const AFTER = table([row(2, "Beta", 1, 10, 10), row(1, "Alpha", 2, 8, 8), row(3, "Gamma", null, null, null)]);

const SUGGESTIONS: TargetSuggestions[] = [
  {
    kind: "segment",
    id: 3,
    impact: { value: 7, reasons: ["120 leads, 12% of all leads"] },
    confidence: { value: 4, reasons: ["wide interval"] },
    ease: { value: 8, reasons: ["content covers it"] },
    effort: { value: 3, reasons: ["content covers it"] },
  },
];

function renderTab() {
  ipc.iceTable.mockResolvedValue(BEFORE);
  ipc.iceSuggestions.mockResolvedValue(SUGGESTIONS);
  const onError = vi.fn();
  render(
    <QueryClientProvider client={createQueryClient()}>
      <PrioritiesTab onError={onError} />
    </QueryClientProvider>,
  );
  return onError;
}

const ranks = () =>
  screen
    .getAllByTestId(/^ice-row-/)
    .map((r) => [r.getAttribute("data-testid"), within(r).getByTestId(/^ice-rank-/).textContent]);

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe("PrioritiesTab", () => {
  it("lists the ranked rows, unscored last, with E labelled by the formula", async () => {
    renderTab();
    await screen.findByTestId("ice-table");
    expect(ranks()).toEqual([
      ["ice-row-segment-1", "1"],
      ["ice-row-segment-2", "2"],
      ["ice-row-segment-3", "–"],
    ]);
    expect(screen.getByTestId("ice-e-header").textContent).toBe("Effort (1 = little work)");
    expect(screen.getByTestId("ice-score-segment-3").textContent).toBe("not scored");
  });

  it("sends a typed score at once and follows the row to its new rank", async () => {
    renderTab();
    const input = await screen.findByTestId("ice-impact-segment-2");
    ipc.iceSet.mockResolvedValue(AFTER);
    fireEvent.change(input, { target: { value: "10" } });
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledWith("segment", 2, { impact: 10 }));
    await waitFor(() => expect(ranks()[0]).toEqual(["ice-row-segment-2", "1"]));
    expect(screen.getByTestId("ice-status").textContent).toBe("“Beta” moved up from rank 2 to rank 1");
  });

  it("sends E as effort under the weighted formula, and refuses 11", async () => {
    renderTab();
    const e = await screen.findByTestId("ice-e-segment-1");
    ipc.iceSet.mockResolvedValue(BEFORE);
    fireEvent.change(e, { target: { value: "2" } });
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledWith("segment", 1, { effort: 2 }));
    ipc.iceSet.mockClear();
    fireEvent.change(e, { target: { value: "11" } });
    expect(ipc.iceSet).not.toHaveBeenCalled();
    expect(e.getAttribute("aria-invalid")).toBe("true");
  });

  it("uses a suggestion only when asked, E as the column reads it", async () => {
    renderTab();
    const use = await screen.findByTestId("ice-impact-segment-3-use");
    expect(screen.getByTestId("ice-e-segment-3-suggested").textContent).toBe("Suggests 3");
    expect(ipc.iceSet).not.toHaveBeenCalled();
    ipc.iceSet.mockResolvedValue(BEFORE);
    fireEvent.click(use);
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledWith("segment", 3, { impact: 7 }));
    fireEvent.click(screen.getByTestId("ice-e-segment-3-use"));
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledWith("segment", 3, { effort: 3 }));
  });

  it("sets the formula from the menu and filters by name", async () => {
    renderTab();
    const menu = await screen.findByTestId("ice-formula");
    ipc.iceSetFormula.mockResolvedValue({
      ...BEFORE,
      formula: "product",
      e_is_effort: false,
      e_label: "Ease (10 = easiest)",
    });
    fireEvent.change(menu, { target: { value: "product" } });
    await waitFor(() => expect(ipc.iceSetFormula).toHaveBeenCalledWith("product"));
    await waitFor(() => expect(screen.getByTestId("ice-e-header").textContent).toBe("Ease (10 = easiest)"));
    fireEvent.change(screen.getByTestId("ice-search"), { target: { value: "gam" } });
    expect(ranks()).toEqual([["ice-row-segment-3", "–"]]);
  });
  it("sends a second edit only after the first is written, so the last typed value wins", async () => {
    renderTab();
    const input = await screen.findByTestId("ice-impact-segment-2");
    let finishFirst: (table: IceTable) => void = () => {};
    ipc.iceSet.mockImplementationOnce(() => new Promise<IceTable>((resolve) => (finishFirst = resolve)));
    ipc.iceSet.mockResolvedValueOnce(AFTER);
    fireEvent.change(input, { target: { value: "3" } });
    fireEvent.change(input, { target: { value: "9" } });
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledTimes(1));
    expect(ipc.iceSet).toHaveBeenLastCalledWith("segment", 2, { impact: 3 });
    finishFirst(BEFORE);
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledTimes(2));
    expect(ipc.iceSet).toHaveBeenLastCalledWith("segment", 2, { impact: 9 });
    await waitFor(() => expect(ranks()[0]).toEqual(["ice-row-segment-2", "1"]));
    await waitFor(() =>
      expect(screen.getByTestId("ice-status").textContent).toBe("“Beta” moved up from rank 2 to rank 1"),
    );
  });

  it("holds a typed 1 that may become 10, and sends it on Enter or when the focus leaves", async () => {
    renderTab();
    const input = await screen.findByTestId("ice-impact-segment-2");
    ipc.iceSet.mockResolvedValue(AFTER);
    fireEvent.change(input, { target: { value: "1" } });
    fireEvent.change(input, { target: { value: "10" } });
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledWith("segment", 2, { impact: 10 }));
    expect(ipc.iceSet).toHaveBeenCalledTimes(1);
    ipc.iceSet.mockClear();
    const other = screen.getByTestId("ice-impact-segment-1");
    fireEvent.change(other, { target: { value: "1" } });
    expect(ipc.iceSet).not.toHaveBeenCalled();
    fireEvent.keyDown(other, { key: "Enter" });
    await waitFor(() => expect(ipc.iceSet).toHaveBeenCalledWith("segment", 1, { impact: 1 }));
  });
});
