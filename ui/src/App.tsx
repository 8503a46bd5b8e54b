// The app frame: the start screen until a workspace is open, then the skip
// link, the header with the workspace menu (and a note while the day's
// upkeep runs beside the app), the navigation and the current
// view (the home view with the first-run welcome above it). Every error from
// the backend or the UI itself ends up in the error banner.
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";

import type { StartState } from "./bindings/StartState";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";
import { ErrorBanner } from "./components/ErrorBanner";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { UnsavedChangesDialog } from "./components/UnsavedChangesDialog";
import { WorkspaceMenu } from "./components/WorkspaceMenu";
import iconUrl from "../../icons/icon.svg";
import { useDailyUpkeep } from "./lib/dailyUpkeep";
import { ipc, IpcError } from "./lib/ipc";
import { holdIntent, onNavigate } from "./lib/navigation";
import { useRefetchOnNewLeads } from "./lib/newLeads";
import { confirmLeave } from "./lib/unsavedChanges";
import { ImportView } from "./features/import/ImportView";
import { LeadsView } from "./features/leads/LeadsView";
import { PassphrasePrompt } from "./features/workspace/PassphraseDialog";
import { openWorkspaceAsking } from "./features/workspace/passphrasePrompt";
import { StartScreen } from "./features/workspace/StartScreen";
import { Welcome } from "./features/workspace/Welcome";

// The segment builder (react-querybuilder, drag and drop) loads on first use,
// so it does not slow down start-up.
const SegmentsView = lazy(() => import("./features/segments/SegmentsView").then((m) => ({ default: m.SegmentsView })));
// Likewise the stream designer and planner (xyflow, dagre, nivo).
const StreamsView = lazy(() => import("./features/streams/StreamsView").then((m) => ({ default: m.StreamsView })));
// And the Insights view (its charts).
const InsightsView = lazy(() => import("./features/insights/InsightsView").then((m) => ({ default: m.InsightsView })));
// And the Scoring view (its editor and back-test chart).
const ScoringView = lazy(() => import("./features/scoring/ScoringView").then((m) => ({ default: m.ScoringView })));
// And the Strategy view (ICE, goals, reviews, history and their charts).
const StrategyView = lazy(() => import("./features/strategy/StrategyView").then((m) => ({ default: m.StrategyView })));

// And the Quality view (report, duplicates, fixes).
const QualityView = lazy(() => import("./features/quality/QualityView").then((m) => ({ default: m.QualityView })));

// And the Privacy view (people, consent, retention, audit log, backups, encryption).
const PrivacyView = lazy(() => import("./features/privacy/PrivacyView").then((m) => ({ default: m.PrivacyView })));

export type ViewKey =
  "leads" | "import" | "segments" | "streams" | "insights" | "scoring" | "strategy" | "quality" | "privacy";

const NAVIGATION: { key: ViewKey; label: string }[] = [
  { key: "leads", label: "Leads" },
  { key: "import", label: "Import" },
  { key: "segments", label: "Segments" },
  { key: "streams", label: "Streams" },
  { key: "insights", label: "Insights" },
  { key: "scoring", label: "Scoring" },
  { key: "strategy", label: "Strategy" },
  { key: "quality", label: "Quality" },
  { key: "privacy", label: "Privacy" },
];

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}

export function App() {
  const [start, setStart] = useState<StartState | null>(null);
  const [workspace, setWorkspace] = useState<WorkspaceInfo | null>(null);
  const [showStart, setShowStart] = useState(false);
  const [view, setView] = useState<ViewKey>("leads");
  const [error, setError] = useState<string | null>(null);
  const [dropped, setDropped] = useState<{ path: string; at: number } | null>(null);
  const [locked, setLocked] = useState<string | null>(null);
  const report = useCallback((e: unknown) => setError(describe(e)), []);

  const queryClient = useQueryClient();
  const opening = useRefetchOnNewLeads(workspace);
  const upkeep = useDailyUpkeep(workspace ? (workspace.path ?? workspace.name) : null);

  // A file dropped anywhere on the window opens the import wizard.
  useEffect(() => {
    const unlisten = ipc.onFileDrop((paths) => {
      if (paths.length === 0) return;
      void confirmLeave().then((leave) => {
        if (!leave) return;
        setDropped({ path: paths[0], at: Date.now() });
        setView("import");
      });
    });
    return () => {
      void unlisten.then((stop) => stop());
    };
  }, []);

  // Every change of view asks about unsaved work first.
  const openView = useCallback((next: ViewKey) => {
    void confirmLeave().then((leave) => leave && setView(next));
  }, []);
  // A view asked to open another one on something (lib/navigation): the view
  // remounts, and takes the intent as it mounts.
  const [navigations, setNavigations] = useState(0);
  useEffect(
    () =>
      onNavigate((intent) => {
        void confirmLeave().then((leave) => {
          if (!leave) return;
          holdIntent(intent);
          setView(intent.view);
          setNavigations((n) => n + 1);
        });
      }),
    [],
  );
  const main = useRef<HTMLElement>(null);
  // The welcome's buttons go away with it: focus moves on to the content
  // instead of being lost.
  const focusContent = useCallback(() => requestAnimationFrame(() => main.current?.focus()), []);
  const openViewFromWelcome = useCallback(
    (next: ViewKey) => {
      void confirmLeave().then((leave) => {
        if (!leave) return;
        setView(next);
        focusContent();
      });
    },
    [focusContent],
  );

  const refreshWorkspace = useCallback(() => {
    ipc
      .workspaceInfo()
      .then((info) => info && setWorkspace(info))
      .catch(report);
  }, [report]);
  // An import or an undo that went through: an error left by an earlier
  // attempt (an undo refused until a later import is undone) is spent.
  const afterImportOrUndo = useCallback(() => {
    setError(null);
    refreshWorkspace();
  }, [refreshWorkspace]);

  useEffect(() => {
    ipc
      .appStart()
      .then((state) => {
        setStart(state);
        setWorkspace(state.workspace);
        const warnings = state.workspace?.warnings ?? [];
        if (state.error) setError(state.error);
        else if (warnings.length > 0) setError(warnings.join(" "));
        setLocked(state.locked);
      })
      .catch(report);
    const onError = (event: ErrorEvent) => report(event.error ?? event.message);
    const onRejection = (event: PromiseRejectionEvent) => report(event.reason);
    window.addEventListener("error", onError);
    window.addEventListener("unhandledrejection", onRejection);
    return () => {
      window.removeEventListener("error", onError);
      window.removeEventListener("unhandledrejection", onRejection);
    };
  }, [report]);

  const switchTo = useCallback(
    async (open: () => Promise<WorkspaceInfo>) => {
      if (!(await confirmLeave())) return;
      try {
        const info = await open();
        // Nothing cached from the workspace left behind shows in this one, even for a moment
        // (its lead count did, until the refetch came back): every answer is asked again.
        void queryClient.resetQueries();
        opening(info);
        setWorkspace(info);
        setShowStart(false);
        setView("leads");
        setError(info.warnings.length > 0 ? info.warnings.join(" ") : null);
        const recent = await ipc.workspaceRecent();
        setStart((s) => (s ? { ...s, recent } : s));
      } catch (e) {
        // A dismissed passphrase dialog is not an error: nothing happens.
        if (e instanceof IpcError && e.kind === "cancelled") return;
        report(e);
      }
    },
    [queryClient, report, opening],
  );

  // The launch workspace is protected: ask for its passphrase (the start screen stays behind the dialog).
  useEffect(() => {
    if (locked) void switchTo(() => openWorkspaceAsking(locked));
  }, [locked, switchTo]);

  if (!start) {
    return (
      <div className="loading" data-testid="loading">
        <ErrorBanner message={error} onDismiss={() => setError(null)} />
        Opening your workspace…
      </div>
    );
  }

  if (!workspace || showStart) {
    return (
      <div className="start-page">
        <ErrorBanner message={error} onDismiss={() => setError(null)} />
        <PassphrasePrompt />
        <StartScreen
          recent={start.recent}
          workspacesDir={start.workspaces_dir}
          onSwitch={switchTo}
          onCancel={workspace ? () => setShowStart(false) : undefined}
        />
      </div>
    );
  }

  return (
    <div className="frame">
      <a
        className="skip-link"
        href="#main-content"
        data-testid="skip-link"
        onClick={(event) => {
          event.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <h1 className="brand">
          <img src={iconUrl} alt="" width={22} height={22} />
          Leadstream
        </h1>
        {upkeep.running && (
          <span className="upkeep-note" role="status" data-testid="daily-upkeep">
            Updating today's lead scores…
          </span>
        )}
        <WorkspaceMenu
          workspace={workspace}
          recent={start.recent}
          onSwitch={switchTo}
          onShowStart={() => void confirmLeave().then((leave) => leave && setShowStart(true))}
          onError={report}
        />
      </header>
      <ErrorBanner message={error} onDismiss={() => setError(null)} />
      <UnsavedChangesDialog />
      <PassphrasePrompt />
      <div className="body">
        <nav className="sidebar" aria-label="Main">
          {NAVIGATION.map((item) => (
            <button
              key={item.key}
              className={view === item.key ? "nav-item active" : "nav-item"}
              aria-current={view === item.key ? "page" : undefined}
              data-testid={`nav-${item.key}`}
              onClick={() => openView(item.key)}
            >
              {item.label}
            </button>
          ))}
        </nav>
        <main className="content" id="main-content" tabIndex={-1} ref={main} data-testid="main-content">
          <ErrorBoundary onError={report}>
            {view === "leads" ? (
              <>
                <Welcome
                  workspace={workspace.path ?? workspace.name}
                  leadCount={workspace.lead_count}
                  onOpen={openViewFromWelcome}
                  onDismissed={focusContent}
                  onError={report}
                />
                <LeadsView
                  key={`${workspace.path ?? workspace.name}#${navigations}`}
                  workspace={workspace}
                  dataVersion={upkeep.changes}
                  onError={report}
                />
              </>
            ) : view === "import" ? (
              <ImportView
                key={workspace.path ?? workspace.name}
                droppedPath={dropped}
                onImported={afterImportOrUndo}
                onError={report}
              />
            ) : view === "segments" ? (
              <Suspense fallback={<div className="loading">Loading the segment builder…</div>}>
                <SegmentsView
                  key={`${workspace.path ?? workspace.name}#${navigations}`}
                  workspace={workspace}
                  onError={report}
                />
              </Suspense>
            ) : view === "streams" ? (
              <Suspense fallback={<div className="loading">Loading the stream designer…</div>}>
                <StreamsView key={workspace.path ?? workspace.name} workspace={workspace} onError={report} />
              </Suspense>
            ) : view === "scoring" ? (
              <Suspense fallback={<div className="loading">Loading scoring…</div>}>
                <ScoringView key={workspace.path ?? workspace.name} workspace={workspace} onError={report} />
              </Suspense>
            ) : view === "quality" ? (
              <Suspense fallback={<div className="loading">Loading quality…</div>}>
                <QualityView
                  key={`${workspace.path ?? workspace.name}#${navigations}`}
                  workspace={workspace}
                  onLeadCountChanged={refreshWorkspace}
                  onError={report}
                />
              </Suspense>
            ) : view === "privacy" ? (
              <Suspense fallback={<div className="loading">Loading privacy…</div>}>
                <PrivacyView
                  key={`${workspace.path ?? workspace.name}#${navigations}`}
                  workspace={workspace}
                  onDataChanged={refreshWorkspace}
                  onError={report}
                />
              </Suspense>
            ) : view === "strategy" ? (
              <Suspense fallback={<div className="loading">Loading strategy…</div>}>
                <StrategyView
                  key={`${workspace.path ?? workspace.name}#${navigations}`}
                  workspace={workspace}
                  onError={report}
                />
              </Suspense>
            ) : (
              <Suspense fallback={<div className="loading">Loading insights…</div>}>
                <InsightsView
                  key={`${workspace.path ?? workspace.name}#${navigations}`}
                  workspace={workspace}
                  onError={report}
                />
              </Suspense>
            )}
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
