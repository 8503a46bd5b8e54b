// The app while the quality report computes: launches the real app on a
// workspace, opens the Quality view (whose report reads every lead and
// event: seconds at 1M leads), then at once the Segments view, and times
// until the built-in segments show their counts and until the report
// shows. With the report on the workspace's own connection the list waited
// for it; on a connection of its own it does not.
//
// Usage (from the repository root, with a release app):
//   LEADSTREAM_APP=target/release/leadstream-app \
//   xvfb-run -a --server-args="-screen 0 1280x800x24" node bench/quality-app.mjs WORKSPACE
import { byTestId, launchApp, leadTotal } from "../tests/e2e/support.mjs";

const workspace = process.argv[2];
if (!workspace) {
  console.error("usage: node bench/quality-app.mjs WORKSPACE");
  process.exit(2);
}

const hasDigits = (browser, testId) =>
  browser.execute((id) => /\d/.test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ""), testId);

const app = await launchApp({ args: [workspace] });
try {
  const { browser } = app;
  await byTestId(browser, "workspace-name").waitForDisplayed({ timeout: 120_000 });
  const leads = await leadTotal(browser);

  const started = Date.now();
  await byTestId(browser, "nav-quality").click();
  await byTestId(browser, "quality-view").waitForDisplayed({ timeout: 30_000 });
  await byTestId(browser, "nav-segments").click();
  await browser.waitUntil(() => hasDigits(browser, "segment-count-1"), { timeout: 300_000, interval: 50 });
  const listMs = Date.now() - started;

  await byTestId(browser, "nav-quality").click();
  await byTestId(browser, "quality-overview").waitForDisplayed({ timeout: 300_000, interval: 50 });
  const reportMs = Date.now() - started;
  console.log(
    `${leads} leads: opened Quality, then Segments: segment list with counts in ${listMs} ms; ` +
      `the quality report shown ${reportMs} ms after opening Quality`,
  );
} finally {
  await app.stop();
}
