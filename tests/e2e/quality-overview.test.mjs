// The Quality view's Overview tab in the real window on the demo workspace
// (issue 14): every card's count equals `quality report --json` on the same
// workspace, a count's leads open in a panel and one opens in Leads, the
// stale-months choice changes the report as the CLI does, a "Fix…" link
// opens the Fixes tab; and in the segment builder a rule on `budget` (empty
// for about 62% of the demo's leads) shows its warning. Screenshots and axe.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { byTestId, checkAccessibility, cli, clickWhenStill, launchOpen, screenshot } from "./support.mjs";

/** The displayed count of a card's row, as a number ("1,234" → 1234). */
async function shownCount(browser, id) {
  const text = await byTestId(browser, `quality-${id}-count`).getText();
  return Number(text.replace(/[^\d]/g, ""));
}

/** Waits until a row shows `expected` (the report may still be on its way). */
async function waitForCount(browser, id, expected) {
  await browser.waitUntil(async () => (await shownCount(browser, id).catch(() => -1)) === expected, {
    timeout: 30_000,
    timeoutMsg: `quality-${id} never showed ${expected}`,
  });
}

async function openOverview(browser) {
  await byTestId(browser, "nav-quality").click();
  await byTestId(browser, "quality-view").waitForDisplayed({ timeout: 30_000 });
  await byTestId(browser, "quality-overview").waitForDisplayed({ timeout: 60_000 });
}

describe("quality overview", () => {
  let app;
  let report;
  before(async () => {
    app = await launchOpen();
    report = JSON.parse(cli("--db", app.demoDb, "quality", "report", "--json"));
  });
  after(async () => {
    await app?.stop();
  });

  it("shows the report's counts, the leads behind one, and links to the fixes", async () => {
    const { browser } = app;
    await openOverview(browser);
    const expected = {
      "email-missing": report.emails.missing.total,
      "email-invalid": report.emails.invalid.total,
      "email-role": report.emails.role.total,
      "email-disposable": report.emails.disposable.total,
      "email-bounced": report.emails.hard_bounced.total,
      "phone-e164": report.phones.e164,
      "phone-normalisable": report.phones.normalisable.total,
      "phone-invalid": report.phones.invalid.total,
      "phone-empty": report.phones.empty,
      "country-variants": report.countries.variant_leads,
      "country-unrecognised": report.countries.unrecognised_leads,
      "stale-inactive": report.stale.inactive.total,
      "stale-before-import": report.stale.activity_before_import.total,
    };
    for (const [id, count] of Object.entries(expected)) await waitForCount(browser, id, count);
    // The planted problems are there (the demo has 5,000 leads).
    assert.equal(report.emails.invalid.total, 3);
    assert.equal(report.phones.invalid.total, 3);
    assert.equal(report.countries.variant_leads, 20);
    const budget = byTestId(browser, "quality-mostly-empty-budget");
    await budget.waitForDisplayed({ timeout: 10_000 });
    const budgetShare = report.mostly_empty.find((f) => f.key === "budget").empty_share;
    assert.match(await budget.getText(), new RegExp(`empty for ${Math.round(budgetShare * 100)}% of leads`));
    await screenshot(browser, "quality-overview");
    await checkAccessibility(browser, "the quality overview");
    const completeness = byTestId(browser, "quality-completeness");
    await completeness.scrollIntoView();
    await screenshot(browser, "quality-overview-completeness");

    // The invalid e-mails' leads, in a panel; one opens in Leads.
    await clickWhenStill(browser, byTestId(browser, "quality-email-invalid-show"));
    const panel = byTestId(browser, "quality-leads-panel");
    await panel.waitForDisplayed({ timeout: 10_000 });
    for (const id of report.emails.invalid.lead_ids) {
      await byTestId(browser, `quality-lead-${id}`).waitForDisplayed({ timeout: 10_000 });
    }
    await panel.scrollIntoView();
    await screenshot(browser, "quality-overview-leads");
    await checkAccessibility(browser, "the quality overview's leads panel");
    const first = report.emails.invalid.lead_ids[0];
    await byTestId(browser, `quality-lead-${first}`).click();
    await byTestId(browser, "lead-detail").waitForDisplayed({ timeout: 30_000 });

    // Stale over 3 months: the count the CLI gives for 3 months.
    const threeMonths = JSON.parse(
      cli("--db", app.demoDb, "quality", "report", "--json", "--stale-months", "3"),
    );
    await openOverview(browser);
    await byTestId(browser, "quality-stale-months").selectByAttribute("value", "3");
    await waitForCount(browser, "stale-inactive", threeMonths.stale.inactive.total);

    // "Fix…" on countries opens the Fixes tab.
    await clickWhenStill(browser, byTestId(browser, "quality-fix-country"));
    await browser.waitUntil(
      async () => (await byTestId(browser, "quality-tab-fixes").getAttribute("aria-selected")) === "true",
      { timeout: 30_000, timeoutMsg: "the Fixes tab never opened" },
    );
  });

  it("warns in the segment builder on a rule over a mostly-empty field", async () => {
    const { browser } = app;
    const budget = report.mostly_empty.find((f) => f.key === "budget");
    await byTestId(browser, "nav-segments").click();
    await byTestId(browser, "segments-view").waitForDisplayed({ timeout: 30_000 });
    await clickWhenStill(browser, byTestId(browser, "segment-new"), 30_000);
    const root = await browser.$('[data-testid="rule-group"]');
    await root.$('[data-testid="add-rule"]').click();
    const rules = await root.$$(':scope > .ruleGroup-body > [data-testid="rule"]');
    const rule = rules[rules.length - 1];
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "budget");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", ">");
    const warning = rule.$('[data-testid="rule-empty-warning"]');
    await warning.waitForDisplayed({ timeout: 30_000 });
    assert.equal(
      await warning.getText(),
      `${budget.label} is empty for ${Math.round(budget.empty_share * 100)}% of leads: this rule can never match them`,
    );
    assert.equal(await warning.getAttribute("role"), "status");
    await screenshot(browser, "quality-builder-warning");
    await checkAccessibility(browser, "the builder's empty-field warning");

    // A rule meant for empty values gets no warning.
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "null");
    await warning.waitForDisplayed({ reverse: true, timeout: 10_000 });
  });
});
