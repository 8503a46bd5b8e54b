// The Hierarchies tab of Insights in the real window: the demo's persona
// hierarchy shows the same primary/secondary/none counts as
// `leadstream hierarchy assign --json`; adding a segment and moving it up
// changes the counts live, and after saving they match the CLI again; a
// lead's detail panel names its primary segment as `assign --leads` does.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  launchOpen,
  screenshot,
} from "./support.mjs";

/** The CLI's assignment of hierarchy `id` on the app's demo workspace. */
function assignByCli(db, id) {
  return JSON.parse(
    cli("--db", db, "hierarchy", "assign", String(id), "--json"),
  );
}

/** A number the tab shows in element `testId`; null while it is still counting or absent. */
async function shownNumber(browser, testId) {
  const element = byTestId(browser, testId);
  if (!(await element.isExisting())) return null;
  const text = (await element.getText()).trim();
  return text === "" || text.includes("…")
    ? null
    : Number(text.replace(/,/g, ""));
}

/** The counts the tab shows, by segment id, and "in none". */
async function countsOnScreen(browser, segmentIds) {
  const rows = [];
  for (const id of segmentIds) {
    rows.push({
      id,
      primary: await shownNumber(browser, `hierarchy-primary-${id}`),
      secondary: await shownNumber(browser, `hierarchy-secondary-${id}`),
    });
  }
  return { rows, none: await shownNumber(browser, "hierarchy-none") };
}

/** The CLI assignment in the shape `countsOnScreen` returns. */
function expected(assignment) {
  return {
    rows: assignment.segments.map((s) => ({
      id: s.segment.id,
      primary: s.primary,
      secondary: s.secondary,
    })),
    none: assignment.none,
  };
}

async function waitForCounts(browser, want, what) {
  let seen;
  try {
    await browser.waitUntil(
      async () => {
        seen = await countsOnScreen(
          browser,
          want.rows.map((r) => r.id),
        );
        return JSON.stringify(seen) === JSON.stringify(want);
      },
      { timeout: 30_000 },
    );
  } catch {
    assert.fail(
      `${what}: the tab shows ${JSON.stringify(seen)}, expected ${JSON.stringify(want)}`,
    );
  }
}

describe("Insights: hierarchies", () => {
  let app;
  let persona;
  let demoRequested;
  before(async () => {
    app = await launchOpen();
    const hierarchies = JSON.parse(
      cli("--db", app.demoDb, "hierarchy", "list", "--json"),
    );
    persona = hierarchies.find((h) => h.name === "By persona");
    const engagement = hierarchies.find((h) => h.name === "By engagement");
    assert.ok(persona && engagement, "the demo has its two hierarchies");
    demoRequested = engagement.segments.find(
      (s) => s.name === "Requested a demo",
    );
    assert.ok(demoRequested);
  });
  after(async () => {
    await app?.stop();
  });

  it("shows the persona hierarchy's counts as the CLI computes them", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-insights").click();
    await byTestId(browser, "insights-tab-hierarchies").click();
    await byTestId(browser, "insights-hierarchies").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, `hierarchy-item-${persona.id}`).click();
    const cliCounts = assignByCli(app.demoDb, persona.id);
    assert.equal(cliCounts.segments.length, 4);
    assert.ok(cliCounts.segments.every((s) => s.primary > 0));
    await waitForCounts(
      browser,
      expected(cliCounts),
      "the saved persona hierarchy",
    );
  });

  it("adding a segment and moving it up changes the counts, and saving matches the CLI", async () => {
    const { browser } = app;
    const before = assignByCli(app.demoDb, persona.id);
    await byTestId(browser, "hierarchy-add-select").selectByAttribute(
      "value",
      String(demoRequested.id),
    );
    await byTestId(browser, "hierarchy-add").click();
    await byTestId(
      browser,
      `hierarchy-row-${demoRequested.id}`,
    ).waitForDisplayed({ timeout: 10_000 });
    const members = Number(
      cli(
        "--db",
        app.demoDb,
        "segment",
        "count",
        String(demoRequested.id),
      ).trim(),
    );
    // At the bottom it is primary only for leads with no persona.
    const bottom = await countsOnScreen(browser, [demoRequested.id]);
    await browser.waitUntil(
      async () =>
        (await countsOnScreen(browser, [demoRequested.id])).rows[0].primary !==
        null,
    );
    for (let step = 0; step < 4; step++) {
      await byTestId(browser, `hierarchy-up-${demoRequested.id}`).click();
    }
    const firstRow = await byTestId(browser, "hierarchy-table")
      .$("tbody tr")
      .getAttribute("data-testid");
    assert.equal(
      firstRow,
      `hierarchy-row-${demoRequested.id}`,
      "moved to the top",
    );
    // At the top every member is primary, and the personas lose those leads to it.
    await browser.waitUntil(
      async () =>
        (await countsOnScreen(browser, [demoRequested.id])).rows[0].primary ===
        members,
      {
        timeout: 30_000,
        timeoutMsg: `the moved segment's primary count did not become ${members}`,
      },
    );
    const moved = await countsOnScreen(
      browser,
      before.segments.map((s) => s.segment.id),
    );
    const personaPrimaries = moved.rows.reduce((sum, r) => sum + r.primary, 0);
    const beforePrimaries = before.segments.reduce(
      (sum, s) => sum + s.primary,
      0,
    );
    assert.ok(
      personaPrimaries < beforePrimaries,
      "the personas have fewer primary leads",
    );
    assert.ok(
      moved.rows.some((r) => r.secondary > 0),
      "their leads who requested a demo are now secondary",
    );
    assert.ok(
      bottom.rows[0].primary === null || bottom.rows[0].primary <= members,
    );
    await byTestId(browser, "hierarchy-unsaved").waitForDisplayed();
    await screenshot(browser, "insights-hierarchies-reordered");

    await byTestId(browser, "hierarchy-save").click();
    await byTestId(browser, "hierarchy-unsaved").waitForDisplayed({
      reverse: true,
      timeout: 10_000,
    });
    const after = assignByCli(app.demoDb, persona.id);
    assert.equal(
      after.segments[0].segment.id,
      demoRequested.id,
      "the CLI sees the saved order",
    );
    assert.equal(after.segments[0].primary, members);
    await waitForCounts(browser, expected(after), "after saving");
    await screenshot(browser, "insights-hierarchies-saved");
    await checkAccessibility(browser, "the Hierarchies tab");
  });

  it("a lead's detail panel names its primary segment as the CLI does", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-leads").click();
    const row = byTestId(browser, "lead-row");
    await row.waitForDisplayed({ timeout: 30_000 });
    await row.click();
    const panel = byTestId(browser, "lead-detail");
    await panel.waitForDisplayed({ timeout: 10_000 });
    const leadId = Number(await panel.getAttribute("data-lead-id"));
    const placement = byTestId(browser, `detail-hierarchy-${persona.id}`);
    await placement.waitForDisplayed({ timeout: 30_000 });
    const leads = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "hierarchy",
        "assign",
        String(persona.id),
        "--leads",
        "--json",
      ),
    );
    const lead = leads.find((l) => l.lead_id === leadId);
    const segments = assignByCli(app.demoDb, persona.id).segments.map(
      (s) => s.segment,
    );
    const primaryName =
      segments.find((s) => s.id === lead.primary)?.name ??
      "In none of its segments";
    const shown = await placement
      .$('[data-testid="detail-hierarchy-primary"]')
      .getText();
    assert.equal(shown, primaryName);
    await placement.scrollIntoView();
    await screenshot(browser, "insights-hierarchies-lead-detail");
    await checkAccessibility(browser, "the lead detail panel with hierarchies");
  });

  it("the segment builder offers the hierarchy rule, and its count is the CLI's secondary count", async () => {
    const { browser } = app;
    const engagement = JSON.parse(
      cli("--db", app.demoDb, "hierarchy", "list", "--json"),
    ).find((h) => h.name === "By engagement");
    const active = engagement.segments.find(
      (s) => s.name === "Active prospects",
    );
    await byTestId(browser, "nav-segments").click();
    await byTestId(browser, "segment-list").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "segment-new").click();
    const root = await browser.$('[data-testid="rule-group"]');
    await root.$('[data-testid="add-rule"]').click();
    const rules = await root.$$(
      ':scope > .ruleGroup-body > [data-testid="rule"]',
    );
    const rule = rules[rules.length - 1];
    await rule
      .$('[data-testid="fields"]')
      .selectByAttribute("value", "hierarchy");
    await rule
      .$('[data-testid="operators"]')
      .selectByAttribute("value", "secondaryIs");
    await rule
      .$('[data-testid="hierarchy-ref"]')
      .selectByAttribute("value", String(engagement.id));
    await rule
      .$('[data-testid="hierarchy-segment-ref"]')
      .selectByAttribute("value", String(active.id));
    const secondary = assignByCli(app.demoDb, engagement.id).segments.find(
      (s) => s.segment.id === active.id,
    ).secondary;
    assert.ok(secondary > 0);
    const count = byTestId(browser, "segment-live-count");
    await browser.waitUntil(
      async () =>
        (await count.getAttribute("data-count")) === String(secondary),
      {
        timeout: 30_000,
        timeoutMsg: `the live count did not become ${secondary}`,
      },
    );
    await screenshot(browser, "insights-hierarchies-rule");
    await checkAccessibility(
      browser,
      "the segment builder with a hierarchy rule",
    );
  });
});
