// How a launch gets its drivers up: tauri-driver and WebKitWebDriver on
// ports of their own, and on other ports when another process took the
// chosen ones between the choice and the bind (a CI run failed on that).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { choosablePorts, freePorts, startDriver } from "./support.mjs";

describe("the drivers' ports", () => {
  let dataDir;
  /** A port another process listens on, accepting and never answering. */
  let takenServer;
  let taken;
  const takenConnections = [];
  const started = [];
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "leadstream-driver-ports-"));
    takenServer = createServer((connection) => takenConnections.push(connection));
    await new Promise((listening) => takenServer.listen(0, "127.0.0.1", listening));
    taken = takenServer.address().port;
  });
  after(async () => {
    for (const driver of started) process.kill(-driver.pid, "SIGKILL");
    for (const connection of takenConnections) connection.destroy();
    await new Promise((closed) => takenServer.close(closed));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the drivers with `firstPair` as the first ports chosen, and checks they came up on the next. */
  async function startsOnOtherPorts(firstPair) {
    const chosen = [];
    const choose = async () => {
      const pair = chosen.length === 0 ? firstPair : await freePorts(2);
      chosen.push(pair);
      return pair;
    };
    const { driver, port } = await startDriver(dataDir, choose);
    started.push(driver);
    assert.equal(chosen.length, 2, "the first pair was given up for a second");
    assert.equal(port, chosen[1][0]);
    const status = await fetch(`http://127.0.0.1:${port}/status`);
    assert.equal(status.ok, true, "the drivers on the second pair answer");
  }

  it("chooses two different ports, below the range the kernel gives outgoing connections", async () => {
    const [port, nativePort] = await freePorts(2);
    assert.notEqual(port, nativePort);
    const range = choosablePorts();
    assert.ok(range, "this machine's ephemeral range leaves room below it");
    for (const chosen of [port, nativePort]) {
      assert.ok(chosen >= range[0] && chosen < range[1], `${chosen} lies in ${range.join("..")}`);
    }
  });

  it("starts tauri-driver on other ports when its own port was taken", async () => {
    const [, spare] = await freePorts(2);
    await startsOnOtherPorts([taken, spare]);
  });

  it("starts WebKitWebDriver on other ports when its port was taken", async () => {
    const [spare] = await freePorts(1);
    await startsOnOtherPorts([spare, taken]);
  });
});
