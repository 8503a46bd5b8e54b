// The Designer tab: the stream list (saved streams, templates, JSON import),
// the toolbar (undo/redo, layout, fit, copy/paste, delete, save, export), the
// palette, the canvas, the side panel (stream settings or the selected node),
// the live problems of the stream as drawn, and the plan bar that dry-runs
// this stream and paints its counts onto nodes and edges.
import { useQueryClient } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import type { ContentItem } from "../../bindings/ContentItem";
import type { NodeAction } from "../../bindings/NodeAction";
import type { Stream } from "../../bindings/Stream";
import type { StreamDefinition } from "../../bindings/StreamDefinition";
import type { StreamTemplate } from "../../bindings/StreamTemplate";
import { canRedo, canUndo, checkpoint, historyOf, push, redo, replace, undo, type History } from "../../lib/history";
import { ipc } from "../../lib/ipc";
import { queryKeys, useDeleteStream, useImportStream, useSaveStream } from "../../lib/queries";
import { csvFileName } from "../../lib/segmentRules";
import { confirmLeave } from "../../lib/unsavedChanges";
import {
  addNode,
  autoLayout,
  blankDefinition,
  connect,
  copyNodes,
  defaultAction,
  groupProblems,
  moveNodes,
  NODE_WIDTH,
  nodeTitle,
  PALETTE_LABELS,
  PALETTE_TYPES,
  pasteNodes,
  removeEdges,
  removeNodes,
  setAction,
  toFlow,
  TYPE_LABELS,
  type Clipboard,
  type NodeType,
} from "./streamGraph";
import { NodePanel } from "./NodePanel";
import type { RuleCatalogue } from "./RulesEditor";
import { StreamCanvas, TYPE_ICONS, type CanvasHandle } from "./StreamCanvas";
import { StreamList } from "./StreamList";
import { StreamSettings } from "./StreamSettings";
import { DesignerPlanBar } from "./DesignerPlanBar";
import { useDesignerPlan } from "./useDesignerPlan";
import { notActivatedText } from "./activation";
import { useStreamProblemCheck, useSuitedContent } from "./useStreamChecks";
import { clearStreamDraft, readStreamDraft, useStreamDraft, type Editable } from "./useStreamDraft";

/** The stream opened: its id once saved, a key per opening, and the stream as saved (or as first opened). */
type Opened = { id: number | null; key: string; baseline: string };
/** A line above the canvas; `saved` ones go once the stream changes again; `action` is a link beside the text. */
type Notice = { text: string; bad?: boolean; saved?: boolean; action?: { label: string; run: () => void } };

type Props = {
  /** The open workspace (its path), whose drafts the designer keeps. */
  workspaceKey: string;
  /** False while another tab is shown: the designer stays mounted but hidden. */
  active: boolean;
  streams: Stream[];
  templates: StreamTemplate[];
  content: ContentItem[];
  rules: RuleCatalogue;
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const snapshot = (e: Editable) => JSON.stringify(e);
let openCounter = 0;

function editableOf(stream: {
  name: string;
  priority: number;
  is_active: boolean;
  definition: StreamDefinition;
}): Editable {
  return {
    meta: { name: stream.name, priority: stream.priority, is_active: stream.is_active },
    definition: structuredClone(stream.definition),
  };
}

/** The stream as drawn, as the backend wants it (id -1 when unsaved). */
function asStream(id: number | null, e: Editable): Stream {
  return {
    id: id ?? -1,
    name: e.meta.name,
    priority: e.meta.priority,
    is_active: e.meta.is_active,
    definition: e.definition,
  };
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));

export function DesignerTab({ workspaceKey, active, streams, templates, content, rules }: Props) {
  const [opened, setOpened] = useState<Opened>({ id: null, key: "none", baseline: "" });
  const [history, setHistory] = useState<History<Editable>>(() =>
    historyOf(editableOf({ name: "New stream", priority: 0, is_active: false, definition: blankDefinition() })),
  );
  const [revision, setRevision] = useState(0);
  const [selectedNodes, setSelectedNodes] = useState<string[]>([]);
  const [selectedEdges, setSelectedEdges] = useState<string[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const clipboard = useRef<Clipboard | null>(null);
  const pastes = useRef(0);
  const canvas = useRef<CanvasHandle>(null);
  const initialised = useRef(false);

  const present = history.present;
  const definition = present.definition;
  const currentJson = snapshot(present);
  /** Edited since opened or saved: the work a switch would lose. */
  const edited = opened.key !== "none" && currentJson !== opened.baseline;
  const dirty = opened.id === null || edited;
  const { dropPendingWrite } = useStreamDraft(workspaceKey, opened.id, present.meta.name, edited, present);

  /**
   * Opens `editable` as the stream `id`. A note replaces the notice (the empty one clears it); without one, edits
   * just discarded can be reopened. `baseline` is the stream as saved when `editable` is a restored draft.
   */
  const open = useCallback(
    (id: number | null, editable: Editable, note?: string | Notice, baseline?: Editable) => {
      const previous = history.present;
      const wasEdited = opened.key !== "none" && snapshot(previous) !== opened.baseline;
      if (wasEdited && note === undefined) {
        const prevOpened = opened;
        setNotice({
          text: `Discarded the unsaved changes to “${previous.meta.name}”.`,
          action: {
            label: "Reopen them",
            run: () => {
              setOpened(prevOpened);
              setHistory(historyOf(previous));
              setSelectedNodes([]);
              setRevision((r) => r + 1);
              setNotice(null);
            },
          },
        });
      } else setNotice(typeof note === "string" ? (note ? { text: note } : null) : (note ?? null));
      setHistory(historyOf(editable));
      setOpened({ id, key: `${id ?? "new"}-${++openCounter}`, baseline: snapshot(baseline ?? editable) });
      setSelectedNodes([]);
      setSelectedEdges([]);
      setRevision((r) => r + 1);
      setConfirmDelete(false);
    },
    [opened, history],
  );

  /**
   * Opens a saved stream (`stream`) or a new one (`id` null), with the draft kept for it if there is one: restored
   * with a notice that says so and offers to discard it.
   */
  const openWithDraft = useCallback(
    (id: number | null, saved: Editable, note?: string) => {
      const draft = readStreamDraft(workspaceKey, id);
      if (!draft || snapshot(draft.value.editable) === snapshot(saved)) {
        if (draft) clearStreamDraft(workspaceKey, id);
        return open(id, saved, note);
      }
      const when = new Date(draft.savedAt).toLocaleString();
      const restored = draft.value.editable;
      open(
        id,
        restored,
        {
          text: `Restored your unsaved changes to “${restored.meta.name}” from ${when}.`,
          action: {
            label: "Discard them",
            run: () => {
              clearStreamDraft(workspaceKey, id);
              open(id, saved, `Discarded the unsaved changes to “${restored.meta.name}”.`);
            },
          },
        },
        id === null ? undefined : saved,
      );
      // A restored new stream is unsaved work although nothing was edited since.
      if (id === null) setOpened((o) => ({ ...o, baseline: "" }));
    },
    [workspaceKey, open],
  );

  // Open the first stream (highest priority) when the tab is first shown, or the stream with unsaved work kept
  // from last time.
  useEffect(() => {
    if (initialised.current) return;
    const blank = editableOf({ name: "New stream", priority: 0, is_active: false, definition: blankDefinition() });
    // A draft that holds the stream as saved is no unsaved work (openWithDraft drops it): it must not win over one
    // that does.
    const withDraft = streams.find((s) => {
      const draft = readStreamDraft(workspaceKey, s.id);
      return draft !== null && snapshot(draft.value.editable) !== snapshot(editableOf(s));
    });
    if (readStreamDraft(workspaceKey, null)) {
      initialised.current = true;
      openWithDraft(null, blank, "");
    } else if (withDraft) {
      initialised.current = true;
      openWithDraft(withDraft.id, editableOf(withDraft), "");
    } else if (streams.length > 0) {
      initialised.current = true;
      open(streams[0].id, editableOf(streams[0]), "");
    }
  }, [streams, open, openWithDraft, workspaceKey]);

  // A "Saved" notice goes as soon as the stream changes again.
  useEffect(() => {
    if (notice?.saved && dirty) setNotice(null);
  }, [notice, dirty]);

  // Edits.
  const edit = useCallback((change: (e: Editable) => Editable) => setHistory((h) => push(h, change(h.present))), []);
  const editDefinition = useCallback(
    (change: (d: StreamDefinition) => StreamDefinition) => edit((e) => ({ ...e, definition: change(e.definition) })),
    [edit],
  );
  const doUndo = useCallback(() => {
    setHistory((h) => undo(h));
    setRevision((r) => r + 1);
  }, []);
  const doRedo = useCallback(() => {
    setHistory((h) => redo(h));
    setRevision((r) => r + 1);
  }, []);

  // Names for node titles.
  const contentTitles = useMemo(() => new Map(content.map((c) => [c.id, c.title])), [content]);
  const streamNames = useMemo(() => new Map(streams.map((s) => [s.id, s.name])), [streams]);
  const title = useCallback(
    (action: NodeAction) =>
      nodeTitle(action, { content: (id) => contentTitles.get(id), stream: (id) => streamNames.get(id) }),
    [contentTitles, streamNames],
  );

  // What the backend says about the stream as drawn: problems, content suited to its audience, a plan.
  const drawn = useMemo(() => asStream(opened.id, present), [opened.id, present]);
  const streamJson = useMemo(() => JSON.stringify(drawn), [drawn]);
  const { problems, checkedStream: problemsChecked } = useStreamProblemCheck(opened.key, streamJson);
  const grouped = useMemo(() => groupProblems(problems), [problems]);
  const suited = useSuitedContent(definition.entry_segments, content);
  const plan = useDesignerPlan(opened.key, opened.id, drawn, streams);
  const { stale, nodeCounts, edgeCounts } = plan;

  // Undo/redo can remove selected steps: keep the selection to what exists.
  useEffect(() => {
    const ids = new Set(definition.nodes.map((n) => n.id));
    const edgeIds = new Set(definition.edges.map((e) => e.id));
    setSelectedNodes((sel) => (sel.every((id) => ids.has(id)) ? sel : sel.filter((id) => ids.has(id))));
    setSelectedEdges((sel) => (sel.every((id) => edgeIds.has(id)) ? sel : sel.filter((id) => edgeIds.has(id))));
  }, [definition]);

  // The flow.
  const selectedNodeSet = useMemo(() => new Set(selectedNodes), [selectedNodes]);
  const selectedEdgeSet = useMemo(() => new Set(selectedEdges), [selectedEdges]);
  const flow = useMemo(
    () =>
      toFlow(definition, {
        title,
        problems: grouped.byNode,
        nodeCounts,
        edgeCounts,
        stale,
        selectedNodes: selectedNodeSet,
        selectedEdges: selectedEdgeSet,
      }),
    [definition, title, grouped, nodeCounts, edgeCounts, stale, selectedNodeSet, selectedEdgeSet],
  );

  const onMove = useCallback(
    (positions: Map<string, { x: number; y: number }>) =>
      setHistory((h) => replace(h, { ...h.present, definition: moveNodes(h.present.definition, positions) })),
    [],
  );
  const onDragStart = useCallback(() => setHistory((h) => checkpoint(h)), []);
  const onSelect = useCallback((nodes: string[], edges: string[]) => {
    setSelectedNodes(nodes);
    setSelectedEdges(edges);
  }, []);
  const onConnect = useCallback(
    (source: string, handle: string | null, target: string) =>
      editDefinition((d) => connect(d, source, handle, target)),
    [editDefinition],
  );

  const hints = useMemo(
    () => ({
      contentId: suited.suited[0]?.id ?? content[0]?.id,
      field: rules.fields.find((f) => f.key === "buying_stage")?.key ?? rules.fields[0]?.key,
      streamId: streams.find((s) => s.id !== opened.id)?.id,
      eventType: rules.eventTypes[0]?.event_type,
    }),
    [suited, content, rules, streams, opened.id],
  );
  const add = useCallback(
    (type: NodeType, at?: { x: number; y: number }) => {
      const after = at ? null : (selectedNodes[selectedNodes.length - 1] ?? null);
      const result = addNode(history.present.definition, defaultAction(type, hints), after, at);
      setHistory((h) => push(h, { ...h.present, definition: result.definition }));
      setSelectedNodes([result.id]);
      setSelectedEdges([]);
      const placed = result.definition.nodes.find((n) => n.id === result.id);
      if (placed) setTimeout(() => canvas.current?.reveal(placed), 30);
    },
    [history.present.definition, selectedNodes, hints],
  );
  const deleteSelected = useCallback(() => {
    if (selectedNodes.length === 0 && selectedEdges.length === 0) return;
    editDefinition((d) => removeEdges(removeNodes(d, selectedNodes), selectedEdges));
    setSelectedNodes([]);
    setSelectedEdges([]);
  }, [selectedNodes, selectedEdges, editDefinition]);
  const copy = useCallback(() => {
    const clip = copyNodes(history.present.definition, selectedNodes);
    if (clip) {
      clipboard.current = clip;
      pastes.current = 0;
      setNotice({ text: `Copied ${clip.nodes.length} ${clip.nodes.length === 1 ? "step" : "steps"}.` });
    }
  }, [history.present.definition, selectedNodes]);
  const paste = useCallback(() => {
    if (!clipboard.current) return;
    // Each paste lands one node-width further right of the copied steps, so copies never cover them.
    pastes.current += 1;
    const result = pasteNodes(history.present.definition, clipboard.current, {
      x: pastes.current * (NODE_WIDTH + 40),
      y: 0,
    });
    setHistory((h) => push(h, { ...h.present, definition: result.definition }));
    setSelectedNodes(result.ids);
    setSelectedEdges([]);
  }, [history.present.definition]);
  const layout = () => {
    editDefinition(autoLayout);
    setTimeout(() => canvas.current?.fit(), 60);
  };

  // Keyboard shortcuts (not while typing in a field).
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!active || isTyping(event.target) || !root.current?.isConnected) return;
      if (document.querySelector(".modal-backdrop")) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === "z") {
        event.preventDefault();
        if (event.shiftKey) doRedo();
        else doUndo();
      } else if (mod && key === "y") {
        event.preventDefault();
        doRedo();
      } else if (mod && key === "c") copy();
      else if (mod && key === "v") paste();
      else if (event.key === "Delete" || event.key === "Backspace") deleteSelected();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, doUndo, doRedo, copy, paste, deleteSelected]);

  // Stream actions: each write asks for the stream list again.
  const queryClient = useQueryClient();
  const saveStream = useSaveStream();
  const importStream = useImportStream();
  const deleteStreamById = useDeleteStream();
  // Switching to another stream asks first when the opened one has unsaved changes.
  const startNew = async () => {
    if (!(await confirmLeave())) return;
    openWithDraft(
      null,
      editableOf({ name: "New stream", priority: 0, is_active: false, definition: blankDefinition() }),
    );
  };
  const fromTemplate = async (t: StreamTemplate) => {
    if (!(await confirmLeave())) return;
    open(null, editableOf({ name: t.name, priority: t.priority, is_active: false, definition: t.definition }));
  };
  const openSaved = async (stream: Stream) => {
    if (stream.id === opened.id || !(await confirmLeave())) return;
    openWithDraft(stream.id, editableOf(stream));
  };
  const save = async () => {
    try {
      const { stream: saved, not_activated: blocked } = await saveStream.mutateAsync({
        id: opened.id,
        draft: {
          name: present.meta.name,
          priority: present.meta.priority,
          is_active: present.meta.is_active,
          definition: present.definition,
        },
      });
      dropPendingWrite();
      clearStreamDraft(workspaceKey, opened.id);
      clearStreamDraft(workspaceKey, saved.id);
      setOpened((o) => ({ ...o, id: saved.id, baseline: snapshot(editableOf(saved)) }));
      setHistory((h) => replace(h, editableOf(saved)));
      if (blocked.length > 0) setNotice({ text: notActivatedText(saved.name, blocked, title, definition), bad: true });
      else setNotice({ text: `Saved “${saved.name}”${saved.is_active ? " (active)" : " (inactive)"}.`, saved: true });
    } catch (e) {
      setNotice({ text: message(e), bad: true });
    }
  };
  const importJson = async () => {
    if (!(await confirmLeave())) return;
    try {
      const path = await ipc.pickJsonFile();
      if (!path) return;
      const stream = await importStream.mutateAsync(path);
      open(stream.id, editableOf(stream), `Imported “${stream.name}” (inactive).`);
    } catch (e) {
      setNotice({ text: message(e), bad: true });
    }
  };
  const exportJson = async () => {
    if (opened.id === null) return;
    try {
      const path = await ipc.pickJsonSavePath(csvFileName(present.meta.name).replace(/\.csv$/, ".json"));
      if (!path) return;
      await ipc.streamExport(opened.id, path);
      setNotice({
        text: `Exported the saved “${present.meta.name}” to ${path}${dirty ? " (unsaved changes not included)" : ""}.`,
      });
    } catch (e) {
      setNotice({ text: message(e), bad: true });
    }
  };
  const deleteStream = async () => {
    if (opened.id === null) return;
    if (!confirmDelete) return setConfirmDelete(true);
    try {
      await deleteStreamById.mutateAsync(opened.id);
      const list = queryClient.getQueryData<Stream[]>(queryKeys.streams) ?? [];
      const name = present.meta.name;
      if (list[0]) open(list[0].id, editableOf(list[0]), `Deleted “${name}”.`);
      else
        open(
          null,
          editableOf({ name: "New stream", priority: 0, is_active: false, definition: blankDefinition() }),
          `Deleted “${name}”.`,
        );
    } catch (e) {
      setConfirmDelete(false);
      setNotice({ text: message(e), bad: true });
    }
  };

  // Streams whose unsaved changes are kept (the opened one while it differs from what was saved).
  const withDrafts = new Set(
    streams
      .filter((s) => (s.id === opened.id ? edited : readStreamDraft(workspaceKey, s.id) !== null))
      .map((s) => s.id),
  );
  const selectedNode = selectedNodes.length === 1 ? definition.nodes.find((n) => n.id === selectedNodes[0]) : undefined;

  return (
    <div className="designer" ref={root}>
      <StreamList
        streams={streams}
        templates={templates}
        openedId={opened.id}
        unsavedName={opened.id === null && opened.key !== "none" ? present.meta.name : null}
        withDrafts={withDrafts}
        onNew={() => void startNew()}
        onTemplate={(t) => void fromTemplate(t)}
        onImport={() => void importJson()}
        onOpen={(stream) => void openSaved(stream)}
      />

      <section className="designer-main">
        <div className="designer-toolbar">
          <div className="designer-title">
            <strong>{present.meta.name || "Untitled"}</strong>
            {dirty && <span className="badge unsaved">{opened.id === null ? "not saved" : "changed"}</span>}
          </div>
          <div className="tool-group">
            <button
              className="small"
              data-testid="stream-undo"
              onClick={doUndo}
              disabled={!canUndo(history)}
              title="Undo (Ctrl+Z)"
            >
              ↶ Undo
            </button>
            <button
              className="small"
              data-testid="stream-redo"
              onClick={doRedo}
              disabled={!canRedo(history)}
              title="Redo (Ctrl+Shift+Z)"
            >
              ↷ Redo
            </button>
            <button
              className="small"
              data-testid="stream-layout"
              onClick={layout}
              title="Arrange the steps top to bottom"
            >
              Layout
            </button>
            <button
              className="small"
              data-testid="stream-fit"
              onClick={() => canvas.current?.fit()}
              title="Zoom to fit"
            >
              Fit
            </button>
            <button
              className="small"
              data-testid="stream-copy"
              onClick={copy}
              disabled={selectedNodes.length === 0}
              title="Copy the selected steps (Ctrl+C)"
            >
              Copy
            </button>
            <button className="small" data-testid="stream-paste" onClick={paste} title="Paste (Ctrl+V)">
              Paste
            </button>
            <button
              className="small"
              data-testid="stream-delete-node"
              onClick={deleteSelected}
              disabled={selectedNodes.length === 0 && selectedEdges.length === 0}
              title="Delete the selection (Delete)"
            >
              Delete step
            </button>
          </div>
          <div className="tool-group right">
            <button className="small primary" data-testid="stream-save" onClick={() => void save()}>
              Save
            </button>
            <button
              className="small"
              data-testid="stream-export-json"
              onClick={() => void exportJson()}
              disabled={opened.id === null}
              title="Export the saved stream as JSON"
            >
              Export
            </button>
            <button
              className={confirmDelete ? "small danger" : "small"}
              data-testid="stream-delete"
              onClick={() => void deleteStream()}
              disabled={opened.id === null}
              onBlur={() => setConfirmDelete(false)}
            >
              {confirmDelete ? "Really delete?" : "Delete"}
            </button>
          </div>
        </div>
        <div className="palette" aria-label="Add a step">
          {PALETTE_TYPES.map((type) => (
            <button
              key={type}
              className={`palette-item type-${type}`}
              data-testid={`palette-${type}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData("application/x-leadstream-node", type);
                e.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => add(type)}
              title={`${TYPE_LABELS[type]}: click to add below the selected step, or drag onto the canvas`}
            >
              <span aria-hidden>{TYPE_ICONS[type]}</span> {PALETTE_LABELS[type]}
            </button>
          ))}
        </div>
        {notice && (
          <div
            className={notice.bad ? "designer-notice bad" : "designer-notice"}
            data-testid="stream-notice"
            role={notice.bad ? "alert" : "status"}
          >
            <span>{notice.text}</span>
            <span>
              {notice.action && (
                <button className="link" data-testid="stream-notice-action" onClick={notice.action.run}>
                  {notice.action.label}
                </button>
              )}
              <button className="link" onClick={() => setNotice(null)} aria-label="Dismiss this message">
                ✕
              </button>
            </span>
          </div>
        )}
        <div
          className={`problem-box${problems.length ? " has" : ""}`}
          data-testid="stream-problems"
          data-count={problems.length}
          data-checked={problemsChecked === streamJson ? "yes" : "no"}
        >
          {problems.length === 0 && problemsChecked !== streamJson ? (
            <span className="muted">Checking for problems…</span>
          ) : problems.length === 0 ? (
            <span className="ok">✓ No problems</span>
          ) : (
            <>
              <strong>
                {problems.length} {problems.length === 1 ? "problem" : "problems"}
              </strong>
              {grouped.stream.map((p, i) => (
                <div key={i} className="stream-problem" data-testid="stream-problem">
                  {p}
                </div>
              ))}
              {grouped.byNode.size > 0 && (
                <div className="muted small">{[...grouped.byNode.values()].flat().length} marked on their steps</div>
              )}
            </>
          )}
        </div>
        <div className="canvas-wrap">
          <ReactFlowProvider>
            <StreamCanvas
              nodes={flow.nodes}
              edges={flow.edges}
              onMove={onMove}
              onDragStart={onDragStart}
              onSelect={onSelect}
              onConnect={onConnect}
              onDropType={(type, at) => add(type, at)}
              canvasRef={canvas}
              streamKey={opened.key}
            />
          </ReactFlowProvider>
        </div>
        {active && <DesignerPlanBar plan={plan} />}
      </section>

      <aside className="designer-panel">
        {selectedNode ? (
          <NodePanel
            node={selectedNode}
            definition={definition}
            title={(n) => title(n.action)}
            problems={grouped.byNode.get(selectedNode.id) ?? []}
            onAction={(action) => editDefinition((d) => setAction(d, selectedNode.id, action))}
            onConnect={(handle, target) => editDefinition((d) => connect(d, selectedNode.id, handle, target))}
            onDelete={deleteSelected}
            content={suited}
            streams={streams}
            currentStreamId={opened.id}
            fields={rules.fields}
            rules={rules}
            revision={revision}
          />
        ) : selectedNodes.length > 1 ? (
          <div className="node-panel">
            <h3>{selectedNodes.length} steps selected</h3>
            <p className="hint">Copy, paste or delete them with the toolbar or the keyboard.</p>
          </div>
        ) : (
          <StreamSettings
            meta={present.meta}
            definition={definition}
            onMeta={(meta) => edit((e) => ({ ...e, meta }))}
            onDefinition={(d) => editDefinition(() => d)}
            rules={rules}
            problems={grouped.stream}
            revision={revision}
            streamKey={opened.key}
          />
        )}
      </aside>
    </div>
  );
}
