// Privacy → Backups and Audit log in the real window on the demo workspace:
// "Back up now" adds a backup that the CLI lists with the same lead count;
// the data then changes (two leads imported with the CLI, which takes its
// own "before-import" backup); "Restore…" on the manual backup asks in the
// alert dialog (naming the date and the lead count), and the restore brings
// the lead count back (read with the CLI and in the header); the Audit log
// tab shows the restore entry on top, the export of the log (the same rows
// as the file) on top of it, and the filter by action. Screenshots of
// both tabs and the question; axe on both tabs and the dialog.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import {
  byTestId,
  checkAccessibility,
  cli,
  clickWhenStill,
  launchOpen,
  screenshot,
} from "./support.mjs";

function backupsFromCli(db) {
  return JSON.parse(cli("--db", db, "backup", "list", "--json")).backups;
}

function leadCount(db) {
  return Number(cli("--db", db, "leads", "count").trim());
}

describe("privacy: backups and the audit log", () => {
  let app;
  before(async () => {
    app = await launchOpen();
  });
  after(async () => {
    await app?.stop();
  });

  it("takes a backup, restores it after a change, and shows the restore in the audit log", async () => {
    const { browser, demoDb, dataDir } = app;
    const leadsBefore = leadCount(demoDb);
    const headerCount = async () => {
      const text = await byTestId(browser, "workspace-menu").getText();
      return Number(
        (text.match(/([\d,.\s\u202f]+) leads/)?.[1] ?? "").replace(/\D/g, ""),
      );
    };

    await byTestId(browser, "nav-privacy").click();
    await clickWhenStill(browser, byTestId(browser, "privacy-tab-backups"));
    const rows = () =>
      browser.execute(
        () => document.querySelectorAll('[data-testid="backup-row"]').length,
      );
    await byTestId(browser, "backup-now").waitForEnabled({ timeout: 60_000 });
    const shownBefore = await rows();
    await clickWhenStill(browser, byTestId(browser, "backup-now"));
    const notice = byTestId(browser, "backups-notice");
    await browser.waitUntil(
      async () => /^Backed up/.test(await notice.getText()),
      {
        timeout: 60_000,
        timeoutMsg: "the backup never reported itself",
      },
    );
    await browser.waitUntil(async () => (await rows()) === shownBefore + 1, {
      timeout: 30_000,
      timeoutMsg: "the new backup never joined the list",
    });
    const manual = backupsFromCli(demoDb).find((b) => b.reason === "manual");
    assert.ok(manual, "the CLI lists the backup taken in the window");
    assert.equal(manual.leads, leadsBefore);
    const shownLeads = await browser.execute(
      (id) =>
        document.querySelector(
          `[data-backup-id="${id}"] [data-testid="backup-leads"]`,
        ).textContent,
      manual.id,
    );
    assert.equal(Number(shownLeads.replace(/\D/g, "")), leadsBefore);
    await screenshot(browser, "privacy-backups-list");
    await checkAccessibility(browser, "the Backups tab");

    // The data changes behind the window: two new leads, imported with the CLI.
    const csv = join(dataDir, "two-more.csv");
    writeFileSync(
      csv,
      "email,first_name\nnew.one@backup-test.example,Ann\nnew.two@backup-test.example,Bo\n",
    );
    cli("--db", demoDb, "import", "leads", csv);
    assert.equal(leadCount(demoDb), leadsBefore + 2);
    assert.equal(backupsFromCli(demoDb)[0].reason, "before-import");

    // The list follows when the tab is shown again.
    await clickWhenStill(browser, byTestId(browser, "privacy-tab-audit"));
    await clickWhenStill(browser, byTestId(browser, "privacy-tab-backups"));
    await browser.waitUntil(async () => (await rows()) === shownBefore + 2, {
      timeout: 30_000,
      timeoutMsg: "the import's backup never showed in the list",
    });

    await clickWhenStill(
      browser,
      byTestId(browser, `backup-restore-${manual.id}`),
    );
    const question = byTestId(browser, "backup-restore-question");
    await question.waitForDisplayed({ timeout: 10_000 });
    const asked = await question.getText();
    assert.match(
      asked,
      /The workspace will be replaced by the backup of \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
    assert.match(
      asked,
      new RegExp(`\\(${leadsBefore.toLocaleString("en-US")} leads\\)`),
    );
    assert.match(asked, /a backup of the current state is taken first/);
    await screenshot(browser, "privacy-backups-restore-question");
    await checkAccessibility(browser, "the restore question");
    await clickWhenStill(browser, byTestId(browser, "backup-restore-confirm"));
    await browser.waitUntil(
      async () => /^Restored the backup/.test(await notice.getText()),
      {
        timeout: 120_000,
        timeoutMsg: "the restore never reported itself",
      },
    );
    assert.equal(
      leadCount(demoDb),
      leadsBefore,
      "the CLI reads the restored lead count",
    );
    await browser.waitUntil(async () => (await headerCount()) === leadsBefore, {
      timeout: 30_000,
      timeoutMsg: "the header's lead count never went back",
    });
    assert.equal(backupsFromCli(demoDb)[0].reason, "before-restore");
    await screenshot(browser, "privacy-backups-restored");

    // The audit log shows the restore on top, and keeps the import made after the backup.
    await clickWhenStill(browser, byTestId(browser, "privacy-tab-audit"));
    const firstRow = byTestId(browser, "audit-row");
    await firstRow.waitForDisplayed({ timeout: 30_000 });
    assert.equal(await firstRow.getAttribute("data-action"), "restore");
    assert.match(
      await firstRow.getText(),
      new RegExp(`Restored the backup ${manual.id}`),
    );
    const fromCli = JSON.parse(
      cli("--db", demoDb, "audit", "list", "--json", "--limit", "5"),
    ).entries;
    assert.equal(fromCli[0].action, "restore");
    assert.ok(
      fromCli.some(
        (e) => e.action === "import" && /two-more\.csv/.test(e.summary),
      ),
      "the import made after the backup stays in the log",
    );
    // The export writes what the window lists (through the app's own command: the native save dialog cannot be
    // driven by WebDriver), and is itself logged.
    const exportPath = join(dataDir, "audit-log.csv");
    const written = await browser.execute(
      async (path) =>
        window.__TAURI_INTERNALS__.invoke("audit_export", {
          filter: { action: null, since: null, until: null },
          format: "csv",
          path,
        }),
      exportPath,
    );
    const exported = readFileSync(exportPath, "utf8").trim().split("\n");
    assert.equal(exported[0], "id,occurred_at,action,summary,detail");
    assert.equal(exported.length - 1, written);
    assert.match(exported[1], /,restore,/);
    await clickWhenStill(browser, byTestId(browser, "privacy-tab-backups"));
    await clickWhenStill(browser, byTestId(browser, "privacy-tab-audit"));
    await browser.waitUntil(
      async () =>
        (await byTestId(browser, "audit-row").getAttribute("data-action")) ===
        "export",
      {
        timeout: 30_000,
        timeoutMsg: "the export never showed in the log",
      },
    );
    await screenshot(browser, "privacy-audit-log");
    await checkAccessibility(browser, "the Audit log tab");

    await byTestId(browser, "audit-action").selectByAttribute(
      "value",
      "import",
    );
    await browser.waitUntil(
      async () =>
        (await browser.execute(() =>
          [...document.querySelectorAll('[data-testid="audit-row"]')].every(
            (r) => r.dataset.action === "import",
          ),
        )) && (await byTestId(browser, "audit-row").isExisting()),
      { timeout: 30_000, timeoutMsg: "the filter never kept only the imports" },
    );
  });
});
