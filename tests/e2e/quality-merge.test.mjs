// Quality → Duplicates in the real window on the demo workspace: the tab
// lists the planted pairs (as many as `quality duplicates --json` finds on
// the same workspace), the merge preview of pair 101/102 with one field
// picked by its radio, the merge (one lead fewer, the survivor holds the
// picked value, both read with the CLI), and Undo (both leads back, the
// pair back in the list). After the merge and after the undo, the segment
// index's parts the app carried across them (never emptied, as a merge used
// to) give every built-in segment the count a build from SQL gives.
// Screenshots of the list and the preview; axe on both.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  clickWhenStill,
  countsFromPartsAndFromSql,
  launchOpen,
  screenshot,
} from "./support.mjs";

/** Every lead of the workspace, by id, read with the CLI (through a file: the JSON is larger than a pipe's buffer). */
function leadsById(db, dir) {
  const file = join(dir, "leads-export.json");
  cli("--db", db, "leads", "export", "--format", "json", "--output", file);
  const leads = JSON.parse(readFileSync(file, "utf8"));
  return new Map(leads.map((lead) => [lead.id, lead]));
}

describe("quality: duplicates and merge", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("lists the planted pairs, merges one through its preview and undoes it", async () => {
    const { browser, demoDb } = app;
    const expected = JSON.parse(
      cli("--db", demoDb, "quality", "duplicates", "--json"),
    ).pairs.length;
    assert.equal(expected, 6, "the demo plants six duplicate pairs");

    await byTestId(browser, "nav-quality").click();
    await clickWhenStill(browser, byTestId(browser, "quality-tab-duplicates"));
    const table = byTestId(browser, "duplicates-table");
    await table.waitForDisplayed({ timeout: 60_000 });
    const rows = () =>
      browser.execute(
        () =>
          document.querySelectorAll('[data-testid="duplicates-table"] tbody tr')
            .length,
      );
    assert.equal(await rows(), expected);
    const count = byTestId(browser, "duplicates-count");
    assert.match(
      await count.getText(),
      new RegExp(`^${expected} likely duplicate pairs`),
    );
    await screenshot(browser, "quality-duplicates-list");
    await checkAccessibility(browser, "the Duplicates tab");

    // The filter narrows the list: 90% or more keeps the addresses and phones with the same last name.
    await byTestId(browser, "duplicates-min-confidence").selectByAttribute(
      "value",
      "0.9",
    );
    await browser.waitUntil(async () => (await rows()) === 4, {
      timeout: 30_000,
      timeoutMsg: "the filter never narrowed the list to 4 pairs",
    });
    await byTestId(browser, "duplicates-min-confidence").selectByAttribute(
      "value",
      "0",
    );
    await browser.waitUntil(async () => (await rows()) === expected, {
      timeout: 30_000,
    });

    const before = leadsById(demoDb, app.dataDir);
    const company102 = before.get(102).company;
    assert.notEqual(before.get(101).company, company102);

    await clickWhenStill(browser, byTestId(browser, "merge-open-101-102"));
    await byTestId(browser, "merge-table").waitForDisplayed({
      timeout: 60_000,
    });
    const kept = byTestId(browser, "merge-kept-company");
    assert.equal(await kept.getText(), before.get(101).company);
    await clickWhenStill(browser, byTestId(browser, "merge-pick-company-102"));
    await browser.waitUntil(async () => (await kept.getText()) === company102, {
      timeout: 30_000,
      timeoutMsg: "the picked company never became the kept value",
    });
    assert.match(
      await byTestId(browser, "merge-summary").getText(),
      /Merge 2 leads into Jane Doe/,
    );
    await screenshot(browser, "quality-merge-preview");
    await checkAccessibility(browser, "the merge preview");

    await clickWhenStill(browser, byTestId(browser, "merge-apply"));
    const done = byTestId(browser, "merge-done");
    await done.waitForDisplayed({ timeout: 60_000 });
    assert.match(
      await done.getText(),
      /Merged Jane Doe <janedoe\+webinar@gmail\.com> into Jane Doe <jane\.doe@gmail\.com>/,
    );
    await browser.waitUntil(async () => (await rows()) === expected - 1, {
      timeout: 60_000,
      timeoutMsg: "the merged pair never left the list",
    });
    const merged = leadsById(demoDb, app.dataDir);
    assert.equal(merged.size, before.size - 1);
    // The header's count follows the merge ("4,999 leads · … events").
    const headerCount = async () => {
      const text = await byTestId(browser, "workspace-menu").getText();
      return Number((text.match(/([\d,.\s\u202f]+) leads/)?.[1] ?? "").replace(/\D/g, ""));
    };
    await browser.waitUntil(async () => (await headerCount()) === before.size - 1, {
      timeout: 30_000,
      timeoutMsg: "the header's lead count never followed the merge",
    });
    assert.equal(merged.has(102), false);
    assert.equal(merged.get(101).company, company102);
    await screenshot(browser, "quality-merge-done");
    // The backup the merge took first (issue 15), copied beside it from the
    // workspace as it was: the merged-away lead is in it.
    const backups = JSON.parse(cli("--db", demoDb, "backup", "list", "--json")).backups;
    const beforeMerge = backups.filter((b) => b.reason === "before-merge");
    assert.equal(beforeMerge.length, 1, JSON.stringify(backups));
    assert.equal(beforeMerge[0].leads, before.size);
    const backupFile = join(`${demoDb}-backups`, `${beforeMerge[0].id}.leadstream`);
    const inBackup = execFileSync("sqlite3", [backupFile, "SELECT email FROM leads WHERE id = 102"], {
      encoding: "utf8",
    }).trim();
    assert.equal(inBackup, before.get(102).email);
    const afterMerge = countsFromPartsAndFromSql(demoDb, app.dataDir);
    assert.ok(afterMerge.parts > 0, "the file holds the segment index's parts after the merge");
    assert.ok(afterMerge.fromSql.length >= 20, afterMerge.fromSql.join("; "));
    assert.deepEqual(afterMerge.fromParts, afterMerge.fromSql);

    await clickWhenStill(browser, byTestId(browser, "merge-undo"));
    await browser.waitUntil(async () => (await rows()) === expected, {
      timeout: 60_000,
      timeoutMsg: "the pair never came back after the undo",
    });
    const undone = leadsById(demoDb, app.dataDir);
    assert.equal(undone.size, before.size);
    assert.equal(undone.get(102).email, before.get(102).email);
    assert.equal(undone.get(101).company, before.get(101).company);
    await byTestId(browser, "duplicate-101-102").waitForDisplayed();
    await browser.waitUntil(async () => (await headerCount()) === before.size, {
      timeout: 30_000,
      timeoutMsg: "the header's lead count never followed the undo",
    });
    const afterUndo = countsFromPartsAndFromSql(demoDb, app.dataDir);
    assert.ok(afterUndo.parts > 0, "the file holds the segment index's parts after the undo");
    assert.deepEqual(afterUndo.fromParts, afterUndo.fromSql);

    // The app's own Segments list counts as SQL does after the undo (segments
    // of fields alone: the list counts as of now, the CLI as of today 00:00).
    await byTestId(browser, "nav-segments").click();
    await byTestId(browser, "segment-list").waitForDisplayed({ timeout: 30_000 });
    const segments = JSON.parse(cli("--db", demoDb, "segment", "list", "--json"));
    for (const name of ["Current customers", "Former customers", "Enterprise", "Technical decision makers"]) {
      const { id } = segments.find((s) => s.segment.name === name).segment;
      const fromSql = Number(afterUndo.fromSql.find((line) => line.startsWith(`${name}: `)).split(": ")[1]);
      const shown = byTestId(browser, `segment-count-${id}`);
      await shown.waitForDisplayed({ timeout: 30_000 });
      await browser.waitUntil(async () => Number((await shown.getText()).replace(/\D/g, "")) === fromSql, {
        timeout: 30_000,
        timeoutMsg: `${name}: the list never showed ${fromSql}, the count from SQL`,
      });
    }
    await screenshot(browser, "quality-merge-undone-segments");
  });
});
