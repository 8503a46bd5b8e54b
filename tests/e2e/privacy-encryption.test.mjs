// Encryption at rest in the real window (issue 15): the Encryption tab of
// the Privacy view protects the demo workspace (passphrase typed twice, a
// short or mismatched one refused, the change confirmed); the file is then
// encrypted (no SQLite header, no planted e-mail in clear) and the CLI
// needs LEADSTREAM_PASSPHRASE. Relaunched on that workspace, the app asks
// for the passphrase instead of failing: a wrong one is refused in the
// dialog, the right one opens the workspace with the same lead count as
// the CLI. Opening it again from the workspace menu asks again.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cliBinary,
  clickWhenStill,
  launchApp,
  launchOpen,
  leadTotal,
  screenshot,
  typeInto,
} from "./support.mjs";

const PASSPHRASE = "correct horse battery";

/** Runs the CLI with `env` added; returns its exit code, stdout and stderr. */
function cliWith(env, ...args) {
  const run = spawnSync(cliBinary, args, {
    encoding: "utf8",
    env: { ...process.env, LEADSTREAM_PASSPHRASE: "", ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Whether the raw bytes of `path` contain `text`. */
const rawContains = (path, text) =>
  readFileSync(path).includes(Buffer.from(text, "utf8"));

async function openEncryptionTab(browser) {
  await clickWhenStill(browser, byTestId(browser, "nav-privacy"));
  await clickWhenStill(browser, byTestId(browser, "privacy-tab-encryption"));
  await byTestId(browser, "encryption-state").waitForDisplayed({
    timeout: 20_000,
  });
}

describe("protecting a workspace with a passphrase", () => {
  let app;
  let demoDb;
  let plantedEmail;
  let leads;
  before(async () => {
    app = await launchOpen();
    demoDb = app.demoDb;
    leads = await leadTotal(app.browser);
    // An e-mail the demo holds in clear before, to look for in the raw bytes after.
    const exported = JSON.parse(
      execFileSync(
        cliBinary,
        ["--db", demoDb, "leads", "export", "--format", "json"],
        { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
      ),
    );
    plantedEmail = exported.find((lead) => lead.email)?.email;
    assert.ok(
      plantedEmail && rawContains(demoDb, plantedEmail),
      "the demo holds an e-mail in clear",
    );
  });
  after(async () => {
    await app?.stop();
  });

  it("sets a passphrase from the Encryption tab, with checks and a confirmation", async () => {
    const { browser } = app;
    await openEncryptionTab(browser);
    const state = byTestId(browser, "encryption-state");
    assert.equal(await state.getAttribute("data-protected"), "false");
    assert.match(
      await byTestId(browser, "encryption-warning").getText(),
      /nobody can recover/,
    );
    await checkAccessibility(browser, "the Encryption tab (not protected)");

    const first = byTestId(browser, "encryption-new");
    const second = byTestId(browser, "encryption-repeat");
    await typeInto(browser, first, "short");
    await typeInto(browser, second, "short");
    await byTestId(browser, "encryption-protect").click();
    const problem = byTestId(browser, "encryption-problem");
    await problem.waitForDisplayed();
    assert.match(await problem.getText(), /at least 8 characters/);

    await typeInto(browser, first, PASSPHRASE);
    await typeInto(browser, second, `${PASSPHRASE}!`);
    await byTestId(browser, "encryption-protect").click();
    await browser.waitUntil(
      async () => /differ/.test(await problem.getText()),
      { timeout: 5_000 },
    );

    await typeInto(browser, second, PASSPHRASE);
    await byTestId(browser, "encryption-protect").click();
    const dialog = byTestId(browser, "encryption-dialog");
    await dialog.waitForDisplayed();
    // The demo workspace may already have backups (the daily one taken when
    // it opened): the question names how many will be encrypted with it.
    const listed = cliWith({}, "--db", demoDb, "backup", "list", "--json");
    assert.equal(listed.code, 0, listed.stderr);
    const backups = JSON.parse(listed.stdout).backups.length;
    const withBackups =
      backups === 0
        ? ""
        : ` and its ${backups} backup${backups === 1 ? "" : "s"}`;
    assert.ok(
      (await byTestId(browser, "encryption-question").getText()).includes(
        `encrypt “Demo”${withBackups} with this passphrase`,
      ),
    );
    await screenshot(browser, "privacy-encryption-confirm");
    await checkAccessibility(browser, "the protect confirmation");
    await byTestId(browser, "encryption-confirm").click();

    const outcome = byTestId(browser, "encryption-outcome");
    await outcome.waitForDisplayed({ timeout: 60_000 });
    assert.match(await outcome.getText(), /now protected/);
    await browser.waitUntil(
      async () => (await state.getAttribute("data-protected")) === "true",
      { timeout: 10_000 },
    );
    await screenshot(browser, "privacy-encryption-protected");
    await checkAccessibility(browser, "the Encryption tab (protected)");

    // The file on disk is encrypted: no SQLite header, no e-mail in clear.
    assert.notEqual(
      readFileSync(demoDb).subarray(0, 15).toString("latin1"),
      "SQLite format 3",
    );
    assert.ok(
      !rawContains(demoDb, plantedEmail),
      "the e-mail is no longer in clear in the file",
    );
    // The CLI needs the passphrase now, and counts the same leads with it.
    const without = cliWith({}, "--db", demoDb, "leads", "count");
    assert.equal(without.code, 1);
    assert.match(
      without.stderr,
      /protected with a passphrase: set LEADSTREAM_PASSPHRASE/,
    );
    const withKey = cliWith(
      { LEADSTREAM_PASSPHRASE: PASSPHRASE },
      "--db",
      demoDb,
      "leads",
      "count",
    );
    assert.equal(withKey.code, 0, withKey.stderr);
    assert.equal(Number(withKey.stdout.trim()), leads);
    // The app still works on it.
    await clickWhenStill(browser, byTestId(browser, "nav-leads"));
    assert.equal(await leadTotal(browser), leads);
  });

  it("asks for the passphrase when the protected workspace is launched, refusing a wrong one", async () => {
    await app.stop();
    app = await launchApp({ args: [demoDb] });
    const { browser } = app;
    const dialog = byTestId(browser, "passphrase-dialog");
    await dialog.waitForDisplayed({ timeout: 60_000 });
    assert.match(await dialog.getText(), /Demo is protected with a passphrase/);
    await checkAccessibility(browser, "the passphrase dialog");

    const input = byTestId(browser, "passphrase-input");
    await typeInto(browser, input, "not the passphrase");
    await byTestId(browser, "passphrase-open").click();
    const problem = byTestId(browser, "passphrase-problem");
    await problem.waitForDisplayed({ timeout: 30_000 });
    assert.match(await problem.getText(), /Wrong passphrase/);
    await screenshot(browser, "privacy-encryption-passphrase-dialog-wrong");
    await checkAccessibility(
      browser,
      "the passphrase dialog with a wrong passphrase",
    );

    await typeInto(browser, input, PASSPHRASE);
    await byTestId(browser, "passphrase-open").click();
    await byTestId(browser, "workspace-name").waitForDisplayed({
      timeout: 60_000,
    });
    await dialog.waitForDisplayed({ reverse: true });
    assert.equal(await byTestId(browser, "workspace-name").getText(), "Demo");
    assert.equal(await leadTotal(browser), leads);
  });

  it("asks again when it is reopened from the recent list; Cancel keeps the open workspace", async () => {
    const { browser } = app;
    // Switch to this data folder's own (plain) demo, so the protected one is in the menu's recent list.
    await clickWhenStill(browser, byTestId(browser, "workspace-menu"));
    await clickWhenStill(browser, byTestId(browser, "menu-demo"));
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "workspace-name").getText()) === "Demo",
      {
        timeout: 120_000,
      },
    );
    const recentItem = () => browser.$(`[role="menuitem"][title="${demoDb}"]`);
    await browser.waitUntil(
      async () => {
        if (!(await byTestId(browser, "workspace-menu-items").isExisting()))
          await byTestId(browser, "workspace-menu").click();
        return recentItem().isExisting();
      },
      {
        timeout: 120_000,
        interval: 1_000,
        timeoutMsg: "the protected workspace is in the recent list",
      },
    );
    await clickWhenStill(browser, recentItem());
    const dialog = byTestId(browser, "passphrase-dialog");
    await dialog.waitForDisplayed({ timeout: 30_000 });
    await screenshot(browser, "privacy-encryption-passphrase-dialog");
    await byTestId(browser, "passphrase-cancel").click();
    await dialog.waitForDisplayed({ reverse: true });
    assert.equal(
      await byTestId(browser, "error-banner").isExisting(),
      false,
      "cancelling is not an error",
    );

    await byTestId(browser, "workspace-menu").click();
    await clickWhenStill(browser, recentItem());
    await dialog.waitForDisplayed({ timeout: 30_000 });
    await typeInto(browser, byTestId(browser, "passphrase-input"), PASSPHRASE);
    await byTestId(browser, "passphrase-open").click();
    await dialog.waitForDisplayed({ reverse: true, timeout: 60_000 });
    assert.equal(await leadTotal(browser), leads);
    await openEncryptionTab(browser);
    assert.equal(
      await byTestId(browser, "encryption-state").getAttribute(
        "data-protected",
      ),
      "true",
    );
  });
});
