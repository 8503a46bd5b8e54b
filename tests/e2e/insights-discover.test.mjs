// Insights › Cross-tab and Discover in the real window: the default cross-tab
// (buying stage × industry over the last 90 days) is compared cell by cell
// with `leadstream insights crosstab --json` on the same demo workspace; the
// proposed segments are compared with `insights discover --json`, the first
// is saved with one click and found in the Segments list with the same
// count (as of the period's start, where the proposal was measured); both
// tabs are screenshotted and checked with axe.
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

async function openView(browser, view, readyTestId) {
  await byTestId(browser, `nav-${view}`).click();
  const ready = byTestId(browser, readyTestId);
  const question = byTestId(browser, "unsaved-dialog");
  await browser.waitUntil(
    async () => (await ready.isDisplayed()) || (await question.isDisplayed()),
    {
      timeout: 30_000,
      timeoutMsg: `the ${view} view did not open`,
    },
  );
  if (await question.isDisplayed()) {
    await byTestId(browser, "unsaved-discard").click();
    await ready.waitForDisplayed({ timeout: 30_000 });
  }
}

describe("insights: cross-tab and proposed segments", () => {
  let app;
  let period;
  before(async () => {
    app = await launchOpen();
    await openView(app.browser, "insights", "insights-view");
  });
  after(async () => {
    await app?.stop();
  });

  it("shows the cross-tab the CLI computes, cell by cell", async () => {
    const { browser } = app;
    await byTestId(browser, "insights-tab-crosstab").click();
    await byTestId(browser, "crosstab-table").waitForDisplayed({
      timeout: 60_000,
    });
    period = {
      from: await byTestId(browser, "analysis-from").getValue(),
      to: await byTestId(browser, "analysis-to").getValue(),
    };
    assert.equal(
      await byTestId(browser, "crosstab-rows").getValue(),
      "field:buying_stage",
    );
    assert.equal(
      await byTestId(browser, "crosstab-columns").getValue(),
      "field:industry",
    );
    const expected = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "insights",
        "crosstab",
        "--rows",
        "field:buying_stage",
        "--columns",
        "field:industry",
        "--from",
        period.from,
        "--to",
        period.to,
        "--json",
      ),
    );
    const shown = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid^="crosstab-cell-"]')].map(
        (td) => ({
          id: td.getAttribute("data-testid"),
          leads: Number(td.getAttribute("data-leads")),
          converted: Number(td.getAttribute("data-converted")),
        }),
      ),
    );
    assert.equal(shown.length, expected.rows.length * expected.columns.length);
    for (const cell of shown) {
      const [r, c] = cell.id
        .replace("crosstab-cell-", "")
        .split("-")
        .map(Number);
      assert.deepEqual(
        [cell.leads, cell.converted],
        [expected.cells[r][c].trials, expected.cells[r][c].successes],
        `${expected.rows[r].label} × ${expected.columns[c].label}`,
      );
    }
    assert.equal(
      Number(
        await byTestId(browser, "crosstab-total").getAttribute("data-leads"),
      ),
      expected.total.trials,
    );
    assert.ok(
      expected.total.successes > 0,
      "the demo has conversions in the last 90 days",
    );
    await screenshot(browser, "insights-crosstab");
    await checkAccessibility(browser, "Insights › Cross-tab");
  });

  it("proposes the CLI's segments and saves one with the same count", async (t) => {
    const { browser } = app;
    await byTestId(browser, "insights-tab-discover").click();
    const baseline = byTestId(browser, "discover-baseline");
    await baseline.waitForDisplayed({ timeout: 60_000 });
    const expected = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "insights",
        "discover",
        "--from",
        period.from,
        "--to",
        period.to,
        "--json",
      ),
    );
    const cards = await browser.$$('[data-testid^="discover-proposal-"]');
    assert.equal(cards.length, expected.proposals.length);
    if (expected.proposals.length === 0) {
      assert.ok(await byTestId(browser, "discover-none").isDisplayed());
      await screenshot(browser, "insights-discover");
      await checkAccessibility(
        browser,
        "Insights › Discover with nothing to propose",
      );
      t.skip(
        "no group beats the baseline in this demo's last 90 days: nothing to save",
      );
      return;
    }
    const first = expected.proposals[0];
    const size = Number(
      await byTestId(browser, "discover-size-0").getAttribute("data-count"),
    );
    assert.equal(size, first.conversion.trials);
    assert.ok(
      first.conversion.low > expected.baseline.rate,
      "a proposal beats the baseline",
    );
    await screenshot(browser, "insights-discover");
    await checkAccessibility(browser, "Insights › Discover");

    await clickWhenStill(browser, byTestId(browser, "discover-save-0"));
    const saved = byTestId(browser, "discover-saved-0");
    await saved.waitForDisplayed({ timeout: 30_000 });
    const id = Number(await saved.getAttribute("data-segment-id"));
    assert.ok(id > 0);

    await openView(browser, "segments", "segment-list");
    const item = byTestId(browser, `segment-item-${id}`);
    await item.waitForDisplayed({ timeout: 30_000 });
    await item.scrollIntoView();
    assert.ok(
      (await item.getProperty("textContent")).includes(first.name.slice(0, 20)),
      "the list shows its name",
    );
    await item.click();
    await typeInto(browser, byTestId(browser, "segment-as-of"), period.from);
    const count = byTestId(browser, `segment-count-${id}`);
    await browser.waitUntil(
      async () => Number(await count.getAttribute("data-count")) === size,
      {
        timeout: 30_000,
        timeoutMsg: `the saved proposal should count ${size} leads as of ${period.from}`,
      },
    );
    const cliCount = Number(
      cli(
        "--db",
        app.demoDb,
        "segment",
        "count",
        String(id),
        "--as-of",
        period.from,
      )
        .trim()
        .split(/\s+/)[0],
    );
    assert.equal(cliCount, size);
    const live = byTestId(browser, "segment-live-count");
    await browser.waitUntil(async () => Number(await live.getAttribute("data-count")) === size, {
      timeout: 30_000,
      timeoutMsg: `the builder should count ${size} leads as of ${period.from}`,
    });
    await screenshot(browser, "insights-discover-saved-segment");
  });
});
