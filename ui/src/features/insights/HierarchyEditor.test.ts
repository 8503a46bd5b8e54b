// The pure parts of the hierarchy editor and the hierarchy rule: moving a
// segment in the order, and the builder's defaults and coercion of a
// hierarchy rule's value.
import { describe, expect, it } from "vitest";

import { coerceValue, defaultOperatorFor, operatorsFor, valueShape } from "../../lib/segmentRules";
import { moved } from "./HierarchyEditor";

describe("moved", () => {
  it("moves an item up, down and to the top, and ignores moves past the ends", () => {
    expect(moved([1, 2, 3, 4], 2, 1)).toEqual([1, 3, 2, 4]);
    expect(moved([1, 2, 3, 4], 0, 1)).toEqual([2, 1, 3, 4]);
    expect(moved([1, 2, 3, 4], 3, 0)).toEqual([4, 1, 2, 3]);
    const same = [1, 2];
    expect(moved(same, 0, -1)).toBe(same);
    expect(moved(same, 1, 2)).toBe(same);
  });
});

describe("the hierarchy rule in the builder", () => {
  const hints = { today: "2026-11-29", hierarchy: { hierarchy: 1, segment: 4 } };
  it("offers primaryIs and secondaryIs with a hierarchy value", () => {
    expect(operatorsFor("hierarchy", []).map((o) => o.value)).toEqual(["primaryIs", "secondaryIs"]);
    expect(defaultOperatorFor("hierarchy")).toBe("primaryIs");
    expect(valueShape("hierarchy", "primaryIs")).toBe("hierarchy");
  });
  it("keeps a valid value and replaces anything else with the default", () => {
    const value = { hierarchy: 2, segment: 7 };
    expect(coerceValue("hierarchy", "secondaryIs", value, hints)).toBe(value);
    expect(coerceValue("hierarchy", "primaryIs", "Germany", hints)).toEqual({ hierarchy: 1, segment: 4 });
    expect(coerceValue("hierarchy", "primaryIs", null, { today: "2026-11-29" })).toBeNull();
  });
});
