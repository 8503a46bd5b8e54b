// How long a write waits while the app runs the day's upkeep beside its
// first screens. Launches the app with the page cache dropped on a workspace
// whose upkeep is due, opens the Segments list as soon as the first lead
// rows show, and from then on takes the workspace's write lock with the
// sqlite3 shell every 300 ms (`BEGIN IMMEDIATE; ROLLBACK`, waiting up to
// 60 s), until the upkeep's run is in the file. Prints the longest waits:
// a save in the app waits as long, and fails as busy past its 5 s timeout.
//
// Usage (from the repository root, with a release app; the workspace is
// changed: use a copy made a day old, as bench/first-launch-of-day.sh does):
//   LEADSTREAM_APP=target/release/leadstream-app \
//   xvfb-run -a --server-args="-screen 0 1280x800x24" node bench/write-during-upkeep.mjs WORKSPACE
import { execFileSync } from "node:child_process";

import { byTestId, launchApp } from "../tests/e2e/support.mjs";
import { dropPageCache, lastScoreRunAt, workspaceArgument } from "./upkeep-support.mjs";

const workspace = workspaceArgument("write-during-upkeep");
// A workspace whose upkeep is not due never gets a new run: stop then.
const GIVE_UP_AFTER_MS = 600_000;

function upkeepCommitted(launchedAt) {
  try {
    return lastScoreRunAt(workspace) >= launchedAt;
  } catch {
    return false; // Busy or being written: ask again.
  }
}

dropPageCache();
const launchedAt = Math.floor(Date.now() / 1000);
const started = performance.now();
const waits = [];
let committedMs = null;
const app = await launchApp({ args: [workspace] });
try {
  const { browser } = app;
  await byTestId(browser, "lead-row").waitForDisplayed({ timeout: 300_000 });
  await byTestId(browser, "nav-segments").click();
  while (!upkeepCommitted(launchedAt)) {
    if (performance.now() - started > GIVE_UP_AFTER_MS) {
      throw new Error("no upkeep committed in 10 minutes: is the workspace's upkeep due (a day-old copy)?");
    }
    const asked = performance.now();
    let outcome = "took the lock";
    try {
      execFileSync("sqlite3", ["-cmd", ".timeout 60000", workspace, "BEGIN IMMEDIATE; ROLLBACK;"], { stdio: "ignore" });
    } catch {
      outcome = "failed";
    }
    waits.push({ at: (asked - started) / 1000, ms: Math.round(performance.now() - asked), outcome });
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  committedMs = performance.now() - started;
} finally {
  await app.stop();
}
const longest = [...waits].sort((a, b) => b.ms - a.ms).slice(0, 3);
console.log(
  `${waits.length} writes; upkeep seen committed ${(committedMs / 1000).toFixed(1)} s after launch; ` +
    `longest waits: ${longest.map((w) => `${w.ms} ms at ${w.at.toFixed(1)} s (${w.outcome})`).join(", ")}`,
);
