// The day's upkeep note follows the backend, and its end asks every cached answer again only when it
// changed something.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";

import type { DailyUpkeep } from "../bindings/DailyUpkeep";

const backend = vi.hoisted(() => ({
  running: true,
  listeners: [] as ((upkeep: DailyUpkeep) => void)[],
}));
vi.mock("./ipc", () => ({
  ipc: {
    workspaceUpkeepRunning: async () => backend.running,
    onDailyUpkeepDone: async (onDone: (upkeep: DailyUpkeep) => void) => {
      backend.listeners.push(onDone);
      return () => {
        backend.listeners = backend.listeners.filter((listener) => listener !== onDone);
      };
    },
  },
}));

const { useDailyUpkeep } = await import("./dailyUpkeep");

function ends(upkeep: DailyUpkeep) {
  backend.running = false;
  for (const listener of backend.listeners) listener(upkeep);
}

function watch() {
  const client = new QueryClient();
  const invalidate = vi.spyOn(client, "invalidateQueries");
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const hook = renderHook(() => useDailyUpkeep("/a.leadstream"), { wrapper });
  return { invalidate, hook };
}

describe("useDailyUpkeep", () => {
  it("says the upkeep runs until it ends, then asks every answer again", async () => {
    backend.running = true;
    const { invalidate, hook } = watch();
    await waitFor(() => expect(hook.result.current.running).toBe(true));
    expect(backend.listeners).toHaveLength(1);
    expect(invalidate).not.toHaveBeenCalled();
    expect(hook.result.current.changes).toBe(0);
    ends({ scores_refreshed: true, history_recorded: true, problems: [], workspace_busy: false });
    await waitFor(() => expect(hook.result.current.running).toBe(false));
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(hook.result.current.changes).toBe(1);
    hook.unmount();
    await waitFor(() => expect(backend.listeners).toHaveLength(0));
  });

  it("asks nothing again after an upkeep that changed nothing", async () => {
    backend.running = true;
    const { invalidate, hook } = watch();
    await waitFor(() => expect(hook.result.current.running).toBe(true));
    ends({
      scores_refreshed: false,
      history_recorded: false,
      problems: ["today's lead scores were not run"],
      workspace_busy: false,
    });
    await waitFor(() => expect(hook.result.current.running).toBe(false));
    expect(invalidate).not.toHaveBeenCalled();
    expect(hook.result.current.changes).toBe(0);
    hook.unmount();
  });
});
