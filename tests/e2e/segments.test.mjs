// Segments in the real window: build a segment with a nested OR group and a
// behaviour rule, check the live count against the CLI's count of the same
// rule JSON, save it, find it in the list with the same count, and open
// explanations for a lead inside and a lead outside.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, cli, launchApp, screenshot, typeInto } from "./support.mjs";

/** Today (UTC) as YYYY-MM-DD: the demo's anchor, used as the as-of date by both the app and the CLI. */
const today = new Date().toISOString().slice(0, 10);

/** Waits until the live count settles on a number and returns it. */
async function liveCount(browser) {
  const count = byTestId(browser, "segment-live-count");
  let last = null;
  await browser.waitUntil(
    async () => {
      const value = await count.getAttribute("data-count");
      const settled = value !== null && value !== "" && value === last;
      last = value;
      return settled;
    },
    { timeout: 30_000, interval: 400, timeoutMsg: "the live count never settled" },
  );
  return Number(last);
}

/** Sets a rule's value, whatever editor the field has (text input or select). */
async function setValue(browser, rule, value) {
  const editor = await rule.$('[data-testid="value-editor"]');
  if ((await editor.getTagName()) === "select") {
    await editor.selectByAttribute("value", value);
  } else {
    await typeInto(browser, editor, value);
  }
}

/** The last rule of a group (rules are appended). */
async function lastRule(group) {
  const rules = await group.$$(':scope > .ruleGroup-body > [data-testid="rule"]');
  return rules[rules.length - 1];
}

describe("segment builder", () => {
  let app;
  let db;
  before(async () => {
    app = await launchApp();
    db = join(app.dataDir, "Demo.leadstream");
    await byTestId(app.browser, "workspace-name").waitForDisplayed({ timeout: 60_000 });
  });
  after(async () => {
    await app?.stop();
  });

  it("counts what the CLI counts, saves, and explains", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-segments").click();
    await byTestId(browser, "segments-view").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "segment-list").waitForDisplayed({ timeout: 30_000 });
    await screenshot(browser, "30-segments-builtin-list");

    await byTestId(browser, "segment-new").click();
    await typeInto(browser, byTestId(browser, "segment-as-of"), today);
    assert.equal(await liveCount(browser), 5000, "an empty segment matches every lead");

    const root = await browser.$('[data-testid="rule-group"]');
    // 1. Persona is Technical decision maker.
    await root.$('[data-testid="add-rule"]').click();
    let rule = await lastRule(root);
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "persona");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "=");
    await setValue(browser, rule, "Technical decision maker");

    // 2. A nested OR group: country is Germany, or employees at least 1000.
    await root.$('[data-testid="add-group"]').click();
    const groups = await browser.$$('[data-testid="rule-group"]');
    const nested = groups[groups.length - 1];
    await nested.$('[data-testid="combinators"]').selectByAttribute("value", "or");
    const nestedRules = await nested.$$(':scope > .ruleGroup-body > [data-testid="rule"]');
    if (nestedRules.length === 0) await nested.$('[data-testid="add-rule"]').click();
    rule = await lastRule(nested);
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "country");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "=");
    await setValue(browser, rule, "Germany");
    await nested.$('[data-testid="add-rule"]').click();
    rule = await lastRule(nested);
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "employees");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", ">=");
    await setValue(browser, rule, "1000");

    // 3. Behaviour: viewed a page at least twice in the last 30 days.
    await root.$('[data-testid="add-rule"]').click();
    rule = await lastRule(root);
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "event");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "performed");
    await rule.$('[data-testid="behaviour-type"]').selectByAttribute("value", "page_view");
    await typeInto(browser, await rule.$('[data-testid="behaviour-min"]'), "2");
    await rule.$('[data-testid="behaviour-window-unit"]').selectByAttribute("value", "days");
    await typeInto(browser, await rule.$('[data-testid="behaviour-window-amount"]'), "30");

    // A property filter on those page views, with the backend's operators.
    await rule.$('[data-testid="behaviour-add-filter"]').click();
    // The operators arrive from the backend once per session.
    await browser.waitUntil(
      async () =>
        (await browser.execute(() => document.querySelectorAll('[data-testid="behaviour-filter-operator"] option').length)) === 18,
      { timeout: 10_000, timeoutMsg: "the property filter never offered the backend's 18 operators" },
    );
    await typeInto(browser, await rule.$('[data-testid="behaviour-filter-property"]'), "url");
    await rule.scrollIntoView();
    await screenshot(browser, "31b-behaviour-filter");

    const count = await liveCount(browser);
    assert.ok(count > 0 && count < 5000, `a narrow segment, got ${count}`);
    assert.equal(await byTestId(browser, "segment-rule-error").isExisting(), false);

    // The CLI counts the same rule JSON the same way.
    await byTestId(browser, "segment-json-toggle").click();
    const json = await byTestId(browser, "segment-json").getValue();
    const rules = JSON.parse(json);
    assert.equal(rules.rules.length, 3);
    assert.equal(rules.rules[1].combinator, "or");
    assert.equal(rules.rules[2].field, "event");
    const rulesPath = join(app.dataDir, "e2e-rules.json");
    writeFileSync(rulesPath, json);
    assert.equal(Number(cli("--db", db, "segment", "count", rulesPath, "--as-of", today).trim()), count);
    await screenshot(browser, "31-segment-builder");

    // Save it, and find it in the list with the same count.
    await byTestId(browser, "segment-save").click();
    await typeInto(browser, byTestId(browser, "segment-name"), "E2E technical buyers");
    await typeInto(browser, byTestId(browser, "segment-folder"), "E2E");
    await byTestId(browser, "segment-save-confirm").click();
    await browser.waitUntil(async () => (await byTestId(browser, "segment-title").getText()).includes("E2E technical buyers"), {
      timeout: 10_000,
      timeoutMsg: "the saved segment did not become the current one",
    });
    const listed = cli("--db", db, "segment", "list", "--json");
    const saved = JSON.parse(listed).find((s) => s.segment.name === "E2E technical buyers");
    assert.ok(saved, "the CLI sees the saved segment");
    const listCount = byTestId(browser, `segment-count-${saved.segment.id}`);
    await listCount.waitForDisplayed({ timeout: 10_000 });
    const shown = await browser.execute((id) => document.querySelector(`[data-testid="segment-count-${id}"]`).textContent, saved.segment.id);
    assert.equal(Number(shown.replace(/[^0-9]/g, "")), count);

    // Export the members as CSV through the app's own command (the native
    // save dialog cannot be driven by WebDriver): same leads, formula-safe.
    // Including the members who may not be emailed, so every member is there.
    const exportPath = join(app.dataDir, "members.csv");
    const summary = await browser.execute(
      async (rules, asOf, path) =>
        window.__TAURI_INTERNALS__.invoke("segment_export", {
          rules,
          asOfText: asOf,
          fields: ["email", "first_name", "last_name", "company"],
          path,
          includeUnconsented: true,
        }),
      rules,
      today,
      exportPath,
    );
    assert.equal(summary.written, count);
    assert.equal(summary.members, count);
    const exported = readFileSync(exportPath, "utf8").trim().split("\n");
    assert.equal(exported[0], "Email,First name,Last name,Company");
    assert.equal(exported.length, count + 1);

    // By default an export for an email tool leaves out the members who may
    // not be emailed, exactly as the CLI does, and says how many and why.
    const emailable = await browser.execute(
      async (rules, asOf, path) =>
        window.__TAURI_INTERNALS__.invoke("segment_export", {
          rules,
          asOfText: asOf,
          fields: ["email"],
          path,
          includeUnconsented: false,
        }),
      rules,
      today,
      join(app.dataDir, "members-emailable.csv"),
    );
    const emailableFromCli =
      cli("--db", db, "segment", "members", rulesPath, "--as-of", today, "--fields", "email").trim().split("\n").length - 1;
    assert.equal(emailable.members, count);
    assert.equal(emailable.written, emailableFromCli);
    const leftOut = emailable.unconsented.reduce((sum, reason) => sum + reason.count, 0);
    assert.equal(emailable.written + leftOut, count, `every member is written or counted as left out: ${emailable.message}`);
    await byTestId(browser, "segment-export").click();
    await byTestId(browser, "export-consent-note").waitForDisplayed({ timeout: 10_000 });
    assert.equal(await byTestId(browser, "export-include-unconsented").isSelected(), false, "consent is respected unless asked");
    await screenshot(browser, "31c-segment-export-consent");
    await browser.keys(["Escape"]);
    if (await byTestId(browser, "export-dialog").isExisting()) {
      await browser.$('[data-testid="export-dialog"] .actions button:not(.primary)').click();
    }
    await byTestId(browser, "export-dialog").waitForDisplayed({ reverse: true, timeout: 10_000 });

    // Explain a member (a sample row) and a non-member.
    const firstRow = await byTestId(browser, "segment-sample-row");
    await firstRow.waitForDisplayed({ timeout: 10_000 });
    const memberId = Number(await firstRow.getAttribute("data-lead-id"));
    await firstRow.click();
    await byTestId(browser, "explain-panel").waitForDisplayed({ timeout: 10_000 });
    await browser.waitUntil(async () => (await byTestId(browser, "explain-result").getAttribute("data-matched")) === "true", {
      timeout: 10_000,
      timeoutMsg: `lead ${memberId} should be explained as a member`,
    });
    const nodes = await browser.$$('[data-testid="explain-node"]');
    assert.ok(nodes.length >= 6, `root, 3 rules, nested group and its 2 rules; got ${nodes.length}`);
    await screenshot(browser, "32-segment-explain-member");

    const members = new Set(
      JSON.parse(
        cli("--db", db, "segment", "members", rulesPath, "--as-of", today, "--format", "json", "--fields", "email", "--include-unconsented"),
      ).map((m) => m.id),
    );
    let outsider = 1;
    while (members.has(outsider)) outsider += 1;
    const leadInput = byTestId(browser, "explain-lead-id");
    await typeInto(browser, leadInput, String(outsider));
    await byTestId(browser, "explain-button").click();
    await browser.waitUntil(async () => (await byTestId(browser, "explain-result").getAttribute("data-matched")) === "false", {
      timeout: 10_000,
      timeoutMsg: `lead ${outsider} should be explained as not a member`,
    });
    assert.match(await byTestId(browser, "explain-result").getText(), /NOT IN/);
    const failed = await browser.$$('[data-testid="explain-node"][data-matched="false"]');
    assert.ok(failed.length >= 2, "the root and at least one rule failed");
    await screenshot(browser, "33-segment-explain-outsider");
  });

  it("shows a clear message for a rule that cannot be evaluated", async () => {
    const { browser } = app;
    await byTestId(browser, "segment-new").click();
    const root = await browser.$('[data-testid="rule-group"]');
    await root.$('[data-testid="add-rule"]').click();
    const rule = await lastRule(root);
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "employees");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", ">");
    const editor = await rule.$('[data-testid="value-editor"]');
    await editor.click();
    await browser.keys(["Control", "a"]);
    await browser.keys(["Backspace"]);
    const error = byTestId(browser, "segment-rule-error");
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.match(await error.getText(), /employees/);
    // The backend names the rule (its path in the tree): the builder marks
    // that rule and says what is wrong beside it.
    await browser.waitUntil(async () => /\brule-failing\b/.test((await rule.getAttribute("class")) ?? ""), {
      timeout: 10_000,
      timeoutMsg: "the refused rule should be marked",
    });
    const note = await rule.$('[data-testid="segment-rule-failure"]');
    assert.ok(await note.isDisplayed(), "the failure note stands beside the rule");
    assert.match(await note.getText(), /employees|number|value/i);
    await screenshot(browser, "34-segment-rule-error");
  });

  it("starts from a template", async () => {
    const { browser } = app;
    await byTestId(browser, "segment-template-menu").selectByAttribute("value", "entry-abandoned-cart");
    const count = await liveCount(browser);
    const builtin = JSON.parse(cli("--db", db, "segment", "list", "--json", "--as-of", today)).find((s) => s.segment.name === "Abandoned cart");
    // The builder counts as of "now" unless told otherwise; the CLI as of today 00:00.
    await typeInto(browser, byTestId(browser, "segment-as-of"), today);
    assert.equal(await liveCount(browser), builtin.count);
    assert.ok(count > 0);
  });
});
