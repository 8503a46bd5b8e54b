// Nurture streams in the real window: draw a stream with a wait and a
// branch, plan it, check every node's count against the CLI's plan of the
// saved stream, export the plan's CSV; plan all active streams with the
// calendar, a lead's journey and a comparison; see the content matrix's gaps.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, checkAccessibility, clickWhenStill, cli, discardIfAsked, screenshot, setRuleValue, typeInto, launchOpen } from "./support.mjs";

const today = new Date().toISOString().slice(0, 10);

/** Types into an input the way a user does, replacing what was there. */
async function retype(browser, testId, text) {
  const input = byTestId(browser, testId);
  await typeInto(browser, input, text);
}

/** The id of the one node of this type on the canvas. */
async function nodeOfType(browser, type) {
  const node = browser.$(`[data-node-type="${type}"]`);
  await node.waitForExist({ timeout: 10_000, timeoutMsg: `no ${type} node appeared` });
  return (await node.getAttribute("data-testid")).replace("stream-node-", "");
}

/**
 * Waits until the backend has checked the stream as drawn: its problems are listed at the top of the side panel, so
 * until then the controls below them can move down as a click lands (CI clicked "+ Rule" into the hint above it).
 */
async function problemsChecked(browser) {
  await browser.waitUntil(async () => (await byTestId(browser, "stream-problems").getAttribute("data-checked")) === "yes", {
    timeout: 15_000,
    timeoutMsg: "the stream's problems were never checked",
  });
}

async function selectNode(browser, id) {
  await clickWhenStill(browser, byTestId(browser, `stream-node-${id}`));
  await browser.waitUntil(async () => (await byTestId(browser, "node-panel").getAttribute("data-node-id")) === id, {
    timeout: 5_000,
    timeoutMsg: `node ${id} was not selected`,
  });
  await problemsChecked(browser);
}

describe("stream designer and planner", () => {
  let app;
  let db;
  before(async () => {
    app = await launchOpen();
    db = app.demoDb;
  });
  after(async () => {
    await app?.stop();
  });

  it("draws a stream with a wait and a branch, plans it like the CLI and exports the plan", async () => {
    const { browser } = app;
    await byTestId(browser, "nav-streams").click();
    await byTestId(browser, "streams-tab-designer").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "stream-list").waitForDisplayed({ timeout: 30_000 });

    // The first stream opens planned, with counts on its steps.
    await browser.$('[data-testid^="node-count-"]').waitForExist({ timeout: 30_000, timeoutMsg: "the first stream was not planned" });
    await screenshot(browser, "39-streams-first-open");
    await byTestId(browser, "stream-new").click();
    await retype(browser, "stream-name", "E2E decision nurture");
    const segments = JSON.parse(cli("--db", db, "segment", "list", "--json"));
    const decision = segments.find((s) => s.segment.name === "Decision stage").segment.id;
    await byTestId(browser, `stream-entry-${decision}`).click();

    // Entry → Wait 3 days → Branch (executives?) → yes: Exit; no: Send → Exit.
    await selectNode(browser, "entry");
    await byTestId(browser, "palette-wait").click();
    const wait = await nodeOfType(browser, "wait");
    await selectNode(browser, wait);
    await retype(browser, "node-wait-amount", "3");
    await byTestId(browser, "palette-branch").click();
    const branch = await nodeOfType(browser, "branch");
    await selectNode(browser, branch);
    const panel = byTestId(browser, "node-panel");
    await clickWhenStill(browser, panel.$('[data-testid="add-rule"]'));
    const rule = panel.$('[data-testid="rule"]');
    await rule.waitForExist({ timeout: 10_000, timeoutMsg: "“+ Rule” added no rule to the branch" });
    await rule.$('[data-testid="fields"]').selectByAttribute("value", "persona");
    await rule.$('[data-testid="operators"]').selectByAttribute("value", "=");
    await setRuleValue(browser, rule, "Executive decision maker");
    await byTestId(browser, "palette-send").click();
    const send = await nodeOfType(browser, "send");
    await selectNode(browser, send);
    const firstSuited = await browser.execute(
      () => document.querySelector('[data-testid="node-content"] optgroup option')?.getAttribute("value") ?? "",
    );
    assert.ok(firstSuited, "the content menu offers suitable items first");
    await byTestId(browser, "node-content").selectByAttribute("value", firstSuited);
    await byTestId(browser, "node-next-next").selectByAttribute("value", "exit");

    // Once drawn completely, no problem is left on any node.
    const problems = byTestId(browser, "stream-problems");
    await browser.waitUntil(async () => (await problems.getAttribute("data-count")) === "0" && (await problems.getAttribute("data-checked")) === "yes", {
      timeout: 10_000,
      timeoutMsg: "the stream still has problems",
    });
    await byTestId(browser, "stream-save").click();
    let saved;
    await browser.waitUntil(
      () => {
        saved = JSON.parse(cli("--db", db, "streams", "list", "--json")).find((s) => s.name === "E2E decision nurture");
        return Boolean(saved);
      },
      { timeout: 10_000, timeoutMsg: "the stream was not saved" },
    );
    assert.deepEqual(
      saved.definition.nodes.map((n) => n.action.type).sort(),
      ["branch", "entry", "exit", "send", "wait"],
    );

    await retype(browser, "plan-from", today);
    await retype(browser, "plan-days", "30");
    await byTestId(browser, "plan-run").click();
    const summary = byTestId(browser, "plan-summary");
    await summary.waitForDisplayed({ timeout: 30_000 });
    // The steps show the stream on its own here, as the CLI plans one stream.
    await byTestId(browser, "plan-scope-alone").click();
    await browser.waitUntil(async () => (await summary.getAttribute("data-scope")) === "alone", {
      timeout: 5_000,
      timeoutMsg: "the counts on the steps did not switch to the stream on its own",
    });
    await screenshot(browser, "40-stream-designer-planned");

    const expected = JSON.parse(
      cli("--db", db, "plan", "--stream", String(saved.id), "--from", today, "--days", "30", "--summary", "--format", "json"),
    );
    assert.equal(Number(await summary.getAttribute("data-sends")), expected.sends);
    const counts = expected.streams[0].nodes;
    assert.ok(counts.find((n) => n.node_id === send).leads > 0, "some leads reach the send");
    for (const { node_id, leads } of counts) {
      const shown = await byTestId(browser, `node-count-${node_id}`).getAttribute("data-count");
      assert.equal(Number(shown), leads, `node ${node_id}`);
    }

    // The plan's CSV, through the app's own command (no native dialog in WebDriver).
    const csvPath = join(app.dataDir, "plan.csv");
    const written = await browser.execute(
      async (stream, from, path) => window.__TAURI_INTERNALS__.invoke("plan_export", { streams: [stream], from, days: 30, path }),
      saved,
      today,
      csvPath,
    );
    assert.equal(written, expected.sends);
    const lines = readFileSync(csvPath, "utf8").trim().split("\n");
    assert.equal(lines[0], "email,send_at_utc,send_at_local,timezone,stream,step,content,subject,link");
    assert.equal(lines.length, expected.sends + 1);
  });

  it("plans every active stream with a calendar, a journey and a comparison", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-plan").click();
    await retype(browser, "plan-from", today);
    await retype(browser, "plan-days", "60");
    await byTestId(browser, "plan-run").click();
    const summary = byTestId(browser, "plan-summary");
    await summary.waitForDisplayed({ timeout: 30_000 });
    // The tab planned 90 days on opening; wait for this 60-day run to land.
    const expected = JSON.parse(cli("--db", db, "plan", "--from", today, "--days", "60", "--summary", "--format", "json"));
    await browser.waitUntil(async () => Number(await summary.getAttribute("data-sends")) === expected.sends, {
      timeout: 30_000,
      timeoutMsg: `the plan never showed the CLI's ${expected.sends} sends`,
    });
    await byTestId(browser, "plan-calendar").waitForDisplayed();
    assert.equal(Number(await byTestId(browser, "plan-calendar").getAttribute("data-total")), expected.sends);
    await screenshot(browser, "41-plan-calendar");

    await byTestId(browser, "plan-sample-lead").click();
    const journey = byTestId(browser, "plan-journey");
    await journey.waitForDisplayed({ timeout: 10_000 });
    const entries = await browser.$$('[data-testid="journey-entry"]');
    assert.ok(entries.length >= 3, `a journey of ${entries.length} steps`);
    const text = await browser.execute(() => document.querySelector('[data-testid="plan-journey"]').textContent);
    assert.match(text, /enters “/);
    await journey.scrollIntoView();
    await screenshot(browser, "42-plan-journey");

    await retype(browser, "plan-days", "30");
    await byTestId(browser, "plan-run").click();
    const diff = byTestId(browser, "plan-diff");
    await diff.waitForDisplayed({ timeout: 30_000 });
    const shorter = JSON.parse(cli("--db", db, "plan", "--from", today, "--days", "30", "--summary", "--format", "json"));
    await browser.waitUntil(async () => Number(await diff.getAttribute("data-sends-delta")) === shorter.sends - expected.sends, {
      timeout: 30_000,
      timeoutMsg: "the comparison does not show the change in sends",
    });
    await diff.scrollIntoView();
    await screenshot(browser, "43-plan-comparison");
  });

  it("shows the content matrix with its gaps", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-content").click();
    await byTestId(browser, "content-matrix").waitForDisplayed({ timeout: 10_000 });
    const cell = browser.$('[data-testid="matrix-cell"][data-persona="Financial decision maker"][data-stage="Decision"]');
    assert.equal(await cell.getAttribute("data-items"), "0");
    const executives = browser.$('[data-testid="matrix-cell"][data-persona="Executive decision maker"][data-stage="Decision"]');
    assert.ok(Number(await executives.getAttribute("data-items")) > 0);
    await screenshot(browser, "44-content-matrix");
  });

  it("refuses an absurd frequency cap in the planner settings, saying the range", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-plan").click();
    await byTestId(browser, "planner-settings-open").click();
    await byTestId(browser, "planner-settings").waitForDisplayed({ timeout: 10_000 });
    const capOn = byTestId(browser, "planner-cap-on");
    if (!(await capOn.isSelected())) await capOn.click();
    await retype(browser, "planner-cap-days", "100000000");
    await byTestId(browser, "planner-settings-save").click();
    const error = browser.$('[data-testid="planner-settings"] .rule-error');
    await error.waitForDisplayed({ timeout: 10_000 });
    assert.match(await error.getText(), /1 to 365/);
    assert.ok(await byTestId(browser, "planner-settings").isDisplayed(), "the dialog stays open to fix the value");
    await screenshot(browser, "46-planner-settings-out-of-range");
    await browser.$('[data-testid="planner-settings"] .actions button:not(.primary)').click();
    await byTestId(browser, "planner-settings").waitForDisplayed({ reverse: true, timeout: 10_000 });
  });

  it("plans the other streams when one stream's segment was deleted behind its back", async () => {
    const { browser } = app;
    // A file edited by hand or by an older version: the win-back stream's
    // entry segment is gone. The app refuses such a deletion; sqlite3 does not.
    const winBack = JSON.parse(cli("--db", db, "streams", "list", "--json")).find((s) => s.name === "Former customers: win-back");
    assert.ok(winBack?.is_active, "the demo's win-back stream is active");
    const [gone] = winBack.definition.entry_segments;
    execFileSync("sqlite3", [db, `DELETE FROM segments WHERE id = ${Number(gone)}`]);

    await byTestId(browser, "streams-tab-plan").click();
    await retype(browser, "plan-from", today);
    await retype(browser, "plan-days", "14");
    await byTestId(browser, "plan-run").click();
    const skipped = byTestId(browser, "plan-skipped");
    await skipped.waitForDisplayed({ timeout: 30_000 });
    assert.match(await skipped.getText(), /Former customers: win-back/);
    assert.match(await skipped.getText(), new RegExp(`#${gone}`));
    const expected = JSON.parse(cli("--db", db, "plan", "--from", today, "--days", "14", "--summary", "--format", "json"));
    assert.ok(expected.sends > 0, "the other active streams are still planned");
    const summary = byTestId(browser, "plan-summary");
    await browser.waitUntil(async () => Number(await summary.getAttribute("data-sends")) === expected.sends, {
      timeout: 30_000,
      timeoutMsg: `the plan never showed the CLI's ${expected.sends} sends`,
    });
    await screenshot(browser, "45-plan-skipped-stream");
  });
});

/** The keys of the stream drafts of the workspace `db` kept in the window's local storage. */
async function streamDrafts(browser, db) {
  return browser.execute(
    (prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)),
    `leadstream.draft.${db}::stream:`,
  );
}

/** Opens the Streams view's designer with the stream `id`; with `discard`, unsaved edits asked about go. */
async function openStream(browser, id, { discard = false } = {}) {
  await byTestId(browser, `stream-item-${id}`).click();
  if (discard) await browser.pause(300);
  if (discard && (await byTestId(browser, "unsaved-dialog").isDisplayed().catch(() => false)))
    await byTestId(browser, "unsaved-discard").click();
  await browser.waitUntil(async () => (await byTestId(browser, `stream-item-${id}`).getAttribute("class")).includes("selected"), {
    timeout: 10_000,
    timeoutMsg: `stream ${id} did not open`,
  });
}

describe("a marketer's first hour with streams (issue 17)", () => {
  let app;
  let db;
  let streams;
  before(async () => {
    app = await launchOpen();
    db = app.demoDb;
    streams = JSON.parse(cli("--db", db, "streams", "list", "--json"));
    await byTestId(app.browser, "nav-streams").click();
    await byTestId(app.browser, "stream-list").waitForDisplayed({ timeout: 30_000 });
  });
  after(async () => {
    await app?.stop();
  });

  it("shows a stream's count on its own and with the other active streams, and who takes the difference, as the CLI plans them", async () => {
    const { browser } = app;
    const all = JSON.parse(cli("--db", db, "plan", "--from", today, "--days", "30", "--summary", "--format", "json"));
    const loser = all.streams.find((s) => s.lost_to.length > 0);
    assert.ok(loser, "a demo stream loses leads to a higher-priority one");
    const alone = JSON.parse(
      cli("--db", db, "plan", "--stream", String(loser.stream_id), "--from", today, "--days", "30", "--summary", "--format", "json"),
    ).streams[0];
    const lost = loser.lost_to.reduce((sum, o) => sum + o.leads, 0);
    assert.equal(alone.leads, loser.leads + lost, "on its own = with the others + what the others take");

    await openStream(browser, loser.stream_id);
    await retype(browser, "plan-from", today);
    await retype(browser, "plan-days", "30");
    await byTestId(browser, "plan-run").click();
    const summary = byTestId(browser, "plan-summary");
    await browser.waitUntil(
      async () =>
        (await summary.isExisting()) &&
        Number(await summary.getAttribute("data-entered-together")) === loser.leads &&
        Number(await summary.getAttribute("data-entered-alone")) === alone.leads,
      { timeout: 60_000, timeoutMsg: `the designer never showed the CLI's ${alone.leads} alone and ${loser.leads} with the others` },
    );
    assert.equal(Number(await summary.getAttribute("data-lost")), lost);
    assert.equal(await summary.getAttribute("data-scope"), "together", "the steps show the Plan tab's counts first");
    const said = await byTestId(browser, "plan-lost").getText();
    for (const winner of loser.lost_to) assert.ok(said.includes(`“${winner.name}”`), `“${said}” names ${winner.name}`);
    assert.match(await byTestId(browser, "plan-entered-alone").getText(), /on its own/);
    assert.match(await byTestId(browser, "plan-entered-together").getText(), /with the other active streams/);
    for (const { node_id, leads } of loser.nodes) {
      assert.equal(Number(await byTestId(browser, `node-count-${node_id}`).getAttribute("data-count")), leads, `node ${node_id} with the others`);
    }
    await byTestId(browser, "plan-scope-alone").click();
    for (const { node_id, leads } of alone.nodes) {
      await browser.waitUntil(async () => Number(await byTestId(browser, `node-count-${node_id}`).getAttribute("data-count")) === leads, {
        timeout: 5_000,
        timeoutMsg: `node ${node_id} on its own does not show ${leads}`,
      });
    }
    await byTestId(browser, "plan-scope-together").click();
    await screenshot(browser, "47-designer-counts-alone-and-together");
  });

  it("asks before leaving unsaved edits to a stream, keeps them or discards them, and drops a stale Saved notice", async () => {
    const { browser } = app;
    const [first, second] = streams;
    await openStream(browser, first.id);
    await retype(browser, "stream-name", `${first.name} (edited)`);
    await browser.waitUntil(async () => (await streamDrafts(browser, db)).some((k) => k.endsWith(`::stream:${first.id}`)), {
      timeout: 5_000,
      timeoutMsg: "the edit was not kept as a draft",
    });

    // Another stream: the question; keep editing stays.
    await byTestId(browser, `stream-item-${second.id}`).click();
    const dialog = byTestId(browser, "unsaved-dialog");
    await dialog.waitForDisplayed({ timeout: 5_000 });
    assert.match(await dialog.getText(), new RegExp(`${first.name} \\(edited\\)`));
    await screenshot(browser, "48-designer-unsaved-question");
    await byTestId(browser, "unsaved-keep").click();
    await dialog.waitForDisplayed({ reverse: true, timeout: 5_000 });
    assert.equal(await byTestId(browser, "stream-name").getValue(), `${first.name} (edited)`);
    assert.ok((await byTestId(browser, `stream-item-${first.id}`).getAttribute("class")).includes("selected"));
    assert.ok(await byTestId(browser, `stream-draft-${first.id}`).isExisting(), "the list marks the stream as changed");

    // Another view: the same question.
    await byTestId(browser, "nav-leads").click();
    await dialog.waitForDisplayed({ timeout: 5_000 });
    await byTestId(browser, "unsaved-keep").click();
    await dialog.waitForDisplayed({ reverse: true, timeout: 5_000 });
    assert.ok(await byTestId(browser, "stream-name").isDisplayed(), "still in the designer");

    // Discard: the other stream opens, the draft is gone, and the edits can be reopened once.
    await byTestId(browser, `stream-item-${second.id}`).click();
    await dialog.waitForDisplayed({ timeout: 5_000 });
    await byTestId(browser, "unsaved-discard").click();
    await browser.waitUntil(async () => (await byTestId(browser, "stream-name").getValue()) === second.name, {
      timeout: 5_000,
      timeoutMsg: "the other stream did not open",
    });
    assert.match(await byTestId(browser, "stream-notice").getText(), /Discarded the unsaved changes/);
    assert.deepEqual(await streamDrafts(browser, db), []);

    // Saved, then changed again: the Saved notice goes.
    await retype(browser, "stream-name", `${second.name} v2`);
    await byTestId(browser, "stream-save").click();
    await browser.waitUntil(async () => /Saved “/.test(await byTestId(browser, "stream-notice").getText()), {
      timeout: 10_000,
      timeoutMsg: "no Saved notice",
    });
    assert.deepEqual(await streamDrafts(browser, db), [], "saving clears the draft");
    await retype(browser, "stream-name", `${second.name} v3`);
    await byTestId(browser, "stream-notice").waitForExist({ reverse: true, timeout: 5_000, timeoutMsg: "the Saved notice stayed after a change" });
  });

  it("saves a stream asked to be active that has problems, inactive, saying what blocks it and where", async () => {
    const { browser } = app;
    await byTestId(browser, "stream-new").click();
    await discardIfAsked(browser, async () => (await byTestId(browser, "stream-name").getValue()) === "New stream", "a new stream");
    await retype(browser, "stream-name", "E2E half-drawn");
    await byTestId(browser, "stream-active").click();
    await byTestId(browser, "stream-save").click();
    const notice = byTestId(browser, "stream-notice");
    await browser.waitUntil(async () => /but not active/.test(await notice.getText()), {
      timeout: 10_000,
      timeoutMsg: "no notice that the stream was saved inactive",
    });
    const text = await notice.getText();
    assert.doesNotMatch(text, /invalid argument/i);
    assert.match(text, /Saved “E2E half-drawn”, but not active/);
    assert.match(text, /stream settings: |step “/);
    const saved = JSON.parse(cli("--db", db, "streams", "list", "--json")).find((s) => s.name === "E2E half-drawn");
    assert.ok(saved && !saved.is_active, "saved, inactive");
    assert.equal(await byTestId(browser, "stream-active").isSelected(), false);
    await screenshot(browser, "49-designer-saved-not-active");
  });

  it("lays out the canvas so the problems and the zoom controls cover no step", async () => {
    const { browser } = app;
    await openStream(browser, streams[0].id);
    await byTestId(browser, "stream-fit").click();
    await browser.pause(400);
    const covered = await browser.execute(() => {
      const boxes = [...document.querySelectorAll(".react-flow__node")].map((n) => n.getBoundingClientRect());
      const covers = [document.querySelector('[data-testid="stream-problems"]'), document.querySelector(".react-flow__controls")]
        .filter(Boolean)
        .map((e) => e.getBoundingClientRect());
      const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      return boxes.filter((b) => covers.some((c) => overlap(b, c))).length;
    });
    assert.equal(covered, 0, "steps under the problems box or the zoom controls");
  });

  it("branches on whether a lead opened this stream's welcome email, with the assumption said", async () => {
    const { browser } = app;
    await byTestId(browser, "stream-template-menu").selectByAttribute("value", "lifecycle-welcome");
    await discardIfAsked(
      browser,
      async () => (await byTestId(browser, "stream-name").getValue()) === "New prospects: welcome",
      "the welcome template opening",
    );
    await selectNode(browser, "welcome");
    await byTestId(browser, "palette-branch").click();
    const branch = await nodeOfType(browser, "branch");
    await selectNode(browser, branch);
    await byTestId(browser, "node-branch-test").selectByAttribute("value", "email");
    assert.equal(await byTestId(browser, "node-branch-email").getValue(), "welcome");
    await byTestId(browser, "node-branch-engagement").selectByAttribute("value", "opened");
    await retype(browser, "node-branch-rate", "40");
    const nodeText = () => browser.execute((id) => document.querySelector(`[data-testid="stream-node-${id}"]`)?.textContent ?? "", branch);
    await browser.waitUntil(async () => /Opened the email of\s*welcome\?/.test(await nodeText()), {
      timeout: 5_000,
      timeoutMsg: "the branch does not say what it tests",
    });
    assert.match(await byTestId(browser, "node-panel").getText(), /cannot know who will open an email it only planned/);
    await checkAccessibility(browser, "the designer with a branch on an email");
    await screenshot(browser, "51-branch-on-the-welcome-email");
    // The branch's rules, in the wider panel.
    await byTestId(browser, "node-branch-test").selectByAttribute("value", "rules");
    await problemsChecked(browser);
    await clickWhenStill(browser, byTestId(browser, "node-panel").$('[data-testid="add-rule"]'));
    await byTestId(browser, "node-panel").$('[data-testid="rule"]').waitForExist({ timeout: 10_000, timeoutMsg: "“+ Rule” added no rule" });
    await checkAccessibility(browser, "the designer with a branch's rules");
    await screenshot(browser, "52-branch-rules-in-the-side-panel");
  });

  it("plans on opening without comparing the plan with itself, and counts days in each lead's own zone", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-plan").click();
    const summary = byTestId(browser, "plan-summary");
    await summary.waitForDisplayed({ timeout: 60_000 });
    assert.equal(await byTestId(browser, "plan-diff").isExisting(), false, "no comparison before a second run");
    await byTestId(browser, "plan-run").click();
    const diff = byTestId(browser, "plan-diff");
    await diff.waitForDisplayed({ timeout: 60_000 });
    assert.equal(await diff.getAttribute("data-unchanged"), "yes");
    assert.match(await diff.getText(), /Same as the previous run/);

    const calendar = byTestId(browser, "plan-calendar");
    assert.equal(await calendar.getAttribute("data-zone"), "lead");
    await browser.$('[data-testid="plan-days-table"] summary').click();
    const days = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="plan-day"]')].map((r) => [r.getAttribute("data-date"), Number(r.getAttribute("data-sends"))]),
    );
    assert.ok(days.length > 0, "days with sends are listed with their counts");
    const total = days.reduce((sum, [, n]) => sum + n, 0);
    assert.equal(total, Number(await calendar.getAttribute("data-total")));
    const weekend = days.filter(([date]) => [0, 6].includes(new Date(`${date}T12:00:00Z`).getUTCDay()));
    assert.deepEqual(weekend, [], "a Monday–Friday window sends nothing on a lead's weekend");
    await calendar.scrollIntoView();
    await screenshot(browser, "53-plan-calendar-lead-days");
    await byTestId(browser, "plan-calendar-zone-default").click();
    await browser.waitUntil(async () => (await calendar.getAttribute("data-zone")) === "default", { timeout: 5_000 });
    assert.equal(Number(await calendar.getAttribute("data-total")), total, "the same sends, counted on other days");
  });

  it("passes the accessibility check on the designer, the Plan tab and the Content tab", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-designer").click();
    await byTestId(browser, "stream-canvas").waitForDisplayed({ timeout: 10_000 });
    await checkAccessibility(browser, "the stream designer");
    await byTestId(browser, "streams-tab-plan").click();
    await byTestId(browser, "plan-summary").waitForDisplayed({ timeout: 60_000 });
    await checkAccessibility(browser, "the Plan tab");
    await byTestId(browser, "streams-tab-content").click();
    await byTestId(browser, "content-matrix").waitForDisplayed({ timeout: 10_000 });
    await checkAccessibility(browser, "the Content tab");
  });

  it("restores a stream's unsaved edits after a relaunch, with a notice", async () => {
    const { browser } = app;
    await byTestId(browser, "streams-tab-designer").click();
    const target = streams[streams.length - 1];
    await openStream(browser, target.id, { discard: true });
    await retype(browser, "stream-name", `${target.name} (draft)`);
    await browser.waitUntil(async () => (await streamDrafts(browser, db)).some((k) => k.endsWith(`::stream:${target.id}`)), {
      timeout: 5_000,
      timeoutMsg: "the edit was not kept as a draft",
    });
    // WebKit writes local storage to disk a moment after a change: give it that moment before closing.
    await browser.pause(3_000);
    await app.stop();
    app = await launchOpen({ args: [db] });
    const again = app.browser;
    assert.ok((await streamDrafts(again, db)).length > 0, "the draft did not survive the relaunch");
    await byTestId(again, "nav-streams").click();
    const notice = byTestId(again, "stream-notice");
    await notice.waitForDisplayed({ timeout: 30_000 });
    assert.match(await notice.getText(), /Restored your unsaved changes to “/);
    assert.equal(await byTestId(again, "stream-name").getValue(), `${target.name} (draft)`);
    await screenshot(again, "50-designer-draft-restored");
    await byTestId(again, "stream-notice-action").click();
    await again.waitUntil(async () => (await byTestId(again, "stream-name").getValue()) === target.name, {
      timeout: 5_000,
      timeoutMsg: "discarding the restored draft did not reopen the saved stream",
    });
    assert.deepEqual(await streamDrafts(again, db), []);
  });
});
