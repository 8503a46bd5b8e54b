// Strategy: goals and reviews in the real window on the demo workspace.
// Adds a goal in the Goals tab (a segment's size, with its baseline shown
// live before saving), reads its progress and compares the baseline and
// current value with `goal show/progress --json` on the same workspace;
// records a review of a due segment in the Reviews tab and sees it leave
// the due list, then checks `review due --json` and `review list --json`.
// Screenshots and axe on each tab.
import assert from "node:assert/strict";
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

/** "1,079 (+12)" → 1079. */
const firstNumber = (text) =>
  Number(
    (/-?[\d,]+(\.\d+)?/.exec(String(text)) ?? ["NaN"])[0].replace(/,/g, ""),
  );

describe("strategy: goals and reviews", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("adds a goal and reads its progress", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-strategy").click();
    await clickWhenStill(browser, byTestId(browser, "strategy-tab-goals"));
    const table = byTestId(browser, "goals-table");
    await table.waitForDisplayed({ timeout: 60_000 });
    // The demo's two goals: one on track, one off.
    const statuses = await browser.execute(() =>
      [
        ...document.querySelectorAll(
          '[data-testid="goals-table"] tbody .goal-status',
        ),
      ].map((e) => e.textContent),
    );
    assert.deepEqual([...statuses].sort(), ["Off track", "On track"]);
    await byTestId(browser, "goal-detail").waitForDisplayed({
      timeout: 60_000,
    });
    // The chart draws the straight line over its bars.
    const line = byTestId(browser, "goal-chart-line");
    await line.waitForExist({ timeout: 30_000 });
    const points = (await line.getAttribute("points")).split(" ");
    assert.ok(
      points.length > 1 && !points.join(" ").includes("NaN"),
      `the line's points: ${points}`,
    );
    await screenshot(browser, "strategy-goals-demo");

    await clickWhenStill(browser, byTestId(browser, "goal-add"));
    const subject = byTestId(browser, "goal-subject");
    await subject.waitForDisplayed();
    // The streams and the segments come from two requests: wait for a
    // segment, not for any few options (the streams alone are eight).
    await browser.waitUntil(
      async () =>
        await browser.execute(() =>
          [
            ...document.querySelectorAll('[data-testid="goal-subject"] option'),
          ].some((o) => o.value.startsWith("segment:")),
        ),
      { timeout: 30_000, timeoutMsg: "the segments never came" },
    );
    const segmentValue = await browser.execute(
      () =>
        [
          ...document.querySelectorAll('[data-testid="goal-subject"] option'),
        ].find((o) => o.value.startsWith("segment:"))?.value,
    );
    const segmentId = Number(segmentValue.split(":")[1]);
    await subject.selectByAttribute("value", segmentValue);
    await byTestId(browser, "goal-metric").selectByAttribute("value", "size");
    const baselineText = byTestId(browser, "goal-baseline");
    await browser.waitUntil(
      async () => (await baselineText.getText()).startsWith("Baseline:"),
      {
        timeout: 60_000,
        timeoutMsg: "the baseline never showed",
      },
    );
    const baseline = firstNumber(
      (await baselineText.getText()).replace("Baseline:", ""),
    );
    assert.ok(Number.isFinite(baseline), await baselineText.getText());
    await typeInto(
      browser,
      byTestId(browser, "goal-target"),
      String(baseline + 100),
    );
    await typeInto(
      browser,
      byTestId(browser, "goal-name"),
      "E2E grow the segment",
    );
    await screenshot(browser, "strategy-goals-form");
    await checkAccessibility(browser, "goal form");
    await clickWhenStill(browser, byTestId(browser, "goal-save"));
    await byTestId(browser, "goal-form").waitForExist({
      reverse: true,
      timeout: 60_000,
    });

    // The new goal is selected: its detail shows its name and numbers.
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "goal-detail").getText()).includes(
          "E2E grow the segment",
        ),
      {
        timeout: 60_000,
        timeoutMsg: "the new goal's detail never showed",
      },
    );
    const current = firstNumber(
      await byTestId(browser, "goal-current").getText(),
    );
    await byTestId(browser, "goal-trajectory").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "goal-chart").waitForDisplayed();
    const goals = JSON.parse(cli("--db", app.demoDb, "goal", "list", "--json"));
    const mine = goals.find((p) => p.goal.name === "E2E grow the segment");
    assert.ok(mine, "the CLI lists the goal added in the app");
    assert.deepEqual(mine.goal.subject, { kind: "segment", id: segmentId });
    assert.equal(mine.goal.baseline, baseline);
    assert.equal(mine.goal.target, baseline + 100);
    const progress = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "goal",
        "progress",
        String(mine.goal.id),
        "--json",
      ),
    );
    assert.equal(
      progress.current,
      current,
      "the app's current value is the CLI's",
    );
    assert.equal(
      progress.trajectory.length,
      1,
      "the goal starts today: one point",
    );
    assert.equal(
      progress.status,
      "on-track",
      "on its first day a goal is on its line",
    );
    assert.equal(await byTestId(browser, "goal-status").getText(), "On track");
    await screenshot(browser, "strategy-goals-detail");
    await checkAccessibility(browser, "goals tab");
  });

  it("records a review and sees it leave the due list", async () => {
    const { browser } = app;
    await clickWhenStill(browser, byTestId(browser, "strategy-tab-reviews"));
    const due = byTestId(browser, "reviews-due");
    await due.waitForDisplayed({ timeout: 60_000 });
    const dueIds = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid^="review-due-"]')].map((e) =>
        Number(e.dataset.testid.slice(11)),
      ),
    );
    assert.ok(dueIds.length >= 2, `the demo has segments due: ${dueIds}`);
    const cliDue = JSON.parse(
      cli("--db", app.demoDb, "review", "due", "--json"),
    );
    assert.deepEqual(
      cliDue.due.map((d) => d.segment_id),
      dueIds,
      "the app's due list is the CLI's",
    );
    await screenshot(browser, "strategy-reviews-due");
    await checkAccessibility(browser, "reviews tab");

    const id = dueIds[0];
    await clickWhenStill(browser, byTestId(browser, `review-record-${id}`));
    await byTestId(browser, "review-form").waitForDisplayed();
    await byTestId(browser, "review-decision-change").click();
    await typeInto(
      browser,
      byTestId(browser, "review-note"),
      "Tighten the rules after the E2E review",
    );
    await checkAccessibility(browser, "review form");
    await clickWhenStill(browser, byTestId(browser, "review-save"));
    await byTestId(browser, `review-due-${id}`).waitForExist({
      reverse: true,
      timeout: 60_000,
    });
    await byTestId(browser, "review-history").waitForDisplayed({
      timeout: 30_000,
    });
    assert.match(
      await byTestId(browser, "review-history").getText(),
      /Tighten the rules after the E2E review/,
    );

    const after = JSON.parse(
      cli("--db", app.demoDb, "review", "due", "--json"),
    );
    assert.ok(
      !after.due.some((d) => d.segment_id === id),
      "the CLI no longer lists it as due",
    );
    const reviews = JSON.parse(
      cli("--db", app.demoDb, "review", "list", String(id), "--json"),
    );
    assert.equal(reviews[0].decision, "change");
    assert.equal(reviews[0].note, "Tighten the rules after the E2E review");
    await screenshot(browser, "strategy-reviews-recorded");
  });
});
