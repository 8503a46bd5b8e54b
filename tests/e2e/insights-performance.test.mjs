// Insights, Performance and Actions in the real window on the demo
// workspace: the period/outcome bar's default (last 90 days, purchases), a
// segment's row and the baseline compared with `insights performance
// --json` for the same period, the top action compared with `insights
// actions --json`, then the outcome changed (an event type, then a field)
// and compared again. Screenshots, and axe on both tabs.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  launchOpen,
  screenshot,
  typeInto,
} from "./support.mjs";

/** "1,079" → 1079. */
const number = (text) => Number(String(text).replace(/[^\d.]/g, ""));

/** The period the bar shows. */
async function period(browser) {
  return {
    from: await byTestId(browser, "analysis-from").getValue(),
    to: await byTestId(browser, "analysis-to").getValue(),
  };
}

/** Waits until the element's text satisfies `test`, and returns it. */
async function textWhen(browser, testId, test, what) {
  let text = "";
  await browser.waitUntil(
    async () => {
      const element = byTestId(browser, testId);
      text = (await element.isExisting()) ? await element.getText() : "";
      return test(text);
    },
    {
      timeout: 60_000,
      timeoutMsg: `${what}; last text: ${JSON.stringify(text)}`,
    },
  );
  return text;
}

/** The baseline line's converted count: "All leads: 759 of 5,000 converted …". */
function baselineCounts(text) {
  const match = /All leads: ([\d,]+) of ([\d,]+) converted/.exec(text);
  return match ? [number(match[1]), number(match[2])] : null;
}

describe("Insights: which segments perform and which actions predict conversion", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("shows each segment's members, conversions and rate as the CLI computes them", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-insights").click();
    await byTestId(browser, "insights-tab-performance").click();
    await byTestId(browser, "insights-performance").waitForDisplayed({
      timeout: 30_000,
    });
    const { from, to } = await period(browser);
    assert.equal(
      await byTestId(browser, "analysis-preset").getValue(),
      "90",
      "the last 90 days by default",
    );
    const fromCli = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "insights",
        "performance",
        "--from",
        from,
        "--to",
        to,
        "--json",
      ),
    );
    const baseline = fromCli.all_leads.conversion;
    assert.ok(
      baseline.successes > 0,
      "the demo has purchases in the last 90 days",
    );
    await textWhen(
      browser,
      "perf-baseline",
      (t) =>
        JSON.stringify(baselineCounts(t)) ===
        JSON.stringify([baseline.successes, baseline.trials]),
      "the baseline should match the CLI",
    );
    // The CLI's best-converting segment, and one not distinguishable, if any.
    const picks = [
      fromCli.segments[0],
      fromCli.segments.find((s) => !s.distinguishable),
    ].filter(Boolean);
    for (const segment of picks) {
      const row = byTestId(browser, `perf-row-${segment.segment_id}`);
      await row.waitForDisplayed({ timeout: 30_000 });
      const cell = async (id) =>
        (await row.$(`[data-testid="perf-${id}"]`)).getText();
      assert.equal(
        number(await cell("members")),
        segment.conversion.trials,
        `${segment.name}: members`,
      );
      assert.equal(
        number(await cell("converted")),
        segment.conversion.successes,
        `${segment.name}: converted`,
      );
      assert.equal(
        await cell("rate"),
        `${(segment.conversion.rate * 100).toFixed(1)}%`,
        `${segment.name}: rate`,
      );
      const verdict = await row
        .$('[data-testid="perf-verdict-badge"]')
        .getAttribute("data-verdict");
      assert.equal(
        verdict === "same",
        !segment.distinguishable,
        `${segment.name}: marked as the CLI says`,
      );
    }
    // The table is ranked by rate, as the CLI.
    const firstRow = await browser.$(
      '[data-testid="performance-table"] tbody tr',
    );
    assert.equal(
      await firstRow.getAttribute("data-testid"),
      `perf-row-${fromCli.segments[0].segment_id}`,
    );
    await byTestId(browser, "performance-chart").waitForDisplayed();
    await screenshot(browser, "insights-performance");
    await checkAccessibility(browser, "Insights, Performance");
    await byTestId(browser, "performance-table").scrollIntoView();
    await screenshot(browser, "insights-performance-table");

    // Sort by members: the largest segment comes first.
    await byTestId(browser, "perf-sort-members").click();
    const largest = [...fromCli.segments].sort(
      (a, b) => b.conversion.trials - a.conversion.trials,
    )[0];
    await browser.waitUntil(
      async () =>
        (await browser
          .$('[data-testid="performance-table"] tbody tr')
          .getAttribute("data-testid")) === `perf-row-${largest.segment_id}`,
      {
        timeout: 10_000,
        timeoutMsg: "sorting by members should put the largest segment first",
      },
    );
  });

  it("ranks the actions as the CLI does, and follows a changed outcome", async () => {
    const { browser } = app;
    await byTestId(browser, "insights-tab-actions").click();
    await byTestId(browser, "insights-actions").waitForDisplayed({
      timeout: 30_000,
    });
    const { from, to } = await period(browser);
    const fromCli = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "insights",
        "actions",
        "--from",
        from,
        "--to",
        to,
        "--json",
      ),
    );
    const top = fromCli.actions[0];
    const row = byTestId(browser, "action-row-0");
    await row.waitForDisplayed({ timeout: 60_000 });
    assert.equal(await row.getAttribute("data-action"), top.event_type);
    assert.equal(Number(await row.getAttribute("data-at-least")), top.at_least);
    assert.equal(
      number(await row.$('[data-testid="action-leads"]').getText()),
      top.did.trials,
    );
    assert.equal(
      number(await row.$('[data-testid="action-converted"]').getText()),
      top.did.successes,
    );
    assert.ok(
      top.lift > 1 && top.distinguishable,
      `the demo's top action predicts purchases: ${JSON.stringify(top)}`,
    );
    await screenshot(browser, "insights-actions");
    await checkAccessibility(browser, "Insights, Actions");

    // The outcome becomes a demo request instead of a purchase.
    await byTestId(browser, "outcome-type-demo_request").click();
    await byTestId(browser, "outcome-type-purchase").click();
    const demoRequests = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "insights",
        "actions",
        "--from",
        from,
        "--to",
        to,
        "--outcome",
        "demo_request",
        "--json",
      ),
    );
    await textWhen(
      browser,
      "actions-baseline",
      (t) =>
        JSON.stringify(baselineCounts(t)) ===
        JSON.stringify([
          demoRequests.baseline.successes,
          demoRequests.baseline.trials,
        ]),
      "the baseline should follow the new outcome",
    );
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "action-row-0").getAttribute(
          "data-action",
        )) === demoRequests.actions[0].event_type,
      {
        timeout: 30_000,
        timeoutMsg: "the ranking should follow the new outcome",
      },
    );
    const names = await browser
      .$$('[data-testid="action-name"]')
      .map((e) => e.getText());
    assert.ok(
      !names.includes("demo_request"),
      "the outcome itself is not ranked as an action",
    );

    // A field that says a lead converted (data without history): lifecycle stage = Customer.
    await byTestId(browser, "outcome-type-demo_request").click();
    await byTestId(browser, "outcome-field").selectByAttribute(
      "value",
      "lifecycle_stage",
    );
    await typeInto(
      browser,
      byTestId(browser, "outcome-field-value"),
      "Customer",
    );
    const rulesFile = join(tmpdir(), `leadstream-outcome-${process.pid}.json`);
    writeFileSync(
      rulesFile,
      JSON.stringify({
        combinator: "and",
        rules: [{ field: "lifecycle_stage", operator: "=", value: "Customer" }],
      }),
    );
    await byTestId(browser, "insights-tab-performance").click();
    const customers = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "insights",
        "performance",
        "--from",
        from,
        "--to",
        to,
        "--outcome-rules",
        rulesFile,
        "--json",
      ),
    );
    const counts = [
      customers.all_leads.conversion.successes,
      customers.all_leads.conversion.trials,
    ];
    await textWhen(
      browser,
      "perf-baseline",
      (t) => JSON.stringify(baselineCounts(t)) === JSON.stringify(counts),
      "the field outcome should count the customers as the CLI does",
    );
    await screenshot(browser, "insights-performance-field-outcome");
    await checkAccessibility(
      browser,
      "Insights, Performance with a field outcome",
    );
  });
});
