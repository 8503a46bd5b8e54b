// Start-up and memory benchmark of the real app: launches it through
// tauri-driver on a workspace, measures the time to the first rendered lead
// rows, exercises the table (scroll to the middle, sort, search), and reads
// the peak memory of the app and its WebKit processes from /proc. The search
// is timed twice: "müller" (the process's first search, which loads the search
// index) and then "acme" (the index in memory).
//
// Usage (from the repository root, after scripts/build-app.sh):
//   xvfb-run -a --server-args="-screen 0 1280x800x24" node bench/app-startup.mjs WORKSPACE [RUNS]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { byTestId, launchApp, leadTotal, screenshot } from "../tests/e2e/support.mjs";

const workspace = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
if (!workspace) {
  console.error("usage: node bench/app-startup.mjs WORKSPACE [RUNS]");
  process.exit(2);
}

function dropPageCache() {
  try {
    execFileSync("sync");
    execFileSync("sh", ["-c", "echo 3 > /proc/sys/vm/drop_caches"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** PIDs of the app and the WebKit helper processes it started. */
function appProcesses() {
  const out = execFileSync("ps", ["-eo", "pid=,comm="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/, 2))
    .filter(([, comm]) => comm && /^(leadstream-app|WebKitWebProces|WebKitNetworkPr)/.test(comm))
    .map(([pid, comm]) => ({ pid, comm }));
}

/** Proportional set size: shared library pages split between their users. */
function pssKiB(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const match = rollup.match(/^Pss:\s+(\d+) kB/m);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function memoryKiB(pid, key) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
  return match ? Number(match[1]) : 0;
}

const results = [];
for (let run = 1; run <= runs; run++) {
  const cold = run === 1 && dropPageCache();
  const started = performance.now();
  const app = await launchApp({ args: [workspace] });
  try {
    await byTestId(app.browser, "lead-row").waitForDisplayed({ timeout: 120_000 });
    const wall = performance.now() - started;
    const inPage = await app.browser.execute(
      () => performance.getEntriesByName("leadstream:first-rows")[0]?.startTime ?? null,
    );
    const total = await leadTotal(app.browser);

    // Exercise: jump to the middle, sort by last name, search.
    await app.browser.execute(() => {
      const scroller = document.querySelector('[data-testid="lead-table"]');
      scroller.scrollTop = scroller.scrollHeight / 2;
    });
    await app.browser.pause(500);
    const topRow = () =>
      app.browser.execute(() => {
        const rows = [...document.querySelectorAll('[data-testid="lead-row"]')];
        const scroller = document.querySelector('[data-testid="lead-table"]').getBoundingClientRect();
        const visible = rows.filter((r) => r.getBoundingClientRect().top >= scroller.top);
        visible.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        return visible[0] ? { id: visible[0].dataset.leadId, text: visible[0].textContent.toLowerCase() } : null;
      });
    const before = await topRow();
    const sortStarted = performance.now();
    await byTestId(app.browser, "col-header-last_name").click();
    await app.browser.waitUntil(async () => {
      const now = await topRow();
      return now !== null && now.id !== before?.id;
    }, { timeout: 120_000, interval: 20 });
    const sortMs = performance.now() - sortStarted;
    const searchStarted = performance.now();
    await byTestId(app.browser, "lead-search").setValue("müller");
    await app.browser.waitUntil(
      async () => {
        const text = await byTestId(app.browser, "lead-total").getText();
        const now = await topRow();
        // The search folds "ü": sorted by last name, "Muller" may come first.
        return text.includes("match") && now !== null && /m(u|ü)ller/.test(now.text);
      },
      { timeout: 120_000, interval: 20 },
    );
    const searchMs = performance.now() - searchStarted - 250; // minus the search debounce
    if (run === 1) await screenshot(app.browser, `bench-${total}-leads`);
    // A second search in the same process (the search index is in memory).
    const matchText = async () => byTestId(app.browser, "lead-total").getText();
    const firstMatches = await matchText();
    const secondStarted = performance.now();
    await byTestId(app.browser, "lead-search").setValue("acme");
    await app.browser.waitUntil(
      async () => {
        const text = await matchText();
        const now = await topRow();
        return text.includes("match") && text !== firstMatches && now !== null && now.text.includes("acme");
      },
      { timeout: 120_000, interval: 20 },
    );
    const secondSearchMs = performance.now() - secondStarted - 250;
    if (run === 1) await screenshot(app.browser, `bench-${total}-leads-acme`);

    const processes = appProcesses();
    const peakKiB = processes.reduce((sum, p) => sum + memoryKiB(p.pid, "VmHWM"), 0);
    const rssKiB = processes.reduce((sum, p) => sum + memoryKiB(p.pid, "VmRSS"), 0);
    const pss = processes.reduce((sum, p) => sum + pssKiB(p.pid), 0);
    const appPeakKiB = processes.filter((p) => p.comm === "leadstream-app").reduce((s, p) => s + memoryKiB(p.pid, "VmHWM"), 0);
    results.push({ run, cold, total, wall, inPage, sortMs, searchMs, secondSearchMs, peakKiB, rssKiB, pss, appPeakKiB, processes: processes.map((p) => p.comm) });
  } finally {
    await app.stop();
    // Let the app and its WebKit processes exit before the next run.
    for (let i = 0; i < 50 && appProcesses().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  }
}

for (const r of results) {
  console.log(
    `run ${r.run}${r.cold ? " (page cache dropped)" : ""}: ${r.total} leads; launch to first rows ${r.wall.toFixed(0)} ms ` +
      `(in page ${r.inPage?.toFixed(0)} ms after navigation start); sort ${r.sortMs.toFixed(0)} ms; search ${r.searchMs.toFixed(0)} ms, then \"acme\" ${r.secondSearchMs.toFixed(0)} ms; ` +
      `peak RSS ${(r.peakKiB / 1024).toFixed(0)} MiB (sum of per-process peaks; leadstream-app alone ${(r.appPeakKiB / 1024).toFixed(0)} MiB), ` +
      `RSS now ${(r.rssKiB / 1024).toFixed(0)} MiB, PSS now ${(r.pss / 1024).toFixed(0)} MiB; ` +
      `processes: ${r.processes.join(", ")}`,
  );
}
