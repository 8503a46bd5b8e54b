// The cache is invalidated once for new leads in the open workspace, and not for a switch (even to the
// same file with more leads) or the launch.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";

import type { WorkspaceInfo } from "../bindings/WorkspaceInfo";
import { useRefetchOnNewLeads } from "./newLeads";

function workspace(path: string, leadCount: number): WorkspaceInfo {
  return { name: "W", path, lead_count: leadCount, field_count: 2, schema_version: 1, warnings: [] };
}

function watch() {
  const client = new QueryClient();
  const invalidate = vi.spyOn(client, "invalidateQueries");
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const hook = renderHook(({ open }: { open: WorkspaceInfo | null }) => useRefetchOnNewLeads(open), {
    wrapper,
    initialProps: { open: null as WorkspaceInfo | null },
  });
  const show = (open: WorkspaceInfo | null) => hook.rerender({ open });
  // What App's switch does: tell the hook, then show the workspace opened.
  const switchTo = (opened: WorkspaceInfo) => {
    hook.result.current(opened);
    show(opened);
  };
  return { invalidate, show, switchTo };
}

describe("useRefetchOnNewLeads", () => {
  it("asks again once when the open workspace's lead count changes", () => {
    const { invalidate, show } = watch();
    show(workspace("/a.leadstream", 10));
    expect(invalidate).not.toHaveBeenCalled();
    show(workspace("/a.leadstream", 10));
    expect(invalidate).not.toHaveBeenCalled();
    show(workspace("/a.leadstream", 12));
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it("leaves a switch to another workspace to the switch's own reset", () => {
    const { invalidate, show } = watch();
    show(workspace("/a.leadstream", 10));
    show(workspace("/b.leadstream", 99));
    show(workspace("/a.leadstream", 10));
    expect(invalidate).not.toHaveBeenCalled();
  });

  it("leaves the same workspace opened again with more leads to the switch's own reset", () => {
    const { invalidate, show, switchTo } = watch();
    show(workspace("/a.leadstream", 10));
    switchTo(workspace("/a.leadstream", 15));
    expect(invalidate).not.toHaveBeenCalled();
    // New leads after that open still ask again.
    show(workspace("/a.leadstream", 20));
    expect(invalidate).toHaveBeenCalledTimes(1);
  });
});
