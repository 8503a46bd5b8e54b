// The app's first launch of a new day on a big workspace: the lead scores
// were last run on an earlier day, so the day's upkeep (scores re-run as of
// today, the day's segment history) is due. Launches the app once with the
// page cache dropped and times, from the launch: the first lead rows on
// screen; the Segments list with its counts (opened as soon as the first
// rows show); and the upkeep's commit (polled in the file with the sqlite3
// shell: the stored run's `ran_at` is this launch's). An app that does the
// upkeep before its first screen commits it before the first rows.
//
// Usage (from the repository root, with a release app; the workspace is
// changed: use a copy made a day old, as bench/first-launch-of-day.sh does):
//   LEADSTREAM_APP=target/release/leadstream-app \
//   xvfb-run -a --server-args="-screen 0 1280x800x24" node bench/first-launch-of-day.mjs WORKSPACE
import { byTestId, launchApp, leadTotal, screenshot } from "../tests/e2e/support.mjs";
import { dropPageCache, lastScoreRunAt, workspaceArgument } from "./upkeep-support.mjs";

const workspace = workspaceArgument("first-launch-of-day");
dropPageCache();
const launchedAt = Math.floor(Date.now() / 1000);
const started = performance.now();
let upkeepMs = null;
const poller = setInterval(() => {
  if (upkeepMs !== null) return;
  try {
    if (lastScoreRunAt(workspace) >= launchedAt) upkeepMs = performance.now() - started;
  } catch {
    // Busy or being written: ask again.
  }
}, 200);
const app = await launchApp({ args: [workspace] });
try {
  const { browser } = app;
  await byTestId(browser, "lead-row").waitForDisplayed({ timeout: 300_000 });
  const firstRowsMs = performance.now() - started;
  const leads = await leadTotal(browser);
  const noteShown = await byTestId(browser, "daily-upkeep").isExisting();
  await byTestId(browser, "nav-segments").click();
  await byTestId(browser, "segment-count-1").waitForExist({ timeout: 300_000 });
  await browser.waitUntil(
    async () => /\d/.test(await byTestId(browser, "segment-count-1").getText()),
    { timeout: 300_000, interval: 20 },
  );
  const segmentsMs = performance.now() - started;
  await screenshot(browser, "bench-first-launch-of-day-segments");
  await browser.waitUntil(async () => upkeepMs !== null, { timeout: 600_000, interval: 100 });
  console.log(
    `${leads} leads: first rows ${(firstRowsMs / 1000).toFixed(2)} s; Segments list with counts ` +
      `${(segmentsMs / 1000).toFixed(2)} s (${((segmentsMs - firstRowsMs) / 1000).toFixed(2)} s after the first rows); ` +
      `upkeep committed ${(upkeepMs / 1000).toFixed(2)} s; note shown at first rows: ${noteShown}`,
  );
} finally {
  clearInterval(poller);
  await app.stop();
}
