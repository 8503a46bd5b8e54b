// A file whose first run fails after a page crash, and whose second passes.
import assert from "node:assert/strict";
import { it } from "node:test";

import { attempt, reportPageCrash } from "./page-crash.mjs";

it("checks something after the page crashed once", () => {
  if (attempt === 1) reportPageCrash("checks something after the page crashed once");
  assert.equal(attempt, 2, "the session ended with the page's process");
});
