// Pure logic of the stream designer: which outputs (handles) each node type
// has, node titles, new nodes with readable ids, click-to-add with
// auto-connect, connecting/replacing a handle's edge, deleting and
// copy/paste of nodes, dagre auto-layout, and StreamDefinition ⇄ xyflow
// nodes/edges. No React and no IPC here, so it is all unit-tested.
import dagre from "@dagrejs/dagre";

import type { NodeAction } from "../../bindings/NodeAction";
import type { NodeHandle } from "../../bindings/NodeHandle";
import type { StreamDefinition } from "../../bindings/StreamDefinition";
import type { StreamEdge } from "../../bindings/StreamEdge";
import type { StreamNode } from "../../bindings/StreamNode";

export type NodeType = NodeAction["type"];

/** The node types the palette offers (entry exists exactly once per stream). */
export const PALETTE_TYPES: Exclude<NodeType, "entry">[] = [
  "send",
  "wait",
  "wait_until",
  "branch",
  "split",
  "update_field",
  "move_to_stream",
  "exit",
];

/** Short labels for the palette. */
export const PALETTE_LABELS: Record<NodeType, string> = {
  entry: "Entry",
  send: "Send",
  wait: "Wait",
  wait_until: "Wait until",
  branch: "Branch",
  split: "Split",
  update_field: "Set field",
  move_to_stream: "Move",
  exit: "Exit",
};

export const TYPE_LABELS: Record<NodeType, string> = {
  entry: "Entry",
  send: "Send",
  wait: "Wait",
  wait_until: "Wait until",
  branch: "Branch",
  split: "Split",
  update_field: "Update field",
  move_to_stream: "Move to stream",
  exit: "Exit",
};

/** Short id prefixes for new nodes: send1, wait2, … */
const ID_PREFIX: Record<NodeType, string> = {
  entry: "entry",
  send: "send",
  wait: "wait",
  wait_until: "until",
  branch: "branch",
  split: "split",
  update_field: "update",
  move_to_stream: "move",
  exit: "exit",
};

/** The handles with a fixed name (a split's paths are numbered "0", "1", …). */
export type NamedHandle = Exclude<NodeHandle, `${number}`>;

/** How the designer labels the named handles; tsc makes it list every one of the backend's. */
export const HANDLE_LABELS: Record<NamedHandle, string> = {
  yes: "yes",
  no: "no",
  event: "event",
  timeout: "timeout",
};

/** The handle of a split's path, by its index. */
export const splitHandle = (index: number): NodeHandle => `${index}`;

/** One output of a node: `id` is the edge handle (null for the single untyped output). */
export type OutputHandle = { id: NodeHandle | null; label: string };

const named = (id: NamedHandle): OutputHandle => ({ id, label: HANDLE_LABELS[id] });

/** The outputs of a node, in display order (left to right); the same as the backend's `handles::outputs`. */
export function outputHandles(action: NodeAction): OutputHandle[] {
  switch (action.type) {
    case "exit":
    case "move_to_stream":
      return [];
    case "branch":
      return [named("yes"), named("no")];
    case "split":
      return action.percentages.map((p, i) => ({ id: splitHandle(i), label: `${p}%` }));
    case "wait_until":
      return action.until.kind === "event" ? [named("event"), named("timeout")] : [{ id: null, label: "" }];
    default:
      return [{ id: null, label: "" }];
  }
}

/** The key used for a handle in test ids and selects: the untyped output is "next". */
export const handleKey = (handle: string | null | undefined) => handle ?? "next";

/** Whether an edge leaves through this handle of its source. */
export function edgeUsesHandle(edge: StreamEdge, handle: string | null): boolean {
  return (edge.handle ?? null) === handle;
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export function weekdayNames(days: number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.join(",") === "1,2,3,4,5") return "weekdays";
  if (sorted.length === 7) return "any day";
  return sorted.map((d) => WEEKDAYS[d - 1] ?? `day ${d}`).join(", ");
}

const plural = (n: number, unit: string) => `${n} ${n === 1 ? unit.replace(/s$/, "") : unit}`;

/** The title shown on a node: "Send: Book a demo", "Wait 5 days", "Split 50/50". */
export function nodeTitle(
  action: NodeAction,
  names: { content?: (id: number) => string | undefined; stream?: (id: number) => string | undefined } = {},
): string {
  switch (action.type) {
    case "entry":
      return "Entry";
    case "send":
      return `Send: ${names.content?.(action.content_id) ?? (action.content_id > 0 ? `content ${action.content_id}` : "choose content")}`;
    case "wait":
      return `Wait ${plural(action.amount, action.unit)}`;
    case "wait_until":
      return action.until.kind === "window"
        ? `Wait until ${weekdayNames(action.until.weekdays)} ${action.until.from_hour}–${action.until.to_hour} h`
        : `Wait for ${action.until.event_type || "an event"} (≤ ${plural(action.until.timeout_days, "days")})`;
    case "branch":
      return action.email
        ? `${action.email.engagement === "clicked" ? "Clicked" : "Opened"} the email of ${action.email.send_node}?`
        : "Branch";
    case "split":
      return `Split ${action.percentages.join("/")}`;
    case "update_field":
      return `Set ${action.field || "a field"} = ${String(action.value ?? "")}`;
    case "move_to_stream":
      return `Move to: ${names.stream?.(action.stream_id) ?? (action.stream_id > 0 ? `stream ${action.stream_id}` : "choose a stream")}`;
    case "exit":
      return "Exit";
  }
}

/** A new node's action with sensible defaults. */
export function defaultAction(
  type: NodeType,
  hints: { contentId?: number; field?: string; streamId?: number; eventType?: string } = {},
): NodeAction {
  switch (type) {
    case "entry":
      return { type: "entry" };
    case "send":
      return { type: "send", content_id: hints.contentId ?? 0 };
    case "wait":
      return { type: "wait", amount: 3, unit: "days" };
    case "wait_until":
      return { type: "wait_until", until: { kind: "window", weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 } };
    case "branch":
      return { type: "branch", rules: { combinator: "and", not: false, rules: [] } };
    case "split":
      return { type: "split", percentages: [50, 50] };
    case "update_field":
      return { type: "update_field", field: hints.field ?? "", value: "" };
    case "move_to_stream":
      return { type: "move_to_stream", stream_id: hints.streamId ?? 0 };
    case "exit":
      return { type: "exit" };
  }
}

/** The first free id `prefix1`, `prefix2`, … among `taken`. */
export function newNodeId(type: NodeType, taken: Iterable<string>): string {
  const used = new Set(taken);
  const prefix = ID_PREFIX[type];
  for (let i = 1; ; i++) {
    if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
  }
}

/** A readable, unique edge id like `wait1->send2` or `branch1:yes->exit1`. */
export function newEdgeId(source: string, handle: string | null, target: string, edges: StreamEdge[]): string {
  const base = `${source}${handle ? `:${handle}` : ""}->${target}`;
  const used = new Set(edges.map((e) => e.id));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}#${i}`)) return `${base}#${i}`;
}

/** The first output of `node` that has no edge yet (null when all are taken or it has none). */
export function firstFreeHandle(definition: StreamDefinition, nodeId: string): OutputHandle | null {
  const node = definition.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const out = definition.edges.filter((e) => e.source === nodeId);
  return outputHandles(node.action).find((h) => !out.some((e) => edgeUsesHandle(e, h.id))) ?? null;
}

/**
 * Connects `source`'s output `handle` to `target`, replacing the edge that
 * handle had (target null just removes it). Self-loops are refused.
 */
export function connect(
  definition: StreamDefinition,
  source: string,
  handle: string | null,
  target: string | null,
): StreamDefinition {
  if (target === source) return definition;
  const kept = definition.edges.filter((e) => !(e.source === source && edgeUsesHandle(e, handle)));
  if (target === null) return { ...definition, edges: kept };
  const edge: StreamEdge = { id: newEdgeId(source, handle, target, kept), source, target };
  if (handle !== null) edge.handle = handle;
  return { ...definition, edges: [...kept, edge] };
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 76;
const ROW_GAP = 120;

/**
 * Click-to-add: a new node of `type` below `after` (or below the lowest node
 * when nothing is selected), connected from `after`'s first free output.
 * Returns the new definition and the new node's id.
 */
export function addNode(
  definition: StreamDefinition,
  action: NodeAction,
  after: string | null,
  at?: { x: number; y: number },
): { definition: StreamDefinition; id: string } {
  const id = newNodeId(
    action.type,
    definition.nodes.map((n) => n.id),
  );
  const anchor = after ? definition.nodes.find((n) => n.id === after) : undefined;
  let position: { x: number; y: number } | undefined = at;
  if (!position) {
    if (anchor) {
      // Below the anchor; shifted right past any node already in that spot,
      // unless the new node is inserted into the anchor's only path (which makes room).
      let x = anchor.x;
      const y = anchor.y + ROW_GAP;
      const inserting =
        !firstFreeHandle(definition, anchor.id) &&
        outputHandles(anchor.action).length === 1 &&
        outputHandles(action).length >= 1 &&
        definition.edges.some((e) => e.source === anchor.id);
      if (!inserting)
        while (definition.nodes.some((n) => Math.abs(n.x - x) < NODE_WIDTH && Math.abs(n.y - y) < NODE_HEIGHT))
          x += NODE_WIDTH + 40;
      position = { x, y };
    } else {
      const lowest = definition.nodes.reduce<StreamNode | null>((low, n) => (!low || n.y > low.y ? n : low), null);
      position = lowest ? { x: lowest.x, y: lowest.y + ROW_GAP } : { x: 250, y: 0 };
    }
  }
  const placed = position;
  let next: StreamDefinition = {
    ...definition,
    nodes: [...definition.nodes, { id, action, x: placed.x, y: placed.y }],
  };
  if (anchor) {
    const free = firstFreeHandle(definition, anchor.id);
    if (free) next = connect(next, anchor.id, free.id, id);
    else {
      // A single-output node already connected: insert the new node in between
      // (anchor → new → old target, through the new node's first output).
      const outputs = outputHandles(anchor.action);
      const old = definition.edges.find((e) => e.source === anchor.id);
      const own = outputHandles(action);
      if (outputs.length === 1 && old && own.length >= 1) {
        next = connect(next, anchor.id, outputs[0].id, id);
        next = connect(next, id, own[0].id, old.target);
        // Make room: everything from the old target down moves one row lower.
        next = {
          ...next,
          nodes: next.nodes.map((n) =>
            n.id !== id && n.y >= placed.y - NODE_HEIGHT / 2 ? { ...n, y: n.y + ROW_GAP } : n,
          ),
        };
      }
    }
  }
  return { definition: next, id };
}

/** Removes nodes (never the entry) and every edge touching them. */
export function removeNodes(definition: StreamDefinition, ids: string[]): StreamDefinition {
  const gone = new Set(ids.filter((id) => definition.nodes.find((n) => n.id === id)?.action.type !== "entry"));
  if (gone.size === 0) return definition;
  return {
    ...definition,
    nodes: definition.nodes.filter((n) => !gone.has(n.id)),
    edges: definition.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
  };
}

export function removeEdges(definition: StreamDefinition, ids: string[]): StreamDefinition {
  const gone = new Set(ids);
  return { ...definition, edges: definition.edges.filter((e) => !gone.has(e.id)) };
}

/** What is copied: the selected nodes (no entry) and the edges between them. */
export type Clipboard = { nodes: StreamNode[]; edges: StreamEdge[] };

export function copyNodes(definition: StreamDefinition, ids: string[]): Clipboard | null {
  const chosen = new Set(ids);
  const nodes = definition.nodes.filter((n) => chosen.has(n.id) && n.action.type !== "entry");
  if (nodes.length === 0) return null;
  const kept = new Set(nodes.map((n) => n.id));
  const edges = definition.edges.filter((e) => kept.has(e.source) && kept.has(e.target));
  return structuredClone({ nodes, edges });
}

/** Pastes a clipboard with fresh ids, offset so the copy is visible; returns the new ids. */
export function pasteNodes(
  definition: StreamDefinition,
  clip: Clipboard,
  offset: { x: number; y: number } = { x: 40, y: 40 },
): { definition: StreamDefinition; ids: string[] } {
  const taken = definition.nodes.map((n) => n.id);
  const renamed = new Map<string, string>();
  const nodes: StreamNode[] = [];
  for (const node of clip.nodes) {
    const id = newNodeId(node.action.type, [...taken, ...renamed.values()]);
    renamed.set(node.id, id);
    nodes.push({ ...structuredClone(node), id, x: node.x + offset.x, y: node.y + offset.y });
  }
  let edges = [...definition.edges];
  for (const edge of clip.edges) {
    const source = renamed.get(edge.source)!;
    const target = renamed.get(edge.target)!;
    const copy: StreamEdge = { id: newEdgeId(source, edge.handle ?? null, target, edges), source, target };
    if (edge.handle != null) copy.handle = edge.handle;
    edges = [...edges, copy];
  }
  return { definition: { ...definition, nodes: [...definition.nodes, ...nodes], edges }, ids: nodes.map((n) => n.id) };
}

/** Updates one node's action; edges of outputs the node no longer has are dropped. */
export function setAction(definition: StreamDefinition, id: string, action: NodeAction): StreamDefinition {
  const handles = outputHandles(action).map((h) => h.id);
  return {
    ...definition,
    nodes: definition.nodes.map((n) => (n.id === id ? { ...n, action } : n)),
    edges: definition.edges.filter((e) => e.source !== id || handles.some((h) => edgeUsesHandle(e, h))),
  };
}

export function moveNodes(
  definition: StreamDefinition,
  positions: Map<string, { x: number; y: number }>,
): StreamDefinition {
  if (positions.size === 0) return definition;
  return {
    ...definition,
    nodes: definition.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, x: Math.round(p.x), y: Math.round(p.y) } : n;
    }),
  };
}

/** Top-to-bottom layout with dagre; every node gets a position, edges keep their order by handle. */
export function autoLayout(definition: StreamDefinition): StreamDefinition {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "TB", nodesep: 50, ranksep: 60, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(definition.nodes.map((n) => n.id));
  // Edges sorted by their handle's position so yes/no and split paths keep left-to-right order.
  const order = (e: StreamEdge) => {
    const node = definition.nodes.find((n) => n.id === e.source);
    return node ? outputHandles(node.action).findIndex((h) => edgeUsesHandle(e, h.id)) : 0;
  };
  const edges = [...definition.edges]
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .sort((a, b) => order(a) - order(b));
  // Nodes in breadth-first order from the entry along those edges (dagre's initial order follows insertion).
  const visited: string[] = [];
  const queue = definition.nodes.filter((n) => n.action.type === "entry").map((n) => n.id);
  while (queue.length) {
    const id = queue.shift()!;
    if (visited.includes(id)) continue;
    visited.push(id);
    for (const e of edges) if (e.source === id && !visited.includes(e.target)) queue.push(e.target);
  }
  for (const n of definition.nodes) if (!visited.includes(n.id)) visited.push(n.id);
  for (const id of visited) graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  // Paths of a node left to right in handle order (yes before no, split buckets in order).
  const constraints: { left: string; right: string }[] = [];
  for (const node of definition.nodes) {
    const targets = outputHandles(node.action)
      .map((h) => edges.find((e) => e.source === node.id && edgeUsesHandle(e, h.id))?.target)
      .filter((t): t is string => t !== undefined && t !== node.id);
    const distinct = [...new Set(targets)];
    for (let i = 0; i + 1 < distinct.length; i++) constraints.push({ left: distinct[i], right: distinct[i + 1] });
  }
  try {
    dagre.layout(graph, { constraints });
  } catch {
    dagre.layout(graph); // constraints that cannot hold together: lay out without them
  }
  return {
    ...definition,
    nodes: definition.nodes.map((n) => {
      const placed = graph.node(n.id);
      return placed ? { ...n, x: Math.round(placed.x - NODE_WIDTH / 2), y: Math.round(placed.y - NODE_HEIGHT / 2) } : n;
    }),
  };
}

/** Data carried by each xyflow node. */
export type FlowNodeData = {
  action: NodeAction;
  title: string;
  handles: OutputHandle[];
  problems: string[];
  count: number | null;
  stale: boolean;
};

export type FlowNode = {
  id: string;
  type: "stream";
  position: { x: number; y: number };
  data: FlowNodeData;
  selected: boolean;
  deletable: boolean;
};
export type FlowEdgeData = { label: string; count: number | null; stale: boolean };
export type FlowEdge = {
  id: string;
  source: string;
  target: string;
  sourceHandle: string | null;
  type: "stream";
  data: FlowEdgeData;
  selected: boolean;
};

export type FlowOverlay = {
  title: (action: NodeAction) => string;
  problems: Map<string, string[]>;
  nodeCounts: Map<string, number> | null;
  edgeCounts: Map<string, number> | null;
  stale: boolean;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
};

/** A definition as xyflow nodes and edges, with titles, problems and plan counts. */
export function toFlow(definition: StreamDefinition, overlay: FlowOverlay): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes: FlowNode[] = definition.nodes.map((n) => ({
    id: n.id,
    type: "stream",
    position: { x: n.x, y: n.y },
    selected: overlay.selectedNodes.has(n.id),
    deletable: n.action.type !== "entry",
    data: {
      action: n.action,
      title: overlay.title(n.action),
      handles: outputHandles(n.action),
      problems: overlay.problems.get(n.id) ?? [],
      count: overlay.nodeCounts ? (overlay.nodeCounts.get(n.id) ?? 0) : null,
      stale: overlay.stale,
    },
  }));
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const edges: FlowEdge[] = definition.edges.map((e) => {
    const source = byId.get(e.source);
    const label = source
      ? (outputHandles(source.action).find((h) => edgeUsesHandle(e, h.id))?.label ?? e.handle ?? "")
      : "";
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: e.handle ?? null,
      type: "stream",
      selected: overlay.selectedEdges.has(e.id),
      data: { label, count: overlay.edgeCounts ? (overlay.edgeCounts.get(e.id) ?? 0) : null, stale: overlay.stale },
    };
  });
  return { nodes, edges };
}

/** Back from xyflow: positions of the flow nodes written into the definition. */
export function fromFlow(
  definition: StreamDefinition,
  nodes: { id: string; position: { x: number; y: number } }[],
): StreamDefinition {
  return moveNodes(definition, new Map(nodes.map((n) => [n.id, n.position])));
}

/** Problems grouped by node id; stream-level ones (node_id null) separately. */
export function groupProblems(problems: { node_id: string | null; message: string }[]): {
  byNode: Map<string, string[]>;
  stream: string[];
} {
  const byNode = new Map<string, string[]>();
  const stream: string[] = [];
  for (const p of problems) {
    if (p.node_id === null) stream.push(p.message);
    else byNode.set(p.node_id, [...(byNode.get(p.node_id) ?? []), p.message]);
  }
  return { byNode, stream };
}

/** A blank stream: an entry connected to an exit. */
export function blankDefinition(): StreamDefinition {
  return {
    entry_segments: [],
    reentry: { kind: "once" },
    nodes: [
      { id: "entry", action: { type: "entry" }, x: 250, y: 0 },
      { id: "exit", action: { type: "exit" }, x: 250, y: ROW_GAP },
    ],
    edges: [{ id: "entry->exit", source: "entry", target: "exit" }],
  };
}
