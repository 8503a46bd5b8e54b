// A file that passes although an app's page crashed during it: not run again.
import { it } from "node:test";

import { reportPageCrash } from "./page-crash.mjs";

it("passes after a page crash it recovered from", () => {
  reportPageCrash("passes after a page crash it recovered from");
});
