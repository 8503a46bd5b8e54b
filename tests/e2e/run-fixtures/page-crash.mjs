// Shared by the fixtures of run.test.mjs: reports a page crash the way
// support.mjs does when an app's stderr says its page process ended.
import { appendFileSync } from "node:fs";

export const attempt = Number(process.env.LEADSTREAM_E2E_ATTEMPT);

export function reportPageCrash(test) {
  const line = "leadstream: the window's page process ended (Crashed); loading the page again";
  appendFileSync(process.env.LEADSTREAM_E2E_PAGE_CRASH_LOG, `${JSON.stringify({ test, line })}\n`);
}
