// The first segment list in the real app: launches it on a workspace, waits
// WAIT seconds on the Leads view, opens Segments and times until the
// built-in segments show their counts (loaded from the index's parts in the
// workspace file, or built and stored when it holds none), then until a
// template's live count shows. With SCREENSHOT=FILE it saves the window
// once the counts show.
//
// Usage (from the repository root, with a release app):
//   LEADSTREAM_APP=target/release/leadstream-app [SCREENSHOT=segments.png] \
//   xvfb-run -a --server-args="-screen 0 1280x800x24" node bench/segments-app.mjs WORKSPACE WAIT
import { byTestId, launchApp, leadTotal } from "../tests/e2e/support.mjs";

const workspace = process.argv[2];
const wait = Number(process.argv[3] ?? 0);
if (!workspace) {
  console.error("usage: node bench/segments-app.mjs WORKSPACE [WAIT_SECONDS]");
  process.exit(2);
}

const app = await launchApp({ args: [workspace] });
try {
  const { browser } = app;
  await byTestId(browser, "workspace-name").waitForDisplayed({ timeout: 120_000 });
  const leads = await leadTotal(browser);
  await new Promise((resolve) => setTimeout(resolve, wait * 1000));

  const started = Date.now();
  await byTestId(browser, "nav-segments").click();
  const firstCount = byTestId(browser, "segment-count-1");
  await firstCount.waitForExist({ timeout: 300_000 });
  await browser.waitUntil(async () => /\d/.test(await browser.execute(() => document.querySelector('[data-testid="segment-count-1"]')?.textContent ?? "")), {
    timeout: 300_000,
    interval: 50,
  });
  const listMs = Date.now() - started;
  if (process.env.SCREENSHOT) await browser.saveScreenshot(process.env.SCREENSHOT);

  const previewStarted = Date.now();
  await byTestId(browser, "segment-template-menu").selectByAttribute("value", "actions-whitepaper-downloaders");
  const live = byTestId(browser, "segment-live-count");
  await browser.waitUntil(async () => (await live.getAttribute("data-count")) !== "", { timeout: 300_000, interval: 50 });
  const previewMs = Date.now() - previewStarted;
  if (process.env.SCREENSHOT) await browser.saveScreenshot(process.env.SCREENSHOT.replace(/\.png$/, "-preview.png"));

  console.log(
    `${leads} leads, waited ${wait} s on Leads: segment list with counts in ${listMs} ms, ` +
      `then a template's live count in ${previewMs} ms`,
  );
} finally {
  await app.stop();
}
