// A data-quality fix in the app on a big workspace: launches the real app on
// WORKSPACE, opens Quality → Fixes → Countries, waits for the suggested
// mappings, applies them all and times from the click on Apply until the
// app says the fix is done (the fix, then the scores' re-run and the
// segment history, as after every fix). Then opens the Import view, undoes
// that fix from its history and times from the confirmation until the
// outcome shows.
//
// Usage (from the repository root, with a release app; WORKSPACE is changed):
//   LEADSTREAM_APP=target/release/leadstream-app \
//   xvfb-run -a --server-args="-screen 0 1280x800x24" node bench/fix-app.mjs WORKSPACE
import { byTestId, clickWhenStill, launchApp, leadTotal, screenshot } from "../tests/e2e/support.mjs";

const workspace = process.argv[2];
if (!workspace) {
  console.error("usage: node bench/fix-app.mjs WORKSPACE");
  process.exit(2);
}

const app = await launchApp({ args: [workspace] });
try {
  const { browser } = app;
  await byTestId(browser, "workspace-name").waitForDisplayed({ timeout: 120_000 });
  const leads = await leadTotal(browser);

  await byTestId(browser, "nav-quality").click();
  await byTestId(browser, "quality-tab-fixes").click();
  await clickWhenStill(browser, byTestId(browser, "fixes-item-country"), 120_000);
  await byTestId(browser, "normalise-row").waitForDisplayed({ timeout: 300_000 });
  // Apply is enabled once the preview has counted the leads that change.
  await byTestId(browser, "normalise-apply").waitForEnabled({ timeout: 300_000, interval: 50 });
  const total = await byTestId(browser, "normalise-total").getText();

  const applied = Date.now();
  await clickWhenStill(browser, byTestId(browser, "normalise-apply"));
  const done = byTestId(browser, "fixes-done");
  await done.waitForDisplayed({ timeout: 300_000, interval: 50 });
  const fixMs = Date.now() - applied;
  const doneText = await done.getText();
  await screenshot(browser, "bench-fix-app-applied");

  await byTestId(browser, "nav-import").click();
  const row = await browser.$('[data-testid="import-history-row"][data-kind="normalise"]');
  await row.waitForDisplayed({ timeout: 60_000 });
  await clickWhenStill(browser, row.$('[data-testid="import-undo"]'));
  await byTestId(browser, "import-undo-question").waitForDisplayed({ timeout: 60_000 });
  const confirmed = Date.now();
  await clickWhenStill(browser, byTestId(browser, "import-undo-confirm"));
  const outcome = byTestId(browser, "import-undo-outcome");
  await outcome.waitForDisplayed({ timeout: 300_000, interval: 50 });
  const undoMs = Date.now() - confirmed;
  const outcomeText = await outcome.getText();
  await screenshot(browser, "bench-fix-app-undone");

  console.log(
    `${leads} leads: "${total}"; applied in ${fixMs} ms ("${doneText}"); ` +
      `undone in ${undoMs} ms ("${outcomeText}")`,
  );
} catch (error) {
  await screenshot(app.browser, "bench-fix-app-failed");
  throw error;
} finally {
  await app.stop();
}
