// Audiences in the real window (issue 15): a Meta audience of a segment
// exported through the Segments view's "Audience for ads…" dialog, with the
// save dialog answered by a path (WebDriver cannot drive the native dialog:
// the shell answers it with LEADSTREAM_E2E_SAVE_PATH under automation). The file equals `segment members … --for meta` of the CLI on
// the same workspace, and the banner's left-out numbers match the CLI's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, checkAccessibility, cliBinary, clickWhenStill, launchOpen, screenshot, typeInto } from "./support.mjs";

const today = new Date().toISOString().slice(0, 10);

describe("audiences for ad platforms", () => {
  let app;
  before(async () => {
    // The save dialog's answer, in the app's data folder (the shell honours
    // it only under automation, within the folders it may write to).
    process.env.LEADSTREAM_E2E_SAVE_PATH = "meta-audience.csv";
    app = await launchOpen();
    delete process.env.LEADSTREAM_E2E_SAVE_PATH;
  });
  after(async () => {
    await app?.stop();
  });

  it("exports a Meta audience of a segment, as the CLI does", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-segments").click();
    await byTestId(browser, "segments-view").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "segment-new").click();
    await typeInto(browser, byTestId(browser, "segment-as-of"), today);
    const count = byTestId(browser, "segment-live-count");
    await browser.waitUntil(async () => (await count.getAttribute("data-count")) === "5000", {
      timeout: 30_000,
      timeoutMsg: "the empty segment never counted every lead",
    });

    await clickWhenStill(browser, byTestId(browser, "segment-audience"));
    await byTestId(browser, "audience-dialog").waitForDisplayed({ timeout: 10_000 });
    await byTestId(browser, "audience-platform-meta").click();
    await screenshot(browser, "privacy-audience-dialog");
    await checkAccessibility(browser, "the audience dialog");
    await byTestId(browser, "audience-confirm").click();
    const notice = byTestId(browser, "segment-notice");
    await browser.waitUntil(async () => (await notice.isExisting()) && /for Meta/.test(await notice.getText()), {
      timeout: 60_000,
      timeoutMsg: "no result banner for the Meta audience",
    });
    const banner = await notice.getText();
    await screenshot(browser, "privacy-audience-banner");

    const exportPath = join(app.dataDir, "meta-audience.csv");
    const rulesPath = join(app.dataDir, "everyone.json");
    writeFileSync(rulesPath, JSON.stringify({ combinator: "and", rules: [] }));
    const cliPath = join(app.dataDir, "meta-cli.csv");
    const result = spawnSync(
      cliBinary,
      ["--db", app.demoDb, "segment", "members", rulesPath, "--as-of", today, "--for", "meta", "--out", cliPath],
      { encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.ok(banner.startsWith(result.stderr.trim()), `the banner says what the CLI says:\n${banner}\n${result.stderr}`);
    const fromApp = readFileSync(exportPath, "utf8");
    const fromCli = readFileSync(cliPath, "utf8");
    assert.equal(fromApp.split("\n")[0], "email,phone,fn,ln,ct,st,country");
    assert.equal(fromApp, fromCli, "the app's file is the CLI's");
    const rows = fromApp.trim().split("\n").length - 1;
    assert.ok(rows > 0 && rows < 5000);
    assert.ok(!fromApp.includes("@"), "no address in clear");

    // The banner: "Exported N people for Meta; left out M: a without advertising consent, b do not sell, c …".
    const number = (text) => Number(text.replace(/[^0-9]/g, ""));
    const exported = banner.match(/Exported ([\d,]+) people for Meta/);
    assert.ok(exported, banner);
    assert.equal(number(exported[1]), rows);
    const leftOut = banner.match(/left out ([\d,]+): ([^.]*)\./);
    assert.ok(leftOut, banner);
    const reasons = leftOut[2].split(", ").map((part) => number(part.match(/^[\d,]+/)[0]));
    assert.equal(reasons.reduce((a, b) => a + b, 0), number(leftOut[1]));
    assert.equal(rows + number(leftOut[1]), 5000, "every member is written or left out with a reason");
    assert.match(banner, /without advertising consent/);
    assert.match(banner, /do not sell/);
  });
});
