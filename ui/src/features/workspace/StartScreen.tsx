// The start screen (the page's main landmark): create a workspace by name,
// open a file, open the demo, or pick a recently opened workspace.
import { useState } from "react";

import iconUrl from "../../../../icons/icon.svg";
import type { RecentWorkspace } from "../../bindings/RecentWorkspace";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { ipc } from "../../lib/ipc";
import { openDemoAsking, openWorkspaceAsking } from "./passphrasePrompt";

type Props = {
  recent: RecentWorkspace[];
  workspacesDir: string;
  onSwitch: (open: () => Promise<WorkspaceInfo>) => Promise<void>;
  onCancel?: () => void;
};

export function StartScreen({ recent, workspacesDir, onSwitch, onCancel }: Props) {
  const [name, setName] = useState("");

  const create = (event: React.FormEvent) => {
    event.preventDefault();
    if (name.trim()) void onSwitch(() => ipc.workspaceCreate(name));
  };
  // Cancelling the dialog is not an error: nothing happens.
  const openFile = async () => {
    const path = await ipc.pickWorkspaceFile();
    if (path) void onSwitch(() => openWorkspaceAsking(path));
  };

  return (
    <main className="start" data-testid="start-screen">
      <div className="start-card">
        <div className="start-title">
          <img src={iconUrl} alt="" width={48} height={48} />
          <div>
            <h1>Leadstream</h1>
            <p className="muted">Lead segments and nurture plans. Your data stays on this computer.</p>
          </div>
        </div>

        <form className="start-section" onSubmit={create}>
          <h2>New workspace</h2>
          <div className="row">
            <input
              data-testid="new-workspace-name"
              aria-label="Workspace name"
              placeholder="Workspace name, e.g. Q1 EMEA leads"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={120}
            />
            <button type="submit" className="primary" data-testid="create-workspace" disabled={!name.trim()}>
              Create
            </button>
          </div>
          <p className="hint">Saved in {workspacesDir}</p>
        </form>

        <div className="start-section">
          <h2>Open</h2>
          <div className="row">
            <button data-testid="open-file" onClick={() => void openFile()}>
              Open a workspace file…
            </button>
            <button data-testid="open-demo" onClick={() => void onSwitch(openDemoAsking)}>
              Open the demo workspace
            </button>
            {onCancel && (
              <button className="link" onClick={onCancel}>
                Back
              </button>
            )}
          </div>
        </div>

        {recent.length > 0 && (
          <div className="start-section">
            <h2>Recent</h2>
            <ul className="recent">
              {recent.map((item) => (
                <li key={item.path}>
                  <button
                    className="recent-item"
                    data-testid="recent-item"
                    disabled={!item.exists}
                    title={item.exists ? item.path : `${item.path} (moved or deleted)`}
                    onClick={() => void onSwitch(() => openWorkspaceAsking(item.path))}
                  >
                    <span>{item.name}</span>
                    <span className="muted">{item.exists ? item.path : "moved or deleted"}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </main>
  );
}
