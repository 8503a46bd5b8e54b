// Custom fields in the real window: an import that would create hundreds of
// fields asks first; the Fields dialog of the Leads view deletes a custom
// field with its values, and refuses one a saved segment uses, naming it.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { byTestId, cli, dropFile, screenshot, launchOpen } from "./support.mjs";

describe("custom fields", () => {
  let app;
  let db;
  const fieldKeys = () => JSON.parse(cli("--db", db, "fields", "--json")).map((f) => f.key);

  before(async () => {
    app = await launchOpen();
    db = join(app.dataDir, "Demo.leadstream");
  });
  after(async () => {
    await app?.stop();
  });

  it("asks before an import creates hundreds of new fields", async () => {
    const extra = 150;
    const header = ["Email", ...Array.from({ length: extra }, (_, i) => `Extra ${i + 1}`)];
    const row = ["wide@example.com", ...Array.from({ length: extra }, (_, i) => `value ${i + 1}`)];
    const path = join(app.dataDir, "wide.csv");
    writeFileSync(path, `${header.join(",")}\n${row.join(",")}\n`);
    await dropFile(app.browser, path);

    await byTestId(app.browser, "import-step-file").waitForDisplayed({ timeout: 30_000 });
    await byTestId(app.browser, "import-next").click();
    await byTestId(app.browser, "import-step-columns").waitForDisplayed();
    const warning = byTestId(app.browser, "import-many-fields-warning");
    await warning.waitForDisplayed({ timeout: 10_000 });
    assert.equal(await warning.getAttribute("data-count"), String(extra));
    assert.match(await warning.getText(), /150 new custom fields/);
    assert.equal(await byTestId(app.browser, "import-dry-run").isEnabled(), false, "no dry run before confirming");
    await screenshot(app.browser, "60-import-many-fields-warning");

    await byTestId(app.browser, "import-many-fields-confirm").click();
    assert.equal(await byTestId(app.browser, "import-dry-run").isEnabled(), true, "confirmed: the dry run is offered");

    // Leaving those columns out instead: the warning goes, no field was created.
    await byTestId(app.browser, "import-skip-new-fields").click();
    await byTestId(app.browser, "import-many-fields-warning").waitForDisplayed({ reverse: true, timeout: 10_000 });
    assert.equal(await byTestId(app.browser, "import-target-1").getValue(), "skip");
    assert.ok(!fieldKeys().includes("extra_1"));
  });

  it("deletes a custom field with its values and refuses one a segment uses", async () => {
    const rulesPath = join(app.dataDir, "e2e-pain-point.json");
    writeFileSync(
      rulesPath,
      JSON.stringify({ combinator: "and", rules: [{ field: "pain_point", operator: "notNull", value: null }] }),
    );
    cli("--db", db, "segment", "save", rulesPath, "--name", "E2E has a pain point");

    await byTestId(app.browser, "nav-leads").click();
    await byTestId(app.browser, "fields-manage").click();
    await byTestId(app.browser, "fields-dialog").waitForDisplayed({ timeout: 10_000 });

    // Used by a saved segment: refused, and the message names the segment.
    await byTestId(app.browser, "field-delete-pain_point").click();
    await byTestId(app.browser, "field-delete-confirm-pain_point").click();
    await byTestId(app.browser, "fields-message").waitForDisplayed({ timeout: 10_000 });
    assert.equal(await byTestId(app.browser, "fields-message").getAttribute("data-kind"), "error");
    assert.match(await byTestId(app.browser, "fields-message").getText(), /E2E has a pain point/);
    assert.ok(fieldKeys().includes("pain_point"), "the field is kept");

    // Not used anywhere: deleted with its values.
    await byTestId(app.browser, "field-delete-seniority").click();
    await byTestId(app.browser, "field-delete-confirm-seniority").click();
    await app.browser.waitUntil(
      async () => {
        const message = byTestId(app.browser, "fields-message");
        return (await message.isExisting()) && (await message.getAttribute("data-kind")) === "done";
      },
      { timeout: 10_000, timeoutMsg: "deleting the seniority field did not report success" },
    );
    assert.match(await byTestId(app.browser, "fields-message").getText(), /Deleted the field “Seniority” and its [\d,]+ values/);
    await byTestId(app.browser, "field-row-seniority").waitForDisplayed({ reverse: true, timeout: 10_000 });
    assert.ok(!fieldKeys().includes("seniority"), "the CLI no longer lists it");
    await screenshot(app.browser, "61-fields-dialog-after-delete");

    await byTestId(app.browser, "fields-close").click();
    await byTestId(app.browser, "fields-dialog").waitForDisplayed({ reverse: true });
    await byTestId(app.browser, "column-chooser").click();
    assert.equal(await byTestId(app.browser, "column-toggle-seniority").isExisting(), false);
    assert.equal(await byTestId(app.browser, "column-toggle-pain_point").isExisting(), true);
  });
});
