// Scoring in the real window on the demo workspace: a model built in the app
// (a fit rule through the segment rule builder and an engagement rule counting
// demo requests, no decay), its band counts before saving compared with
// `leadstream segment count` of each band's equivalent segment rules; saved
// and activated; an edit that moves leads between bands, with "N leads change
// band" compared with segment counts before saving; a lead's "Why this score"
// adding up to its total; a back-test's AUC (compared with `score backtest`
// once that CLI command exists). Screenshots and axe on each screen.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  launchOpen,
  screenshot,
  setRuleValue,
  typeInto,
  writeJson,
} from "./support.mjs";

const PERSONA = "Technical decision maker";
const MODEL_NAME = "E2E fit and engagement";
const FIT_POINTS = 30;
const DEMO_POINTS = 25;
const DEMO_CAP = 50;

/** "1,079 (+12)" → 1079. */
const firstNumber = (text) =>
  Number(
    (/-?[\d,]+(\.\d+)?/.exec(String(text)) ?? ["NaN"])[0].replace(/,/g, ""),
  );

const persona = () => ({ field: "persona", operator: "=", value: PERSONA });
const demos = (min, max) => ({
  field: "event",
  operator: "performed",
  value:
    max === null
      ? { type: "demo_request", min }
      : { type: "demo_request", min, max },
});

/** The number of leads matching all of `rules`, counted by the CLI. */
function segmentCount(db, dir, rules) {
  const file = join(dir, `rules-${Math.random().toString(36).slice(2)}.json`);
  writeJson(file, { combinator: "and", not: false, rules });
  return firstNumber(cli("--db", db, "segment", "count", file));
}

/**
 * Leads per band of the model with these fit points (demo requests 25 each,
 * capped at 50, no decay; bands ≥80, ≥50, ≥20, below), from segment counts:
 * each (persona, demo requests 0/1/2+) cell has one total.
 */
function expectedBands(db, dir, fitPoints) {
  const counts = {};
  for (const isPersona of [true, false]) {
    for (const [min, max, points] of [
      [0, 0, 0],
      [1, 1, DEMO_POINTS],
      [2, null, DEMO_CAP],
    ]) {
      const total = (isPersona ? fitPoints : 0) + points;
      const band =
        total >= 80
          ? "sales-ready"
          : total >= 50
            ? "hot"
            : total >= 20
              ? "warm"
              : "cold";
      // Not the persona: all leads of the cell less the persona's (leads without a persona included).
      const cell = isPersona
        ? segmentCount(db, dir, [persona(), demos(min, max)])
        : segmentCount(db, dir, [demos(min, max)]) -
          segmentCount(db, dir, [persona(), demos(min, max)]);
      counts[band] = (counts[band] ?? 0) + cell;
    }
  }
  return counts;
}

/** Waits until the preview shows `expected` leads per band (the debounced count has settled), and returns them. */
async function previewBands(browser, expected) {
  let shown = {};
  await browser
    .waitUntil(
      async () => {
        shown = await browser.execute(() =>
          Object.fromEntries(
            [
              ...document.querySelectorAll(
                '[data-testid^="score-preview-band-"]',
              ),
            ].map((row) => [
              row
                .getAttribute("data-testid")
                .replace("score-preview-band-", ""),
              row.querySelector('[data-testid="score-preview-after"]')
                ?.textContent ?? "",
            ]),
          ),
        );
        shown = Object.fromEntries(
          Object.entries(shown).map(([band, text]) => [
            band,
            firstNumber(text),
          ]),
        );
        return Object.entries(expected).every(
          ([band, n]) => (shown[band] ?? 0) === n,
        );
      },
      {
        timeout: 60_000,
        interval: 300,
        timeoutMsg: `the preview should show ${JSON.stringify(expected)}`,
      },
    )
    .catch((error) => {
      throw new Error(`${error.message}; it shows ${JSON.stringify(shown)}`);
    });
  return shown;
}

describe("Scoring: build a model, preview, save, explain and back-test", () => {
  let app;
  let dir;
  let modelId;
  before(async () => {
    app = await launchOpen();
    dir = mkdtempSync(join(tmpdir(), "scoring-e2e-"));
  });
  after(async () => {
    await app?.stop();
  });

  it("builds a model whose band counts before saving equal segment counts, then saves and activates it", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-scoring").click();
    await byTestId(browser, "scoring-view").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "score-model-list").waitForDisplayed({
      timeout: 30_000,
    });
    await screenshot(browser, "70-scoring-models");
    await checkAccessibility(browser, "the Scoring models tab");

    await byTestId(browser, "score-new").click();
    await byTestId(browser, "score-editor").waitForDisplayed({
      timeout: 30_000,
    });
    await typeInto(browser, byTestId(browser, "score-model-name"), MODEL_NAME);
    await byTestId(browser, "score-decay-kind").selectByAttribute(
      "value",
      "none",
    );

    // A fit rule through the segment rule builder.
    await byTestId(browser, "score-add-fit").click();
    await typeInto(
      browser,
      byTestId(browser, "score-rule-label-0"),
      "Technical buyer",
    );
    await typeInto(
      browser,
      byTestId(browser, "score-rule-points-0"),
      String(FIT_POINTS),
    );
    const when = byTestId(browser, "score-rule-when-0");
    await when.$('[data-testid="add-rule"]').click();
    const rule = await when.$('[data-testid="rule"]');
    await rule
      .$('[data-testid="fields"]')
      .selectByAttribute("value", "persona");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "=");
    await setRuleValue(browser, rule, PERSONA);

    // An engagement rule: each demo request, capped.
    await byTestId(browser, "score-add-engagement").click();
    await typeInto(
      browser,
      byTestId(browser, "score-rule-label-1"),
      "Demo request",
    );
    await byTestId(browser, "score-rule-event-1").selectByAttribute(
      "value",
      "demo_request",
    );
    await typeInto(
      browser,
      byTestId(browser, "score-rule-points-1"),
      String(DEMO_POINTS),
    );
    await typeInto(
      browser,
      byTestId(browser, "score-rule-cap-1"),
      String(DEMO_CAP),
    );

    const expected = expectedBands(app.demoDb, dir, FIT_POINTS);
    assert.equal(
      Object.values(expected).reduce((a, b) => a + b, 0),
      5000,
      "the segment cells cover every lead once",
    );
    assert.ok(
      Object.keys(expected).length >= 3,
      `the model spreads leads over bands: ${JSON.stringify(expected)}`,
    );
    await previewBands(browser, expected);
    await screenshot(browser, "71-scoring-new-model-preview");
    await checkAccessibility(browser, "the scoring model editor");
    // Each setting's own screenshot: the decay, grades and bands under the rules.
    await browser.execute(() => document.activeElement?.blur());
    await byTestId(browser, "score-band-add").scrollIntoView({ block: "end" });
    await browser.pause(300);
    await screenshot(browser, "71-scoring-new-model-settings");

    await byTestId(browser, "score-save").click();
    await browser.waitUntil(
      async () => (await byTestId(browser, "score-save").getText()) === "Saved",
      {
        timeout: 30_000,
        timeoutMsg: "the model was not saved",
      },
    );
    modelId = await browser.execute(
      (name) =>
        [...document.querySelectorAll('[data-testid^="score-open-"]')]
          .find((b) => b.textContent === name)
          ?.getAttribute("data-testid")
          .replace("score-open-", ""),
      MODEL_NAME,
    );
    assert.ok(modelId, "the saved model is listed");
    const activate = byTestId(browser, `score-activate-${modelId}`);
    if (await activate.isExisting()) await activate.click();
    await byTestId(browser, `score-active-${modelId}`).waitForDisplayed({
      timeout: 30_000,
    });
  });

  it("shows, before saving, how many leads an edit moves between bands", async () => {
    const { browser } = app;
    const before = expectedBands(app.demoDb, dir, FIT_POINTS);
    const after = expectedBands(app.demoDb, dir, 60);
    // With 60 fit points the persona's leads with 0 or 1 demo request move
    // (30 → 60: warm → hot; 55 → 85: hot → sales-ready), the others stay.
    const moved =
      segmentCount(app.demoDb, dir, [persona(), demos(0, 0)]) +
      segmentCount(app.demoDb, dir, [persona(), demos(1, 1)]);
    await typeInto(browser, byTestId(browser, "score-rule-points-0"), "60");
    await byTestId(browser, "score-unsaved").waitForDisplayed({
      timeout: 10_000,
    });
    await previewBands(browser, after);
    const changed = byTestId(browser, "score-preview-changed");
    await browser.waitUntil(
      async () => firstNumber(await changed.getText()) === moved,
      {
        timeout: 60_000,
        timeoutMsg: `the preview should say ${moved} leads change band`,
      },
    );
    const beforeShown = await browser.execute(() =>
      Object.fromEntries(
        [
          ...document.querySelectorAll('[data-testid^="score-preview-band-"]'),
        ].map((row) => [
          row.getAttribute("data-testid").replace("score-preview-band-", ""),
          row.querySelector('[data-testid="score-preview-before"]')
            ?.textContent ?? "",
        ]),
      ),
    );
    for (const [band, n] of Object.entries(before)) {
      assert.equal(
        firstNumber(beforeShown[band]),
        n,
        `the saved model's ${band} count`,
      );
    }
    await screenshot(browser, "72-scoring-edit-changes-bands");

    // Leaving asks about the unsaved edit; stay, then save.
    await byTestId(browser, "nav-leads").click();
    await byTestId(browser, "unsaved-dialog").waitForDisplayed({
      timeout: 10_000,
    });
    await checkAccessibility(browser, "the unsaved scoring model question");
    await byTestId(browser, "unsaved-keep").click();
    await byTestId(browser, "score-save").click();
    await browser.waitUntil(
      async () => (await byTestId(browser, "score-save").getText()) === "Saved",
      {
        timeout: 30_000,
        timeoutMsg: "the edit was not saved",
      },
    );
  });

  it("explains a lead's score in its detail panel, and the points add up to the total", async () => {
    const { browser } = app;
    writeJson(join(dir, "one-demo.json"), {
      combinator: "and",
      not: false,
      rules: [persona(), demos(1, 1)],
    });
    const members = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "segment",
        "members",
        join(dir, "one-demo.json"),
        "--format",
        "json",
        "--fields",
        "email",
        "--include-unconsented",
      ),
    );
    const email = members.find((m) => m.email)?.email;
    assert.ok(
      email,
      "a persona lead with one demo request has an e-mail address",
    );
    await byTestId(browser, "nav-leads").click();
    await typeInto(browser, byTestId(browser, "lead-search"), email);
    await browser.waitUntil(
      async () => (await browser.$$('[data-testid="lead-row"]')).length === 1,
      { timeout: 20_000, timeoutMsg: "the search should find the one lead" },
    );
    await byTestId(browser, "lead-row").click();
    const total = byTestId(browser, "detail-score-total");
    await total.waitForDisplayed({ timeout: 30_000 });
    // 60 fit points and one demo request of 25, no decay.
    assert.equal(Number(await total.getText()), 60 + DEMO_POINTS);
    assert.equal(
      await byTestId(browser, "detail-score-band").getText(),
      "sales-ready",
    );
    await byTestId(browser, "detail-score-why").$("summary").click();
    const points = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="detail-score-rule"]')].map(
        (r) => Number(r.dataset.points),
      ),
    );
    assert.equal(points.length, 2, "both rules gave points");
    assert.equal(
      points.reduce((a, b) => a + b, 0),
      Number(await total.getText()),
    );
    // Scrolled into view (smoothly, where the page asks for it) before the screenshot.
    await browser.waitUntil(
      () =>
        browser.execute(() => {
          const section = document.querySelector('[data-testid="detail-score"]');
          section.scrollIntoView({ block: "start", behavior: "instant" });
          return section.getBoundingClientRect().top < 300;
        }),
      { timeout: 10_000, timeoutMsg: "the Score section did not scroll into view" },
    );
    await screenshot(browser, "73-scoring-lead-explanation");
    await checkAccessibility(browser, "a lead's score explanation");
  });

  it("back-tests the model and reads its AUC", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-scoring").click();
    await byTestId(browser, "scoring-tab-backtest").click();
    const auc = byTestId(browser, "backtest-auc-0");
    await auc.waitForDisplayed({ timeout: 60_000 });
    await browser.waitUntil(
      async () => /^\d\.\d{3}$/.test(await auc.getText()),
      {
        timeout: 60_000,
        timeoutMsg: "the back-test should show an AUC",
      },
    );
    // The active model (ours) is the one back-tested by default.
    assert.equal(
      await byTestId(browser, "backtest-model").getValue(),
      String(modelId),
    );
    const shownAuc = Number(await auc.getText());
    assert.ok(
      shownAuc > 0 && shownAuc < 1,
      `an AUC between 0 and 1: ${shownAuc}`,
    );
    assert.match(
      await byTestId(browser, "backtest-auc-reading-0").getText(),
      /0\.5 = no better than chance/,
    );
    const at = await byTestId(browser, "backtest-at").getValue();
    const windowDays = await byTestId(browser, "backtest-window").getValue();
    assert.equal(windowDays, "60");
    await screenshot(browser, "74-scoring-backtest");
    await checkAccessibility(browser, "the back-test tab");

    const fromCli = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "score",
        "backtest",
        "--at",
        at,
        "--window",
        windowDays,
        "--model",
        String(modelId),
        "--json",
      ),
    );
    const cliAuc = fromCli.report?.auc ?? fromCli.auc;
    assert.equal(
      shownAuc.toFixed(3),
      Number(cliAuc).toFixed(3),
      "the app's AUC is the CLI's",
    );
  });
  it("compares a second model side by side on the same dates", async () => {
    const { browser } = app;
    await byTestId(browser, "scoring-tab-models").click();
    await byTestId(browser, "score-new").click();
    await byTestId(browser, "score-editor").waitForDisplayed({
      timeout: 30_000,
    });
    await typeInto(
      browser,
      byTestId(browser, "score-model-name"),
      "E2E trials only",
    );
    await byTestId(browser, "score-add-engagement").click();
    await typeInto(browser, byTestId(browser, "score-rule-label-0"), "Trial");
    await byTestId(browser, "score-rule-event-0").selectByAttribute(
      "value",
      "trial_start",
    );
    await byTestId(browser, "score-preview-changed").waitForDisplayed({
      timeout: 60_000,
    });
    await byTestId(browser, "score-save").click();
    await browser.waitUntil(
      async () => (await byTestId(browser, "score-save").getText()) === "Saved",
      {
        timeout: 30_000,
        timeoutMsg: "the second model was not saved",
      },
    );
    await byTestId(browser, "scoring-tab-backtest").click();
    await byTestId(browser, "backtest-compare").waitForDisplayed({
      timeout: 30_000,
    });
    const second = await browser.execute(
      () =>
        [
          ...document.querySelectorAll(
            '[data-testid="backtest-compare"] option',
          ),
        ].find((o) => o.value !== "")?.value,
    );
    assert.ok(second, "the second model can be compared");
    await byTestId(browser, "backtest-compare").selectByAttribute(
      "value",
      second,
    );
    for (const column of [0, 1]) {
      const auc = byTestId(browser, `backtest-auc-${column}`);
      await auc.waitForDisplayed({ timeout: 60_000 });
      const value = Number(await auc.getText());
      assert.ok(
        value > 0 && value < 1,
        `column ${column}: an AUC between 0 and 1`,
      );
    }
    const population = async (column) =>
      byTestId(browser, `backtest-population-${column}`).getText();
    assert.equal(
      await population(0),
      await population(1),
      "both models are tested on the same leads and window",
    );
    await screenshot(browser, "75-scoring-backtest-compare");
    await checkAccessibility(browser, "two models compared");
  });
});
