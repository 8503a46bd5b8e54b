// Runs the end-to-end suite: each test file in its own `node --test` process,
// one after another, then one summary line for the whole suite.
//
// A file whose run failed while the app reported that WebKit's page process
// crashed is run once more, and the summary names it. WebKitGTK renders the
// page in a process of its own; under Xvfb its compositor draws through Mesa's
// software rasterizer, which has crashed now and then (twice in CI runs by 2026-12-01)
// (docs/decisions.md, "When the page's process ends"). The app reloads the
// page, but WebKitWebDriver's session ends with the process, so every test of
// that file still running fails without having checked anything. Any other
// failure, or a second failure of the same file, fails the suite.
//
//   node run.mjs [FILE.test.mjs ...]      (under xvfb-run; all files by default)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const screenshotDir = resolve(process.env.LEADSTREAM_SCREENSHOTS ?? join(here, "screenshots"));
const failureDir = join(screenshotDir, "failures");
/** Where the captures of a run that a page crash spoiled are kept, out of `failures/`. */
const crashedRunDir = join(screenshotDir, "failures-after-page-crash");
/** support.mjs appends one line here for each page crash an app reports. */
const crashLogDir = join(screenshotDir, "page-crashes");
const COUNTS = ["tests", "pass", "fail", "cancelled", "skipped", "todo"];

/** Runs one test file; returns its exit code, its counts and the crashes reported. */
async function runFile(file, attempt) {
  const crashLog = join(crashLogDir, `${basename(file)}.${attempt}.jsonl`);
  const child = spawn(
    process.execPath,
    ["--test", "--test-concurrency=1", "--test-timeout=240000", "--test-reporter=spec", file],
    { cwd: here, env: { ...process.env, LEADSTREAM_SCREENSHOTS: screenshotDir, LEADSTREAM_E2E_PAGE_CRASH_LOG: crashLog, LEADSTREAM_E2E_ATTEMPT: String(attempt) }, stdio: ["ignore", "pipe", "inherit"] },
  );
  current = child;
  let output = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  const code = await new Promise((done) => child.on("close", (status, signal) => done(status ?? (signal ? 128 : 1))));
  const counts = Object.fromEntries(COUNTS.map((name) => [name, Number(output.match(new RegExp(`^ℹ ${name} (\\d+)$`, "m"))?.[1] ?? 0)]));
  const crashes = existsSync(crashLog) ? readFileSync(crashLog, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line)) : [];
  return { code, counts, crashes };
}

/** Moves the failure captures of `file` (named `<stem>--<test>`) aside. */
function setAsideCaptures(file) {
  const stem = `${basename(file).replace(/\.test\.mjs$/, "")}--`;
  if (!existsSync(failureDir)) return;
  mkdirSync(crashedRunDir, { recursive: true });
  for (const entry of readdirSync(failureDir)) {
    if (entry.startsWith(stem)) renameSync(join(failureDir, entry), join(crashedRunDir, entry));
  }
}

const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(here).filter((name) => name.endsWith(".test.mjs")).sort();
rmSync(crashLogDir, { recursive: true, force: true });
mkdirSync(crashLogDir, { recursive: true });
/** The `node --test` process running now, ended with the runner. */
let current;
for (const signalName of ["SIGTERM", "SIGINT"]) {
  process.once(signalName, () => {
    current?.kill(signalName);
    process.exit(1);
  });
}

const totals = Object.fromEntries(COUNTS.map((name) => [name, 0]));
const failedFiles = [];
const runAgain = [];
for (const file of files) {
  let result = await runFile(file, 1);
  if (result.code !== 0 && result.crashes.length > 0) {
    const first = result;
    console.log(
      `\ne2e: ${file} failed (${first.counts.fail} of ${first.counts.tests} tests) after the app reported that WebKit's page process crashed:\n` +
        first.crashes.map((crash) => `e2e:   during "${crash.test}": ${crash.line}`).join("\n") +
        `\ne2e: its WebDriver session ended with that process; running ${file} once more. Captures of the failed run: ${crashedRunDir}\n`,
    );
    setAsideCaptures(file);
    result = await runFile(file, 2);
    runAgain.push(`${file} (first run: ${first.counts.fail} of ${first.counts.tests} failed after a page crash; second run: ${result.code === 0 ? "passed" : "FAILED"})`);
  }
  for (const name of COUNTS) totals[name] += result.counts[name];
  if (result.code !== 0) failedFiles.push(file);
}

const counted = COUNTS.slice(1).map((name) => `${totals[name]} ${name === "pass" ? "passed" : name === "fail" ? "failed" : name}`);
console.log(`\ne2e: ${files.length} files, ${totals.tests} tests: ${counted.join(", ")}`);
console.log(`e2e: run again after a page crash: ${runAgain.length === 0 ? "none" : runAgain.join("; ")}`);
if (failedFiles.length > 0) {
  console.log(`e2e: FAILED: ${failedFiles.join(", ")}`);
  process.exit(1);
}
console.log("e2e: all files passed");
