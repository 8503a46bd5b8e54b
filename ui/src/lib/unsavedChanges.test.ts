import { act, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { confirmLeave, resetUnsavedChanges, unsavedLabels, usePendingLeave, useUnsavedChanges } from "./unsavedChanges";
import { clearDraft, readDraft, writeDraft } from "./drafts";

afterEach(() => resetUnsavedChanges());

describe("confirmLeave", () => {
  it("lets the user leave at once when nothing is unsaved", async () => {
    expect(unsavedLabels()).toEqual([]);
    await expect(confirmLeave()).resolves.toBe(true);
  });

  it("asks while an editor is dirty, and discarding runs the editor's onDiscard", async () => {
    const onDiscard = vi.fn();
    const { rerender } = renderHook(({ dirty }) => useUnsavedChanges("segment", "segment “Hot”", dirty, onDiscard), {
      initialProps: { dirty: true },
    });
    expect(unsavedLabels()).toEqual(["segment “Hot”"]);

    let answerQuestion: ((leave: boolean) => void) | undefined;
    const pending = renderHook(() => usePendingLeave());
    let stay: Promise<boolean> = Promise.resolve(true);
    act(() => {
      stay = confirmLeave();
    });
    answerQuestion = pending.result.current?.answer;
    expect(pending.result.current?.labels).toEqual(["segment “Hot”"]);
    act(() => answerQuestion?.(false));
    await expect(stay).resolves.toBe(false);
    expect(onDiscard).not.toHaveBeenCalled();

    let leave: Promise<boolean> = Promise.resolve(false);
    act(() => {
      leave = confirmLeave();
    });
    answerQuestion = pending.result.current?.answer;
    act(() => answerQuestion?.(true));
    await expect(leave).resolves.toBe(true);
    expect(onDiscard).toHaveBeenCalledTimes(1);
    expect(unsavedLabels()).toEqual([]);

    rerender({ dirty: false });
    await expect(confirmLeave()).resolves.toBe(true);
  });
});

describe("drafts", () => {
  it("round-trips a draft per workspace and forgets it when cleared", () => {
    vi.useFakeTimers().setSystemTime(new Date("2026-11-29T10:00:00Z"));
    writeDraft("/a.leadstream", "segment:7", { rules: 1 });
    expect(readDraft("/a.leadstream", "segment:7")).toEqual({
      savedAt: "2026-11-29T10:00:00.000Z",
      value: { rules: 1 },
    });
    expect(readDraft("/b.leadstream", "segment:7")).toBeNull();
    clearDraft("/a.leadstream", "segment:7");
    expect(readDraft("/a.leadstream", "segment:7")).toBeNull();
    vi.useRealTimers();
  });
});
