// The cache is invalidated once for new leads in the open workspace, and not for a switch or the launch.
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
  return { invalidate, show: (open: WorkspaceInfo | null) => hook.rerender({ open }) };
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
});
