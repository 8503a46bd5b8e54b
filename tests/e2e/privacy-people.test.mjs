// Privacy → People in the real window on the demo workspace: find a person
// by the quick search, download their access export (the command the
// button calls after the save dialog, with a path in the data folder: the
// native dialog cannot be driven) and compare it with the CLI's `person
// export` of the same lead; erase them through the confirmation, see the
// summary, the header's lead count drop by one, the lead gone for the CLI,
// and the `erasure` audit entry (read with `audit list --json`). The
// segment index's parts the erasure carried answer every segment as a
// build from SQL does.
// Screenshots and axe on the person and the confirmation.
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
  storedSearchKeys,
  typeInto,
} from "./support.mjs";

/** The header's lead count. */
async function headerLeads(browser) {
  const text = await byTestId(browser, "workspace-menu").getText();
  return Number(/([\d,]+) leads/.exec(text)[1].replaceAll(",", ""));
}

/** The sections an access export holds that do not depend on when it was taken. */
function stable(document) {
  const {
    generated_at: _at,
    audit: _audit,
    scores: _scores,
    ...rest
  } = document;
  return rest;
}

/**
 * Whether the quick search's keys stored in `file` (its two halves joined,
 * each without its 8-byte tag) hold `text` folded to lower case, read with
 * the sqlite3 shell beside the app.
 */
function storedKeysHold(file, text) {
  const body = (half) =>
    `(SELECT substr(bytes, 1, length(bytes) - 8) FROM derived_cache WHERE name = 'search/v3/keys/${half}')`;
  const sql = `SELECT instr(${body(1)} || ${body(2)}, CAST(lower('${text}') AS BLOB)) > 0`;
  const out = execFileSync("sqlite3", ["-readonly", "-cmd", ".timeout 5000", file, sql], { encoding: "utf8" });
  return out.trim() === "1";
}

/** The workspace's audit entries of `action`, as the CLI's `audit list --json` prints them. */
function auditEntries(db, action) {
  const listed = JSON.parse(cli("--db", db, "audit", "list", "--json"));
  return listed.entries.filter((e) => e.action === action);
}

describe("privacy: a person's access export and erasure", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("finds a person, exports what the workspace holds, erases them and audits it", async () => {
    const { browser, demoDb, dataDir } = app;
    const person = JSON.parse(cli("--db", demoDb, "person", "export", "1"));
    const email = person.fields.find((f) => f.key === "email").value;
    const lastName = person.fields.find((f) => f.key === "last_name").value;
    const before = await headerLeads(browser);
    // A search by another process stores the quick search's keys in the
    // file when it closes: the erasure must not leave the person in them.
    assert.match(cli("--db", demoDb, "leads", "search", lastName), new RegExp(email));
    assert.equal(storedSearchKeys(demoDb), 1, "the CLI's search stored its keys");
    assert.ok(storedKeysHold(demoDb, email), "the stored keys hold the person");

    await byTestId(browser, "nav-privacy").click();
    await byTestId(browser, "people-tab").waitForDisplayed({ timeout: 30_000 });
    await typeInto(browser, byTestId(browser, "people-search"), email);
    await clickWhenStill(browser, byTestId(browser, "people-result-1"));
    const holdings = byTestId(browser, "person-holdings");
    await browser.waitUntil(
      async () => (await holdings.getText()).startsWith("The workspace holds"),
      {
        timeout: 30_000,
        timeoutMsg: "the person's holdings never appeared",
      },
    );
    assert.match(
      await holdings.getText(),
      new RegExp(`holds ${person.events.length} events?`),
    );
    assert.equal(await byTestId(browser, "person-email").getText(), email);
    await screenshot(browser, "privacy-people-person");
    await checkAccessibility(browser, "the People tab with a person");

    // The access export, as the button writes it once the save dialog answered.
    const file = join(dataDir, "person-1-access.json");
    const summary = await browser.executeAsync((path, done) => {
      window.__TAURI_INTERNALS__
        .invoke("person_access_export", { leadId: 1, format: "json", path })
        .then(done, (e) => done({ error: String(e) }));
    }, file);
    assert.equal(summary.error, undefined, summary.error);
    const fromApp = JSON.parse(readFileSync(file, "utf8"));
    const fromCli = JSON.parse(cli("--db", demoDb, "person", "export", "1"));
    assert.deepEqual(stable(fromApp), stable(fromCli));
    assert.ok(
      fromCli.audit.some((e) => e.action === "access_export"),
      "the app's export is in the audit log",
    );
    assert.ok(
      !JSON.stringify(fromCli.audit).includes(email),
      "the audit log never names the person",
    );

    // Erase, through the confirmation that says what goes.
    await clickWhenStill(browser, byTestId(browser, "person-erase"));
    const dialog = byTestId(browser, "erase-dialog");
    await dialog.waitForDisplayed({ timeout: 10_000 });
    const question = await byTestId(
      browser,
      "erase-dialog-description",
    ).getText();
    assert.match(question, /cannot be undone/);
    assert.match(question, new RegExp(`${person.events.length} events?`));
    await screenshot(browser, "privacy-people-erase-dialog");
    await checkAccessibility(browser, "the erasure confirmation");
    await clickWhenStill(browser, byTestId(browser, "erase-confirm"));
    const erased = byTestId(browser, "people-erased");
    await erased.waitForDisplayed({ timeout: 60_000 });
    assert.match(await erased.getText(), /Lead #1 was erased/);
    await browser.waitUntil(
      async () => (await headerLeads(browser)) === before - 1,
      {
        timeout: 30_000,
        timeoutMsg: "the header's lead count never dropped by one",
      },
    );
    await screenshot(browser, "privacy-people-erased");
    await checkAccessibility(browser, "the People tab after an erasure");
    const afterErasure = countsFromPartsAndFromSql(demoDb, dataDir);
    assert.ok(afterErasure.parts > 0, "the file holds the segment index's parts after the erasure");
    assert.ok(afterErasure.fromSql.length >= 20, afterErasure.fromSql.join("; "));
    assert.deepEqual(afterErasure.fromParts, afterErasure.fromSql);
    assert.equal(storedSearchKeys(demoDb), 1, "the erasure stored the search keys again");
    assert.ok(!storedKeysHold(demoDb, email), "without the person");
    assert.ok(storedKeysHold(demoDb, "@"), "with the others");

    // Gone for the CLI, found by neither id nor e-mail; audited by id and hash only.
    assert.throws(
      () => cli("--db", demoDb, "person", "export", email),
      /does not exist/,
    );
    const entries = auditEntries(demoDb, "erasure");
    assert.equal(entries.length, 1);
    assert.equal(entries[0].detail.lead_id, 1);
    assert.match(entries[0].detail.suppression_hash, /^[0-9a-f]{64}$/);
    const text = JSON.stringify(entries);
    assert.ok(
      !text.includes(email) && !text.includes(lastName),
      "the erasure entry names no one",
    );

    // The summary's link opens the Audit log tab.
    await clickWhenStill(browser, byTestId(browser, "people-audit-link"));
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "privacy-tab-audit").getAttribute(
          "aria-selected",
        )) === "true",
      { timeout: 10_000, timeoutMsg: "the Audit log tab never opened" },
    );
  });
});
