// The day's upkeep beside the app (issue 16): a workspace whose lead scores
// and segment history date from two days ago opens without waiting for them.
// While another writer (the sqlite3 shell, standing in for an import) holds
// the workspace, the header says "Updating today's lead scores…" and the
// lead table shows the stored scores, one of which no model gives (999).
// Once the writer lets go, the upkeep re-runs the scores and records the
// day's history on a connection of its own, the note goes, the table shows
// today's scores without being asked, and the file holds today's run and
// snapshots. Screenshots of both moments, and axe-core on the first.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";

import { byTestId, checkAccessibility, cli, launchOpen, screenshot, scrollTableToRightEdge } from "./support.mjs";

const DAY = 86_400;
const STALE_SCORE = 999;

/** Runs `statements` on the workspace `file` with the sqlite3 shell and returns what it printed. */
function sqlite(file, statements) {
  return execFileSync("sqlite3", ["-cmd", ".timeout 10000", file, statements], { encoding: "utf8" }).trim();
}

/**
 * Holds the workspace's write lock from the sqlite3 shell, as an import on
 * another connection does, until the returned function is called.
 */
async function holdWriteLock(file) {
  const shell = spawn("sqlite3", [file], { stdio: ["pipe", "pipe", "inherit"] });
  shell.stdout.setEncoding("utf8");
  const ended = new Promise((resolve) => shell.on("exit", resolve));
  let printed = "";
  await new Promise((resolve, reject) => {
    shell.stdout.on("data", (chunk) => {
      printed += chunk;
      if (printed.includes("held")) resolve();
    });
    void ended.then((code) => reject(new Error(`sqlite3 ended (${code}) before it held the lock`)));
    shell.stdin.write(".timeout 10000\nBEGIN IMMEDIATE;\nSELECT 'held';\n");
  });
  return async () => {
    shell.stdin.end("COMMIT;\n.quit\n");
    await ended;
  };
}

/** Shows the "Lead score" column in the lead table. */
async function showScoreColumn(browser) {
  await byTestId(browser, "lead-row").waitForDisplayed({ timeout: 30_000 });
  await byTestId(browser, "column-chooser").click();
  const menu = byTestId(browser, "column-menu");
  await menu.waitForDisplayed({ timeout: 5_000 });
  await byTestId(browser, "column-toggle-score_total").click();
  await byTestId(browser, "col-header-score_total").waitForExist({ timeout: 5_000 });
  await browser.keys(["Escape"]);
  await menu.waitForExist({ reverse: true, timeout: 5_000 });
}

/** The rendered rows' lead scores, top to bottom. */
async function scoresShown(browser) {
  const texts = await browser.execute(() => {
    const headers = [...document.querySelectorAll('[data-testid^="col-header-"]')];
    const at = headers.findIndex((h) => h.dataset.testid === "col-header-score_total");
    const rows = [...document.querySelectorAll('[data-testid="lead-row"]')];
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return rows.map((row) => row.children[at]?.textContent ?? "");
  });
  return texts.map((text) => Number(text.replace(/,/g, "")));
}

describe("the day's upkeep beside the app", () => {
  let app;
  let release;
  after(async () => {
    await release?.();
    await app?.stop();
  });

  it("opens at once, then shows today's scores when the upkeep could write them", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "leadstream-upkeep-")), "Aged.leadstream");
    cli("--db", db, "demo", "--leads", "600", "--events-per-lead", "6");
    // Scored and recorded two days ago; the stored total is one no run gives.
    sqlite(
      db,
      `UPDATE settings SET value = json_set(value,
           '$.ran_at', json_extract(value, '$.ran_at') - ${2 * DAY},
           '$.as_of', json_extract(value, '$.as_of') - ${2 * DAY})
         WHERE key = 'score_last_run';
       UPDATE segment_snapshots SET taken_at = taken_at - ${2 * DAY};
       UPDATE leads SET score_total = ${STALE_SCORE};`,
    );
    release = await holdWriteLock(db);

    app = await launchOpen({ args: [db] });
    const { browser } = app;
    const note = byTestId(browser, "daily-upkeep");
    await note.waitForDisplayed({ timeout: 30_000 });
    assert.equal(await note.getText(), "Updating today's lead scores…");
    await showScoreColumn(browser);
    await browser.waitUntil(
      async () => {
        const scores = await scoresShown(browser);
        return scores.length > 0 && scores.every((score) => score === STALE_SCORE);
      },
      { timeout: 10_000, timeoutMsg: "the table did not show the stored scores while the upkeep waited" },
    );
    assert.ok(await note.isDisplayed(), "the upkeep still waits for the writer");
    await scrollTableToRightEdge(browser);
    await screenshot(browser, "140-daily-upkeep-waiting");
    await checkAccessibility(browser, "the header while the day's upkeep runs");

    await release();
    release = undefined;
    await note.waitForExist({ reverse: true, timeout: 60_000, timeoutMsg: "the upkeep never said it ended" });
    let scores = [];
    await browser.waitUntil(
      async () => {
        scores = await scoresShown(browser);
        return scores.length > 0 && scores.every((score) => Number.isFinite(score) && score < STALE_SCORE);
      },
      { timeout: 15_000, timeoutMsg: `the table still shows stale scores: ${scores.slice(0, 5)}` },
    );
    await scrollTableToRightEdge(browser);
    await screenshot(browser, "141-daily-upkeep-done");

    // The file holds today's run and today's snapshot of every saved segment.
    const midnight = Math.floor(Date.now() / 1000 / DAY) * DAY;
    const run = JSON.parse(sqlite(db, "SELECT value FROM settings WHERE key = 'score_last_run'"));
    assert.equal(run.as_of, midnight + DAY - 1, "scored as of the end of today");
    assert.equal(Number(sqlite(db, `SELECT count(*) FROM leads WHERE score_total = ${STALE_SCORE}`)), 0);
    const unrecorded = sqlite(
      db,
      `SELECT count(*) FROM segments WHERE id NOT IN
         (SELECT segment_id FROM segment_snapshots WHERE taken_at >= ${midnight})`,
    );
    assert.equal(Number(unrecorded), 0, "every saved segment has today's snapshot");
  });
});
