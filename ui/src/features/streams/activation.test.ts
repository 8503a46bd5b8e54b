// Tests of the notice after a stream asked to be active was saved inactive.
import { describe, expect, it } from "vitest";

import type { StreamDefinition } from "../../bindings/StreamDefinition";
import { notActivatedText, problemPlace } from "./activation";

const definition = {
  entry_segments: [],
  nodes: [
    { id: "entry", action: { type: "entry" }, x: 0, y: 0 },
    { id: "wait-1", action: { type: "wait", amount: 3, unit: "days" }, x: 0, y: 0 },
  ],
  edges: [],
} as unknown as StreamDefinition;
const title = (action: { type: string }) => (action.type === "wait" ? "Wait 3 days" : "Entry");

describe("not activated notice", () => {
  it("names the step by title and id, and stream-wide problems as the settings", () => {
    expect(problemPlace({ node_id: "wait-1", message: "x" }, title, definition)).toBe("step “Wait 3 days” (wait-1)");
    expect(problemPlace({ node_id: null, message: "x" }, title, definition)).toBe("stream settings");
    expect(problemPlace({ node_id: "gone", message: "x" }, title, definition)).toBe("step gone");
  });

  it("says it was saved, why it is not active and where, without internal error words", () => {
    const text = notActivatedText(
      "Trade show",
      [
        { node_id: null, message: "choose at least one entry segment" },
        { node_id: "wait-1", message: "connect this step to a next step" },
      ],
      title,
      definition,
    );
    expect(text).toContain("Saved “Trade show”, but not active");
    expect(text).toContain("these 2 problems are left");
    expect(text).toContain("stream settings: choose at least one entry segment");
    expect(text).toContain("step “Wait 3 days” (wait-1): connect this step to a next step");
    expect(text).not.toMatch(/invalid argument/i);
  });
});
