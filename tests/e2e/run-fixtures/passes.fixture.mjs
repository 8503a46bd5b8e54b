// A file that passes, with one test skipped in view.
import { it } from "node:test";

it("passes", () => {});
it("is skipped, and the summary says so", { skip: "to be counted" }, () => {});
