import { describe, expect, it } from "vitest";

import { canRedo, canUndo, checkpoint, historyOf, push, redo, replace, undo } from "./history";

describe("history", () => {
  it("undoes and redoes steps in order", () => {
    let h = historyOf("a");
    h = push(h, "b");
    h = push(h, "c");
    expect(canUndo(h)).toBe(true);
    h = undo(h);
    expect(h.present).toBe("b");
    h = undo(h);
    expect(h.present).toBe("a");
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(h.present).toBe("c");
    expect(canRedo(h)).toBe(false);
  });

  it("drops the redo branch on a new step and ignores no-op pushes", () => {
    let h = push(push(historyOf(1), 2), 3);
    h = undo(h);
    h = push(h, 4);
    expect(h.future).toEqual([]);
    expect(h.past).toEqual([1, 2]);
    expect(push(h, h.present)).toBe(h);
  });

  it("undoes a whole drag (checkpoint + replaces) as one step", () => {
    let h = push(historyOf({ x: 0 }), { x: 1 });
    h = checkpoint(h);
    h = replace(h, { x: 5 });
    h = replace(h, { x: 9 });
    expect(h.present).toEqual({ x: 9 });
    h = undo(h);
    expect(h.present).toEqual({ x: 1 });
    h = undo(h);
    expect(h.present).toEqual({ x: 0 });
  });
});
