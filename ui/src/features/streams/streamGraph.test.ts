import { describe, expect, it } from "vitest";

import type { StreamDefinition } from "../../bindings/StreamDefinition";
import {
  addNode,
  autoLayout,
  blankDefinition,
  connect,
  copyNodes,
  defaultAction,
  firstFreeHandle,
  fromFlow,
  groupProblems,
  HANDLE_LABELS,
  newNodeId,
  nodeTitle,
  outputHandles,
  pasteNodes,
  removeNodes,
  setAction,
  toFlow,
  type FlowOverlay,
} from "./streamGraph";

const overlay = (over: Partial<FlowOverlay> = {}): FlowOverlay => ({
  title: (a) => nodeTitle(a),
  problems: new Map(),
  nodeCounts: null,
  edgeCounts: null,
  stale: false,
  selectedNodes: new Set(),
  selectedEdges: new Set(),
  ...over,
});

/** entry → send1 → branch1 (yes → exit, no → nothing yet). */
function sample(): StreamDefinition {
  return {
    entry_segments: [3],
    reentry: { kind: "once" },
    nodes: [
      { id: "entry", action: { type: "entry" }, x: 250, y: 0 },
      { id: "send1", action: { type: "send", content_id: 7 }, x: 250, y: 110 },
      {
        id: "branch1",
        action: { type: "branch", rules: { combinator: "and", not: false, rules: [] } },
        x: 250,
        y: 220,
      },
      { id: "exit", action: { type: "exit" }, x: 100, y: 330 },
    ],
    edges: [
      { id: "entry->send1", source: "entry", target: "send1" },
      { id: "send1->branch1", source: "send1", target: "branch1" },
      { id: "branch1:yes->exit", source: "branch1", target: "exit", handle: "yes" },
    ],
  };
}

describe("outputHandles", () => {
  it("gives each node type its outputs", () => {
    expect(outputHandles({ type: "exit" })).toEqual([]);
    expect(outputHandles({ type: "move_to_stream", stream_id: 2 })).toEqual([]);
    expect(
      outputHandles({ type: "branch", rules: { combinator: "and", not: false, rules: [] } }).map((h) => h.id),
    ).toEqual(["yes", "no"]);
    expect(outputHandles({ type: "split", percentages: [20, 30, 50] }).map((h) => [h.id, h.label])).toEqual([
      ["0", "20%"],
      ["1", "30%"],
      ["2", "50%"],
    ]);
    expect(
      outputHandles({ type: "wait_until", until: { kind: "event", event_type: "email_click", timeout_days: 5 } }).map(
        (h) => h.id,
      ),
    ).toEqual(["event", "timeout"]);
    expect(
      outputHandles({ type: "wait_until", until: { kind: "window", weekdays: [1], from_hour: 9, to_hour: 10 } }),
    ).toEqual([{ id: null, label: "" }]);
    expect(outputHandles({ type: "send", content_id: 1 })).toEqual([{ id: null, label: "" }]);
    expect(outputHandles({ type: "entry" })).toEqual([{ id: null, label: "" }]);
  });

  it("labels the named handles from one table", () => {
    expect(
      outputHandles({ type: "branch", rules: { combinator: "and", not: false, rules: [] } }).map((h) => h.label),
    ).toEqual([HANDLE_LABELS.yes, HANDLE_LABELS.no]);
    expect(Object.keys(HANDLE_LABELS).sort()).toEqual(["event", "no", "timeout", "yes"]);
  });
});

describe("nodeTitle", () => {
  it("reads like the step", () => {
    expect(
      nodeTitle({ type: "send", content_id: 4 }, { content: (id) => (id === 4 ? "Book a demo" : undefined) }),
    ).toBe("Send: Book a demo");
    expect(nodeTitle({ type: "wait", amount: 5, unit: "days" })).toBe("Wait 5 days");
    expect(nodeTitle({ type: "wait", amount: 1, unit: "weeks" })).toBe("Wait 1 week");
    expect(nodeTitle({ type: "split", percentages: [50, 50] })).toBe("Split 50/50");
    expect(nodeTitle({ type: "branch", rules: { combinator: "and", not: false, rules: [] } })).toBe("Branch");
    expect(
      nodeTitle({
        type: "branch",
        rules: { combinator: "and", not: false, rules: [] },
        email: { send_node: "welcome", engagement: "clicked" },
      }),
    ).toBe("Clicked the email of welcome?");
    expect(
      nodeTitle({
        type: "wait_until",
        until: { kind: "window", weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 },
      }),
    ).toBe("Wait until weekdays 9–17 h");
  });
});

describe("ids", () => {
  it("are short, readable and unique", () => {
    expect(newNodeId("send", ["entry", "send1", "send3"])).toBe("send2");
    expect(newNodeId("wait_until", [])).toBe("until1");
    const def = sample();
    const first = addNode(def, defaultAction("wait"), null);
    const second = addNode(first.definition, defaultAction("wait"), null);
    expect([first.id, second.id]).toEqual(["wait1", "wait2"]);
  });
});

describe("click-to-add", () => {
  it("adds below the selected node and connects its first free output", () => {
    const def = sample();
    const { definition, id } = addNode(def, defaultAction("wait"), "branch1");
    const added = definition.nodes.find((n) => n.id === id)!;
    expect(added.y).toBeGreaterThan(def.nodes.find((n) => n.id === "branch1")!.y);
    // yes is taken, so the new node hangs off "no".
    expect(definition.edges.find((e) => e.target === id)).toMatchObject({ source: "branch1", handle: "no" });
    // The existing edges are untouched.
    expect(definition.edges).toHaveLength(def.edges.length + 1);
  });

  it("adds at the bottom, unconnected, when nothing is selected", () => {
    const def = sample();
    const { definition, id } = addNode(def, defaultAction("exit"), null);
    const added = definition.nodes.find((n) => n.id === id)!;
    expect(added.y).toBe(330 + 120);
    expect(definition.edges.some((e) => e.target === id || e.source === id)).toBe(false);
  });

  it("inserts into the only path of a single-output node that is already connected", () => {
    const def = sample();
    const { definition, id } = addNode(def, defaultAction("send"), "send1");
    expect(id).toBe("send2");
    expect(definition.edges.filter((e) => e.source === "send1").map((e) => e.target)).toEqual([id]);
    expect(definition.edges.filter((e) => e.source === id).map((e) => e.target)).toEqual(["branch1"]);
    // The rest moved down a row to make room.
    expect(definition.nodes.find((n) => n.id === "branch1")!.y).toBe(220 + 120);
    expect(definition.nodes.find((n) => n.id === id)!.y).toBe(110 + 120);
  });

  it("inserts a branch through its yes path", () => {
    const { definition, id } = addNode(sample(), defaultAction("branch"), "entry");
    expect(definition.edges.find((e) => e.source === "entry")!.target).toBe(id);
    expect(definition.edges.filter((e) => e.source === id)).toMatchObject([{ handle: "yes", target: "send1" }]);
    // An exit is never inserted: it would cut the path off.
    const exit = addNode(sample(), defaultAction("exit"), "entry");
    expect(exit.definition.edges.find((e) => e.source === "entry")!.target).toBe("send1");
  });

  it("leaves the new node unconnected when no output is free and it cannot insert", () => {
    let def = connect(sample(), "branch1", "no", "exit");
    const added = addNode(def, defaultAction("wait"), "branch1");
    expect(added.definition.edges.some((e) => e.target === added.id)).toBe(false);
    def = sample();
    const afterExit = addNode(def, defaultAction("wait"), "exit");
    expect(afterExit.definition.edges).toEqual(def.edges);
    expect(firstFreeHandle(def, "exit")).toBeNull();
  });

  it("does not stack a new node on top of an existing one", () => {
    for (const anchor of ["send1", "branch1", "entry"]) {
      const { definition } = addNode(sample(), defaultAction("wait"), anchor);
      for (const a of definition.nodes)
        for (const b of definition.nodes)
          if (a !== b) expect(Math.abs(a.x - b.x) >= 220 || Math.abs(a.y - b.y) >= 76).toBe(true);
    }
  });
});

describe("connect", () => {
  it("replaces the edge of that handle and keeps the others", () => {
    let def = connect(sample(), "branch1", "no", "send1");
    expect(def.edges.filter((e) => e.source === "branch1").map((e) => [e.handle, e.target])).toEqual([
      ["yes", "exit"],
      ["no", "send1"],
    ]);
    def = connect(def, "branch1", "yes", "send1");
    expect(
      def.edges
        .filter((e) => e.source === "branch1")
        .map((e) => [e.handle, e.target])
        .sort(),
    ).toEqual([
      ["no", "send1"],
      ["yes", "send1"],
    ]);
    expect(new Set(def.edges.map((e) => e.id)).size).toBe(def.edges.length);
  });

  it("removes the handle's edge when the target is null and refuses self-loops", () => {
    const def = connect(sample(), "send1", null, null);
    expect(def.edges.some((e) => e.source === "send1")).toBe(false);
    expect(connect(sample(), "send1", null, "send1")).toEqual(sample());
  });

  it("writes untyped outputs without a handle", () => {
    const def = connect(sample(), "send1", null, "exit");
    const edge = def.edges.find((e) => e.source === "send1")!;
    expect(edge.target).toBe("exit");
    expect("handle" in edge).toBe(false);
  });
});

describe("editing nodes", () => {
  it("drops edges of outputs a node no longer has", () => {
    let def = setAction(sample(), "branch1", { type: "split", percentages: [50, 50] });
    expect(def.edges.some((e) => e.source === "branch1")).toBe(false);
    def = connect(def, "branch1", "1", "exit");
    def = setAction(def, "branch1", { type: "split", percentages: [50, 25, 25] });
    expect(def.edges.filter((e) => e.source === "branch1").map((e) => e.handle)).toEqual(["1"]);
    def = setAction(def, "branch1", { type: "split", percentages: [100] });
    expect(def.edges.some((e) => e.source === "branch1")).toBe(false);
  });

  it("never deletes the entry, and removes edges of deleted nodes", () => {
    const def = removeNodes(sample(), ["entry", "send1"]);
    expect(def.nodes.map((n) => n.id)).toEqual(["entry", "branch1", "exit"]);
    expect(def.edges.map((e) => e.id)).toEqual(["branch1:yes->exit"]);
  });

  it("copies and pastes nodes with fresh ids and their inner edges", () => {
    const def = sample();
    expect(copyNodes(def, ["entry"])).toBeNull();
    const clip = copyNodes(def, ["entry", "send1", "branch1"])!;
    expect(clip.nodes.map((n) => n.id)).toEqual(["send1", "branch1"]);
    expect(clip.edges.map((e) => e.id)).toEqual(["send1->branch1"]);
    const { definition, ids } = pasteNodes(def, clip);
    expect(ids).toEqual(["send2", "branch2"]);
    expect(definition.edges.find((e) => e.source === "send2")).toMatchObject({ target: "branch2" });
    const copy = definition.nodes.find((n) => n.id === "send2")!;
    expect([copy.x, copy.y]).toEqual([290, 150]);
    // The clipboard is independent of later edits.
    expect(definition.nodes.find((n) => n.id === "branch2")!.action).not.toBe(
      def.nodes.find((n) => n.id === "branch1")!.action,
    );
  });
});

describe("layout", () => {
  it("positions every node, top to bottom along the edges", () => {
    const def = addNode(sample(), defaultAction("wait"), "branch1").definition;
    const laid = autoLayout({ ...def, nodes: def.nodes.map((n) => ({ ...n, x: 0, y: 0 })) });
    expect(laid.nodes).toHaveLength(def.nodes.length);
    for (const n of laid.nodes) expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
    const y = (id: string) => laid.nodes.find((n) => n.id === id)!.y;
    expect(y("entry")).toBeLessThan(y("send1"));
    expect(y("send1")).toBeLessThan(y("branch1"));
    expect(y("branch1")).toBeLessThan(y("exit"));
    // No two nodes overlap.
    for (const a of laid.nodes)
      for (const b of laid.nodes)
        if (a !== b) expect(Math.abs(a.x - b.x) >= 220 || Math.abs(a.y - b.y) >= 76).toBe(true);
    // yes (exit) is laid left of no (wait1).
    expect(laid.nodes.find((n) => n.id === "exit")!.x).toBeLessThan(laid.nodes.find((n) => n.id === "wait1")!.x);
  });
});

describe("layout with loops and splits", () => {
  it("still positions every node", () => {
    let def = sample();
    def = addNode(def, defaultAction("wait"), "branch1").definition; // branch1:no -> wait1
    def = connect(def, "wait1", null, "branch1"); // a loop through a wait
    def = addNode(def, { type: "split", percentages: [20, 30, 50] }, null).definition;
    def = connect(def, "split1", "0", "exit");
    def = connect(def, "split1", "1", "wait1");
    def = connect(def, "split1", "2", "send1");
    const laid = autoLayout(def);
    expect(new Set(laid.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(def.nodes.length);
    expect(laid.edges).toBe(def.edges);
  });
});

describe("definition ⇄ flow", () => {
  it("maps nodes, handles, problems and counts, and back", () => {
    const def = sample();
    const { nodes, edges } = toFlow(
      def,
      overlay({
        problems: new Map([["branch1", ["Branch has no “no” path"]]]),
        nodeCounts: new Map([["send1", 612]]),
        edgeCounts: new Map([["branch1:yes->exit", 40]]),
        selectedNodes: new Set(["send1"]),
      }),
    );
    expect(nodes.map((n) => n.id)).toEqual(["entry", "send1", "branch1", "exit"]);
    expect(nodes.find((n) => n.id === "entry")!.deletable).toBe(false);
    expect(nodes.find((n) => n.id === "send1")).toMatchObject({
      selected: true,
      position: { x: 250, y: 110 },
      data: { count: 612, title: "Send: content 7" },
    });
    expect(nodes.find((n) => n.id === "exit")!.data.count).toBe(0);
    expect(nodes.find((n) => n.id === "branch1")!.data.problems).toEqual(["Branch has no “no” path"]);
    expect(nodes.find((n) => n.id === "branch1")!.data.handles.map((h) => h.id)).toEqual(["yes", "no"]);
    const yes = edges.find((e) => e.id === "branch1:yes->exit")!;
    expect(yes).toMatchObject({ sourceHandle: "yes", data: { label: "yes", count: 40 } });
    expect(edges.find((e) => e.id === "entry->send1")!.sourceHandle).toBeNull();

    const moved = fromFlow(def, [{ id: "send1", position: { x: 12.4, y: 99.6 } }]);
    expect(moved.nodes.find((n) => n.id === "send1")).toMatchObject({ x: 12, y: 100 });
    expect(moved.edges).toBe(def.edges);
  });

  it("has no counts before a plan", () => {
    const { nodes, edges } = toFlow(blankDefinition(), overlay());
    expect(nodes.every((n) => n.data.count === null)).toBe(true);
    expect(edges[0].data.count).toBeNull();
  });

  it("groups problems by node", () => {
    const { byNode, stream } = groupProblems([
      { node_id: null, message: "choose at least one entry segment" },
      { node_id: "wait1", message: "a" },
      { node_id: "wait1", message: "b" },
    ]);
    expect(stream).toEqual(["choose at least one entry segment"]);
    expect(byNode.get("wait1")).toEqual(["a", "b"]);
  });
});
