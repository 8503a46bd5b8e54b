// Accessibility of every screen in the real window: axe-core (WCAG 2.x A and
// AA) runs on each view as a user reaches it (Leads with the welcome, the
// workspace menu open, the fields dialog, Import and its wizard steps,
// Segments and a rule being edited, the unsaved-changes question, the stream
// Designer, Plan and Content tabs, Insights, Scoring, the start screen and a new
// empty workspace); any serious or critical violation fails. Also the skip
// link: the first Tab reaches it, and Enter moves focus to the content.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  discardIfAsked,
  dropFile,
  leadTotal,
  repoRoot,
  screenshot,
  typeInto,
  launchOpen,
} from "./support.mjs";

/**
 * Opens a view from the navigation and waits for the element that says it is
 * drawn; work left unsaved in the view before (a wizard, an editor) is
 * discarded when the app asks.
 */
async function openView(browser, view, readyTestId) {
  await byTestId(browser, `nav-${view}`).click();
  const ready = byTestId(browser, readyTestId);
  const question = byTestId(browser, "unsaved-dialog");
  await browser.waitUntil(async () => (await ready.isDisplayed()) || (await question.isDisplayed()), {
    timeout: 30_000,
    timeoutMsg: `the ${view} view did not open`,
  });
  if (await question.isDisplayed()) {
    await byTestId(browser, "unsaved-discard").click();
    await ready.waitForDisplayed({ timeout: 30_000 });
  }
}

/** The data-testid (or id, or tag) of the focused element. */
async function focused(browser) {
  return browser.execute(() => {
    const el = document.activeElement;
    return el?.getAttribute("data-testid") ?? el?.id ?? el?.tagName ?? "";
  });
}

describe("accessibility of every screen", () => {
  let app;
  before(async () => {
    app = await launchOpen();
    assert.equal(await leadTotal(app.browser), 5000);
  });
  after(async () => {
    await app?.stop();
  });

  it("the skip link is the first stop of Tab and moves focus to the content", async () => {
    const { browser } = app;
    await browser.execute(() => document.activeElement?.blur());
    await browser.keys(["Tab"]);
    assert.equal(await focused(browser), "skip-link");
    assert.equal(await byTestId(browser, "skip-link").getText(), "Skip to content");
    await screenshot(browser, "90-skip-link");
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => (await focused(browser)) === "main-content", {
      timeout: 5_000,
      timeoutMsg: "Enter on the skip link did not move focus to the content",
    });
  });

  it("Leads, with the first-run welcome", async () => {
    const { browser } = app;
    await byTestId(browser, "welcome").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "lead-row").waitForDisplayed({ timeout: 30_000 });
    await checkAccessibility(browser, "the Leads view with the welcome");
  });

  it("the workspace menu, open", async () => {
    const { browser } = app;
    await byTestId(browser, "workspace-menu").click();
    await byTestId(browser, "workspace-menu-items").waitForDisplayed();
    try {
      await checkAccessibility(browser, "the open workspace menu");
    } finally {
      await browser.keys(["Escape"]);
      await byTestId(browser, "workspace-menu-items").waitForExist({ reverse: true });
    }
  });

  it("the fields dialog", async () => {
    const { browser } = app;
    await byTestId(browser, "fields-manage").click();
    await byTestId(browser, "fields-dialog").waitForDisplayed({ timeout: 10_000 });
    try {
      await checkAccessibility(browser, "the fields dialog");
    } finally {
      await byTestId(browser, "fields-close").click();
    }
  });

  it("Import", async () => {
    const { browser } = app;
    await openView(browser, "import", "import-drop-zone");
    await checkAccessibility(browser, "the Import view");
  });

  it("the import wizard: file step", async () => {
    const { browser } = app;
    await dropFile(browser, join(repoRoot, "tests/fixtures/e2e/hubspot-contacts.csv"));
    await byTestId(browser, "import-step-file").waitForDisplayed({ timeout: 30_000 });
    await checkAccessibility(browser, "the import wizard's file step");
  });

  it("the import wizard: columns step", async () => {
    const { browser } = app;
    await byTestId(browser, "import-next").click();
    await byTestId(browser, "import-step-columns").waitForDisplayed({ timeout: 30_000 });
    await checkAccessibility(browser, "the import wizard's columns step");
  });

  it("the import wizard: review step (a dry run)", async () => {
    const { browser } = app;
    await byTestId(browser, "import-dry-run").click();
    await byTestId(browser, "import-step-review").waitForDisplayed({ timeout: 30_000 });
    await checkAccessibility(browser, "the import wizard's review step");
  });

  it("Segments", async () => {
    const { browser } = app;
    await openView(browser, "segments", "segment-list");
    await browser.$('[data-testid^="segment-item-"]').waitForDisplayed({ timeout: 30_000 });
    await checkAccessibility(browser, "the Segments view");
  });

  it("a segment rule being edited", async () => {
    const { browser } = app;
    await byTestId(browser, "segment-new").click();
    const root = browser.$('[data-testid="rule-group"]');
    await root.waitForDisplayed({ timeout: 10_000 });
    await root.$('[data-testid="add-rule"]').click();
    const rule = root.$('[data-testid="rule"]');
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "persona");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "=");
    await checkAccessibility(browser, "a segment rule being edited");
  });

  it("the unsaved-changes question", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-leads").click();
    await byTestId(browser, "unsaved-dialog").waitForDisplayed({
      timeout: 10_000,
      timeoutMsg: "leaving the unsaved segment asked nothing",
    });
    try {
      await checkAccessibility(browser, "the unsaved-changes question");
    } finally {
      await byTestId(browser, "unsaved-discard").click();
      await byTestId(browser, "lead-total").waitForDisplayed({ timeout: 10_000 });
    }
  });

  it("Streams: the Designer tab", async () => {
    const { browser } = app;
    await openView(browser, "streams", "stream-list");
    await browser
      .$('[data-testid^="node-count-"]')
      .waitForExist({ timeout: 30_000, timeoutMsg: "the first stream was not planned" });
    await checkAccessibility(browser, "the stream Designer tab");
  });

  it("Streams: the Plan tab", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-plan").click();
    await byTestId(browser, "plan-calendar").waitForDisplayed({ timeout: 60_000 });
    await checkAccessibility(browser, "the stream Plan tab");
  });

  it("Streams: the Content tab", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-content").click();
    await byTestId(browser, "content-matrix").waitForDisplayed({ timeout: 30_000 });
    await checkAccessibility(browser, "the stream Content tab");
  });

  it("Insights", async () => {
    const { browser } = app;
    await openView(browser, "insights", "insights-view");
    for (const tab of ["overlap", "hierarchies", "coverage", "performance", "actions", "crosstab", "discover"]) {
      await byTestId(browser, `insights-tab-${tab}`).click();
      await byTestId(browser, `insights-${tab}`).waitForDisplayed({ timeout: 30_000 });
      await checkAccessibility(browser, `the Insights ${tab} tab`);
    }
  });

  it("Scoring: the models tab with a new model's editor, and the back-test tab", async () => {
    const { browser } = app;
    await openView(browser, "scoring", "score-model-list");
    await byTestId(browser, "score-new").click();
    await byTestId(browser, "score-editor").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "score-add-fit").click();
    await byTestId(browser, "score-add-engagement").click();
    await checkAccessibility(browser, "the Scoring model editor");
    await byTestId(browser, "scoring-tab-backtest").click();
    // The new model is unsaved: the app asks before leaving it.
    await discardIfAsked(
      browser,
      async () =>
        (await byTestId(browser, "backtest").isDisplayed().catch(() => false)) ||
        (await byTestId(browser, "backtest-no-models").isDisplayed().catch(() => false)),
      "opening the back-test tab",
    );
    await checkAccessibility(browser, "the Scoring back-test tab");
  });

  it("Strategy: priorities, goals, reviews and history", async () => {
    const { browser } = app;
    await openView(browser, "strategy", "strategy-view");
    const loaded = { priorities: "ice-table", goals: "goals-table", reviews: "reviews-due", history: "diff-summary" };
    for (const [tab, content] of Object.entries(loaded)) {
      await byTestId(browser, `strategy-tab-${tab}`).click();
      await byTestId(browser, content).waitForDisplayed({ timeout: 30_000 });
      await checkAccessibility(browser, `the Strategy ${tab} tab`);
    }
  });

  it("Quality: overview, duplicates and fixes", async () => {
    const { browser } = app;
    await openView(browser, "quality", "quality-view");
    const loaded = { overview: "quality-overview", duplicates: "duplicates-table", fixes: "fixes-tab" };
    for (const [tab, content] of Object.entries(loaded)) {
      await byTestId(browser, `quality-tab-${tab}`).click();
      await byTestId(browser, content).waitForDisplayed({ timeout: 60_000 });
      await checkAccessibility(browser, `the Quality ${tab} tab`);
    }
  });

  it("the start screen, and a new empty workspace with its welcome", async () => {
    const { browser } = app;
    await byTestId(browser, "workspace-menu").click();
    await byTestId(browser, "menu-new").click();
    await byTestId(browser, "start-screen").waitForDisplayed();
    await checkAccessibility(browser, "the start screen");
    await typeInto(browser, byTestId(browser, "new-workspace-name"), "Accessible leads");
    await byTestId(browser, "create-workspace").click();
    await browser.waitUntil(async () => (await byTestId(browser, "workspace-name").getText()) === "Accessible leads", {
      timeout: 10_000,
    });
    await byTestId(browser, "welcome").waitForDisplayed({ timeout: 10_000 });
    await checkAccessibility(browser, "a new empty workspace");
  });
});
