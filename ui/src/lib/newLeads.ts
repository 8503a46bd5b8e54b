// Cached backend answers follow the open workspace's leads: new leads in it ask every answer again.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";

/**
 * Invalidates every cached query when the open workspace's lead count changes (an import, an
 * erasure). Another workspace needs nothing here: the switch resets the cache before it shows,
 * and the launch has none, so invalidating as well would ask every answer twice.
 */
export function useRefetchOnNewLeads(workspace: WorkspaceInfo | null) {
  const queryClient = useQueryClient();
  const path = workspace ? (workspace.path ?? workspace.name) : null;
  const leadCount = workspace?.lead_count;
  const previous = useRef({ path, leadCount });
  useEffect(() => {
    const before = previous.current;
    previous.current = { path, leadCount };
    if (before.path === path && before.leadCount !== leadCount) void queryClient.invalidateQueries();
  }, [queryClient, path, leadCount]);
}
