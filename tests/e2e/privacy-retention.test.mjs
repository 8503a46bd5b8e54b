// Privacy → Retention in the real window on the demo workspace: the
// preview's count for 6 months equals the CLI's `retention run --dry-run`
// on the same workspace; the run, confirmed with that count, deletes them:
// the header's lead count drops by as many and the CLI's dry run finds
// none left, and the segment index's parts the run carried answer every
// segment as a build from SQL does. Screenshots and axe on the preview and
// the confirmation, a screenshot of the result.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  clearInput,
  cli,
  clickWhenStill,
  countsFromPartsAndFromSql,
  launchOpen,
  screenshot,
  typeInto,
} from "./support.mjs";

async function headerLeads(browser) {
  const text = await byTestId(browser, "workspace-menu").getText();
  return Number(/([\d,]+) leads/.exec(text)[1].replaceAll(",", ""));
}

describe("privacy: retention", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("previews the CLI's count, runs after a confirmation and the lead count drops", async (t) => {
    const { browser, demoDb } = app;
    const expected = JSON.parse(
      cli(
        "--db",
        demoDb,
        "retention",
        "run",
        "--inactive-months",
        "6",
        "--dry-run",
        "--json",
      ),
    ).count;
    if (expected === 0) {
      t.skip("the demo has no lead inactive for 6 months today");
      return;
    }
    const before = await headerLeads(browser);
    await byTestId(browser, "nav-privacy").click();
    await clickWhenStill(browser, byTestId(browser, "privacy-tab-retention"));
    const months = byTestId(browser, "retention-months");
    await months.waitForDisplayed({ timeout: 30_000 });
    await clearInput(browser, months);
    await typeInto(browser, months, "6");
    const count = byTestId(browser, "retention-count");
    await browser.waitUntil(
      async () =>
        (await count.isExisting()) &&
        Number(await count.getAttribute("data-value")) === expected,
      {
        timeout: 30_000,
        timeoutMsg: `the preview never showed ${expected} leads`,
      },
    );
    await byTestId(browser, "retention-sample").waitForDisplayed({
      timeout: 10_000,
    });
    await screenshot(browser, "privacy-retention-preview");
    await checkAccessibility(browser, "the Retention tab");

    await clickWhenStill(browser, byTestId(browser, "retention-run"));
    await byTestId(browser, "retention-dialog").waitForDisplayed({
      timeout: 10_000,
    });
    assert.match(
      await byTestId(browser, "retention-dialog-description").getText(),
      new RegExp(`deletes ${expected.toLocaleString("en-US")} leads`),
    );
    await screenshot(browser, "privacy-retention-dialog");
    await checkAccessibility(browser, "the retention confirmation");
    await clickWhenStill(browser, byTestId(browser, "retention-confirm"));
    await byTestId(browser, "retention-result").waitForDisplayed({
      timeout: 60_000,
    });
    await browser.waitUntil(
      async () => (await headerLeads(browser)) === before - expected,
      {
        timeout: 30_000,
        timeoutMsg: `the header's lead count never dropped by ${expected}`,
      },
    );
    const left = JSON.parse(
      cli(
        "--db",
        demoDb,
        "retention",
        "run",
        "--inactive-months",
        "6",
        "--dry-run",
        "--json",
      ),
    ).count;
    assert.equal(left, 0);
    await screenshot(browser, "privacy-retention-done");
    const afterRun = countsFromPartsAndFromSql(demoDb, app.dataDir);
    assert.ok(afterRun.parts > 0, "the file holds the segment index's parts after the run");
    assert.ok(afterRun.fromSql.length >= 20, afterRun.fromSql.join("; "));
    assert.deepEqual(afterRun.fromParts, afterRun.fromSql);
  });
});
