// The Insights Overlap tab in the real window, on the demo workspace: it
// opens on the built-in segments (the demo has none of its own), the user
// picks two segments, a matrix cell equals the CLI's `insights overlap` on
// the same file, the cell (clicked, and Enter on it) opens the segment
// builder whose live count is the same number, the choice is remembered,
// and the Plan tab's "also eligible for" link opens the overlap of the
// streams' entry segments. Screenshots and axe on each screen.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  clickWhenStill,
  cli,
  launchOpen,
  screenshot,
} from "./support.mjs";

/** The CLI's overlap report on the app's demo workspace. */
function cliOverlap(demoDb, ...segments) {
  return JSON.parse(
    cli(
      "--db",
      demoDb,
      "insights",
      "overlap",
      "--json",
      ...segments.map(String),
    ),
  );
}

/**
 * Opens a view from the navigation; the builder's unsaved rules (opened from
 * a cell) are discarded when the app asks.
 */
async function openView(browser, view, readyTestId) {
  await byTestId(browser, `nav-${view}`).click();
  const ready = byTestId(browser, readyTestId);
  const question = byTestId(browser, "unsaved-dialog");
  await browser.waitUntil(
    async () => (await ready.isDisplayed()) || (await question.isDisplayed()),
    { timeout: 30_000, timeoutMsg: `the ${view} view did not open` },
  );
  if (await question.isDisplayed()) {
    await clickWhenStill(browser, byTestId(browser, "unsaved-discard"));
  }
  await ready.waitForDisplayed({ timeout: 30_000 });
}

async function openOverlap(browser) {
  await openView(browser, "insights", "insights-view");
  await byTestId(browser, "insights-tab-overlap").click();
  await byTestId(browser, "insights-overlap").waitForDisplayed({
    timeout: 30_000,
  });
}

/** The ids of the ticked segments in the chooser, in screen order. */
async function ticked(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="overlap-choose-"]')]
      .filter((box) => box.checked)
      .map((box) =>
        Number(box.getAttribute("data-testid").replace("overlap-choose-", "")),
      ),
  );
}

/** Waits for the table cell of row `a` and column `b` and returns its count. */
async function cellCount(browser, a, b) {
  const cell = byTestId(browser, `overlap-cell-${a}-${b}`);
  await cell.waitForDisplayed({ timeout: 30_000 });
  await browser.waitUntil(
    async () =>
      !(await byTestId(browser, "overlap-status").getText()).includes(
        "counting",
      ),
    {
      timeout: 30_000,
      timeoutMsg: "the overlap was never counted",
    },
  );
  return Number(await cell.getAttribute("data-count"));
}

/**
 * Waits until the segment builder's live count has counted the cell's rules
 * and returns it: the count of the rules first shown may be of the empty
 * rules, so this waits (up to 30 s) for `expected` and returns the last
 * count seen otherwise, for the assertion to report.
 */
async function liveCount(browser, expected) {
  const live = byTestId(browser, "segment-live-count");
  await live.waitForDisplayed({ timeout: 30_000 });
  let seen = "";
  await browser
    .waitUntil(
      async () => {
        seen = await live.getAttribute("data-count");
        return seen === String(expected);
      },
      { timeout: 30_000 },
    )
    .catch(() => {});
  return Number(seen);
}

describe("Insights: overlap", () => {
  let app;
  let segments;
  before(async () => {
    app = await launchOpen();
    segments = JSON.parse(cli("--db", app.demoDb, "segment", "list", "--json"));
  });
  after(async () => {
    await app?.stop();
  });

  it("opens on the demo's built-in segments with the CLI's default numbers", async () => {
    const { browser } = app;
    await openOverlap(browser);
    await byTestId(browser, "overlap-heatmap").waitForDisplayed({
      timeout: 30_000,
    });
    const report = cliOverlap(app.demoDb);
    assert.ok(
      report.segments.length >= 10,
      "the demo compares its built-in segments by default",
    );
    assert.deepEqual(
      (await ticked(browser)).sort(),
      report.segments.map((s) => s.id).sort(),
    );
    // The biggest off-diagonal cell of the default matrix, as the CLI counts it.
    const biggest = report.cells
      .filter((c) => c.row !== c.column)
      .sort((x, y) => y.count - x.count)[0];
    assert.ok(biggest.count > 0);
    assert.equal(
      await cellCount(browser, biggest.row, biggest.column),
      biggest.count,
    );
    const listed = await browser.$$('[data-testid="overlap-intersection"]');
    assert.equal(listed.length, report.intersections.length);
    if (report.intersections.length) {
      assert.equal(
        Number(await listed[0].getAttribute("data-count")),
        report.intersections[0].count,
      );
    }
    await screenshot(browser, "insights-overlap-default");
    await checkAccessibility(
      browser,
      "the Insights overlap tab on the built-in segments",
    );
  });

  it("picks two segments; a cell equals the CLI and opens the builder on the same count", async () => {
    const { browser } = app;
    const byName = (name) =>
      segments.find((s) => s.segment.name === name).segment.id;
    const decision = byName("Decision stage");
    const practitioners = byName("Practitioners");
    await browser.$("button=None").click();
    await byTestId(browser, `overlap-choose-${decision}`).click();
    await byTestId(browser, `overlap-choose-${practitioners}`).click();
    assert.deepEqual(
      (await ticked(browser)).sort(),
      [decision, practitioners].sort(),
    );
    await browser.waitUntil(
      async () =>
        (await browser.$$('[data-testid^="overlap-cell-"]')).length === 4,
      {
        timeout: 30_000,
        timeoutMsg: "the matrix did not shrink to the two chosen segments",
      },
    );
    const shown = await cellCount(browser, practitioners, decision);
    const report = cliOverlap(app.demoDb, practitioners, decision);
    const expected = report.cells.find(
      (c) => c.row === practitioners && c.column === decision,
    );
    assert.equal(shown, expected.count);
    assert.ok(
      shown > 0,
      "the demo's practitioners include some in the decision stage",
    );
    const name = await browser.execute(
      (id) => document.querySelector(`[data-testid="${id}"]`).textContent,
      `overlap-cell-${practitioners}-${decision}`,
    );
    assert.match(
      name,
      /leads in Practitioners and in Decision stage, .*% of Practitioners/,
    );
    await screenshot(browser, "insights-overlap-two");
    await checkAccessibility(
      browser,
      "the Insights overlap tab on two segments",
    );

    await byTestId(
      browser,
      `overlap-cell-${practitioners}-${decision}`,
    ).click();
    assert.equal(await liveCount(browser, shown), shown);
    await screenshot(browser, "insights-overlap-builder");

    // Back: the choice is remembered; Enter on the mirrored cell opens the same leads.
    await openOverlap(browser);
    await browser.waitUntil(async () => (await ticked(browser)).length === 2, {
      timeout: 30_000,
      timeoutMsg: "the chosen segments were not remembered",
    });
    assert.equal(await cellCount(browser, decision, practitioners), shown);
    const mirrored = await byTestId(
      browser,
      `overlap-cell-${decision}-${practitioners}`,
    );
    await browser.execute((el) => el.focus(), mirrored);
    await browser.keys(["Enter"]);
    const again = await liveCount(browser, shown);
    await screenshot(browser, "insights-overlap-builder-again");
    assert.equal(again, shown);
  });

  it("the Plan tab's “also eligible for” opens the overlap of the streams' entry segments", async (t) => {
    const { browser } = app;
    await openView(browser, "streams", "streams-tab-plan");
    await byTestId(browser, "streams-tab-plan").click();
    await byTestId(browser, "plan-streams-table").waitForDisplayed({
      timeout: 60_000,
    });
    const links = await browser.$$('[data-testid^="plan-overlap-link-"]');
    if (links.length === 0) {
      t.skip("no active stream of the demo shares leads with another today");
      return;
    }
    const streamId = Number(
      (await links[0].getAttribute("data-testid")).replace(
        "plan-overlap-link-",
        "",
      ),
    );
    const row = await byTestId(
      browser,
      `plan-stream-row-${streamId}`,
    ).getText();
    const streams = cli("--db", app.demoDb, "streams", "list")
      .split("\n")
      .map((line) => line.trim().match(/^(\d+)\s+\d+\s+\w+\s+(.*)$/))
      .filter(Boolean)
      .map(([, id, name]) => ({ id: Number(id), name }));
    const concerned = streams.filter(
      (s) => s.id === streamId || row.includes(s.name),
    );
    assert.ok(
      concerned.length >= 2,
      `the row names the streams it shares leads with: ${row}`,
    );
    const entry = new Set(
      concerned.flatMap(
        (s) =>
          JSON.parse(cli("--db", app.demoDb, "streams", "export", String(s.id)))
            .stream.definition.entry_segments,
      ),
    );
    await screenshot(browser, "insights-overlap-plan-link");
    await checkAccessibility(browser, "the Plan tab with its links to the overlap");
    await links[0].click();
    await byTestId(browser, "insights-overlap").waitForDisplayed({
      timeout: 30_000,
    });
    await browser.waitUntil(async () => (await ticked(browser)).length > 0, {
      timeout: 30_000,
    });
    assert.deepEqual((await ticked(browser)).sort(), [...entry].sort());
    const [a, b] = [...entry];
    if (b !== undefined) {
      const expected = cliOverlap(app.demoDb, a, b).cells.find(
        (c) => c.row === a && c.column === b,
      );
      assert.equal(await cellCount(browser, a, b), expected.count);
    }
    await screenshot(browser, "insights-overlap-from-plan");
    await checkAccessibility(
      browser,
      "the Insights overlap tab opened from the Plan tab",
    );
  });
});
