// A file that fails after a page crash on both runs.
import assert from "node:assert/strict";
import { it } from "node:test";

import { reportPageCrash } from "./page-crash.mjs";

it("fails after a page crash every time", () => {
  reportPageCrash("fails after a page crash every time");
  assert.fail("the session ended with the page's process");
});
