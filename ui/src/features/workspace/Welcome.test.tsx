// The first-run welcome against a fake backend: what it says on the demo and
// on an empty workspace, the first steps opening their views, and dismissal.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Welcome as WelcomeKind } from "../../bindings/Welcome";

let answer: WelcomeKind | null = "demo";
const dismissed = vi.fn(async () => {
  answer = null;
});

vi.mock("../../lib/ipc", () => ({
  ipc: {
    workspaceWelcome: async () => answer,
    workspaceDismissWelcome: () => dismissed(),
  },
}));

const { Welcome, welcomeIntro } = await import("./Welcome");
const { createQueryClient } = await import("../../lib/queries");

afterEach(cleanup);

const onDismissed = vi.fn();

function show(kind: WelcomeKind | null, onOpen = vi.fn()) {
  answer = kind;
  render(
    <QueryClientProvider client={createQueryClient()}>
      <Welcome
        workspace="/data/Demo.leadstream"
        leadCount={5000}
        onOpen={onOpen}
        onDismissed={onDismissed}
        onError={vi.fn()}
      />
    </QueryClientProvider>,
  );
  return onOpen;
}

describe("welcomeIntro", () => {
  it("says the demo's leads are made up, with their number", () => {
    expect(welcomeIntro("demo", 5000)).toMatch(/^This is demo data: 5,000 made-up leads/);
  });

  it("says how to import into an empty workspace", () => {
    const text = welcomeIntro("empty", 0);
    expect(text).toMatch(/no leads yet/);
    expect(text).toMatch(/drop a CSV file anywhere on this window/);
    expect(text).toMatch(/open Import/);
  });
});

describe("Welcome", () => {
  it("offers three first steps, each opening its view", async () => {
    const onOpen = show("demo");
    await screen.findByTestId("welcome");
    expect(screen.getByRole("heading", { name: "Welcome to Leadstream" })).toBeTruthy();
    fireEvent.click(screen.getByTestId("welcome-step-import"));
    fireEvent.click(screen.getByTestId("welcome-step-segments"));
    fireEvent.click(screen.getByTestId("welcome-step-streams"));
    expect(onOpen.mock.calls.map(([view]) => view)).toEqual(["import", "segments", "streams"]);
  });

  it("disappears when dismissed, and the workspace remembers it", async () => {
    show("empty");
    await screen.findByRole("heading", { name: "Start by importing your leads" });
    fireEvent.click(screen.getByTestId("welcome-dismiss"));
    await waitFor(() => expect(screen.queryByTestId("welcome")).toBeNull());
    expect(dismissed).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(onDismissed).toHaveBeenCalledTimes(1));
  });

  it("shows nothing when the workspace has no welcome", async () => {
    show(null);
    // Give the query its answer, then check nothing was drawn.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId("welcome")).toBeNull();
  });
});
