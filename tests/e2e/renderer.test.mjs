// When the page's process ends (WebKitGTK renders the page in a process of
// its own; here it is killed, as a crash or the system's out-of-memory killer
// would end it), the app loads the page again in a new one, says so on
// stderr, and shows the workspace it had open. If the new one ends too soon
// after, the app says so and does not reload in a loop.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { byTestId, expectPageCrashes, launchOpen, recentStderr, screenshotDir } from "./support.mjs";

// This file ends the page's process itself: run.mjs must not take that for
// a crash and run it again.
expectPageCrashes();

/** Every live process: its id, its parent's and its name. */
function processTable() {
  const table = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The name is in parentheses and may hold spaces; the parent follows.
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const parent = Number(stat.slice(close + 2).split(" ")[1]);
      table.push({ pid: Number(entry), parent, name });
    } catch {
      // The process ended while the table was read.
    }
  }
  return table;
}

/** The process ids of every WebKit web process under `rootPid`. */
function webProcesses(rootPid) {
  const table = processTable();
  const below = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const { pid, parent } of table) {
      if (below.has(parent) && !below.has(pid)) {
        below.add(pid);
        grew = true;
      }
    }
  }
  return table.filter(({ pid, name }) => below.has(pid) && name.startsWith("WebKitWebProces")).map(({ pid }) => pid);
}

/** The mean brightness (0 black, 1 white) of a region of a PNG, and its spread. */
function brightness(png, region) {
  const [mean, spread] = execFileSync("convert", [png, "-crop", region, "-colorspace", "Gray", "-format", "%[fx:mean] %[fx:standard_deviation]", "info:"])
    .toString()
    .trim()
    .split(" ")
    .map(Number);
  return { mean, spread };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until one web process other than `killed` runs under `rootPid`, and returns it. */
async function replacementOf(rootPid, killed) {
  let now = [];
  for (const until = Date.now() + 30_000; Date.now() < until; await sleep(200)) {
    now = webProcesses(rootPid);
    if (now.length === 1 && now[0] !== killed) return now[0];
  }
  assert.fail(`no new web process replaced the killed one (now: ${now.join(", ") || "none"})`);
}

/** Waits until the app's stderr has a line containing `text`. */
async function stderrSays(browser, text) {
  // The app writes its line before it acts, but the pipe from it may be
  // read later than /proc shows what it did.
  const says = () => recentStderr(browser).some((line) => line.includes(text));
  for (const until = Date.now() + 10_000; !says() && Date.now() < until; ) await sleep(100);
  assert.ok(says(), `the app says on stderr: ${text}`);
}

describe("the page's process", () => {
  it("is replaced when it ends, the page comes back with the open workspace, and a second end soon after is not reloaded", async () => {
    const app = await launchOpen();
    try {
      await byTestId(app.browser, "lead-row").waitForDisplayed({ timeout: 30_000 });
      const [first, ...others] = webProcesses(app.driverPid);
      assert.ok(first, "the app has a web process");
      assert.deepEqual(others, [], "the app has one web process");
      process.kill(first, "SIGKILL");
      // WebKitWebDriver ends its session with the page's process, so from
      // here the window is watched through /proc, stderr and X.
      const second = await replacementOf(app.driverPid, first);
      await stderrSays(app.browser, "the window's page process ended (Crashed); loading the page again");
      // The page is loaded again: the header band is painted (dark teal to
      // navy) and the lead table below it shows text, not a blank window.
      const png = join(screenshotDir, "00-page-loaded-again-after-its-process-ended.png");
      let header = { mean: 1 };
      let table = { spread: 0 };
      for (let tries = 0; tries < 60 && !(header.mean < 0.5 && table.spread > 0.1); tries++) {
        await sleep(500);
        execFileSync("import", ["-window", "root", png]);
        header = brightness(png, "1280x40+0+0");
        table = brightness(png, "1100x400+170+300");
      }
      assert.ok(header.mean < 0.5, `the header is painted again (mean brightness ${header.mean})`);
      assert.ok(table.spread > 0.1, `the lead table shows text again (brightness spread ${table.spread})`);

      // Ended again within 30 s of the reload: no reload loop.
      process.kill(second, "SIGKILL");
      await stderrSays(app.browser, "ended again (Crashed) within 30 s of a reload; not loading the page again");
      await sleep(10_000); // a reload shows a new process within about 1 s, 5 s under load
      assert.deepEqual(webProcesses(app.driverPid), [], "no web process was started again");
    } finally {
      // The session ended with the killed process: only the processes remain to be stopped.
      await app.stop().catch(() => {});
    }
  });
});
