// How the window paints: the app asks WebKitGTK to paint without GPU
// compositing, because its compositor thread crashed in Mesa's software
// rasterizer under Xvfb and left a blank window (docs/decisions.md, "The
// window paints without GPU compositing"). The page's web process is found
// among the app's descendants and its threads are read from /proc: no
// compositor and no llvmpipe thread by default, and both again when the user
// turns compositing back on, which shows the check can see them.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";

import { launchOpen, screenshot } from "./support.mjs";

/** Process ids of every live process, each with its parent and name. */
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

/** The names of the threads of every WebKit web process under `rootPid`. */
function webProcessThreads(rootPid) {
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
  const webProcesses = table.filter(({ pid, name }) => below.has(pid) && name.startsWith("WebKitWebProces"));
  return webProcesses.map(({ pid }) =>
    readdirSync(`/proc/${pid}/task`).map((tid) => readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim()),
  );
}

const GPU_THREAD = /Compositor|llvmpipe/;

async function threadsOfALaunch(env) {
  const app = await launchOpen({ env });
  try {
    return webProcessThreads(app.driverPid);
  } finally {
    await app.stop();
  }
}

describe("how the window paints", () => {
  it("paints the page without a GPU compositor thread", async () => {
    const app = await launchOpen();
    try {
      const perProcess = webProcessThreads(app.driverPid);
      assert.equal(perProcess.length, 1, "the app has one web process");
      const gpuThreads = perProcess[0].filter((name) => GPU_THREAD.test(name));
      assert.deepEqual(gpuThreads, [], "no compositor or llvmpipe thread in the web process");
      await screenshot(app.browser, "00-painted-without-compositing");
    } finally {
      await app.stop();
    }
  });

  it("composites on the GPU again when the user asks for it", async () => {
    const threads = await threadsOfALaunch({ WEBKIT_DISABLE_COMPOSITING_MODE: "0" });
    assert.equal(threads.length, 1, "the app has one web process");
    assert.ok(
      threads[0].some((name) => GPU_THREAD.test(name)),
      `a compositor thread runs when WEBKIT_DISABLE_COMPOSITING_MODE=0 (threads: ${threads[0].join(", ")})`,
    );
  });
});
