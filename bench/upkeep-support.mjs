// What the benches of the day's upkeep in the app share: the workspace
// given on the command line, the page cache dropped before a launch, and
// the time of the last score run as the file holds it.
import { execFileSync } from "node:child_process";

/** The WORKSPACE argument of `node bench/NAME.mjs WORKSPACE`; exits with the usage without it. */
export function workspaceArgument(name) {
  const workspace = process.argv[2];
  if (!workspace) {
    console.error(`usage: node bench/${name}.mjs WORKSPACE`);
    process.exit(2);
  }
  return workspace;
}

/** Writes dirty pages back and drops the page cache, so the launch reads a cold file. */
export function dropPageCache() {
  execFileSync("sync");
  execFileSync("sh", ["-c", "echo 3 > /proc/sys/vm/drop_caches"], { stdio: "ignore" });
}

/** The last score run's `ran_at` (Unix seconds), read with the sqlite3 shell; throws while the file is busy. */
export function lastScoreRunAt(workspace) {
  const out = execFileSync(
    "sqlite3",
    ["-readonly", "-cmd", ".timeout 100", workspace, "SELECT json_extract(value, '$.ran_at') FROM settings WHERE key = 'score_last_run'"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  return Number(out.trim());
}
