// Backend answers the UI's component tests hand to a mocked `ipc`, built
// once here so that every test speaks the bindings' shapes (tsc checks them).
import type { SegmentSummary } from "../bindings/SegmentSummary";

/** A saved, countable, user-made segment with no rules, as `segments_list` answers. */
export function savedSegmentSummary(id: number, name: string, count = 10): SegmentSummary {
  return {
    segment: {
      id,
      name,
      description: "",
      color: "#0f766e",
      folder: "",
      rules: { combinator: "and", not: false, rules: [] },
      is_builtin: false,
      created_at: 0,
      updated_at: 0,
    },
    count,
    problem: null,
  };
}
