// The Coverage tab in the real window (issue 11): with two segments saved in
// the demo workspace, the three bucket numbers equal the CLI's on the same
// workspace; "in no segment" opens the lead browser on exactly those leads
// (its total and rows match the CLI's bucket); changing N is saved in the
// workspace and recounts; the built-ins can be counted; axe finds nothing
// serious on the tab.
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
  leadTotal,
  screenshot,
  typeInto,
  writeJson,
} from "./support.mjs";

const rule = (field, value) => ({
  combinator: "and",
  rules: [{ field, operator: "=", value }],
});

/** The CLI's coverage report of the app's workspace, with its saved settings and any extra options. */
function cliCoverage(db, ...options) {
  return JSON.parse(
    cli("--db", db, "insights", "coverage", "--json", ...options),
  );
}

/** The three bucket counts the tab shows, once they stop changing. */
async function shownBuckets(browser) {
  const read = async () => {
    const counts = [];
    for (const bucket of ["none", "one", "more_than"]) {
      const button = byTestId(browser, `coverage-bucket-${bucket}`);
      await button.waitForDisplayed({ timeout: 30_000 });
      counts.push(Number(await button.getAttribute("data-count")));
    }
    return counts;
  };
  let last = null;
  let counts = await read();
  await browser.waitUntil(
    async () => {
      last = counts;
      await browser.pause(400);
      counts = await read();
      const busy = await browser.$(".coverage-report.stale").isExisting();
      return !busy && JSON.stringify(last) === JSON.stringify(counts);
    },
    { timeout: 30_000, timeoutMsg: "the coverage numbers never settled" },
  );
  return counts;
}

describe("Insights: coverage", () => {
  let app;
  before(async () => {
    app = await launchOpen();
    // Two segments of the user's own, saved beside the running app (it sees other connections' writes).
    const dir = mkdtempSync(join(tmpdir(), "coverage-e2e-"));
    writeJson(
      join(dir, "executives.json"),
      rule("persona", "Executive decision maker"),
    );
    writeJson(join(dir, "software.json"), rule("industry", "Software"));
    cli(
      "--db",
      app.demoDb,
      "segment",
      "save",
      "--name",
      "Executives",
      join(dir, "executives.json"),
    );
    cli(
      "--db",
      app.demoDb,
      "segment",
      "save",
      "--name",
      "Software companies",
      join(dir, "software.json"),
    );
  });
  after(async () => {
    await app?.stop();
  });

  it("shows the same three numbers as the CLI", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-insights").click();
    await byTestId(browser, "insights-tab-coverage").click();
    await byTestId(browser, "insights-coverage").waitForDisplayed({
      timeout: 30_000,
    });
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "coverage-summary").getText()).includes(
          "2 saved segments",
        ),
      {
        timeout: 30_000,
        timeoutMsg: "the tab should count the two saved segments",
      },
    );
    const [none, one, moreThan] = await shownBuckets(browser);
    const report = cliCoverage(app.demoDb);
    assert.equal(report.settings.more_than, 3);
    assert.deepEqual(
      [none, one, moreThan],
      [report.in_none, report.in_one, report.in_more_than],
    );
    assert.equal(moreThan, 0, "with two segments nobody is in more than 3");
    assert.ok(
      none > 0 && none < 5000,
      `some leads but not all are uncovered: ${none}`,
    );
    // Executives and software companies are covered: their values are under-represented among the rest.
    const persona = byTestId(browser, "coverage-profile-persona");
    await persona.waitForDisplayed({ timeout: 10_000 });
    assert.match(await persona.getText(), /Practitioner/);
    const types = byTestId(browser, "coverage-type-psychographic");
    assert.equal(await types.getAttribute("data-used"), "true");
    assert.equal(
      await byTestId(browser, "coverage-type-technographic").getAttribute(
        "data-used",
      ),
      "false",
    );
    await screenshot(browser, "insights-coverage-tab");
    await checkAccessibility(browser, "the Insights coverage tab");
  });

  it("saves a new N in the workspace and recounts", async () => {
    const { browser } = app;
    await typeInto(browser, byTestId(browser, "coverage-more-than"), "1");
    await browser.waitUntil(
      async () => cliCoverage(app.demoDb).settings.more_than === 1,
      {
        timeout: 15_000,
        timeoutMsg: "the new N should be saved in the workspace",
      },
    );
    await browser.waitUntil(
      async () =>
        (
          await byTestId(browser, "coverage-bucket-more_than").getText()
        ).includes("more than 1 saved"),
      { timeout: 15_000 },
    );
    const counts = await shownBuckets(browser);
    const report = cliCoverage(app.demoDb);
    assert.deepEqual(counts, [
      report.in_none,
      report.in_one,
      report.in_more_than,
    ]);
    assert.ok(
      report.in_more_than > 0,
      "some executives work for software companies",
    );
    await screenshot(browser, "insights-coverage-n1");
  });

  it("opens the leads in no segment in the lead browser", async () => {
    const { browser } = app;
    const [none] = await shownBuckets(browser);
    await byTestId(browser, "coverage-bucket-none").click();
    await byTestId(browser, "lead-scope").waitForDisplayed({ timeout: 30_000 });
    assert.equal(await leadTotal(browser), none);
    assert.match(
      await byTestId(browser, "lead-scope-text").getText(),
      new RegExp(
        `Showing ${none.toLocaleString("en-US")} leads in no saved segment`,
      ),
    );
    const ids = new Set(
      cli("--db", app.demoDb, "insights", "coverage", "--leads", "none")
        .trim()
        .split("\n")
        .map(Number),
    );
    assert.equal(ids.size, none);
    const row = byTestId(browser, "lead-row");
    await row.waitForDisplayed({ timeout: 10_000 });
    const shown = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="lead-row"]')].map((r) =>
        Number(r.dataset.leadId),
      ),
    );
    assert.ok(shown.length > 5, "rows are shown");
    assert.ok(
      shown.every((id) => ids.has(id)),
      "every row shown is in the CLI's bucket",
    );
    await screenshot(browser, "insights-coverage-leads-in-none");
    await checkAccessibility(
      browser,
      "the lead browser showing a coverage bucket",
    );
    await byTestId(browser, "lead-scope-clear").click();
    await browser.waitUntil(
      async () => !(await byTestId(browser, "lead-scope").isExisting()),
      { timeout: 10_000 },
    );
    await browser.waitUntil(async () => (await leadTotal(browser)) === 5000, {
      timeout: 30_000,
      timeoutMsg: "Show all leads should show the 5,000 leads again",
    });
  });

  it("counts the built-in segments when asked", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-insights").click();
    await byTestId(browser, "insights-tab-coverage").click();
    await byTestId(browser, "coverage-include-builtins").click();
    await browser.waitUntil(
      async () => cliCoverage(app.demoDb).settings.include_builtins === true,
      {
        timeout: 15_000,
        timeoutMsg: "counting the built-ins should be saved in the workspace",
      },
    );
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "coverage-summary").getText()).includes(
          "built-ins included",
        ),
      {
        timeout: 15_000,
      },
    );
    const counts = await shownBuckets(browser);
    const report = cliCoverage(app.demoDb);
    assert.ok(report.segments.length > 2);
    assert.deepEqual(counts, [
      report.in_none,
      report.in_one,
      report.in_more_than,
    ]);
    // The built-ins include segments over half of the leads: the tab lists the same ones as the CLI.
    assert.ok(report.too_large.length > 0);
    const names = report.too_large.map((segment) => segment.name);
    let listed = "";
    await browser
      .waitUntil(
        async () => {
          listed = await browser.execute(
            () =>
              document.querySelector('[data-testid="coverage-list-too-large"]')
                ?.textContent ?? "",
          );
          return names.every((name) => listed.includes(name));
        },
        {
          timeout: 15_000,
          timeoutMsg:
            "the too-large list should name the CLI's too-large segments",
        },
      )
      .catch((error) => {
        throw new Error(
          `${error.message}: ${names.join(", ")} vs ${JSON.stringify(listed)}`,
        );
      });
    await byTestId(browser, "coverage-types").scrollIntoView();
    await screenshot(browser, "insights-coverage-lists");
    await checkAccessibility(
      browser,
      "the Insights coverage tab with the built-ins counted",
    );
  });
});
