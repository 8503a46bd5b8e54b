// Lead scores as fields in the real window (issue 13): on the demo, whose
// active model "Demo scoring" ran when it was generated, the lead browser
// shows the "Lead score" and "Score band" columns when chosen and sorts by
// the score (the top score is the CLI's highest stored score), and the
// segment builder's "Score band is hot" counts what `leadstream segment
// count` counts. Screenshots, and axe-core on both screens.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, checkAccessibility, cli, launchOpen, screenshot, scrollTableToRightEdge, typeInto } from "./support.mjs";

/** Today (UTC) as YYYY-MM-DD: the demo's anchor and the as-of date of both the app and the CLI. */
const today = new Date().toISOString().slice(0, 10);

/** The position of a column among the table's headers. */
async function columnIndex(browser, key) {
  return browser.execute((id) => {
    const headers = [...document.querySelectorAll('[data-testid^="col-header-"]')];
    return headers.findIndex((h) => h.dataset.testid === id);
  }, `col-header-${key}`);
}

/** The rendered rows' cells in one column, top to bottom. */
async function cellsOf(browser, index) {
  return browser.execute((i) => {
    const rows = [...document.querySelectorAll('[data-testid="lead-row"]')];
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return rows.map((row) => row.children[i]?.textContent ?? "");
  }, index);
}

const asNumber = (text) => Number(text.replace(/,/g, ""));

/** Waits until the builder's live count settles on a number and returns it. */
async function liveCount(browser) {
  const count = byTestId(browser, "segment-live-count");
  let last = null;
  await browser.waitUntil(
    async () => {
      const value = await count.getAttribute("data-count");
      const settled = value !== null && value !== "" && value === last;
      last = value;
      return settled;
    },
    {
      timeout: 30_000,
      interval: 400,
      timeoutMsg: "the live count never settled",
    },
  );
  return Number(last);
}

describe("lead scores as fields", () => {
  let app;
  let stored;
  before(async () => {
    app = await launchOpen();
    // Every lead's stored scores, as the CLI exports them (to a file: over a megabyte).
    const exportPath = join(app.dataDir, "e2e-scored-leads.json");
    cli("--db", app.demoDb, "leads", "export", "--format", "json", "--output", exportPath);
    stored = JSON.parse(readFileSync(exportPath, "utf8"));
  });
  after(async () => {
    await app?.stop();
  });

  it("the demo's leads are scored on first open", () => {
    assert.equal(stored.length, 5000);
    const scored = stored.filter((lead) => typeof lead.score_total === "number");
    assert.equal(scored.length, 5000, "every demo lead has a lead score");
    const bands = new Set(scored.map((lead) => lead.score_band));
    for (const band of ["sales-ready", "hot", "warm", "cold"]) assert.ok(bands.has(band), `some lead is ${band}`);
  });

  it("shows the score columns when chosen and sorts by the lead score", async () => {
    const { browser } = app;
    await byTestId(browser, "lead-row").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "column-chooser").click();
    const menu = byTestId(browser, "column-menu");
    await menu.waitForDisplayed({ timeout: 5_000 });
    assert.match(await menu.getText(), /Lead score/);
    assert.match(await menu.getText(), /Score band/);
    await byTestId(browser, "column-toggle-score_total").click();
    await byTestId(browser, "col-header-score_total").waitForExist({
      timeout: 5_000,
    });
    await byTestId(browser, "column-toggle-score_band").click();
    await byTestId(browser, "col-header-score_band").waitForExist({
      timeout: 5_000,
    });
    await browser.keys(["Escape"]);
    await menu.waitForExist({ reverse: true, timeout: 5_000 });
    // Headers may sit beyond the table's right edge: read their text, not what is visible.
    assert.equal(await byTestId(browser, "col-header-score_total").getProperty("textContent"), "Lead score");
    assert.equal(await byTestId(browser, "col-header-score_band").getProperty("textContent"), "Score band");

    const header = byTestId(browser, "col-header-score_total");
    await header.scrollIntoView();
    await header.click();
    await browser.waitUntil(async () => (await header.getAttribute("data-sort")) === "asc", { timeout: 5_000 });
    await header.click();
    await browser.waitUntil(async () => (await header.getAttribute("data-sort")) === "desc", { timeout: 5_000 });
    const scoreAt = await columnIndex(browser, "score_total");
    const bandAt = await columnIndex(browser, "score_band");
    let scores = [];
    await browser.waitUntil(
      async () => {
        scores = (await cellsOf(browser, scoreAt)).slice(0, 12).map(asNumber);
        return scores.length === 12 && scores.every((v, i) => Number.isFinite(v) && (i === 0 || scores[i - 1] >= v));
      },
      {
        timeout: 15_000,
        timeoutMsg: "rows did not come back sorted by lead score, highest first",
      },
    );
    const highest = Math.max(...stored.map((lead) => lead.score_total));
    assert.ok(Math.abs(scores[0] - highest) < 0.006, `top score ${scores[0]} is the CLI's highest ${highest}`);
    const bands = await cellsOf(browser, bandAt);
    assert.equal(bands[0], "sales-ready", "the highest score is sales-ready");
    // Scroll the table to its right edge, where the chosen columns are, for the screenshot.
    await scrollTableToRightEdge(browser);
    await screenshot(browser, "130-leads-sorted-by-lead-score");
    await checkAccessibility(browser, "the lead browser with the score columns");
  });

  it("counts “Score band is hot” as the CLI does", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-segments").click();
    await byTestId(browser, "segment-list").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "segment-new").click();
    await typeInto(browser, byTestId(browser, "segment-as-of"), today);
    assert.equal(await liveCount(browser), 5000, "an empty segment matches every lead");

    const root = await browser.$('[data-testid="rule-group"]');
    await root.$('[data-testid="add-rule"]').click();
    const rule = (await root.$$(':scope > .ruleGroup-body > [data-testid="rule"]')).at(-1);
    const fields = await rule.$('[data-testid="fields"]');
    assert.match(await fields.getText(), /Score band/, "the builder offers the score band");
    await fields.selectByAttribute("value", "score_band");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "=");
    const editor = await rule.$('[data-testid="value-editor"]');
    if ((await editor.getTagName()) === "select") await editor.selectByAttribute("value", "hot");
    else await typeInto(browser, editor, "hot");

    const count = await liveCount(browser);
    const hot = stored.filter((lead) => lead.score_band === "hot").length;
    assert.ok(count > 0 && count < 5000, `a band of the demo, got ${count}`);
    assert.equal(count, hot, "the builder counts the leads stored as hot");

    await byTestId(browser, "segment-json-toggle").click();
    const json = await byTestId(browser, "segment-json").getValue();
    const rulesPath = join(app.dataDir, "e2e-score-band-hot.json");
    writeFileSync(rulesPath, json);
    const fromCli = Number(cli("--db", app.demoDb, "segment", "count", rulesPath, "--as-of", today).trim());
    assert.equal(count, fromCli, "the app and the CLI count the same");
    await screenshot(browser, "131-segment-score-band-hot");
    await checkAccessibility(browser, "the segment builder on the score band");
  });
});
