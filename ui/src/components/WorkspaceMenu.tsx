// The workspace menu in the top bar: shows the open workspace and switches to
// a recent one, the demo, a file, or the start screen to create a new one;
// and quits the app.
// It behaves as a menu button: arrow keys move through the items, Escape or
// a click outside closes it, and focus goes back to its button.
import { useCallback, useEffect, useRef, useState } from "react";

import type { RecentWorkspace } from "../bindings/RecentWorkspace";
import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { formatCount } from "../lib/format";
import { ipc } from "../lib/ipc";
import { openDemoAsking, openWorkspaceAsking } from "../features/workspace/passphrasePrompt";

type Props = {
  workspace: WorkspaceInfo;
  recent: RecentWorkspace[];
  onSwitch: (open: () => Promise<WorkspaceInfo>) => void;
  onShowStart: () => void;
  onError: (error: unknown) => void;
};

/** The index of the item a navigation key moves to, among `count` items; null for other keys. */
export function nextMenuIndex(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowDown":
      return current < 0 ? 0 : (current + 1) % count;
    case "ArrowUp":
      return current < 0 ? count - 1 : (current - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

export function WorkspaceMenu({ workspace, recent, onSwitch, onShowStart, onError }: Props) {
  const [open, setOpen] = useState(false);
  const [eventCount, setEventCount] = useState<number | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

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

  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  /** Closes the menu; `refocus` puts focus back on the menu button. */
  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  }, []);

  // Opening moves focus to the first item, as a menu button does.
  useEffect(() => {
    if (open) items()[0]?.focus();
  }, [open]);

  // A click anywhere outside closes the menu. Focus returns to the button
  // unless the click put it somewhere else (an input, another button).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: MouseEvent) => {
      if (root.current?.contains(event.target as Node)) return;
      setOpen(false);
      requestAnimationFrame(() => {
        const focused = document.activeElement;
        if (!focused || focused === document.body) button.current?.focus();
      });
    };
    document.addEventListener("mousedown", onPointerDown);
    return () => document.removeEventListener("mousedown", onPointerDown);
  }, [open]);

  const onMenuKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
      return;
    }
    if (event.key === "Tab") {
      setOpen(false);
      return;
    }
    const list = items();
    const next = nextMenuIndex(event.key, list.indexOf(document.activeElement as HTMLElement), list.length);
    if (next === null) return;
    event.preventDefault();
    list[next]?.focus();
  };

  const choose = (action: () => void) => {
    setOpen(false);
    action();
  };
  const others = recent.filter((r) => r.path !== workspace.path && r.exists);

  return (
    <div className="workspace-menu" ref={root}>
      <button
        ref={button}
        className="workspace-button"
        data-testid="workspace-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? "workspace-menu-items" : undefined}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          } else if (event.key === "Escape" && open) {
            close(true);
          }
        }}
      >
        <span data-testid="workspace-name">{workspace.name}</span>
        <span className="muted">
          {formatCount(workspace.lead_count)} leads
          {eventCount !== null && ` · ${formatCount(eventCount)} events`}
        </span>
        <span aria-hidden>▾</span>
      </button>
      {open && (
        <div
          className="menu"
          role="menu"
          id="workspace-menu-items"
          aria-label="Workspace"
          data-testid="workspace-menu-items"
          ref={menu}
          onKeyDown={onMenuKeyDown}
        >
          <button role="menuitem" tabIndex={-1} data-testid="menu-new" onClick={() => choose(onShowStart)}>
            New workspace…
          </button>
          <button
            role="menuitem"
            tabIndex={-1}
            data-testid="menu-open"
            onClick={() =>
              choose(async () => {
                // Cancelling the dialog leaves everything as it is.
                const path = await ipc.pickWorkspaceFile().catch(onError);
                if (path) onSwitch(() => openWorkspaceAsking(path));
              })
            }
          >
            Open workspace file…
          </button>
          <button
            role="menuitem"
            tabIndex={-1}
            data-testid="menu-demo"
            onClick={() => choose(() => onSwitch(openDemoAsking))}
          >
            Open demo workspace
          </button>
          {others.length > 0 && (
            <div role="group" aria-label="Recent workspaces" className="menu-group">
              <div className="menu-heading" aria-hidden>
                Recent
              </div>
              {others.map((item) => (
                <button
                  key={item.path}
                  role="menuitem"
                  tabIndex={-1}
                  title={item.path}
                  onClick={() => choose(() => onSwitch(() => openWorkspaceAsking(item.path)))}
                >
                  {item.name}
                </button>
              ))}
            </div>
          )}
          <div role="separator" className="menu-separator" />
          <button
            role="menuitem"
            tabIndex={-1}
            data-testid="menu-quit"
            onClick={() => choose(() => void ipc.appQuit().catch(onError))}
          >
            Quit Leadstream
          </button>
        </div>
      )}
    </div>
  );
}
