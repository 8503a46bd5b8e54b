import { describe, expect, it } from "vitest";

import { holdIntent, navigate, onNavigate, takeIntent } from "./navigation";

describe("navigation intents", () => {
  it("are handed to App, and taken once by the view they are for", () => {
    const seen: string[] = [];
    const stop = onNavigate((intent) => {
      seen.push(intent.view);
      holdIntent(intent);
    });
    navigate({ view: "insights", tab: "coverage" });
    expect(seen).toEqual(["insights"]);
    expect(takeIntent("segments")).toBeNull();
    expect(takeIntent("insights")).toEqual({ view: "insights", tab: "coverage" });
    expect(takeIntent("insights")).toBeNull();
    stop();
    navigate({ view: "insights", tab: "overlap" });
    expect(seen).toEqual(["insights"]);
  });
});
