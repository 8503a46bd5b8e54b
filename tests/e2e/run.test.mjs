// run.mjs, the suite's runner, on fixture files that need no app: it runs a
// file again only when the file failed after a page crash, once, and says so.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** Runs run.mjs on the named fixtures; returns its exit code and its summary lines. */
function runFixtures(...names) {
  const screenshots = mkdtempSync(join(tmpdir(), "leadstream-run-test-"));
  try {
    // Without NODE_TEST_CONTEXT, which this file's runner set: the nested
    // `node --test` would report to it instead of printing its summary.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const run = spawnSync(process.execPath, ["run.mjs", ...names.map((name) => `run-fixtures/${name}.fixture.mjs`)], {
      cwd: here,
      env: { ...env, LEADSTREAM_SCREENSHOTS: screenshots },
      encoding: "utf8",
    });
    const summary = run.stdout.split("\n").filter((line) => line.startsWith("e2e: "));
    const setAside = existsSync(join(screenshots, "failures-after-page-crash"));
    return { code: run.status, summary, output: run.stdout, setAside, crashLogs: readdirSync(join(screenshots, "page-crashes")).sort() };
  } finally {
    rmSync(screenshots, { recursive: true, force: true });
  }
}

describe("the suite's runner", () => {
  it("passes a file that fails once after a page crash and then passes, and names it", () => {
    const run = runFixtures("passes", "crash-once");
    assert.equal(run.code, 0, run.output);
    assert.ok(run.output.includes('e2e:   during "checks something after the page crashed once": leadstream: the window\'s page process ended (Crashed)'), run.output);
    assert.deepEqual(run.summary.slice(-3), [
      "e2e: 2 files, 3 tests: 2 passed, 0 failed, 0 cancelled, 1 skipped, 0 todo",
      "e2e: run again after a page crash: run-fixtures/crash-once.fixture.mjs (first run: 1 of 1 failed after a page crash; second run: passed)",
      "e2e: all files passed",
    ]);
    assert.deepEqual(run.crashLogs, ["crash-once.fixture.mjs.1.jsonl"]);
  });

  it("fails a file that fails again after a second page crash", () => {
    const run = runFixtures("crash-twice");
    assert.equal(run.code, 1, run.output);
    assert.deepEqual(run.summary.slice(-3), [
      "e2e: 1 files, 1 tests: 0 passed, 1 failed, 0 cancelled, 0 skipped, 0 todo",
      "e2e: run again after a page crash: run-fixtures/crash-twice.fixture.mjs (first run: 1 of 1 failed after a page crash; second run: FAILED)",
      "e2e: FAILED: run-fixtures/crash-twice.fixture.mjs",
    ]);
  });

  it("never runs again a file that failed with no page crash, or passed despite one", () => {
    const run = runFixtures("fails", "crash-and-pass");
    assert.equal(run.code, 1, run.output);
    assert.deepEqual(run.summary.slice(-3), [
      "e2e: 2 files, 2 tests: 1 passed, 1 failed, 0 cancelled, 0 skipped, 0 todo",
      "e2e: run again after a page crash: none",
      "e2e: FAILED: run-fixtures/fails.fixture.mjs",
    ]);
    assert.deepEqual(run.crashLogs, ["crash-and-pass.fixture.mjs.1.jsonl"]);
  });
});
