// CSV import in the real window: a file dropped on the window walks through
// the wizard (file, columns, dry run, import) and its leads appear in the
// Leads view; a large import cancelled half-way leaves the workspace as it was.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, cli, dropFile, launchApp, leadTotal, repoRoot, screenshot, typeInto } from "./support.mjs";

async function countValue(browser, name) {
  return Number(await byTestId(browser, `count-${name}`).getAttribute("data-value"));
}

describe("importing a dropped CSV", () => {
  let app;
  before(async () => {
    app = await launchApp();
    await byTestId(app.browser, "workspace-name").waitForDisplayed({ timeout: 60_000 });
  });
  after(async () => {
    await app?.stop();
  });

  it("walks the wizard and shows the imported leads", async () => {
    const before = await leadTotal(app.browser);
    await dropFile(app.browser, join(repoRoot, "tests/fixtures/e2e/hubspot-contacts.csv"));

    await byTestId(app.browser, "import-step-file").waitForDisplayed({ timeout: 30_000 });
    assert.match(await byTestId(app.browser, "import-detected").getText(), /UTF-8, Comma-separated/);
    const preview = await app.browser.execute(() => document.querySelector('[data-testid="import-preview"]').textContent);
    assert.match(preview, /Amélie/);
    await screenshot(app.browser, "20-import-file-step");
    await byTestId(app.browser, "import-next").click();

    await byTestId(app.browser, "import-step-columns").waitForDisplayed();
    const columns = await app.browser.$$('[data-testid="import-column"]');
    assert.equal(columns.length, 11);
    assert.equal(await byTestId(app.browser, "import-target-3").getValue(), "field:email");
    assert.equal(await byTestId(app.browser, "import-target-0").getValue(), "field:external_id");
    assert.equal(await byTestId(app.browser, "import-match-key").getValue(), "email");
    await screenshot(app.browser, "21-import-columns-step");
    await byTestId(app.browser, "import-dry-run").click();

    await byTestId(app.browser, "import-step-review").waitForDisplayed({ timeout: 30_000 });
    assert.equal(await countValue(app.browser, "rows"), 6);
    assert.equal(await countValue(app.browser, "inserted"), 3);
    assert.equal(await countValue(app.browser, "merged"), 1);
    assert.equal(await countValue(app.browser, "rejected"), 2);
    assert.match(await byTestId(app.browser, "import-reasons").getText(), /invalid e-mail address in column "Email"/);
    await screenshot(app.browser, "22-import-review-step");
    const afterDryRun = Number(cli("--db", join(app.dataDir, "Demo.leadstream"), "leads", "count").trim());
    assert.equal(afterDryRun, before, "the dry run stored nothing");
    await byTestId(app.browser, "import-run").click();

    await byTestId(app.browser, "import-done").waitForDisplayed({ timeout: 30_000 });
    assert.match(await byTestId(app.browser, "import-rejected-file").getText(), /rejected\.csv/);
    await byTestId(app.browser, "import-history-row").waitForDisplayed();
    await screenshot(app.browser, "23-import-done");

    await byTestId(app.browser, "nav-leads").click();
    await app.browser.waitUntil(async () => (await leadTotal(app.browser)) === before + 3, { timeout: 10_000 });
    const search = byTestId(app.browser, "lead-search");
    await typeInto(app.browser, search, "lefèvre");
    assert.equal(await search.getValue(), "lefèvre", "the search box holds what was typed");
    await app.browser.waitUntil(async () => Number(await byTestId(app.browser, "lead-total").getAttribute("data-total")) === 1, {
      timeout: 20_000,
      timeoutMsg: "searching for lefèvre did not narrow the table to the one imported lead",
    });
    await byTestId(app.browser, "lead-row").waitForDisplayed();
    const rowText = await app.browser.execute(() => document.querySelector('[data-testid="lead-row"]').textContent);
    assert.match(rowText, /Amélie/);
    await screenshot(app.browser, "24-imported-lead-in-table");
    const fromCli = Number(cli("--db", join(app.dataDir, "Demo.leadstream"), "leads", "count").trim());
    assert.equal(fromCli, before + 3);
  });

  it("refuses to undo an import a later one built on, naming it, and undoes both in order", async () => {
    const { browser } = app;
    const db = join(app.dataDir, "Demo.leadstream");
    const leadCount = () => Number(cli("--db", db, "leads", "count").trim());
    const undoButtons = () => browser.$$('[data-testid="import-undo"]');
    const withImports = leadCount();
    const update = join(app.dataDir, "amelie-update.csv");
    writeFileSync(update, "Email,Job Title\namelie.lefevre@example.fr,Chief Marketing Officer\n");
    await dropFile(browser, update);
    await byTestId(browser, "import-step-file").waitForDisplayed({ timeout: 30_000 });
    await byTestId(browser, "import-next").click();
    await byTestId(browser, "import-step-columns").waitForDisplayed();
    await byTestId(browser, "import-dry-run").click();
    await byTestId(browser, "import-step-review").waitForDisplayed({ timeout: 30_000 });
    assert.equal(await countValue(browser, "updated"), 1);
    await byTestId(browser, "import-run").click();
    await byTestId(browser, "import-done").waitForDisplayed({ timeout: 30_000 });
    await browser.waitUntil(async () => (await undoButtons()).length === 2, {
      timeout: 10_000,
      timeoutMsg: "the history does not offer to undo both imports",
    });

    // Newest first: the second row is the HubSpot import the update built on.
    await (await undoButtons())[1].click();
    const banner = byTestId(browser, "error-banner");
    await banner.waitForDisplayed({ timeout: 10_000 });
    const refusal = await banner.getText();
    assert.match(refusal, /amelie-update\.csv/, "the refusal names the later import");
    assert.match(refusal, /undo it first/);
    await screenshot(browser, "27-undo-refused");
    assert.equal(leadCount(), withImports, "a refused undo changes nothing");

    await (await undoButtons())[0].click();
    await browser.waitUntil(async () => (await undoButtons()).length === 1, {
      timeout: 10_000,
      timeoutMsg: "undoing the update did not show in the history",
    });
    await (await undoButtons())[0].click();
    await browser.waitUntil(async () => (await undoButtons()).length === 0, {
      timeout: 10_000,
      timeoutMsg: "undoing the first import did not show in the history",
    });
    assert.equal(leadCount(), withImports - 3, "both imports undone: the three leads are gone");
  });
});

describe("cancelling a large import", () => {
  let app;
  let bigFile;
  before(async () => {
    app = await launchApp({
      prepare(dataDir) {
        bigFile = join(dataDir, "big-export.csv");
        const lines = ["Email,First Name,Last Name,Company"];
        for (let i = 0; i < 200_000; i++) lines.push(`lead${i}@bulk.example,Lead,Number ${i},Bulk Corp ${i % 97}`);
        writeFileSync(bigFile, lines.join("\n") + "\n");
      },
    });
    await byTestId(app.browser, "workspace-name").waitForDisplayed({ timeout: 60_000 });
  });
  after(async () => {
    await app?.stop();
  });

  it("rolls everything back", async () => {
    const before = await leadTotal(app.browser);
    await dropFile(app.browser, bigFile);
    await byTestId(app.browser, "import-step-file").waitForDisplayed({ timeout: 30_000 });
    await byTestId(app.browser, "import-next").click();
    await byTestId(app.browser, "import-dry-run").click();
    await byTestId(app.browser, "import-step-review").waitForDisplayed({ timeout: 120_000 });
    assert.equal(await countValue(app.browser, "inserted"), 200_000);
    await byTestId(app.browser, "import-run").click();

    const progress = byTestId(app.browser, "import-progress-text");
    await app.browser.waitUntil(async () => /rows\/s/.test(await progress.getText()), {
      timeout: 60_000,
      interval: 50,
      timeoutMsg: "no progress was reported",
    });
    await screenshot(app.browser, "25-import-progress");
    await byTestId(app.browser, "import-cancel").click();

    const banner = byTestId(app.browser, "error-banner");
    await banner.waitForDisplayed({ timeout: 60_000 });
    assert.match(await banner.getText(), /cancelled; the workspace is unchanged/);
    await screenshot(app.browser, "26-import-cancelled");
    const fromCli = Number(cli("--db", join(app.dataDir, "Demo.leadstream"), "leads", "count").trim());
    assert.equal(fromCli, before, "no lead of the cancelled import was stored");
    const history = cli("--db", join(app.dataDir, "Demo.leadstream"), "imports", "list").trim();
    assert.equal(history, "", "the cancelled import left no history entry");
  });
});
