// Scoring on an outcome field and suggested points, in the real window on the
// demo workspace: the active model evaluated in the Back-test tab against the
// field lifecycle_stage=Customer (all leads, then the held-out half), each AUC
// compared with `leadstream score evaluate --outcome-field … --json`; the
// model editor's "Suggest points from the data" panel against the same field,
// its first suggestion's training lift compared with `score suggest --json`;
// a suggestion added to a new model as an unsaved edit, the live band
// preview then equal to the CLI's segment count of the suggestion's rules.
// Screenshots and axe on each new screen.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
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
  writeJson,
} from "./support.mjs";

const FIELD = "lifecycle_stage";
const VALUE = "Customer";
const SPEC = `${FIELD}=${VALUE}`;

/** "1,079 (+12)" → 1079. */
const firstNumber = (text) =>
  Number(
    (/-?[\d,]+(\.\d+)?/.exec(String(text)) ?? ["NaN"])[0].replace(/,/g, ""),
  );

/** The band of a total under the default bands (≥80, ≥50, ≥20, below). */
const bandOf = (total) =>
  total >= 80
    ? "sales-ready"
    : total >= 50
      ? "hot"
      : total >= 20
        ? "warm"
        : "cold";

/** The leads per band the editor's preview shows now. */
async function shownBands(browser) {
  const texts = await browser.execute(() =>
    Object.fromEntries(
      [
        ...document.querySelectorAll('[data-testid^="score-preview-band-"]'),
      ].map((row) => [
        row.getAttribute("data-testid").replace("score-preview-band-", ""),
        row.querySelector('[data-testid="score-preview-after"]')?.textContent ??
          "",
      ]),
    ),
  );
  return Object.fromEntries(
    Object.entries(texts).map(([band, text]) => [band, firstNumber(text)]),
  );
}

/** Scrolls the Scoring view's body (only it) so that `testId` is at its top. */
async function scrollBodyTo(browser, testId) {
  await browser.execute((id) => {
    const body = document.querySelector(".scoring-body");
    const target = document.querySelector(`[data-testid="${id}"]`);
    if (body && target)
      body.scrollTop +=
        target.getBoundingClientRect().top -
        body.getBoundingClientRect().top -
        8;
  }, testId);
  await browser.pause(300);
}

/** Waits until the AUC shown in column 0 is `expected` (three decimals). */
async function waitForAuc(browser, expected) {
  const auc = byTestId(browser, "backtest-auc-0");
  let shown = "";
  await browser
    .waitUntil(
      async () => {
        shown = (await auc.isExisting()) ? await auc.getText() : "";
        return shown === expected;
      },
      {
        timeout: 90_000,
        interval: 300,
        timeoutMsg: `the AUC should read ${expected}`,
      },
    )
    .catch((error) => {
      throw new Error(`${error.message}; it reads "${shown}"`);
    });
}

describe("Scoring: evaluate against an outcome field, and suggested points", () => {
  let app;
  let dir;
  before(async () => {
    app = await launchOpen();
    dir = mkdtempSync(join(tmpdir(), "scoring-suggest-e2e-"));
  });
  after(async () => {
    await app?.stop();
  });

  it("evaluates the active model against lifecycle_stage=Customer, as the CLI does", async () => {
    const { browser } = app;
    const everyone = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "score",
        "evaluate",
        "--outcome-field",
        SPEC,
        "--json",
      ),
    );
    const heldOut = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "score",
        "evaluate",
        "--outcome-field",
        SPEC,
        "--holdout",
        "--json",
      ),
    );
    const aucOf = (evaluation) => evaluation.report.auc;
    const sharedOf = (evaluation) => evaluation.shared_fields;
    assert.equal(typeof aucOf(everyone), "number", "the CLI gives an AUC");

    await byTestId(browser, "nav-scoring").click();
    await byTestId(browser, "scoring-view").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "scoring-tab-backtest").click();
    await byTestId(browser, "backtest-kind-field").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "backtest-kind-field").click();
    const field = byTestId(browser, "backtest-field");
    await browser.waitUntil(async () => (await field.$$("option")).length > 1, {
      timeout: 30_000,
      timeoutMsg: "the field picker lists the workspace's fields",
    });
    await field.selectByAttribute("value", FIELD);
    await typeInto(browser, byTestId(browser, "backtest-field-value"), VALUE);
    // The demo's model did not take suggested points: every lead by default.
    assert.equal(
      await byTestId(browser, "backtest-holdout").isSelected(),
      false,
    );
    await waitForAuc(browser, aucOf(everyone).toFixed(3));
    assert.match(
      await byTestId(browser, "backtest-population-0").getText(),
      /Every lead: 5,000 of 5,000/,
    );
    const warning = byTestId(browser, "backtest-shared-0");
    assert.equal(
      await warning.isExisting(),
      sharedOf(everyone).length > 0,
      `the shared-field warning shows exactly when the CLI lists shared fields (${sharedOf(everyone)})`,
    );
    await screenshot(browser, "76-scoring-evaluate-field");
    await checkAccessibility(
      browser,
      "the back-test tab evaluating against a field",
    );

    await byTestId(browser, "backtest-holdout").click();
    await waitForAuc(browser, aucOf(heldOut).toFixed(3));
    assert.match(
      await byTestId(browser, "backtest-population-0").getText(),
      /Held-out half/,
    );
    await screenshot(browser, "77-scoring-evaluate-holdout");

    // A field the demo model reads itself: the warning names it, as the CLI's shared_fields.
    const personaSpec = "persona=Technical decision maker";
    const persona = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "score",
        "evaluate",
        "--outcome-field",
        personaSpec,
        "--holdout",
        "--json",
      ),
    );
    assert.deepEqual(persona.shared_fields, ["persona"]);
    await byTestId(browser, "backtest-field").selectByAttribute(
      "value",
      "persona",
    );
    await typeInto(
      browser,
      byTestId(browser, "backtest-field-value"),
      "Technical decision maker",
    );
    await waitForAuc(browser, persona.report.auc.toFixed(3));
    await byTestId(browser, "backtest-shared-0").waitForDisplayed({
      timeout: 30_000,
    });
    assert.match(
      await byTestId(browser, "backtest-shared-0").getText(),
      /reads the outcome's own field \(persona\)/,
    );
    await screenshot(browser, "77-scoring-evaluate-shared-field");
    await checkAccessibility(browser, "the shared-field warning");
  });

  it("suggests points against the same field, as the CLI does, and adds one to a new model as an unsaved edit", async () => {
    const { browser } = app;
    const fromCli = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "score",
        "suggest",
        "--outcome-field",
        SPEC,
        "--json",
      ),
    );
    assert.ok(fromCli.suggestions.length > 0, "the CLI suggests something");

    await byTestId(browser, "nav-scoring").click();
    await byTestId(browser, "scoring-tab-models").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "scoring-tab-models").click();
    await byTestId(browser, "score-new").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "score-new").click();
    await byTestId(browser, "score-editor").waitForDisplayed({
      timeout: 30_000,
    });
    await typeInto(
      browser,
      byTestId(browser, "score-model-name"),
      "E2E suggested",
    );
    // A model without rules: every lead is cold.
    await browser.waitUntil(
      async () => (await shownBands(browser)).cold === 5000,
      {
        timeout: 60_000,
        timeoutMsg:
          "the preview of a model without rules shows 5,000 cold leads",
      },
    );

    assert.equal(
      await byTestId(browser, "suggest-panel").getAttribute("open"),
      null,
      "collapsed by default",
    );
    await byTestId(browser, "suggest-open").click();
    await byTestId(browser, "suggest-kind-field").waitForDisplayed({
      timeout: 10_000,
    });
    // In this window the first WebDriver click on a radio inside the editor's
    // form only focuses it (seen in debugging, cause not found): click until chosen.
    const fieldKind = byTestId(browser, "suggest-kind-field");
    await browser.waitUntil(
      async () => {
        if (!(await fieldKind.isSelected())) await fieldKind.click();
        return fieldKind.isSelected();
      },
      {
        timeout: 10_000,
        interval: 300,
        timeoutMsg: "the field outcome could not be chosen",
      },
    );
    const field = byTestId(browser, "suggest-field");
    await browser.waitUntil(async () => (await field.$$("option")).length > 1, {
      timeout: 30_000,
      timeoutMsg: "the field picker lists the workspace's fields",
    });
    await field.selectByAttribute("value", FIELD);
    await typeInto(browser, byTestId(browser, "suggest-field-value"), VALUE);
    await clickWhenStill(browser, byTestId(browser, "suggest-run"));
    const firstLift = byTestId(browser, "suggest-training-lift-0");
    await firstLift.waitForDisplayed({ timeout: 120_000 });
    const expectedLift = fromCli.suggestions[0].training.lift;
    assert.equal(
      await firstLift.getText(),
      expectedLift === undefined || expectedLift === null
        ? "—"
        : `${expectedLift.toFixed(2)}×`,
    );
    assert.equal(
      firstNumber(await byTestId(browser, "suggest-points-0").getText()),
      fromCli.suggestions[0].points,
    );
    const rows = await browser.$$('[data-testid^="suggest-row-"]');
    assert.equal(
      rows.length,
      fromCli.suggestions.length,
      "every suggestion is listed",
    );
    await scrollBodyTo(browser, "suggest-table");
    assert.equal(
      await browser.execute(
        () =>
          document.documentElement.scrollWidth <=
          document.documentElement.clientWidth,
      ),
      true,
      "the suggestions table scrolls inside its panel, not the page",
    );
    await browser.pause(300);
    await screenshot(browser, "78-scoring-suggestions");
    await checkAccessibility(browser, "the suggested points panel");

    // A fit suggestion worth a band of its own: its leads move there, as many as its rules match.
    const index = fromCli.suggestions.findIndex(
      (s) => s.rule.when && bandOf(s.points) !== "cold",
    );
    if (index < 0) {
      assert.fail(
        `no suggestion with a when-rule moves leads out of cold: ${JSON.stringify(fromCli.suggestions)}`,
      );
    }
    const chosen = fromCli.suggestions[index];
    const file = join(dir, "suggested-rule.json");
    writeJson(file, chosen.rule.when);
    const matching = firstNumber(
      cli("--db", app.demoDb, "segment", "count", file),
    );
    assert.ok(matching > 0, "the suggestion's rules match some leads");
    const expected = {
      [bandOf(chosen.points)]: matching,
      cold: 5000 - matching,
    };

    assert.equal(
      await byTestId(browser, "score-unsaved").isExisting(),
      true,
      "the name is already an unsaved edit",
    );
    const rulesBefore = (
      await browser.$$('[data-testid^="score-rule-points-"]')
    ).length;
    await clickWhenStill(browser, byTestId(browser, `suggest-add-${index}`));
    await browser.waitUntil(
      async () =>
        (await browser.$$('[data-testid^="score-rule-points-"]')).length ===
        rulesBefore + 1,
      {
        timeout: 10_000,
        timeoutMsg: "the suggestion's rule is added to the form",
      },
    );
    assert.equal(
      await byTestId(browser, `suggest-add-${index}`).getText(),
      "Added",
    );
    let shown = {};
    await browser
      .waitUntil(
        async () => {
          shown = await shownBands(browser);
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
    // Never saved silently: the model is not listed until the user saves.
    assert.equal(await byTestId(browser, "score-save").getText(), "Save model");
    await scrollBodyTo(browser, "score-preview");
    await browser.pause(300);
    await screenshot(browser, "79-scoring-suggestion-added");
    await checkAccessibility(
      browser,
      "the model editor with a suggestion added",
    );
  });
});
