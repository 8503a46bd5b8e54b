// The workspace menu in the top bar: shows the open workspace and switches to
// a recent one, the demo, a file, or the start screen to create a new one.
import { useEffect, useRef, useState } from "react";

import type { RecentWorkspace } from "../bindings/RecentWorkspace";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { formatCount } from "../lib/format";
import { ipc } from "../lib/ipc";

type Props = {
  workspace: WorkspaceInfo;
  recent: RecentWorkspace[];
  onSwitch: (open: () => Promise<WorkspaceInfo>) => void;
  onShowStart: () => void;
  onError: (error: unknown) => void;
};

export function WorkspaceMenu({ workspace, recent, onSwitch, onShowStart, onError }: Props) {
  const [open, setOpen] = useState(false);
  const [eventCount, setEventCount] = useState<number | null>(null);
  const root = useRef<HTMLDivElement>(null);

  // Counting events reads a lot on a big cold file: ask after the first paint.
  useEffect(() => {
    let live = true;
    setEventCount(null);
    ipc
      .workspaceEventCount()
      .then((n) => live && setEventCount(n))
      .catch(onError);
    return () => {
      live = false;
    };
  }, [workspace.path, workspace.lead_count, onError]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  const choose = (action: () => void) => {
    setOpen(false);
    action();
  };
  const others = recent.filter((r) => r.path !== workspace.path && r.exists);

  return (
    <div className="workspace-menu" ref={root}>
      <button className="workspace-button" data-testid="workspace-menu" onClick={() => setOpen(!open)}>
        <span data-testid="workspace-name">{workspace.name}</span>
        <span className="muted">
          {formatCount(workspace.lead_count)} leads
          {eventCount !== null && ` · ${formatCount(eventCount)} events`}
        </span>
        <span aria-hidden>▾</span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <button role="menuitem" data-testid="menu-new" onClick={() => choose(onShowStart)}>
            New workspace…
          </button>
          <button
            role="menuitem"
            data-testid="menu-open"
            onClick={() =>
              choose(async () => {
                // Cancelling the dialog leaves everything as it is.
                const path = await ipc.pickWorkspaceFile().catch(onError);
                if (path) onSwitch(() => ipc.workspaceOpen(path));
              })
            }
          >
            Open workspace file…
          </button>
          <button role="menuitem" data-testid="menu-demo" onClick={() => choose(() => onSwitch(ipc.workspaceOpenDemo))}>
            Open demo workspace
          </button>
          {others.length > 0 && <div className="menu-heading">Recent</div>}
          {others.map((item) => (
            <button
              key={item.path}
              role="menuitem"
              title={item.path}
              onClick={() => choose(() => onSwitch(() => ipc.workspaceOpen(item.path)))}
            >
              {item.name}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
