// The Plan tab's link to the overlap view opens the entry segments of the streams concerned.
import { describe, expect, it } from "vitest";

import type { Stream } from "../../bindings/Stream";
import { entrySegmentsOf } from "./PlanResults";

const stream = (id: number, entry_segments: number[]) =>
  ({ id, name: `S${id}`, priority: 0, is_active: true, definition: { entry_segments } }) as unknown as Stream;

describe("entrySegmentsOf", () => {
  it("gathers the entry segments of the named streams, each once", () => {
    const streams = [stream(1, [5, 6]), stream(2, [6, 7]), stream(3, [9])];
    expect(entrySegmentsOf(streams, [2, 1])).toEqual([5, 6, 7]);
    expect(entrySegmentsOf(streams, [4])).toEqual([]);
  });
});
