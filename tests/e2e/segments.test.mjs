// Segments in the real window: build a segment with a nested OR group and a
// behaviour rule, check the live count against the CLI's count of the same
// rule JSON, save it, find it in the list with the same count, and open
// explanations for a lead inside and a lead outside. Then what a marketer's
// first hour found (issue 17): unsaved edits asked about, kept and restored
// after a restart; rule errors in plain words; known property values; the
// as-of date read as the CLI reads it; and axe-core on the builder.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, checkAccessibility, clearInput, cli, discardIfAsked, ruleValueEditor, screenshot, setRuleValue, typeInto, launchOpen } from "./support.mjs";

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

const setValue = setRuleValue;

/** The last rule of a group (rules are appended). */
async function lastRule(group) {
  const rules = await group.$$(':scope > .ruleGroup-body > [data-testid="rule"]');
  return rules[rules.length - 1];
}

describe("segment builder", () => {
  let app;
  let db;
  before(async () => {
    app = await launchOpen();
    db = app.demoDb;
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
    // In plain words: the rule's number and its field's label, not an internal path.
    assert.match(await error.getText(), /^Rule 1 \(Employees\): enter a number/);
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
    // The rules of the previous test were never saved: leaving them asks first.
    const question = byTestId(browser, "unsaved-dialog");
    if (await question.isExisting()) await byTestId(browser, "unsaved-discard").click();
    const count = await liveCount(browser);
    const builtin = JSON.parse(cli("--db", db, "segment", "list", "--json", "--as-of", today)).find((s) => s.segment.name === "Abandoned cart");
    // The builder counts as of "now" unless told otherwise; the CLI as of today 00:00.
    await typeInto(browser, byTestId(browser, "segment-as-of"), today);
    assert.equal(await liveCount(browser), builtin.count);
    assert.ok(count > 0);
  });
});

/** The id of a saved segment, by name, as the CLI lists it. */
function segmentIdByName(db, name) {
  const found = JSON.parse(cli("--db", db, "segment", "list", "--json")).find((s) => s.segment.name === name);
  assert.ok(found, `the CLI lists “${name}”`);
  return found.segment.id;
}

/** Adds a rule at the root, on `field` with `operator`, and returns it. */
async function addRootRule(browser, field, operator) {
  const root = await browser.$('[data-testid="rule-group"]');
  await root.$('[data-testid="add-rule"]').click();
  const rule = await lastRule(root);
  await rule.$('[data-testid="fields"]').selectByAttribute("value", field);
  if (operator) await rule.$('[data-testid="operators"]').selectByAttribute("value", operator);
  return rule;
}

/** Starts a new segment, answering "Discard" if unsaved work is in the way. */
async function startNewSegment(browser) {
  await byTestId(browser, "segment-new").click();
  await discardIfAsked(
    browser,
    async () => (await byTestId(browser, "segment-title").getText().catch(() => "")) === "New segment",
    "a new segment opening",
  );
}

describe("a marketer's first hour in the segment builder (issue 17)", () => {
  let app;
  let db;
  before(async () => {
    app = await launchOpen();
    db = app.demoDb;
    await byTestId(app.browser, "nav-segments").click();
    await byTestId(app.browser, "segment-list").waitForDisplayed({ timeout: 30_000 });
  });
  after(async () => {
    await app?.stop();
  });

  it("says rule errors in plain words, and not for a rule just added", async () => {
    const { browser } = app;
    await startNewSegment(browser);
    // A text field without a short list of values: the value starts empty.
    const rule = await addRootRule(browser, "company", "=");
    await byTestId(browser, "segment-rule-waiting").waitForDisplayed({ timeout: 10_000 });
    assert.match(await byTestId(browser, "segment-rule-waiting").getText(), /Rule 1 \(Company\) is not filled in yet/);
    assert.equal(await byTestId(browser, "segment-rule-error").isExisting(), false, "no error for a rule just added");
    assert.equal(await rule.$('[data-testid="segment-rule-failure"]').isExisting(), false);

    const editor = await ruleValueEditor(browser, rule);
    await typeInto(browser, editor, "x");
    await clearInput(browser, editor);
    const error = byTestId(browser, "segment-rule-error");
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await error.getText(), "Rule 1 (Company): enter a value");
    await screenshot(browser, "35-segment-plain-rule-error");

    // Numbers: a negative count gets a hint, a number too large is refused by name.
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "employees");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", ">=");
    const number = await rule.$('[data-testid="value-editor"]');
    await typeInto(browser, number, "-5");
    const hint = await rule.$('[data-testid="value-hint"]');
    await hint.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await hint.getText(), "Employees is never negative: did you mean 5?");
    await typeInto(browser, number, "1e999");
    await browser.waitUntil(async () => /too large/.test(await byTestId(browser, "segment-rule-error").getText().catch(() => "")), {
      timeout: 10_000,
      timeoutMsg: "1e999 should be refused as too large",
    });
    assert.equal(
      await byTestId(browser, "segment-rule-error").getText(),
      "Rule 1 (Employees): `1e999` is too large to be a number: enter a value such as 1000",
    );

    // Reversed between bounds are counted in order, and the rule says so.
    await typeInto(browser, number, "100");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "between");
    const bound = async (label) => rule.$(`input[aria-label="Employees ${label}"]`);
    await typeInto(browser, await bound("from"), "500");
    await typeInto(browser, await bound("to"), "10");
    const note = await rule.$('[data-testid="value-hint"]');
    await note.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await note.getText(), "From is larger than To: counted as between 10 and 500");

    // The rule button that copies a rule says what it does.
    assert.equal(await rule.$('[data-testid="clone-rule"]').getText(), "Duplicate");
  });

  it("offers the known values of an event property, and names common behaviours", async () => {
    const { browser } = app;
    await startNewSegment(browser);
    const rule = await addRootRule(browser, "event", "performed");
    // "Downloaded a whitepaper" is a quick choice: a download with an asset.
    await rule.$('[data-testid="behaviour-common"]').selectByVisibleText("Downloaded a whitepaper");
    assert.equal(await rule.$('[data-testid="behaviour-type"]').getValue(), "download");
    assert.equal(await rule.$('[data-testid="behaviour-filter-property"]').getValue(), "asset");
    await rule.$('[data-testid="behaviour-filter-operator"]').selectByAttribute("value", "=");

    // The value box offers the assets the workspace's downloads have, most frequent first.
    const known = await rule.$('[data-testid="behaviour-filter-known"]');
    await known.waitForDisplayed({ timeout: 10_000 });
    const options = await browser.execute(
      (el) => [...el.querySelectorAll("option")].map((o) => o.value).filter(Boolean),
      known,
    );
    assert.ok(options.includes("Segmentation Handbook"), `known assets offered: ${options.join(", ")}`);
    await known.selectByAttribute("value", "Segmentation Handbook");
    assert.equal(await rule.$('[data-testid="behaviour-filter-value"]').getValue(), "Segmentation Handbook");
    await typeInto(browser, await rule.$('[data-testid="behaviour-min"]'), "2");
    // "In the last" can be emptied and retyped: no "030".
    await rule.$('[data-testid="behaviour-window-unit"]').selectByAttribute("value", "days");
    const amount = await rule.$('[data-testid="behaviour-window-amount"]');
    await clearInput(browser, amount);
    assert.equal(await amount.getValue(), "");
    await typeInto(browser, amount, "30");
    await rule.scrollIntoView();
    await screenshot(browser, "36-segment-known-property-values");

    const count = await liveCount(browser);
    await byTestId(browser, "segment-json-toggle").click();
    const json = JSON.parse(await byTestId(browser, "segment-json").getValue());
    assert.deepEqual(json.rules[0].value.where.rules[0], { field: "asset", operator: "=", value: "Segmentation Handbook" });
    const rulesPath = join(app.dataDir, "whitepaper-rules.json");
    writeFileSync(rulesPath, JSON.stringify(json));
    const asOf = await browser.execute(() => new Date().toISOString().slice(0, 10));
    await typeInto(browser, byTestId(browser, "segment-as-of"), asOf);
    assert.equal(await liveCount(browser), Number(cli("--db", db, "segment", "count", rulesPath, "--as-of", asOf).trim()));
    assert.ok(count >= 0);
    await checkAccessibility(browser, "the segment builder with a behaviour rule and its JSON");
  });

  it("reads the as-of date as the CLI does, and counts nothing for an invalid one", async () => {
    const { browser } = app;
    const input = byTestId(browser, "segment-as-of");
    await typeInto(browser, input, "2026-13-45");
    const error = byTestId(browser, "segment-as-of-error");
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.match(await error.getText(), /`2026-13-45` is not an as-of date/);
    assert.equal(await byTestId(browser, "segment-live-count").getAttribute("data-count"), "");
    await screenshot(browser, "37-segment-invalid-as-of");
    // A date-time, as the CLI's --as-of takes it, counts the same in both.
    const at = "2026-01-15T12:00:00Z";
    await typeInto(browser, input, at);
    await error.waitForDisplayed({ reverse: true, timeout: 10_000 });
    const json = await byTestId(browser, "segment-json").getValue();
    const rulesPath = join(app.dataDir, "as-of-rules.json");
    writeFileSync(rulesPath, json);
    assert.equal(await liveCount(browser), Number(cli("--db", db, "segment", "count", rulesPath, "--as-of", at).trim()));
    await clearInput(browser, input);
  });

  it("pastes rules JSON with the core's checks, and shows built-ins read-only with their id", async () => {
    const { browser } = app;
    await startNewSegment(browser);
    if (!(await byTestId(browser, "segment-json-paste-open").isExisting())) await byTestId(browser, "segment-json-toggle").click();
    await byTestId(browser, "segment-json-paste-open").click();
    const paste = byTestId(browser, "segment-json-paste");
    await typeInto(browser, paste, '{"combinator":"and","rules":[{"field":"employees","operator":">=","value":""}]}');
    await byTestId(browser, "segment-json-paste-apply").click();
    const error = byTestId(browser, "segment-json-paste-error");
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await error.getText(), "Rule 1 (Employees): enter a number");
    await typeInto(browser, paste, '{"combinator":"and","rules":[{"field":"employees","operator":">=","value":1000}]}');
    await byTestId(browser, "segment-json-paste-apply").click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="rule"]')).length === 1, {
      timeout: 10_000,
      timeoutMsg: "the pasted rule should be in the builder",
    });

    // A built-in segment: read-only rules, "Duplicate to edit", and its id for the CLI.
    const builtinId = segmentIdByName(db, "Abandoned cart");
    await byTestId(browser, `segment-item-${builtinId}`).click();
    await discardIfAsked(
      browser,
      async () => byTestId(browser, "segment-readonly-note").isDisplayed().catch(() => false),
      "the built-in segment opening",
    );
    assert.equal(await byTestId(browser, "segment-id").getText(), String(builtinId));
    assert.equal(await browser.$('[data-testid="segment-builder"]').getAttribute("disabled"), "true");
    await screenshot(browser, "38-segment-builtin-read-only");
    await checkAccessibility(browser, "a built-in segment, read-only");
  });

  it("has a skip link past the segment list, and keeps focus when a rule is removed", async () => {
    const { browser } = app;
    await startNewSegment(browser);
    await addRootRule(browser, "employees", ">=");
    await addRootRule(browser, "country", "=");
    const removes = await browser.$$('[data-testid="remove-rule"]');
    assert.equal(await removes[0].getAttribute("aria-label"), "Remove rule 1 (Employees)");
    await removes[0].click();
    await browser.waitUntil(
      async () =>
        browser.execute(() => document.activeElement?.closest(".rule")?.querySelector('[data-testid="fields"]')?.value === "country"),
      { timeout: 10_000, timeoutMsg: "focus should move to the next rule" },
    );
    const remaining = await browser.$('[data-testid="remove-rule"]');
    await remaining.click();
    await browser.waitUntil(async () => browser.execute(() => document.activeElement?.getAttribute("data-testid") === "add-rule"), {
      timeout: 10_000,
      timeoutMsg: "focus should move to + Rule when no rule is left",
    });

    const skip = await byTestId(browser, "segment-skip-link");
    await browser.execute((el) => el.focus(), skip);
    assert.equal(await skip.isDisplayed(), true);
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => browser.execute(() => document.activeElement?.id === "segment-main"), {
      timeout: 5_000,
      timeoutMsg: "the skip link should move focus to the builder",
    });
  });
});

describe("unsaved segment edits (issue 17, major 1)", () => {
  const name = "E2E unsaved edits";
  let app;
  let db;
  let id;

  /** The employees value of the segment's one rule, as the builder shows it. */
  const employeesValue = async (browser) => (await browser.$('[data-testid="rule"] [data-testid="value-editor"]')).getValue();

  before(async () => {
    app = await launchOpen();
    db = app.demoDb;
  });
  after(async () => {
    await app?.stop();
  });

  it("asks before leaving edits, keeps or drops them as answered, and restores a draft after a restart", async () => {
    let { browser } = app;
    await byTestId(browser, "nav-segments").click();
    await byTestId(browser, "segment-list").waitForDisplayed({ timeout: 30_000 });

    // A saved segment: employees at least 1000.
    await startNewSegment(browser);
    const rule = await addRootRule(browser, "employees", ">=");
    await typeInto(browser, await rule.$('[data-testid="value-editor"]'), "1000");
    const savedCount = await liveCount(browser);
    await byTestId(browser, "segment-save").click();
    await typeInto(browser, byTestId(browser, "segment-name"), name);
    await byTestId(browser, "segment-save-confirm").click();
    await browser.waitUntil(async () => (await byTestId(browser, "segment-title").getText()) === name, {
      timeout: 10_000,
      timeoutMsg: "the saved segment should be open",
    });
    id = segmentIdByName(db, name);
    assert.equal(await byTestId(browser, "segment-id").getText(), String(id), "the id the CLI takes is shown");

    // Edit its rules, then click another segment: the question appears.
    await typeInto(browser, await browser.$('[data-testid="rule"] [data-testid="value-editor"]'), "5000");
    const editedCount = await liveCount(browser);
    assert.notEqual(editedCount, savedCount);
    const other = segmentIdByName(db, "Abandoned cart");
    await byTestId(browser, `segment-item-${other}`).click();
    await byTestId(browser, "unsaved-dialog").waitForDisplayed({ timeout: 10_000 });
    assert.match(await byTestId(browser, "unsaved-dialog").getText(), /E2E unsaved edits/);
    await screenshot(browser, "39-segment-unsaved-question");
    await checkAccessibility(browser, "the unsaved-changes question over the segment builder");

    // Keep editing: the edits and their count stay.
    await byTestId(browser, "unsaved-keep").click();
    await byTestId(browser, "unsaved-dialog").waitForDisplayed({ reverse: true, timeout: 10_000 });
    assert.equal(await byTestId(browser, "segment-title").getText(), name);
    assert.equal(await employeesValue(browser), "5000");
    assert.equal(await liveCount(browser), editedCount);

    // Another view asks too; Discard drops the edits.
    await byTestId(browser, `segment-item-${other}`).click();
    await byTestId(browser, "unsaved-discard").click();
    await browser.waitUntil(async () => (await byTestId(browser, "segment-title").getText()) === "Abandoned cart", {
      timeout: 10_000,
      timeoutMsg: "the other segment should open after Discard",
    });
    await byTestId(browser, `segment-item-${id}`).click();
    await browser.waitUntil(async () => (await employeesValue(browser)) === "1000", {
      timeout: 10_000,
      timeoutMsg: "the discarded edits should be gone",
    });
    assert.equal(await liveCount(browser), savedCount);
    assert.equal(await byTestId(browser, "segment-notice").isExisting(), false, "no draft to restore");

    // Edit again and close the app: the draft survives the restart.
    await typeInto(browser, await browser.$('[data-testid="rule"] [data-testid="value-editor"]'), "250");
    await byTestId(browser, "segment-unsaved").waitForDisplayed({ timeout: 10_000 });
    await browser.pause(1500); // local storage reaches the disk shortly after a write
    await app.stop();
    app = await launchOpen({ args: [db] });
    browser = app.browser;
    await byTestId(browser, "nav-segments").click();
    // The list marks the segment whose edits are kept as a draft.
    await byTestId(browser, `segment-draft-${id}`).waitForExist({ timeout: 30_000 });
    await byTestId(browser, `segment-item-${id}`).click();
    const notice = byTestId(browser, "segment-notice");
    await notice.waitForDisplayed({ timeout: 10_000 });
    assert.match(await notice.getText(), /Unsaved changes from \d{1,2}:\d{2}.* restored/);
    assert.equal(await employeesValue(browser), "250");
    assert.equal(await byTestId(browser, "segment-unsaved").isDisplayed(), true);
    await screenshot(browser, "40-segment-draft-restored");

    // Discard in the notice goes back to the saved rules, and the draft is gone.
    await byTestId(browser, "segment-draft-discard").click();
    await browser.waitUntil(async () => (await employeesValue(browser)) === "1000", {
      timeout: 10_000,
      timeoutMsg: "Discard should bring the saved rules back",
    });
    const ours = basename(dirname(db));
    const left = await browser.execute(
      (dir, key) => Object.keys(localStorage).filter((k) => k.includes(dir) && k.endsWith(key)),
      ours,
      `::segment:${id}`,
    );
    assert.deepEqual(left, [], "the draft is cleared");
  });
});

