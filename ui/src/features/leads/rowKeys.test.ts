// Keyboard movement in the lead table.
import { describe, expect, it } from "vitest";

import { nextRowIndex, opensRow, tabbableRow } from "./rowKeys";

describe("nextRowIndex", () => {
  it("moves one row with the arrows and stays inside the table", () => {
    expect(nextRowIndex("ArrowDown", 0, 10, 20)).toBe(1);
    expect(nextRowIndex("ArrowUp", 0, 10, 20)).toBe(0);
    expect(nextRowIndex("ArrowDown", 9, 10, 20)).toBe(9);
  });

  it("moves a screenful with Page Up/Down and to the ends with Home/End", () => {
    expect(nextRowIndex("PageDown", 0, 1000, 20)).toBe(19);
    expect(nextRowIndex("PageUp", 50, 1000, 20)).toBe(31);
    expect(nextRowIndex("PageUp", 5, 1000, 20)).toBe(0);
    expect(nextRowIndex("Home", 500, 1000, 20)).toBe(0);
    expect(nextRowIndex("End", 5, 1000, 20)).toBe(999);
  });

  it("ignores other keys and empty tables", () => {
    expect(nextRowIndex("a", 3, 10, 20)).toBeNull();
    expect(nextRowIndex("ArrowDown", 0, 0, 20)).toBeNull();
  });
});

describe("opensRow and tabbableRow", () => {
  it("opens with Enter or Space", () => {
    expect(opensRow("Enter")).toBe(true);
    expect(opensRow(" ")).toBe(true);
    expect(opensRow("Tab")).toBe(false);
  });

  it("lets Tab land on the active row, else the first rendered one", () => {
    expect(tabbableRow(4, [2, 3, 4, 5])).toBe(4);
    expect(tabbableRow(400, [2, 3, 4, 5])).toBe(2);
    expect(tabbableRow(0, [])).toBeNull();
  });
});
