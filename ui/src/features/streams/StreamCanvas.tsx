// The designer's canvas: @xyflow/react showing a stream definition with our
// node component (icon and colour per type, title, labelled outputs, plan
// count, problems marked on the node) and edge component (path label and
// plan count). It is controlled: the definition is the truth, and drags,
// connections, selection and palette drops are reported upwards.
import {
  Background,
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  getSmoothStepPath,
  Handle,
  Position,
  ReactFlow,
  useReactFlow,
  useUpdateNodeInternals,
  type Connection,
  type Edge,
  type EdgeChange,
  type EdgeProps,
  type Node,
  type NodeChange,
  type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from "react";

import { formatCount } from "../../lib/format";
import {
  handleKey,
  NODE_HEIGHT,
  NODE_WIDTH,
  type FlowEdge,
  type FlowEdgeData,
  type FlowNode,
  type FlowNodeData,
  type NodeType,
} from "./streamGraph";

type StreamFlowNode = Node<FlowNodeData, "stream">;
type StreamFlowEdge = Edge<FlowEdgeData, "stream">;

export const TYPE_ICONS: Record<NodeType, string> = {
  entry: "▶",
  send: "✉",
  wait: "◷",
  wait_until: "⚑",
  branch: "◇",
  split: "⋔",
  update_field: "✎",
  move_to_stream: "↪",
  exit: "■",
};

const StreamNodeView = memo(function StreamNodeView({ id, data, selected }: NodeProps<StreamFlowNode>) {
  const type = data.action.type;
  const updateInternals = useUpdateNodeInternals();
  const signature = data.handles.map((h) => handleKey(h.id)).join("|");
  useEffect(() => updateInternals(id), [id, signature, updateInternals]);
  const problems = data.problems;
  const className = [
    "flow-node",
    `flow-node-${type}`,
    selected ? "selected" : "",
    problems.length ? "has-problem" : "",
  ].join(" ");
  return (
    <div
      className={className}
      data-testid={`stream-node-${id}`}
      data-node-type={type}
      title={problems.join("\n") || undefined}
    >
      {type !== "entry" && <Handle type="target" position={Position.Top} className="flow-handle" />}
      <div className="flow-node-head">
        <span className="flow-node-icon" aria-hidden>
          {TYPE_ICONS[type]}
        </span>
        <span className="flow-node-title">{data.title}</span>
      </div>
      <div className="flow-node-meta">
        <span className="flow-node-id">{id}</span>
        {data.count !== null && (
          <span
            className={data.stale ? "flow-node-count stale" : "flow-node-count"}
            data-testid={`node-count-${id}`}
            data-count={data.count}
          >
            {formatCount(data.count)} {data.count === 1 ? "lead" : "leads"}
          </span>
        )}
      </div>
      {problems.length > 0 && (
        <div className="flow-node-problem" data-testid={`node-problem-${id}`}>
          ⚠ {problems.length > 1 && <b>{problems.length} problems: </b>}
          {problems[0]}
        </div>
      )}
      {data.handles.map((h, i) => {
        const left = `${((i + 1) / (data.handles.length + 1)) * 100}%`;
        return (
          <div key={handleKey(h.id)}>
            <Handle
              type="source"
              position={Position.Bottom}
              id={h.id ?? undefined}
              className={`flow-handle flow-handle-${handleKey(h.id)}`}
              style={{ left }}
              data-testid={`handle-${id}-${handleKey(h.id)}`}
            />
            {h.label && (
              <span className={`flow-handle-label label-${h.id}`} style={{ left }}>
                {h.label}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
});

const StreamEdgeView = memo(function StreamEdgeView(props: EdgeProps<StreamFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    borderRadius: 10,
  });
  const count = data?.count ?? null;
  const label = data?.label ?? "";
  // Counts of labelled paths (yes/no, split buckets, event/timeout) sit just under their
  // handle's label, so two paths into the same step do not stack their labels.
  const [x, y] = label ? [sourceX, sourceY + 30] : [labelX, labelY];
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={selected ? "flow-edge selected" : "flow-edge"} />
      {count !== null && (
        <EdgeLabelRenderer>
          <div
            className={`flow-edge-label${data?.stale ? " stale" : ""}`}
            style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
            data-testid={`edge-count-${id}`}
            data-count={count}
            title={`${formatCount(count)} leads took ${label ? `the “${label}” path` : "this path"}`}
          >
            {formatCount(count)}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

const NODE_TYPES = { stream: StreamNodeView };
/** Room around the steps when the view fits them: the zoom controls sit in the bottom-left corner. */
const FIT_PADDING = { top: "24px", right: "24px", bottom: "24px", left: "64px" } as const;
const EDGE_TYPES = { stream: StreamEdgeView };

export type CanvasHandle = { fit: () => void; reveal: (at: { x: number; y: number }) => void };

type Props = {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Positions while dragging (`done` false) and at the end of a drag (`done` true). */
  onMove: (positions: Map<string, { x: number; y: number }>, done: boolean) => void;
  onDragStart: () => void;
  onSelect: (nodes: string[], edges: string[]) => void;
  onConnect: (source: string, handle: string | null, target: string) => void;
  onDropType: (type: NodeType, at: { x: number; y: number }) => void;
  canvasRef: Ref<CanvasHandle>;
  /** Changes when another stream is opened, to fit the view to it. */
  streamKey: string;
};

export function StreamCanvas({
  nodes,
  edges,
  onMove,
  onDragStart,
  onSelect,
  onConnect,
  onDropType,
  canvasRef,
  streamKey,
}: Props) {
  const flow = useReactFlow();
  // xyflow measures nodes; controlled nodes must carry those measurements.
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const cache = useRef(new Map<string, { source: FlowNode; node: StreamFlowNode }>());
  // The measurements as of the last resize: a new map each time, so the nodes are rebuilt with them.
  const [sizes, setSizes] = useState<ReadonlyMap<string, { width: number; height: number }>>(() => new Map());
  const flowNodes = useMemo(
    () =>
      nodes.map((n) => {
        const cached = cache.current.get(n.id);
        const size = sizes.get(n.id);
        if (cached && cached.source === n && (cached.node.measured?.width ?? null) === (size?.width ?? null))
          return cached.node;
        const node: StreamFlowNode = { ...n, measured: size };
        cache.current.set(n.id, { source: n, node });
        return node;
      }),
    [nodes, sizes],
  );

  const wrapper = useRef<HTMLDivElement>(null);
  // Whether the view is as fitted (not panned or zoomed by the user since): then a resize of the canvas (a notice
  // or the plan bar growing) fits it again, so no step is left outside.
  const fitted = useRef(true);
  const fitNow = useCallback(
    (duration?: number) => {
      fitted.current = true;
      void flow.fitView({ padding: FIT_PADDING, minZoom: 0.4, maxZoom: 1.1, duration });
    },
    [flow],
  );
  useEffect(() => {
    const element = wrapper.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (fitted.current) fitNow();
      }, 60);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [fitNow]);
  useImperativeHandle(
    canvasRef,
    () => ({
      fit: () => {
        fitted.current = true;
        void flow.fitView({ padding: FIT_PADDING, duration: 200 });
      },
      // Pans (keeping the zoom) so a node at this flow position is in view.
      reveal: (at) => {
        const box = wrapper.current?.getBoundingClientRect();
        if (!box) return;
        const { x, y, zoom } = flow.getViewport();
        const left = at.x * zoom + x;
        const top = at.y * zoom + y;
        const inside =
          left >= 0 && top >= 0 && left + NODE_WIDTH * zoom <= box.width && top + NODE_HEIGHT * zoom <= box.height;
        if (!inside) fitted.current = false;
        if (!inside) void flow.setCenter(at.x + NODE_WIDTH / 2, at.y + NODE_HEIGHT / 2, { zoom, duration: 200 });
      },
    }),
    [flow],
  );

  // Fit when another stream is opened (after its nodes are measured).
  useEffect(() => {
    const timer = setTimeout(() => fitNow(), 80);
    return () => clearTimeout(timer);
  }, [streamKey, fitNow]);

  const selection = useRef<{ nodes: Set<string>; edges: Set<string> }>({ nodes: new Set(), edges: new Set() });
  useEffect(() => {
    selection.current = {
      nodes: new Set(nodes.filter((n) => n.selected).map((n) => n.id)),
      edges: new Set(edges.filter((e) => e.selected).map((e) => e.id)),
    };
  }, [nodes, edges]);

  const onNodesChange = useCallback(
    (changes: NodeChange<StreamFlowNode>[]) => {
      const moved = new Map<string, { x: number; y: number }>();
      let done = false;
      let selectChanged = false;
      const selected = new Set(selection.current.nodes);
      let resized = false;
      for (const change of changes) {
        if (change.type === "position" && change.position) {
          moved.set(change.id, change.position);
          if (!change.dragging) done = true;
        } else if (change.type === "dimensions" && change.dimensions) {
          measured.current.set(change.id, change.dimensions);
          cache.current.delete(change.id);
          resized = true;
        } else if (change.type === "select") {
          selectChanged = true;
          if (change.selected) selected.add(change.id);
          else selected.delete(change.id);
        }
      }
      if (moved.size > 0) onMove(moved, done);
      if (selectChanged) onSelect([...selected], [...selection.current.edges]);
      if (resized) setSizes(new Map(measured.current)); // re-render with the measurements
    },
    [onMove, onSelect],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<StreamFlowEdge>[]) => {
      const selected = new Set(selection.current.edges);
      let changed = false;
      for (const change of changes) {
        if (change.type === "select") {
          changed = true;
          if (change.selected) selected.add(change.id);
          else selected.delete(change.id);
        }
      }
      if (changed) onSelect([...selection.current.nodes], [...selected]);
    },
    [onSelect],
  );

  const handleConnect = useCallback(
    (connection: Connection) => {
      if (connection.source && connection.target)
        onConnect(connection.source, connection.sourceHandle ?? null, connection.target);
    },
    [onConnect],
  );

  const onDragOver = useCallback((event: React.DragEvent) => {
    if (event.dataTransfer.types.includes("application/x-leadstream-node")) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  }, []);
  const onDrop = useCallback(
    (event: React.DragEvent) => {
      const type = event.dataTransfer.getData("application/x-leadstream-node") as NodeType;
      if (!type) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      onDropType(type, { x: Math.round(at.x - 110), y: Math.round(at.y - 30) });
    },
    [flow, onDropType],
  );

  return (
    <div className="stream-canvas" data-testid="stream-canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<StreamFlowNode, StreamFlowEdge>
        nodes={flowNodes}
        edges={edges as StreamFlowEdge[]}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={handleConnect}
        onNodeDragStart={onDragStart}
        onMoveStart={(event) => {
          // Only a user's pan or zoom comes with an event.
          if (event) fitted.current = false;
        }}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Shift", "Meta", "Control"]}
        minZoom={0.2}
        maxZoom={1.8}
        defaultEdgeOptions={{ type: "stream" }}
        proOptions={{ hideAttribution: true }}
        fitView
        fitViewOptions={{ padding: FIT_PADDING, minZoom: 0.4, maxZoom: 1.1 }}
      >
        <Background gap={20} color="#dde2ec" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
