// The lead browser in the real window: first launch opens the generated demo
// workspace, the table shows the right total, sorting and search change what
// is shown, the detail panel opens, and the other views show honest empty
// states.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, clearInput, cli, columnTexts, launchApp, leadTotal, screenshot, typeInto } from "./support.mjs";

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
  });

  it("shows honest empty states for views not built yet", async () => {
    for (const view of ["insights"]) {
      await byTestId(app.browser, `nav-${view}`).click();
      await byTestId(app.browser, `empty-${view}`).waitForDisplayed({ timeout: 5_000 });
    }
    await screenshot(app.browser, "06-empty-insights");
    await byTestId(app.browser, "nav-leads").click();
    await byTestId(app.browser, "lead-table").waitForDisplayed();
  });
});
