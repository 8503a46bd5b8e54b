// Quality → Fixes in the real window on the demo workspace: Countries lists
// the planted variants (USA → United States …) with the counts of `fix
// normalise country --dry-run --json` on the same file; one mapping (U.S.)
// unchecked, the rest applied, and the leads per country counted with the
// CLI (`segment count`, the segment engine, not the normalisation's reads);
// the fix found in the Import view's history with its kind, undone there,
// and the values seen back with the CLI. "Mark not sendable" counts what
// the CLI counts. Screenshots, and axe on each screen.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  clickWhenStill,
  launchOpen,
  screenshot,
  writeJson,
} from "./support.mjs";

/** Leads whose country is exactly `country`, by the segment engine (CLI). */
function countryCount(app, country) {
  const path = join(app.dataDir, `country-${country.replace(/\W/g, "_")}.json`);
  writeJson(path, {
    combinator: "and",
    rules: [{ field: "country", operator: "=", value: country }],
  });
  return Number(cli("segment", "count", path, "--db", app.demoDb).trim());
}

/** The mapping rows the preview shows: from, to and lead count. */
async function shownMappings(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="normalise-row"]')].map((row) => ({
      from: row.getAttribute("data-from"),
      to: row.getAttribute("data-to"),
      leads: Number(row.getAttribute("data-leads")),
    })),
  );
}

const byFrom = (a, b) => a.from.localeCompare(b.from);

describe("Quality: fixes", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("normalises countries as confirmed, counts like the CLI, and is undone from the import history", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-quality").click();
    await byTestId(browser, "quality-tab-fixes").click();
    await clickWhenStill(browser, byTestId(browser, "fixes-item-country"));
    await byTestId(browser, "normalise-row").waitForDisplayed({ timeout: 30_000 });

    const expected = JSON.parse(
      cli("fix", "normalise", "country", "--dry-run", "--json", "--db", app.demoDb),
    );
    const wanted = expected.mappings
      .map((m) => ({ from: m.from, to: m.to, leads: m.leads }))
      .sort(byFrom);
    let shown = [];
    await browser.waitUntil(
      async () => {
        shown = (await shownMappings(browser)).sort(byFrom);
        return shown.length === wanted.length;
      },
      { timeout: 30_000, timeoutMsg: "the preview never listed the CLI's mappings" },
    );
    assert.deepEqual(shown, wanted);
    for (const planted of ["USA", "U.S.", "United States of America", "UK", "Great Britain", "Deutschland"]) {
      assert.ok(shown.some((m) => m.from === planted), `${planted} is offered`);
    }
    assert.deepEqual(
      shown.find((m) => m.from === "USA"),
      { from: "USA", to: "United States", leads: 6 },
    );
    const total = wanted.reduce((sum, m) => sum + m.leads, 0);
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "normalise-total").getText()).startsWith(`${total} leads will change`),
      { timeout: 30_000, timeoutMsg: `the total never read ${total} leads` },
    );
    await screenshot(browser, "quality-fixes-countries");
    await checkAccessibility(browser, "Quality → Fixes → Countries");

    const before = {
      us: countryCount(app, "United States"),
      usa: countryCount(app, "USA"),
      dotted: countryCount(app, "U.S."),
      usoa: countryCount(app, "United States of America"),
      germany: countryCount(app, "Germany"),
      deutschland: countryCount(app, "Deutschland"),
    };
    assert.equal(before.usa, 6);

    // Uncheck U.S. → United States: the total drops by its leads.
    const dottedBox = await browser.$(
      '[data-testid="normalise-row"][data-from="U.S."] [data-testid="normalise-confirm"]',
    );
    await clickWhenStill(browser, dottedBox);
    const remaining = total - before.dotted;
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "normalise-total").getText()).startsWith(`${remaining} leads will change`),
      { timeout: 30_000, timeoutMsg: `the total never read ${remaining} leads after unchecking U.S.` },
    );
    await clickWhenStill(browser, byTestId(browser, "normalise-apply"));
    const done = byTestId(browser, "fixes-done");
    await done.waitForDisplayed({ timeout: 30_000 });
    assert.match(await done.getText(), new RegExp(`Normalise country: ${remaining} leads changed`));

    assert.equal(countryCount(app, "United States"), before.us + before.usa + before.usoa);
    assert.equal(countryCount(app, "USA"), 0);
    assert.equal(countryCount(app, "U.S."), before.dotted, "the unchecked mapping was left alone");
    assert.equal(countryCount(app, "Germany"), before.germany + before.deutschland);
    // Only the unchecked mapping is still suggested.
    await browser.waitUntil(
      async () => {
        const rows = await shownMappings(browser);
        return rows.length === 1 && rows[0].from === "U.S.";
      },
      { timeout: 30_000, timeoutMsg: "after the fix, the preview did not offer only U.S." },
    );
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "normalise-total").getText()).startsWith(`${before.dotted} leads will change`),
      { timeout: 30_000, timeoutMsg: "after the fix, the total never read the U.S. leads" },
    );
    await screenshot(browser, "quality-fixes-applied");

    // The Import view's history lists the fix with its kind; undo it there.
    await byTestId(browser, "nav-import").click();
    const row = await browser.$('[data-testid="import-history-row"][data-kind="normalise"]');
    await row.waitForDisplayed({ timeout: 30_000 });
    const rowText = await row.getText();
    assert.match(rowText, /Normalisation/);
    assert.match(rowText, /Normalise country/);
    assert.match(rowText, new RegExp(`${remaining} leads changed`));
    await screenshot(browser, "quality-fixes-import-history");
    await checkAccessibility(browser, "Import view with a fix in the history");
    await clickWhenStill(browser, row.$('[data-testid="import-undo"]'));
    const question = byTestId(browser, "import-undo-question");
    await question.waitForDisplayed({ timeout: 10_000 });
    assert.match(
      await question.getText(),
      new RegExp(`puts back the values it changed on ${remaining} leads`),
    );
    await clickWhenStill(browser, byTestId(browser, "import-undo-confirm"));
    const outcome = byTestId(browser, "import-undo-outcome");
    await outcome.waitForDisplayed({ timeout: 30_000 });
    assert.equal(
      await outcome.getText(),
      `Undid "Normalise country": put back ${remaining} values.`,
    );
    await screenshot(browser, "quality-fixes-undone");

    assert.equal(countryCount(app, "United States"), before.us);
    assert.equal(countryCount(app, "USA"), before.usa);
    assert.equal(countryCount(app, "United States of America"), before.usoa);
    assert.equal(countryCount(app, "Germany"), before.germany);
    assert.equal(countryCount(app, "Deutschland"), before.deutschland);
  });

  it("previews marking addresses not sendable with the CLI's count", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-quality").click();
    await byTestId(browser, "quality-tab-fixes").click();
    await clickWhenStill(browser, byTestId(browser, "fixes-item-__unsendable"));
    await byTestId(browser, "unsendable-panel").waitForDisplayed({ timeout: 30_000 });
    const expected = JSON.parse(
      cli(
        "fix", "unsendable",
        "--reason", "invalid", "--reason", "disposable", "--reason", "hard-bounce",
        "--dry-run", "--json", "--db", app.demoDb,
      ),
    );
    assert.ok(expected.leads_to_mark >= 8, "the planted addresses are found");
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "unsendable-total").getText()).startsWith(
          `${expected.leads_to_mark} leads will be marked`,
        ),
      { timeout: 30_000, timeoutMsg: `the total never read ${expected.leads_to_mark} leads` },
    );
    await byTestId(browser, "unsendable-sample").waitForDisplayed({ timeout: 10_000 });
    await screenshot(browser, "quality-fixes-unsendable");
    await checkAccessibility(browser, "Quality → Fixes → Mark not sendable");
  });

  it("lists every phone to write as E.164, read in the lead's country, with the CLI's total", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-quality").click();
    await byTestId(browser, "quality-tab-fixes").click();
    await clickWhenStill(browser, byTestId(browser, "fixes-item-phone"));
    const expected = JSON.parse(
      cli("fix", "normalise", "phone", "--dry-run", "--json", "--db", app.demoDb),
    );
    assert.ok(expected.mappings.length > 100, "the demo writes most phones nationally or spaced");
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "normalise-total").getText()).startsWith(
          `${expected.leads_changing.toLocaleString("en-US")} leads will change`,
        ),
      { timeout: 60_000, timeoutMsg: `the total never read ${expected.leads_changing} leads` },
    );
    const shown = await shownMappings(browser);
    assert.equal(shown.length, expected.mappings.length);
    const invalid = expected.untouched.map((u) => u.value).sort();
    for (const planted of ["12345", "n/a", "+1 000 000 0000"]) {
      assert.ok(invalid.includes(planted), `${planted} is left alone as invalid`);
    }
    await screenshot(browser, "quality-fixes-phones");
  });
});
