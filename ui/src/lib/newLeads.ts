// Cached backend answers follow the open workspace's leads: new leads in it ask every answer again.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";

import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";

type Seen = { path: string | null; leadCount: number | undefined };

function seen(workspace: WorkspaceInfo | null): Seen {
  return { path: workspace ? (workspace.path ?? workspace.name) : null, leadCount: workspace?.lead_count };
}

/**
 * Invalidates every cached query when the open workspace's lead count changes (an import, an
 * erasure). A switch needs nothing here: it resets the cache before it shows, and the launch has
 * none, so invalidating as well would ask every answer twice. The returned function tells the
 * hook about a workspace a switch opens, before it shows: the same file opened again with more
 * leads (another process imported meanwhile) is a switch too.
 */
export function useRefetchOnNewLeads(workspace: WorkspaceInfo | null): (opened: WorkspaceInfo) => void {
  const queryClient = useQueryClient();
  const { path, leadCount } = seen(workspace);
  const previous = useRef<Seen>({ path, leadCount });
  useEffect(() => {
    const before = previous.current;
    previous.current = { path, leadCount };
    if (before.path === path && before.leadCount !== leadCount) void queryClient.invalidateQueries();
  }, [queryClient, path, leadCount]);
  return useCallback((opened: WorkspaceInfo) => {
    previous.current = seen(opened);
  }, []);
}
