// The unsaved-changes question as a modal: focus on "Keep editing", Tab kept
// inside, Escape keeps editing and puts focus back where it was.
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { confirmLeave, resetUnsavedChanges, useUnsavedChanges } from "../lib/unsavedChanges";
import { UnsavedChangesDialog } from "./UnsavedChangesDialog";

afterEach(() => {
  cleanup();
  resetUnsavedChanges();
});

function Editor() {
  useUnsavedChanges("segment", "segment “Hot”", true);
  return (
    <>
      <input data-testid="editor" />
      <input data-testid="elsewhere" />
    </>
  );
}

async function ask() {
  render(
    <>
      <Editor />
      <UnsavedChangesDialog />
    </>,
  );
  screen.getByTestId("editor").focus();
  let answer: Promise<boolean> = Promise.resolve(true);
  act(() => {
    answer = confirmLeave();
  });
  return answer;
}

describe("UnsavedChangesDialog", () => {
  it("starts on Keep editing and keeps Tab inside", async () => {
    void ask();
    expect(screen.getByRole("alertdialog").textContent).toMatch(/segment “Hot”/);
    expect(document.activeElement).toBe(screen.getByTestId("unsaved-keep"));
    fireEvent.keyDown(document.activeElement as Element, { key: "Tab" });
    expect(document.activeElement).toBe(screen.getByTestId("unsaved-discard"));
    fireEvent.keyDown(document.activeElement as Element, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(screen.getByTestId("unsaved-keep"));
  });

  it("Escape keeps editing and gives focus back to the editor", async () => {
    const answer = ask();
    act(() => {
      fireEvent.keyDown(screen.getByTestId("unsaved-keep"), { key: "Escape" });
    });
    await expect(answer).resolves.toBe(false);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    expect(document.activeElement).toBe(screen.getByTestId("editor"));
  });

  it("Discard changes lets the user leave", async () => {
    const answer = ask();
    act(() => {
      fireEvent.click(screen.getByTestId("unsaved-discard"));
    });
    await expect(answer).resolves.toBe(true);
  });

  it("leaves the focus where the user put it right after answering", async () => {
    const answer = ask();
    act(() => {
      fireEvent.click(screen.getByTestId("unsaved-discard"));
    });
    await expect(answer).resolves.toBe(true);
    // A click into another input before the next frame (as on a busy machine): the focus stays there.
    screen.getByTestId("elsewhere").focus();
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    expect(document.activeElement).toBe(screen.getByTestId("elsewhere"));
  });
});
