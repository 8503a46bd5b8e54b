// Segment history in the real window on the demo workspace (issue 12):
// Strategy → History on a segment whose members move as time passes; the
// count chart and its table against `segment history --json`; a diff
// between two dates whose joined and left counts and a lead's reason agree
// with `segment diff --format json`; then an import in the app adds a
// snapshot whose reason names the import. Screenshots and axe on each screen.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  clickWhenStill,
  dropFile,
  launchOpen,
  repoRoot,
  screenshot,
  typeInto,
} from "./support.mjs";

/** `days` before today (UTC), as YYYY-MM-DD: the demo's "now" is today. */
const day = (days) =>
  new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** A demo segment with a relative window (its members move day by day). */
function movingSegment(db) {
  const list = JSON.parse(cli("--db", db, "segment", "list", "--json"));
  const found = list.find((s) =>
    JSON.stringify(s.segment.rules).includes("inLast"),
  );
  assert.ok(found, "the demo has a segment with a relative window");
  return found.segment;
}

async function openHistory(browser, segmentId) {
  await byTestId(browser, "nav-strategy").click();
  await clickWhenStill(browser, byTestId(browser, "strategy-tab-history"));
  const picker = byTestId(browser, "history-segment");
  await picker.waitForDisplayed({ timeout: 30_000 });
  await browser.waitUntil(
    async () =>
      (await browser.$$(`[data-testid="history-segment"] option`)).length > 0,
    {
      timeout: 30_000,
      timeoutMsg: "the segment list never came",
    },
  );
  await picker.selectByAttribute("value", String(segmentId));
  await byTestId(browser, "history-chart").waitForDisplayed({
    timeout: 30_000,
  });
}

/** The text of the history table (it may be folded away), newest row first. */
const tableRows = (browser) =>
  browser.execute(() =>
    [
      ...document.querySelectorAll('[data-testid="history-table"] tbody tr'),
    ].map((tr) => tr.textContent),
  );

describe("segment history and diff", () => {
  let app;
  let segment;
  before(async () => {
    app = await launchOpen();
    segment = movingSegment(app.demoDb);
  });
  after(async () => {
    await app?.stop();
  });

  it("shows the count over time and who joined or left between two dates, with a lead's reason", async () => {
    const { browser } = app;
    await openHistory(browser, segment.id);
    const history = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "segment",
        "history",
        String(segment.id),
        "--json",
      ),
    );
    assert.ok(
      history.points.length >= 29,
      `four weeks of demo history (${history.points.length} snapshots)`,
    );
    await browser.waitUntil(
      async () => (await tableRows(browser)).length === history.points.length,
      {
        timeout: 20_000,
        timeoutMsg: "the table lists every snapshot",
      },
    );
    const newest = history.points[history.points.length - 1];
    assert.match(
      (await tableRows(browser))[0],
      new RegExp(newest.count.toLocaleString("en-US")),
    );
    await screenshot(browser, "strategy-history-chart");

    const from = day(26);
    const to = day(2);
    await typeInto(browser, byTestId(browser, "diff-from"), from);
    await typeInto(browser, byTestId(browser, "diff-to"), to);
    const expected = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "segment",
        "diff",
        String(segment.id),
        "--from",
        from,
        "--to",
        to,
        "--format",
        "json",
      ),
    );
    assert.ok(
      expected.joined.length + expected.left.length > 0,
      "leads moved over those weeks",
    );
    const summary = byTestId(browser, "diff-summary");
    await browser.waitUntil(
      async () =>
        (await summary.isDisplayed().catch(() => false)) &&
        (await summary.getText()).includes(
          `${expected.joined.length.toLocaleString("en-US")} joined`,
        ) &&
        (await summary.getText()).includes(
          `${expected.left.length.toLocaleString("en-US")} left`,
        ) &&
        (await summary.getText()).includes(expected.from.taken_at.slice(0, 10)),
      {
        timeout: 30_000,
        timeoutMsg: `the diff should say ${expected.joined.length} joined, ${expected.left.length} left`,
      },
    );
    assert.equal(
      await byTestId(browser, "diff-joined-count").getText(),
      expected.joined.length.toLocaleString("en-US"),
    );
    assert.equal(
      await byTestId(browser, "diff-left-count").getText(),
      expected.left.length.toLocaleString("en-US"),
    );

    const side = expected.joined.length > 0 ? "joined" : "left";
    const first = expected[side][0];
    await clickWhenStill(
      browser,
      browser.$(`[data-testid="diff-${side}"] [data-testid="diff-lead-row"]`),
    );
    const detail = byTestId(browser, "diff-lead-detail");
    await detail.waitForDisplayed({ timeout: 10_000 });
    assert.equal(
      await byTestId(browser, "diff-reason-summary").getText(),
      first.reason.summary,
    );
    assert.match(first.reason.summary, /time passed/);
    assert.match(
      await detail.getText(),
      new RegExp(`Lead ${first.lead_id}\\b`),
    );
    await screenshot(browser, "strategy-history-diff-reason");
    await checkAccessibility(
      browser,
      "Strategy → History with a diff and a lead's reason",
    );

    // The lead opens in the lead browser, its detail panel showing it.
    assert.ok(first.email, "the demo's leads have e-mail addresses");
    await byTestId(browser, "diff-open-lead").click();
    const leadDetail = byTestId(browser, "lead-detail");
    await leadDetail.waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(
      async () => (await leadDetail.getText()).includes(first.email),
      {
        timeout: 30_000,
        timeoutMsg: `the lead browser should show lead ${first.lead_id} (${first.email})`,
      },
    );
    await screenshot(browser, "strategy-history-lead-opened");
  });

  it("records a snapshot after an import in the app, naming the import", async () => {
    const { browser } = app;
    await dropFile(
      browser,
      join(repoRoot, "tests/fixtures/e2e/hubspot-contacts.csv"),
    );
    await byTestId(browser, "import-step-file").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "import-next").click();
    await byTestId(browser, "import-step-columns").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "import-dry-run").click();
    await byTestId(browser, "import-step-review").waitForDisplayed({
      timeout: 30_000,
    });
    await byTestId(browser, "import-run").click();
    await byTestId(browser, "import-done").waitForDisplayed({
      timeout: 60_000,
    });

    const history = JSON.parse(
      cli(
        "--db",
        app.demoDb,
        "segment",
        "history",
        String(segment.id),
        "--json",
      ),
    );
    const last = history.points[history.points.length - 1];
    assert.equal(last.reason, "import");
    assert.match(last.import, /hubspot-contacts\.csv/);

    await openHistory(browser, segment.id);
    await browser.waitUntil(
      async () =>
        /import #\d+ “hubspot-contacts\.csv”/.test(
          (await tableRows(browser))[0] ?? "",
        ),
      {
        timeout: 20_000,
        timeoutMsg: "the newest snapshot names the import",
      },
    );
    // The default diff ends on today's newest snapshot: the import's.
    const importTime = last.taken_at.replace("T", " ").slice(0, 16);
    await browser.waitUntil(
      async () =>
        (
          await byTestId(browser, "diff-summary")
            .getText()
            .catch(() => "")
        ).includes(`to the one of ${importTime}`),
      {
        timeout: 30_000,
        timeoutMsg: `the default diff should end on the import's snapshot of ${importTime}`,
      },
    );
    await screenshot(browser, "strategy-history-after-import");
  });
});
