// The day's upkeep that runs beside the app after a workspace opens (today's lead scores and segment
// history): whether it still runs, and every cached answer asked again when it changed something.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { ipc } from "./ipc";

export type Upkeep = {
  /** The open workspace's day's upkeep still runs. */
  running: boolean;
  /** How many upkeeps changed something since the app started: a version for caches outside the query client. */
  changes: number;
};

/**
 * Whether the open workspace's day's upkeep still runs. When one ends having re-run the scores or
 * recorded the history, every cached query is invalidated and `changes` moves: the views show today's
 * scores. `workspace` names the open workspace (null: none); the backend is asked again for each one
 * opened.
 */
export function useDailyUpkeep(workspace: string | null): Upkeep {
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(false);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    if (workspace === null) return;
    let live = true;
    const ask = () =>
      ipc.workspaceUpkeepRunning().then(
        (now) => {
          if (live) setRunning(now);
        },
        // The note is a courtesy: a failed question leaves it as it is.
        () => undefined,
      );
    const unlisten = ipc.onDailyUpkeepDone((upkeep) => {
      if (upkeep.scores_refreshed || upkeep.history_recorded) {
        void queryClient.invalidateQueries();
        setChanges((n) => n + 1);
      }
      void ask();
    });
    // Asked once listening, so an upkeep that ends meanwhile is either heard or seen ended.
    void unlisten.then(ask);
    return () => {
      live = false;
      void unlisten.then((stop) => stop());
    };
  }, [workspace, queryClient]);
  return { running, changes };
}
