// Workspaces in the real window: the first-run welcome (demo data said
// plainly, first steps that open their views, dismissal kept after a
// relaunch), the workspace menu closing on Escape and on a click outside,
// creating a new one from the menu (the one closed stores its quick search's
// keys for the next start, as quitting does), switching back through the
// recent list,
// a broken recent entry reported as a readable error instead of a blank
// screen, and files the user never chose refused.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  clearInput,
  cli,
  launchApp,
  leadTotal,
  screenshot,
  storedSearchKeys,
  typeInto,
  writeJson,
  launchOpen,
} from "./support.mjs";

describe("creating and switching workspaces", () => {
  let app;
  before(async () => {
    app = await launchApp();
  });
  after(async () => {
    await app?.stop();
  });

  it("creates a new empty workspace from the menu", async () => {
    await byTestId(app.browser, "workspace-name").waitForDisplayed({ timeout: 60_000 });
    // A search in the demo: the app builds the search's keys, and stores them
    // in the demo's file when the demo closes (here, as the new one opens).
    const demoFile = join(app.dataDir, "Demo.leadstream");
    assert.equal(storedSearchKeys(demoFile), 0, "the demo's file holds no search keys yet");
    await byTestId(app.browser, "nav-leads").click();
    const search = byTestId(app.browser, "lead-search");
    await typeInto(app.browser, search, "zzqxj");
    await app.browser.waitUntil(async () => (await leadTotal(app.browser)) === 0, {
      timeout: 20_000,
      timeoutMsg: "nobody in the demo matches zzqxj",
    });
    await clearInput(app.browser, search);
    await byTestId(app.browser, "workspace-menu").click();
    await byTestId(app.browser, "menu-new").click();
    await byTestId(app.browser, "start-screen").waitForDisplayed();
    await typeInto(app.browser, byTestId(app.browser, "new-workspace-name"), "Q1 EMEA leads");
    await screenshot(app.browser, "10-start-screen-new-workspace");
    await byTestId(app.browser, "create-workspace").click();

    const name = byTestId(app.browser, "workspace-name");
    await app.browser.waitUntil(async () => (await name.getText()) === "Q1 EMEA leads", { timeout: 10_000 });
    assert.equal(await leadTotal(app.browser), 0);
    await byTestId(app.browser, "no-leads").waitForDisplayed();
    // The welcome of an empty workspace says how to import.
    const welcome = byTestId(app.browser, "welcome");
    await welcome.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await welcome.getAttribute("data-kind"), "empty");
    assert.match(await byTestId(app.browser, "welcome-intro").getText(), /drop a CSV file anywhere on this window/);
    await screenshot(app.browser, "11-new-empty-workspace");

    assert.equal(storedSearchKeys(demoFile), 1, "closing the demo stored its search keys for the next start");

    const file = join(app.dataDir, "workspaces", "Q1 EMEA leads.leadstream");
    assert.ok(existsSync(file), `${file} exists`);
    assert.equal(cli("--db", file, "leads", "count").trim(), "0");
  });

  it("switches back to the demo through the menu", async () => {
    await byTestId(app.browser, "workspace-menu").click();
    await byTestId(app.browser, "menu-demo").click();
    await app.browser.waitUntil(async () => (await byTestId(app.browser, "workspace-name").getText()) === "Demo", {
      timeout: 10_000,
    });
    assert.equal(await leadTotal(app.browser), 5000);
  });
});

describe("quitting from the workspace menu", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("ends the app, and the demo keeps its search keys for the next start", async () => {
    assert.equal(storedSearchKeys(app.demoDb), 0, "the demo's file holds no search keys yet");
    await byTestId(app.browser, "nav-leads").click();
    await typeInto(app.browser, byTestId(app.browser, "lead-search"), "zzqxj");
    await app.browser.waitUntil(async () => (await leadTotal(app.browser)) === 0, {
      timeout: 20_000,
      timeoutMsg: "nobody in the demo matches zzqxj",
    });
    await byTestId(app.browser, "workspace-menu").click();
    const quit = byTestId(app.browser, "menu-quit");
    await quit.waitForDisplayed();
    assert.equal(await quit.getText(), "Quit Leadstream");
    await screenshot(app.browser, "12-workspace-menu-quit");
    // The app ends while WebDriver waits for the click's answer, so the
    // click itself reports the session gone.
    await quit.click().catch((error) => assert.match(String(error), /session/i));
    const deadline = Date.now() + 20_000;
    while (storedSearchKeys(app.demoDb) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(storedSearchKeys(app.demoDb), 1, "quitting stored the demo's search keys");
  });
});

/** The data-testid of the focused element. */
async function focusedTestId(browser) {
  return browser.execute(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName);
}

describe("the first-run welcome", () => {
  let app;
  let demo;
  before(async () => {
    app = await launchOpen();
    demo = app.demoDb;
  });
  after(async () => {
    await app?.stop();
  });

  it("says the demo is made up, and each first step opens its view", async () => {
    const { browser } = app;
    const welcome = byTestId(browser, "welcome");
    await welcome.waitForDisplayed({ timeout: 30_000 });
    assert.equal(await welcome.getAttribute("data-kind"), "demo");
    assert.match(await byTestId(browser, "welcome-intro").getText(), /^This is demo data: 5,000 made-up leads/);
    await screenshot(browser, "13-welcome-demo");

    for (const [step, ready] of [
      ["import", "import-drop-zone"],
      ["segments", "segment-list"],
      ["streams", "stream-list"],
    ]) {
      await byTestId(browser, `welcome-step-${step}`).click();
      await byTestId(browser, ready).waitForDisplayed({ timeout: 30_000 });
      assert.equal(await byTestId(browser, `nav-${step}`).getAttribute("aria-current"), "page");
      // The step's button is gone with the welcome: focus moves on to the view.
      await browser.waitUntil(async () => (await focusedTestId(browser)) === "main-content", {
        timeout: 5_000,
        timeoutMsg: `focus was lost after opening ${step} from the welcome`,
      });
      await byTestId(browser, "nav-leads").click();
      await welcome.waitForDisplayed({ timeout: 10_000 });
    }
  });

  it("stays dismissed, also after a relaunch", async () => {
    await byTestId(app.browser, "welcome-dismiss").click();
    await byTestId(app.browser, "welcome").waitForExist({ reverse: true, timeout: 10_000 });
    await app.browser.waitUntil(async () => (await focusedTestId(app.browser)) === "main-content", {
      timeout: 5_000,
      timeoutMsg: "focus was lost when the welcome was dismissed",
    });
    await app.stop();

    // The same workspace file, opened by a fresh app.
    app = await launchOpen({ args: [demo] });
    assert.equal(await leadTotal(app.browser), 5000);
    await byTestId(app.browser, "lead-row").waitForDisplayed({ timeout: 30_000 });
    assert.equal(await byTestId(app.browser, "welcome").isExisting(), false, "the dismissed welcome came back");
    await screenshot(app.browser, "14-welcome-dismissed-after-relaunch");
  });
});

describe("the workspace menu", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("closes on Escape, with focus back on its button", async () => {
    const { browser } = app;
    await byTestId(browser, "workspace-menu").click();
    const items = byTestId(browser, "workspace-menu-items");
    await items.waitForDisplayed();
    assert.equal(await byTestId(browser, "workspace-menu").getAttribute("aria-expanded"), "true");
    assert.equal(await focusedTestId(browser), "menu-new", "opening puts focus on the first item");
    await browser.keys(["ArrowDown"]);
    assert.equal(await focusedTestId(browser), "menu-open");
    await screenshot(browser, "15-workspace-menu-open");
    await browser.keys(["Escape"]);
    await items.waitForExist({ reverse: true, timeout: 5_000 });
    assert.equal(await focusedTestId(browser), "workspace-menu");
    assert.equal(await byTestId(browser, "workspace-menu").getAttribute("aria-expanded"), "false");
  });

  it("closes on a click outside, with focus back on its button", async () => {
    const { browser } = app;
    await byTestId(browser, "workspace-menu").click();
    const items = byTestId(browser, "workspace-menu-items");
    await items.waitForDisplayed();
    // The app's name in the top bar: outside the menu, and not focusable.
    await browser.$("header h1").click();
    await items.waitForExist({ reverse: true, timeout: 5_000 });
    await browser.waitUntil(async () => (await focusedTestId(browser)) === "workspace-menu", {
      timeout: 5_000,
      timeoutMsg: "focus did not return to the workspace menu's button",
    });
  });
});

describe("a recent workspace that is not a workspace", () => {
  let app;
  before(async () => {
    app = await launchApp({
      prepare(dataDir) {
        const fake = join(dataDir, "contacts.leadstream");
        writeFileSync(fake, "email,first_name\nann@example.com,Ann\n".repeat(50));
        writeJson(join(dataDir, "recent-workspaces.json"), [
          { path: fake, name: "contacts", opened_at: "2026-01-01T00:00:00Z" },
        ]);
      },
    });
  });
  after(async () => {
    await app?.stop();
  });

  it("shows the start screen with a readable error", async () => {
    const banner = byTestId(app.browser, "error-banner");
    await banner.waitForDisplayed({ timeout: 30_000 });
    assert.match(await banner.getText(), /contacts\.leadstream: not a Leadstream workspace/);
    await byTestId(app.browser, "start-screen").waitForDisplayed();
    await screenshot(app.browser, "12-not-a-workspace-error");
    await byTestId(app.browser, "open-demo").click();
    await app.browser.waitUntil(async () => (await leadTotal(app.browser)) === 5000, { timeout: 60_000 });
  });
});

describe("files the user never chose", () => {
  let app;
  before(async () => {
    app = await launchApp();
  });
  after(async () => {
    await app?.stop();
  });

  it("are refused by the commands that take a path", async () => {
    await byTestId(app.browser, "workspace-name").waitForDisplayed({ timeout: 60_000 });
    // Outside the data folder and the fixtures (LEADSTREAM_ALLOW_PATHS_UNDER),
    // never chosen in a dialog, never dropped, not in the recent list.
    const elsewhere = mkdtempSync(join(tmpdir(), "leadstream-e2e-elsewhere-"));
    const workspace = join(elsewhere, "Other.leadstream");
    cli("--db", workspace, "init");
    const exportPath = join(elsewhere, "members.csv");
    const results = await app.browser.execute(
      async (workspacePath, csvPath) => {
        const attempt = (command, args) =>
          window.__TAURI_INTERNALS__.invoke(command, args).then(
            () => "accepted",
            // Errors cross IPC as reports: {kind, message, rule_path, field}.
            (error) => `${error.kind}: ${error.message}`,
          );
        return {
          open: await attempt("workspace_open", { path: workspacePath }),
          inspect: await attempt("import_inspect", { path: csvPath, format: null, kind: null }),
          exportPlan: await attempt("plan_export", { streams: [], from: "2026-01-01", days: 7, path: csvPath }),
        };
      },
      workspace,
      exportPath,
    );
    for (const [command, outcome] of Object.entries(results)) {
      assert.match(outcome, /^refused: .*only opens and saves files you chose/, `${command}: ${outcome}`);
    }
    assert.ok(!existsSync(exportPath), "nothing was written");
    assert.equal(await byTestId(app.browser, "workspace-name").getText(), "Demo");
  });
});
