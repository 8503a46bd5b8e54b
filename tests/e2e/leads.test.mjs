// The lead browser in the real window: first launch opens the generated demo
// workspace, the table shows the right total, sorting and search change what
// is shown, the detail panel opens, and the other views show honest empty
// states. Issue 17: the search folds accents; rows are reached, opened and
// left by keyboard alone; the Columns menu closes on Escape and outside
// clicks; an imported CRM file with no names (X Education) shows and finds
// its leads by their Prospect ID; and axe-core finds nothing serious.
import assert from "node:assert/strict";
import { copyFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  clearInput,
  cli,
  columnTexts,
  dropFile,
  launchApp,
  leadTotal,
  repoRoot,
  screenshot,
  typeInto,
  launchOpen,
} from "./support.mjs";

const LAST_NAME = 1; // column index of last_name among the default columns

describe("lead browser on the demo workspace", () => {
  let app;
  before(async () => {
    app = await launchApp();
  });
  after(async () => {
    await app?.stop();
  });

  it("opens the generated demo workspace on first launch", async () => {
    const name = byTestId(app.browser, "workspace-name");
    await name.waitForDisplayed({ timeout: 60_000 });
    assert.equal(await name.getText(), "Demo");
    await screenshot(app.browser, "01-demo-first-launch");
  });

  it("shows the same total as the CLI", async () => {
    const total = await leadTotal(app.browser);
    const fromCli = Number(cli("--db", join(app.dataDir, "Demo.leadstream"), "leads", "count").trim());
    assert.equal(fromCli, 5000);
    assert.equal(total, fromCli);
    assert.match(await byTestId(app.browser, "lead-total").getText(), /^5,000 leads$/);
    await byTestId(app.browser, "lead-row").waitForDisplayed({ timeout: 10_000 });
  });

  it("sorts by a column in both directions", async () => {
    const header = byTestId(app.browser, "col-header-last_name");
    await header.click();
    await app.browser.waitUntil(async () => (await header.getAttribute("data-sort")) === "asc");
    let ascending;
    await app.browser.waitUntil(async () => {
      ascending = (await columnTexts(app.browser, LAST_NAME)).slice(0, 15);
      return ascending.length === 15 && ascending.every((v, i) => i === 0 || ascending[i - 1] <= v);
    }, { timeout: 10_000, timeoutMsg: "rows did not come back sorted ascending" });
    await screenshot(app.browser, "02-sorted-by-last-name");

    await header.click();
    await app.browser.waitUntil(async () => (await header.getAttribute("data-sort")) === "desc");
    let descending;
    await app.browser.waitUntil(async () => {
      descending = (await columnTexts(app.browser, LAST_NAME)).slice(0, 15);
      return descending.length === 15 && descending.every((v, i) => i === 0 || descending[i - 1] >= v);
    }, { timeout: 10_000, timeoutMsg: "rows did not come back sorted descending" });
    assert.notEqual(ascending[0], descending[0]);
  });

  it("narrows the table with the quick search, folding case beyond ASCII", async () => {
    const search = byTestId(app.browser, "lead-search");
    await typeInto(app.browser, search, "MÜLLER");
    await app.browser.waitUntil(async () => {
      const total = Number(await byTestId(app.browser, "lead-total").getAttribute("data-total"));
      return total > 0 && total < 5000;
    }, { timeout: 10_000, timeoutMsg: "search did not narrow the total" });
    const lastNames = await columnTexts(app.browser, LAST_NAME);
    assert.ok(lastNames.length > 0);
    const rowsText = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="lead-row"]')].map((r) => r.textContent.toLowerCase()),
    );
    assert.ok(rowsText.every((text) => text.includes("müller")), "every shown lead matches the search");
    await screenshot(app.browser, "03-search-muller");

    await typeInto(app.browser, search, "zzzz-no-such-lead");
    await byTestId(app.browser, "no-leads").waitForDisplayed({ timeout: 10_000 });
    await clearInput(app.browser, search);
    await app.browser.waitUntil(async () => (await leadTotal(app.browser)) === 5000, { timeout: 10_000 });
  });

  it("finds accented names without typing the accents", async () => {
    const search = byTestId(app.browser, "lead-search");
    await typeInto(app.browser, search, "muller");
    await app.browser.waitUntil(async () => {
      const total = Number(await byTestId(app.browser, "lead-total").getAttribute("data-total"));
      return total > 0 && total < 5000;
    }, { timeout: 10_000, timeoutMsg: "searching muller did not narrow the total" });
    const rowsText = await app.browser.execute(() =>
      [...document.querySelectorAll('[data-testid="lead-row"]')].map((r) => r.textContent.toLowerCase()),
    );
    assert.ok(rowsText.some((text) => text.includes("müller")), "muller finds Müller");
    await clearInput(app.browser, search);
    await app.browser.waitUntil(async () => (await leadTotal(app.browser)) === 5000, { timeout: 10_000 });
  });

  it("opens a lead by keyboard alone and puts the focus back on its row", async () => {
    const { browser } = app;
    await byTestId(browser, "lead-row").waitForDisplayed();
    await byTestId(browser, "lead-search").click();
    const focused = () =>
      browser.execute(() => {
        const el = document.activeElement;
        return { testId: el?.dataset.testid ?? null, rowIndex: el?.dataset.rowIndex ?? null, leadId: el?.dataset.leadId ?? null };
      });
    let now = await focused();
    for (let presses = 0; presses < 40 && now.testId !== "lead-row"; presses++) {
      await browser.keys(["Tab"]);
      now = await focused();
    }
    assert.equal(now.testId, "lead-row", "Tab reaches the lead table's rows");
    assert.equal(now.rowIndex, "0", "Tab lands on the first row");
    const scrollLeft = () => browser.execute(() => document.querySelector('[data-testid="lead-table"]').scrollLeft);
    await browser.pause(100);
    assert.equal(await scrollLeft(), 0, "focusing a row does not scroll the table sideways");
    await browser.keys(["ArrowDown"]);
    await browser.waitUntil(async () => (now = await focused()).rowIndex === "1", {
      timeout: 5_000,
      timeoutMsg: "ArrowDown did not move the focus to the second row",
    });
    await browser.keys(["Enter"]);
    const panel = byTestId(browser, "lead-detail");
    await panel.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await panel.getAttribute("data-lead-id"), now.leadId, "Enter opens the focused lead");
    await browser.waitUntil(async () => (await byTestId(browser, "detail-name").getText()) !== "Loading…");
    await screenshot(browser, "07-lead-detail-by-keyboard");
    await checkAccessibility(browser, "the lead detail panel");
    await browser.keys(["Escape"]);
    await panel.waitForExist({ reverse: true, timeout: 5_000 });
    await browser.waitUntil(async () => (await focused()).rowIndex === "1", {
      timeout: 5_000,
      timeoutMsg: "closing the detail did not put the focus back on the row",
    });
    await browser.keys(["End"]);
    await browser.waitUntil(async () => (await focused()).rowIndex === "4999", {
      timeout: 10_000,
      timeoutMsg: "End did not move to the last lead",
    });
    await browser.keys(["Home"]);
    await browser.waitUntil(async () => (await focused()).rowIndex === "0", { timeout: 10_000 });
  });

  it("passes the accessibility check on the lead table", async () => {
    await byTestId(app.browser, "lead-row").waitForDisplayed();
    await checkAccessibility(app.browser, "the lead table");
  });

  it("opens a lead's detail with every field and its timeline", async () => {
    await byTestId(app.browser, "lead-row").waitForDisplayed();
    // The top row on screen, by position (virtual rows are not in DOM order).
    const top = await app.browser.execute(() => {
      const rows = [...document.querySelectorAll('[data-testid="lead-row"]')];
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      return { id: rows[0].dataset.leadId, firstName: rows[0].children[0].textContent };
    });
    await app.browser.$(`[data-lead-id="${top.id}"]`).click();
    const panel = byTestId(app.browser, "lead-detail");
    await panel.waitForDisplayed({ timeout: 10_000 });
    const name = byTestId(app.browser, "detail-name");
    await app.browser.waitUntil(async () => (await name.getText()) !== "Loading…");
    assert.equal(await panel.getAttribute("data-lead-id"), top.id);
    assert.ok((await name.getText()).startsWith(top.firstName), `detail of the clicked lead (${top.firstName})`);
    const events = await app.browser.$$('[data-testid="timeline-event"]');
    assert.ok(events.length > 0, "the demo lead has events on its timeline");
    for (const category of ["demographic", "geographic", "firmographic", "psychographic", "behavioral", "needs_based", "technographic"]) {
      assert.ok(await byTestId(app.browser, `detail-category-${category}`).isExisting(), category);
    }
    assert.ok(await byTestId(app.browser, "detail-timeline").isDisplayed());
    assert.match(await byTestId(app.browser, "origin-note").getText(), /Implicit fields are inferred/);
    await screenshot(app.browser, "04-lead-detail");
    await byTestId(app.browser, "detail-close").click();
    await panel.waitForExist({ reverse: true });
  });

  it("chooses columns", async () => {
    await byTestId(app.browser, "column-chooser").click();
    await byTestId(app.browser, "column-toggle-technologies").click();
    await byTestId(app.browser, "col-header-technologies").waitForExist({ timeout: 5_000 });
    await screenshot(app.browser, "05-column-chooser");
    await byTestId(app.browser, "column-toggle-technologies").click();
    await byTestId(app.browser, "col-header-technologies").waitForExist({ reverse: true });
    await app.browser.keys(["Escape"]);
    await byTestId(app.browser, "column-menu").waitForExist({ reverse: true, timeout: 5_000 });
    assert.equal(
      await app.browser.execute(() => document.activeElement?.dataset.testid),
      "column-chooser",
      "Escape puts the focus back on the Columns button",
    );
    await byTestId(app.browser, "column-chooser").click();
    await byTestId(app.browser, "column-menu").waitForDisplayed();
    await byTestId(app.browser, "lead-total").click();
    await byTestId(app.browser, "column-menu").waitForExist({ reverse: true, timeout: 5_000 });
  });
});

/** The X Education export beside the repository (or beside its worktrees folder), if present. */
function xEducationFile() {
  const relative = ["shared", "data/leads/x-education/Leads.csv"];
  const candidates = [resolve(repoRoot, "..", ...relative), resolve(repoRoot, "..", "..", ...relative)];
  return candidates.find((path) => existsSync(path)) ?? null;
}

const FIRST_PROSPECT = "7927b2df-8bba-4d29-b9a2-b6e0beafe620";

describe("an imported CRM file with no names (X Education)", () => {
  const source = xEducationFile();
  let app;
  before(async () => {
    if (!source) return;
    // Copied into the test's own data folder (never into the repository: the
    // file has no licence); the app accepts drops from there.
    app = await launchOpen({ prepare: (dataDir) => copyFileSync(source, join(dataDir, "Leads.csv")) });
  });
  after(async () => {
    await app?.stop();
  });

  it("shows each lead by its Prospect ID and finds it by that id", async (t) => {
    if (!source) {
      t.skip("../shared/data/leads/x-education/Leads.csv is missing");
      return;
    }
    const { browser } = app;
    const before = await leadTotal(browser);
    await dropFile(browser, join(app.dataDir, "Leads.csv"));
    await byTestId(browser, "import-step-file").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "import-next").click();
    await byTestId(browser, "import-step-columns").waitForDisplayed();
    const prospectId = byTestId(browser, "import-target-0");
    if ((await prospectId.getValue()) !== "field:external_id") {
      await prospectId.selectByAttribute("value", "field:external_id");
    }
    await byTestId(browser, "import-dry-run").click();
    await byTestId(browser, "import-step-review").waitForDisplayed({ timeout: 60_000 });
    await byTestId(browser, "import-run").click();
    await byTestId(browser, "import-done").waitForDisplayed({ timeout: 60_000 });

    await byTestId(browser, "nav-leads").click();
    await browser.waitUntil(async () => (await leadTotal(browser)) === before + 9240, {
      timeout: 30_000,
      timeoutMsg: "the 9,240 X Education leads did not appear",
    });
    // The newest leads last: End shows them, each named by its Prospect ID.
    const search = byTestId(browser, "lead-search");
    await typeInto(browser, search, FIRST_PROSPECT);
    await browser.waitUntil(async () => Number(await byTestId(browser, "lead-total").getAttribute("data-total")) === 1, {
      timeout: 20_000,
      timeoutMsg: "searching a Prospect ID did not find exactly that lead",
    });
    const standIn = byTestId(browser, "lead-stand-in-name");
    await browser.waitUntil(async () => (await standIn.isExisting()) && (await standIn.getProperty("textContent")) === `ID ${FIRST_PROSPECT}`, {
      timeout: 10_000,
      timeoutMsg: "the row does not show the Prospect ID",
    });
    assert.ok(await standIn.isDisplayed(), "the row shows the Prospect ID");
    await screenshot(browser, "08-x-education-found-by-id");
    await byTestId(browser, "lead-row").click();
    const name = byTestId(browser, "detail-name");
    await name.waitForDisplayed({ timeout: 10_000 });
    await browser.waitUntil(async () => (await name.getText()) !== "Loading…");
    assert.equal(await name.getText(), `ID ${FIRST_PROSPECT}`, "the detail is titled by the Prospect ID");
    assert.doesNotMatch(await byTestId(browser, "lead-detail").getText(), /Unnamed lead/);
    await screenshot(browser, "09-x-education-detail");
    await checkAccessibility(browser, "the detail of an imported lead with no name");

    // Partial ids (the start of the UUID) find it too, with the rest of the table unnamed but recognisable.
    await typeInto(browser, search, "2a272436");
    await browser.waitUntil(async () => Number(await byTestId(browser, "lead-total").getAttribute("data-total")) === 1, {
      timeout: 20_000,
      timeoutMsg: "a partial Prospect ID did not find its lead",
    });
  });
});
