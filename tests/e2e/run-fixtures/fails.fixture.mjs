// A file that fails with no page crash: never run again.
import assert from "node:assert/strict";
import { it } from "node:test";

it("fails on its own", () => {
  assert.fail("a real failure");
});
