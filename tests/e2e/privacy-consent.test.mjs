// Consent in the real window (issue 15): record a statement in the lead
// detail panel (a consent given on the phone); it appears at the top of the
// lead's consent history, and the Privacy view's Consent overview moves by
// one in the bucket of the new statement. Screenshots and axe-core on the
// Consent tab and the lead's Consent section.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { byTestId, checkAccessibility, clickWhenStill, launchOpen, screenshot, typeInto } from "./support.mjs";

/** Waits for a count shown in the overview and returns it as a number. */
async function overviewCount(browser, testId) {
  const cell = byTestId(browser, testId);
  await cell.waitForDisplayed({ timeout: 30_000 });
  return Number((await cell.getText()).replace(/[^0-9]/g, ""));
}

async function openConsentTab(browser) {
  await byTestId(browser, "nav-privacy").click();
  await byTestId(browser, "privacy-view").waitForDisplayed({ timeout: 30_000 });
  await clickWhenStill(browser, byTestId(browser, "privacy-tab-consent"));
  await byTestId(browser, "consent-tab").waitForDisplayed({ timeout: 30_000 });
}

describe("consent history", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("records a consent in the lead detail; the history and the overview follow", async () => {
    const { browser } = app;
    await openConsentTab(browser);
    const before = {
      withdrawn: await overviewCount(browser, "consent-email-withdrawn-count"),
      granted: await overviewCount(browser, "consent-email-granted-count"),
    };
    const emailableBefore = await overviewCount(browser, "consent-emailable");
    assert.ok(emailableBefore > 0, "the demo has e-mailable leads");
    await screenshot(browser, "privacy-consent-overview");
    await checkAccessibility(browser, "the Consent tab");

    // A lead that may be e-mailed now: its consent is withdrawn on the phone.
    await byTestId(browser, "nav-leads").click();
    await byTestId(browser, "lead-row").waitForDisplayed({ timeout: 30_000 });
    const top = await browser.execute(() => {
      const rows = [...document.querySelectorAll('[data-testid="lead-row"]')];
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      return rows[0].dataset.leadId;
    });
    await browser.$(`[data-lead-id="${top}"]`).click();
    const section = byTestId(browser, "detail-consent");
    await section.waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "consent-history").isExisting()) ||
        (await byTestId(browser, "consent-history-empty").isExisting()),
      { timeout: 30_000, timeoutMsg: "the consent history never showed" },
    );
    const rowsBefore = (await browser.$$('[data-testid="consent-history-row"]')).length;
    // The new statement must change the lead's bucket: withdraw, unless the
    // latest e-mail statement already is a withdrawal (then grant).
    const latestEmail = await browser.execute(() => {
      const row = [...document.querySelectorAll('[data-testid="consent-history-row"]')].find((r) =>
        r.textContent.includes("E-mail"),
      );
      return row ? row.textContent : "";
    });
    const status = latestEmail.includes("Withdrawn") ? "granted" : "withdrawn";
    const statusWord = status === "granted" ? /Granted/ : /Withdrawn/;
    await byTestId(browser, "consent-channel").selectByAttribute("value", "email");
    await byTestId(browser, "consent-status").selectByAttribute("value", status);
    await byTestId(browser, "consent-basis").selectByAttribute("value", "consent");
    await typeInto(browser, byTestId(browser, "consent-source"), "Phone call with the sales team");
    await clickWhenStill(browser, byTestId(browser, "consent-record"));
    await byTestId(browser, "consent-recorded").waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(
      async () => (await browser.$$('[data-testid="consent-history-row"]')).length === rowsBefore + 1,
      { timeout: 30_000, timeoutMsg: "the new statement did not appear in the history" },
    );
    const newest = await browser.$('[data-testid="consent-history-row"]').getText();
    assert.match(newest, /E-mail/);
    assert.match(newest, statusWord);
    assert.match(newest, /Phone call with the sales team/);
    // Show the section at the top of the panel, the window itself unscrolled.
    await browser.execute(() => {
      const shown = document.querySelector('[data-testid="detail-consent"]');
      const body = shown.closest(".detail-body");
      document.scrollingElement.scrollTop = 0;
      if (body) body.scrollTop += shown.getBoundingClientRect().top - body.getBoundingClientRect().top;
    });
    await screenshot(browser, "privacy-consent-lead-detail");
    await checkAccessibility(browser, "the lead detail's Consent section");
    await byTestId(browser, "detail-close").click();

    // The overview counts the lead in the new statement's bucket now.
    await openConsentTab(browser);
    await browser.waitUntil(
      async () => (await overviewCount(browser, `consent-email-${status}-count`)) === before[status] + 1,
      { timeout: 30_000, timeoutMsg: `the ${status} count did not move by one` },
    );
    const emailableAfter = await overviewCount(browser, "consent-emailable");
    const expected = status === "withdrawn" ? [emailableBefore - 1, emailableBefore] : [emailableBefore + 1, emailableBefore];
    assert.ok(expected.includes(emailableAfter), `e-mailable follows the opt-in (${emailableBefore} → ${emailableAfter})`);
    await screenshot(browser, "privacy-consent-overview-after");
  });
});
