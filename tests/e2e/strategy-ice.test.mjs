// Strategy → Priorities (ICE) in the real window on the demo workspace: the
// ranked table (order, ranks and scores) compared with `segment ice --json`
// on the same file; the lowest-ranked segment's Impact raised to 10 and its
// rank number seen to change (up); an unscored segment's suggested Impact
// used (the value the CLI suggests); the formula switched to the product
// form and the ranking and the E column's label following it, compared with
// the CLI again; the exported CSV equal to the CLI's. Screenshots, and axe
// on the tab with a row's notes open.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  clickWhenStill,
  launchOpen,
  screenshot,
  typeInto,
} from "./support.mjs";

const key = (row) => `${row.kind}-${row.id}`;

/** The CLI's table (with suggestions) of the app's demo workspace. */
function cliTable(app) {
  return JSON.parse(cli("segment", "ice", "--json", "--db", app.demoDb));
}

/** The table as the window shows it: row keys in order, with rank and score text. */
async function shownRows(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="ice-row-"]')].map((row) => {
      const k = row.getAttribute("data-testid").replace("ice-row-", "");
      const text = (id) =>
        document
          .querySelector(`[data-testid="${id}-${k}"]`)
          ?.textContent?.trim() ?? "";
      return { key: k, rank: text("ice-rank"), score: text("ice-score") };
    }),
  );
}

/** The score as the app prints it (at most two decimals). */
const scoreText = (score) =>
  score === null ? "not scored" : String(Math.round(score * 100) / 100);

/** Waits until the window shows exactly the CLI's ranking. */
async function waitForCliRanking(browser, expected, what) {
  const wanted = expected.rows.map((r) => ({
    key: key(r),
    rank: r.rank === null ? "–" : String(r.rank),
    score: scoreText(r.score),
  }));
  let shown = [];
  const same = () =>
    shown.length === wanted.length &&
    shown.every(
      (row, i) =>
        row.key === wanted[i].key &&
        row.rank === wanted[i].rank &&
        row.score === wanted[i].score,
    );
  const deadline = Date.now() + 30_000;
  for (;;) {
    shown = await shownRows(browser);
    if (same() || Date.now() > deadline) break;
    await browser.pause(250);
  }
  assert.deepEqual(
    shown,
    wanted,
    `${what}: the window's ranking never matched the CLI's`,
  );
}

async function rankOf(browser, k) {
  return (await byTestId(browser, `ice-rank-${k}`).getText()).trim();
}

describe("Strategy: ICE priorities", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("ranks like the CLI, moves a segment up when its Impact rises, uses a suggestion and follows the formula", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-strategy").click();
    await byTestId(browser, "strategy-tab-priorities").click();
    await byTestId(browser, "ice-table").waitForDisplayed({ timeout: 30_000 });

    const initial = cliTable(app);
    assert.equal(initial.formula, "weighted");
    assert.equal(
      await byTestId(browser, "ice-e-header").getText(),
      "Effort (1 = little work)",
    );
    await waitForCliRanking(browser, initial, "on first open");
    await screenshot(browser, "strategy-ice-ranking");

    // The lowest-ranked scored segment that an Impact of 10 lifts above the
    // row ranked just before it (weighted: I × C / (11 − ease)): raise it.
    const scored = initial.rows.filter((r) => r.rank !== null);
    const low = scored
      .filter(
        (r) =>
          r.kind === "segment" &&
          r.rank > 1 &&
          (10 * r.confidence) / (11 - r.ease) > scored[r.rank - 2].score,
      )
      .at(-1);
    assert.ok(low, "the demo has a segment that an Impact of 10 moves up");
    const lowKey = key(low);
    assert.equal(await rankOf(browser, lowKey), String(low.rank));
    await typeInto(browser, byTestId(browser, `ice-impact-${lowKey}`), "10");
    await browser.waitUntil(
      async () => Number(await rankOf(browser, lowKey)) < low.rank,
      {
        timeout: 30_000,
        timeoutMsg: `“${low.name}” never moved up from rank ${low.rank}`,
      },
    );
    let status = "";
    await browser.waitUntil(
      async () => {
        status = await byTestId(browser, "ice-status").getText();
        return status !== "";
      },
      { timeout: 10_000, timeoutMsg: "no status line said where the row went" },
    );
    assert.match(status, new RegExp(`moved up from rank ${low.rank} to rank`));
    const afterRaise = cliTable(app);
    const raised = afterRaise.rows.find((r) => key(r) === lowKey);
    assert.equal(raised.impact, 10);
    assert.equal(await rankOf(browser, lowKey), String(raised.rank));
    await waitForCliRanking(browser, afterRaise, "after raising Impact");
    await screenshot(browser, "strategy-ice-moved");

    // Use the suggested Impact of an unscored segment: the CLI's suggestion.
    const unscored = afterRaise.rows.find(
      (r) => r.rank === null && r.kind === "segment",
    );
    const unscoredKey = key(unscored);
    const suggestion = afterRaise.suggestions.find(
      (s) => s.kind === unscored.kind && s.id === unscored.id,
    ).impact.value;
    await byTestId(
      browser,
      `ice-impact-${unscoredKey}-suggested`,
    ).waitForDisplayed({
      timeout: 60_000,
    });
    assert.equal(
      await byTestId(browser, `ice-impact-${unscoredKey}-suggested`).getText(),
      `Suggests ${suggestion}`,
    );
    await clickWhenStill(
      browser,
      byTestId(browser, `ice-impact-${unscoredKey}-use`),
    );
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, `ice-impact-${unscoredKey}`).getValue()) ===
        String(suggestion),
      { timeout: 30_000, timeoutMsg: "the suggested Impact was never used" },
    );
    const afterUse = cliTable(app);
    assert.equal(
      afterUse.rows.find((r) => key(r) === unscoredKey).impact,
      suggestion,
    );

    // Notes and reasons of the raised row; axe on the tab with them open.
    await clickWhenStill(browser, byTestId(browser, `ice-toggle-${lowKey}`));
    await byTestId(browser, `ice-details-${lowKey}`).waitForDisplayed({
      timeout: 10_000,
    });
    const details = await byTestId(browser, `ice-details-${lowKey}`).getText();
    assert.match(details, /leads, \d+(\.\d)?% of all leads/);
    await screenshot(browser, "strategy-ice-details");
    await checkAccessibility(
      browser,
      "Strategy → Priorities (ICE) with a row's notes open",
    );

    // The product formula: E reads as ease, and the ranking follows.
    await byTestId(browser, "ice-formula").selectByAttribute(
      "value",
      "product",
    );
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "ice-e-header").getText()) ===
        "Ease (10 = easiest)",
      { timeout: 30_000, timeoutMsg: "the E column never turned into Ease" },
    );
    const product = cliTable(app);
    assert.equal(
      product.formula,
      "product",
      "the formula is the workspace's setting",
    );
    await waitForCliRanking(browser, product, "under the product formula");
    const lowUnderProduct = product.rows.find((r) => key(r) === lowKey);
    assert.equal(
      await byTestId(browser, `ice-e-${lowKey}`).getValue(),
      String(lowUnderProduct.ease),
    );
    await screenshot(browser, "strategy-ice-product");

    // The CSV, through the app's own command (no native dialog in
    // WebDriver): the CLI's CSV of the same workspace, line for line.
    const csvPath = join(app.dataDir, "ice.csv");
    const written = await browser.execute(
      async (path) => window.__TAURI_INTERNALS__.invoke("ice_export", { path }),
      csvPath,
    );
    assert.equal(written, product.rows.length);
    const fromApp = readFileSync(csvPath, "utf8");
    assert.equal(fromApp, cli("segment", "ice", "--csv", "--db", app.demoDb));
    assert.match(
      fromApp.split("\n")[0],
      /,Ease \(10 = easiest\),Score,Formula,/,
    );
  });
});
