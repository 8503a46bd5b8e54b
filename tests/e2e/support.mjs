// Shared set-up for the end-to-end tests: each test file launches the real
// Leadstream binary through tauri-driver (which fronts WebKitWebDriver) with a
// private data folder, and saves screenshots to a folder printed at start.
import { spawn, execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { constants as osConstants, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { afterEach, beforeEach } from "node:test";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "..", "..");
export const appBinary = process.env.LEADSTREAM_APP ?? join(repoRoot, "target", "debug", "leadstream-app");
export const cliBinary = process.env.LEADSTREAM_CLI ?? join(repoRoot, "target", "debug", "leadstream");
export const screenshotDir = process.env.LEADSTREAM_SCREENSHOTS ?? join(here, "screenshots");
mkdirSync(screenshotDir, { recursive: true });
/** Where a failing test leaves a screenshot and the window's visible text. */
export const failureDir = join(screenshotDir, "failures");

/** The sessions of the apps this test file has running. */
const running = new Set();
/** The last lines each running app's driver, WebKit and the app wrote on stderr, by session. */
const stderrTails = new Map();
const STDERR_TAIL_LINES = 40;

/** The test running now, named in a page-crash report. */
let currentTest = "(before the first test)";
beforeEach((t) => {
  currentTest = t.name;
});

/** The line the app writes when WebKit's page process ends (src-tauri/src/lib.rs). */
const PAGE_PROCESS_ENDED = "the window's page process ended (";
let pageCrashesExpected = false;
/**
 * Says that this file ends the page's process on purpose, so its crashes are
 * not reported to run.mjs, which runs a file again only after a crash nobody
 * caused.
 */
export function expectPageCrashes() {
  pageCrashesExpected = true;
}

/** Tells run.mjs (through the file it names) that an app's page process ended. */
function reportPageCrash(line) {
  const log = process.env.LEADSTREAM_E2E_PAGE_CRASH_LOG;
  if (pageCrashesExpected || !log || !line.includes(PAGE_PROCESS_ENDED)) return;
  mkdirSync(dirname(log), { recursive: true });
  appendFileSync(log, `${JSON.stringify({ test: currentTest, line })}\n`);
}

// Whenever a test fails, every running app window is captured: a screenshot
// and the text a user would see, named after the file and the test.
afterEach(async (t) => {
  if (t.passed) return;
  mkdirSync(failureDir, { recursive: true });
  const file = basename(process.argv[1] ?? "e2e", ".test.mjs");
  const name = `${file}--${t.name}`.replace(/[^\p{L}\p{N}._-]+/gu, "-").slice(0, 120);
  let index = 0;
  for (const browser of running) {
    const stem = join(failureDir, running.size > 1 ? `${name}-${++index}` : name);
    try {
      await browser.saveScreenshot(`${stem}.png`);
      const text = await browser.execute(() => document.body.innerText);
      writeFileSync(`${stem}.txt`, text);
      console.error(`failure captured: ${stem}.png and ${stem}.txt`);
    } catch (error) {
      // The window is gone (the app or its web view ended): what they said last tells why.
      const tail = (stderrTails.get(browser) ?? []).join("\n");
      writeFileSync(`${stem}.log`, `${error}\n--- the app's last lines on stderr ---\n${tail}\n`);
      console.error(`could not capture the window after "${t.name}" failed: ${error}; the app's last lines: ${stem}.log`);
    }
  }
});

/**
 * `count` free TCP ports on loopback, so test files never fight over 4444.
 * Every port stays held until all are chosen: a port closed at once can be
 * handed out again by the next request (3 pairs in 20,000 on this machine),
 * and tauri-driver and WebKitWebDriver then fight over one port. They are
 * chosen below the kernel's range of ephemeral ports, which it gives to
 * every outgoing connection (the drivers' own, WebKit's): a port from that
 * range can be taken by a connection between the choice and the driver's
 * bind (not seen in a run; `startDriver` would then try other ports).
 */
export async function freePorts(count) {
  const range = choosablePorts();
  const servers = [];
  try {
    for (let tries = 0; servers.length < count; tries += 1) {
      if (tries === 1_000) throw new Error(`no ${count} free ports in ${range?.join("..") ?? "any range"} in 1,000 tries`);
      const port = range ? range[0] + Math.floor(Math.random() * (range[1] - range[0])) : 0;
      const server = await listenOnLoopback(port);
      if (server) servers.push(server);
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  }
}

/**
 * The ports `freePorts` chooses from, `[first, end)`: from 10000 up to the
 * kernel's first ephemeral port (Linux's `ip_local_port_range`, 32768 when
 * it cannot be read); null, and any free port, when that leaves fewer than
 * 1,000.
 */
export function choosablePorts() {
  const first = 10_000;
  let end = 32_768;
  try {
    const start = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    if (Number.isInteger(start) && start > 0) end = start;
  } catch {
    // Not Linux: keep 32768, where Linux's default range starts (IANA's starts higher).
  }
  return end - first >= 1_000 ? [first, end] : null;
}

/** A server listening on 127.0.0.1:`port`, or null when the port is in use. */
function listenOnLoopback(port) {
  return new Promise((resolveServer, reject) => {
    const server = createServer();
    server.once("error", (error) => (error.code === "EADDRINUSE" ? resolveServer(null) : reject(error)));
    server.listen(port, "127.0.0.1", () => resolveServer(server));
  });
}

/** What WebKitWebDriver says on stderr when another process took its port first. */
const NATIVE_PORT_TAKEN = "Unable to listen for HTTP server";

/**
 * Waits until tauri-driver answers on `port` with its native driver up.
 * Returns false, at once, if either driver could not listen: tauri-driver
 * then ends (it says so on stdout), and WebKitWebDriver says so on stderr
 * (`tail` holds those lines). The caller can then try other ports.
 */
async function waitForDriver(driver, port, tail, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null || tail.some((line) => line.includes(NATIVE_PORT_TAKEN))) return false;
    try {
      // Bounded: a process that took the port may accept and never answer.
      const response = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not start on port ${port} within ${timeoutMs} ms`);
}

/**
 * The folders whose files the tests may pass to commands through `invoke`
 * without a dialog or a drop: the data folder and the fixtures. The app reads
 * LEADSTREAM_ALLOW_PATHS_UNDER once at start; a webview cannot set it.
 */
function allowedFolders(dataDir) {
  return [dataDir, join(repoRoot, "tests", "fixtures"), resolve(repoRoot, "..", "shared")].join(":");
}

/** How often a launch tries new ports after another process took the chosen ones. */
const DRIVER_START_ATTEMPTS = 3;

/**
 * Starts tauri-driver (and with it WebKitWebDriver) for the data folder
 * `dataDir` on free ports. A port is free when chosen but may be taken by
 * another process before the driver binds it; then the driver is ended and
 * started again on other ports, and the retry is said on stderr.
 * `choosePorts` gives [port, nativePort] for each attempt.
 */
export async function startDriver(dataDir, choosePorts = () => freePorts(2)) {
  for (let attempt = 1; ; attempt += 1) {
    const [port, nativePort] = await choosePorts();
    const { driver, tail } = spawnDriver(dataDir, port, nativePort);
    if (await waitForDriver(driver, port, tail, 20_000)) return { driver, port, tail };
    await endProcessGroup(driver.pid);
    driverGroups.delete(driver.pid);
    if (attempt === DRIVER_START_ATTEMPTS) {
      throw new Error(`tauri-driver could not listen on its ports ${attempt} times; last: ${tail.join(" | ")}`);
    }
    console.error(`e2e: tauri-driver could not listen on ports ${port}/${nativePort} (taken since chosen); trying others`);
  }
}

/**
 * Spawns tauri-driver on `port` with WebKitWebDriver on `nativePort`, and
 * returns it with the last lines it, WebKit and the app write on stderr.
 */
function spawnDriver(dataDir, port, nativePort) {
  // tauri-driver leads a process group of its own, with WebKitWebDriver and
  // the app in it, so `stop` can end all three whatever state they are in.
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: {
      ...process.env,
      LEADSTREAM_DATA_DIR: dataDir,
      LEADSTREAM_ALLOW_PATHS_UNDER: allowedFolders(dataDir),
      LEADSTREAM_E2E_APP_BINARY: appBinary,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  driverGroups.add(driver.pid);
  // Passed on to stderr as it comes, and its last lines kept for a failure
  // report. tauri-driver says on stdout when it cannot listen.
  const tail = [];
  for (const stream of [driver.stdout, driver.stderr]) {
    let partLine = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      process.stderr.write(chunk);
      const lines = (partLine + chunk).split("\n");
      partLine = lines.pop();
      for (const line of lines.filter((text) => text.trim() !== "")) {
        tail.push(line);
        reportPageCrash(line);
      }
      tail.splice(0, Math.max(0, tail.length - STDERR_TAIL_LINES));
    });
  }
  return { driver, tail };
}

/**
 * Starts the app with a fresh data folder (optionally prepared by `prepare`)
 * and returns the WebDriver session, the data folder, the driver's process
 * id and a `stop` function.
 */
export async function launchApp({ prepare, args = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "leadstream-e2e-"));
  dataDirs.add(dataDir);
  if (prepare) prepare(dataDir);
  const { driver, port, tail } = await startDriver(dataDir);
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    // The app runs through a wrapper that says how it ended, if it crashed.
    capabilities: { "tauri:options": { application: join(here, "app-under-test.sh"), args } },
  });
  running.add(browser);
  stderrTails.set(browser, tail);
  // Ending the session asks WebKitWebDriver to close the app; the process
  // group is then ended too. Without that, an app whose driver went first (a
  // slow close on a busy machine) outlived its test and held the test
  // runner's output open, so the run never finished.
  const stop = async () => {
    running.delete(browser);
    stderrTails.delete(browser);
    try {
      await browser.deleteSession();
    } finally {
      await endProcessGroup(driver.pid);
      driverGroups.delete(driver.pid);
    }
  };
  return { browser, dataDir, driverPid: driver.pid, stop };
}

// Every data folder a launch made, removed when the test file's process ends
// (a test may read its folder after stopping the app; set
// LEADSTREAM_KEEP_E2E_DATA=1 to keep them for a post-mortem).
const dataDirs = new Set();
/** The process groups (tauri-driver, WebKitWebDriver, the app) not yet stopped. */
const driverGroups = new Set();
process.on("exit", () => {
  // A test that never stopped its app (it hung, or threw before `stop`)
  // must not leave the app running beside the next test file.
  for (const leader of driverGroups) {
    try {
      process.kill(-leader, "SIGKILL");
    } catch {
      // ESRCH: the group is gone
    }
  }
  if (process.env.LEADSTREAM_KEEP_E2E_DATA) return;
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});
// The test runner ends a test file that ran out of time with SIGTERM, which
// skips "exit" handlers unless the file exits by itself; before this, such a
// file's apps kept running (and competing for the cores) through the files
// after it.
for (const signalName of ["SIGTERM", "SIGINT"]) {
  process.once(signalName, () => {
    console.error(`e2e: ${signalName} received; ending ${driverGroups.size} running app(s)`);
    process.exit(128 + osConstants.signals[signalName]);
  });
}

/** Ends every process of the group `leader` leads: politely, then for good. */
async function endProcessGroup(leader) {
  const signal = (name) => {
    try {
      process.kill(-leader, name);
      return true;
    } catch {
      return false; // ESRCH: the group is gone
    }
  };
  if (!signal("SIGTERM")) return;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (!signal(0)) return;
  }
  signal("SIGKILL");
}

/**
 * Whether (1) or not (0) the workspace `file` holds the quick search's keys
 * (both of their halves, and no lead changed since) for its data's current generation, read with the
 * sqlite3 shell beside the app: stored for it, or for an earlier one and kept by every write since
 * (a write that does not keep them deletes them), as `derived_cache::holds` reads them.
 * The app may be closing the file as this reads (its last connection
 * checkpoints and removes the WAL): it waits for the lock as the app's own
 * connections do, instead of failing at once.
 */
export function storedSearchKeys(file) {
  const sql =
    "SELECT count(*) = 2 FROM derived_cache WHERE name IN ('search/v3/keys/1', 'search/v3/keys/2') " +
    "AND generation <= (SELECT value FROM data_generation WHERE id = 1) " +
    // ...with no lead changed since they were stored (their changes part lists none).
    "AND NOT EXISTS (SELECT 1 FROM derived_cache WHERE name = 'search/v3/keys/changed' AND length(bytes) > 16)";
  return Number(execFileSync("sqlite3", ["-readonly", "-cmd", ".timeout 5000", file, sql], { encoding: "utf8" }).trim());
}

/** The last lines the app, its driver and WebKit wrote on stderr. */
export function recentStderr(browser) {
  return [...(stderrTails.get(browser) ?? [])];
}

/**
 * `launchApp`, then waits until the workspace is open (its name shows in the
 * header). `demoDb` is where the first launch's demo workspace lives.
 */
export async function launchOpen(options) {
  const app = await launchApp(options);
  try {
    await byTestId(app.browser, "workspace-name").waitForDisplayed({ timeout: 60_000 });
  } catch (error) {
    await app.stop(); // the caller never gets the app to stop it
    throw error;
  }
  return { ...app, demoDb: join(app.dataDir, "Demo.leadstream") };
}

/** Saves a screenshot named `name.png` and returns its path. */
export async function screenshot(browser, name) {
  const path = join(screenshotDir, `${name}.png`);
  await browser.saveScreenshot(path);
  return path;
}

/** The element with this data-testid. */
export function byTestId(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

/** Waits until the lead table reports a total and returns it as a number. */
export async function leadTotal(browser) {
  const total = byTestId(browser, "lead-total");
  await total.waitUntil(async () => (await total.getAttribute("data-total")) !== "", {
    timeout: 30_000,
    timeoutMsg: "the lead table never reported a total",
  });
  return Number(await total.getAttribute("data-total"));
}

/** Scrolls the lead table to its right edge (where chosen columns go), and waits until it has. */
export async function scrollTableToRightEdge(browser) {
  await browser.execute(() => {
    const table = document.querySelector('[data-testid="lead-table"]');
    table.scrollLeft = table.scrollWidth;
  });
  await browser.waitUntil(
    async () => browser.execute(() => document.querySelector('[data-testid="lead-table"]').scrollLeft > 0),
    { timeout: 5_000, timeoutMsg: "the lead table never scrolled to its right edge" },
  );
}

/** Texts of the given column in the rendered rows, top to bottom. */
export async function columnTexts(browser, columnIndex) {
  return browser.execute((index) => {
    const rows = [...document.querySelectorAll('[data-testid="lead-row"]')];
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return rows.map((row) => row.children[index]?.textContent ?? "");
  }, columnIndex);
}

/** Runs the real CLI and returns its stdout. */
export function cli(...args) {
  return execFileSync(cliBinary, args, { encoding: "utf8" });
}

/**
 * Each segment's count as `segment list` gives it from the segment index's
 * parts in `db` (a snapshot of it taken with sqlite3), and from SQL (the
 * same snapshot with its derived parts deleted), with how many of those
 * parts the snapshot holds.
 */
export function countsFromPartsAndFromSql(db, dir) {
  const counts = (file) =>
    JSON.parse(cli("--db", file, "segment", "list", "--json"))
      .map((s) => `${s.segment.name}: ${s.count}`)
      .sort();
  const withParts = join(dir, "snapshot-with-parts.leadstream");
  const withoutParts = join(dir, "snapshot-without-parts.leadstream");
  for (const file of [withParts, withoutParts]) rmSync(file, { force: true });
  execFileSync("sqlite3", ["-cmd", ".timeout 5000", db, `.backup '${withParts}'`]);
  execFileSync("sqlite3", [withParts, `.backup '${withoutParts}'`]);
  execFileSync("sqlite3", [withoutParts, "DELETE FROM derived_cache"]);
  const parts = Number(
    execFileSync(
      "sqlite3",
      [withParts, "SELECT count(*) FROM derived_cache WHERE name LIKE 'segment-index/%'"],
      { encoding: "utf8" },
    ).trim(),
  );
  return { parts, fromParts: counts(withParts), fromSql: counts(withoutParts) };
}

export function writeJson(path, value) {
  writeFileSync(path, JSON.stringify(value, null, 2));
}

/**
 * Empties an input the way a user does (select all, delete), so React sees
 * input events; WebDriver's element clear does not fire them in WebKit.
 */
export async function clearInput(browser, element) {
  await element.click();
  await selectAll(browser);
  await browser.keys(["Backspace"]);
}

/**
 * Control+A, with Control released again: `browser.keys` leaves modifiers
 * pressed, and the next keys would be read as shortcuts.
 */
async function selectAll(browser) {
  await browser.action("key").down("\uE009").down("a").up("a").up("\uE009").perform();
}

/**
 * Replaces an input's text the way a user does: click, select all, type.
 * WebDriver's setValue clears first, and WebKit's element clear fires no
 * input event, so React does not see it: when anything re-renders the input
 * before the keys arrive (more likely on a busy machine), React puts the old
 * value back and the keys are appended to it ("30" became "3030"). Waits
 * until the input shows exactly `text`.
 */
export async function typeInto(browser, element, text) {
  await element.click();
  await selectAll(browser);
  // Each character pressed and released (`browser.keys` merges repeated
  // characters: "MÜLLER" came out as "MÜLER").
  const typing = browser.action("key");
  for (const character of String(text)) typing.down(character).up(character);
  await typing.perform();
  let shown = "";
  await browser.waitUntil(
    async () => {
      shown = await element.getValue();
      return shown === String(text);
    },
    { timeout: 10_000, timeoutMsg: `the input should read ${JSON.stringify(String(text))}` },
  ).catch((error) => {
    throw new Error(`${error.message}; it reads ${JSON.stringify(shown)}`);
  });
}

/**
 * Sets the value of a rule in the rule builder, whatever its editor: a menu of
 * the field's known values, or text. The editor is a disabled menu marked
 * `data-loading` until those values arrive, so this waits for them first.
 */
export async function setRuleValue(browser, rule, value) {
  const element = await ruleValueEditor(browser, rule);
  if ((await element.getTagName()) === "select") await element.selectByAttribute("value", value);
  else await typeInto(browser, element, value);
}

/** A rule's value editor, once the field's known values have come (see `setRuleValue`). */
export async function ruleValueEditor(browser, rule) {
  const editor = () => rule.$('[data-testid="value-editor"]');
  await browser.waitUntil(async () => (await editor().getAttribute("data-loading")) !== "yes", {
    timeout: 30_000,
    timeoutMsg: "the field's known values never came",
  });
  return editor();
}

/**
 * After an action that may ask about unsaved work: waits until `isReady()`
 * holds or the question shows (it can come late on a busy machine), answers
 * "Discard" if it did, then waits until `isReady()` holds. Checking for the
 * question once, right away, raced the dialog: keys meant for the editor
 * then reached the dialog's buttons.
 */
export async function discardIfAsked(browser, isReady, what) {
  const question = byTestId(browser, "unsaved-dialog");
  const asked = async () => question.isDisplayed().catch(() => false);
  await browser.waitUntil(async () => (await isReady()) || (await asked()), { timeout: 30_000, timeoutMsg: `${what}: neither ready nor asked` });
  if (await asked()) await byTestId(browser, "unsaved-discard").click();
  await browser.waitUntil(isReady, { timeout: 30_000, timeoutMsg: `${what} did not happen` });
}

/**
 * Clicks an element once it has stopped moving, as a user would: the stream
 * canvas pans with a short animation after a step is added, and a click
 * aimed while the element moves lands beside it (more often on a busy
 * machine, where the animation takes longer).
 */
export async function clickWhenStill(browser, selected, timeoutMs = 10_000) {
  const element = await selected;
  await element.waitForDisplayed({ timeout: timeoutMs });
  let previous = null;
  await browser.waitUntil(
    async () => {
      const box = await browser.execute((el) => {
        const r = el.getBoundingClientRect();
        return `${r.x},${r.y},${r.width},${r.height}`;
      }, element);
      const still = box === previous;
      previous = box;
      return still;
    },
    { timeout: timeoutMs, interval: 120, timeoutMsg: "the element never stopped moving" },
  );
  await element.click();
}

/**
 * Emits the event an OS file drop produces (WebDriver cannot drop files);
 * the path must be under LEADSTREAM_ALLOW_PATHS_UNDER, since a real drop is
 * what the app's Rust side records.
 */
export async function dropFile(browser, path) {
  await browser.execute(async (paths) => {
    await window.__TAURI_INTERNALS__.invoke("plugin:event|emit_to", {
      target: { kind: "AnyLabel", label: "main" },
      event: "tauri://drag-drop",
      payload: { paths, position: { x: 400, y: 300 } },
    });
  }, [path]);
}

const axeSource = readFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on what the window shows now and
 * fails with each serious or critical violation: its rule, what a user
 * loses, and the elements affected. `what` names the screen in the message.
 */
export async function checkAccessibility(browser, what) {
  // The page's CSP forbids eval, so axe goes in as the body of the WebDriver
  // script itself (WebDriver scripts are not subject to the page's CSP).
  const script = `${axeSource}
    ;const done = arguments[arguments.length - 1];
    window.axe
      .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] })
      .then((result) => done(result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + ((n.failureSummary || "").split("\\n")[1] || "").trim()),
      }))))
      .catch((error) => done([{ id: "axe-error", impact: "critical", help: String(error), targets: [] }]));`;
  const violations = await browser.executeAsync(script);
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (blocking.length > 0) {
    const lines = blocking.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.targets.join("\n    ")}`);
    throw new Error(`Accessibility check of ${what}: ${blocking.length} serious or critical violation(s)\n${lines.join("\n")}`);
  }
  return violations.length;
}
