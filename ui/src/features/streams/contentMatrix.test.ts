import { describe, expect, it } from "vitest";

import { itemSuitsCell, targetedItems } from "./contentMatrix";

describe("itemSuitsCell", () => {
  it("needs the stage tagged, takes untagged personas everywhere and compares case-insensitively", () => {
    expect(itemSuitsCell({ personas: [], stages: [], lifecycles: [] }, "Practitioner", "Decision")).toBe(false);
    expect(itemSuitsCell({ personas: [], stages: ["Decision"], lifecycles: [] }, "Practitioner", "Decision")).toBe(
      true,
    );
    expect(
      itemSuitsCell(
        { personas: ["practitioner "], stages: ["Decision"], lifecycles: ["prospect"] },
        "Practitioner",
        "decision",
      ),
    ).toBe(true);
    expect(
      itemSuitsCell(
        { personas: ["Executive decision maker"], stages: ["Decision"], lifecycles: [] },
        "Financial decision maker",
        "Decision",
      ),
    ).toBe(false);
    expect(
      itemSuitsCell({ personas: [], stages: ["Awareness"], lifecycles: [] }, "Financial decision maker", "Decision"),
    ).toBe(false);
    expect(
      itemSuitsCell({ personas: [], stages: ["Decision"], lifecycles: ["customer"] }, "Practitioner", "Decision"),
    ).toBe(false);
  });
});

describe("targetedItems", () => {
  it("counts only items tagged for both the persona and the stage", () => {
    const items = [
      { personas: [], stages: [], lifecycles: [] },
      { personas: ["Practitioner"], stages: [], lifecycles: [] },
      { personas: ["Practitioner", "Financial decision maker"], stages: ["Decision"], lifecycles: [] },
      { personas: ["Practitioner"], stages: ["Awareness"], lifecycles: [] },
    ];
    expect(targetedItems(items, "Practitioner", "Decision")).toBe(1);
    expect(targetedItems(items, "financial decision maker", "decision")).toBe(1);
    expect(targetedItems(items, "Executive decision maker", "Decision")).toBe(0);
  });
});
