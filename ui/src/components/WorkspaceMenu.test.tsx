// The workspace menu as a menu button: keys move through the items, Escape
// and a click outside close it and give focus back to its button.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

const appQuit = vi.fn(async () => {});
vi.mock("../lib/ipc", () => ({
  ipc: { workspaceEventCount: async () => 50_000, appQuit },
}));

const { WorkspaceMenu, nextMenuIndex } = await import("./WorkspaceMenu");

afterEach(cleanup);

const workspace = {
  name: "Demo",
  path: "/d/Demo.leadstream",
  lead_count: 5000,
  field_count: 2,
  schema_version: 1,
  warnings: [],
};

function showMenu() {
  render(
    <div>
      <p data-testid="outside">elsewhere</p>
      <WorkspaceMenu workspace={workspace} recent={[]} onSwitch={vi.fn()} onShowStart={vi.fn()} onError={vi.fn()} />
    </div>,
  );
  const button = screen.getByTestId("workspace-menu");
  fireEvent.click(button);
  return button;
}

describe("nextMenuIndex", () => {
  it("wraps around with the arrows and jumps with Home and End", () => {
    expect(nextMenuIndex("ArrowDown", -1, 3)).toBe(0);
    expect(nextMenuIndex("ArrowDown", 2, 3)).toBe(0);
    expect(nextMenuIndex("ArrowUp", 0, 3)).toBe(2);
    expect(nextMenuIndex("Home", 2, 3)).toBe(0);
    expect(nextMenuIndex("End", 0, 3)).toBe(2);
    expect(nextMenuIndex("a", 0, 3)).toBeNull();
    expect(nextMenuIndex("ArrowDown", 0, 0)).toBeNull();
  });
});

describe("WorkspaceMenu", () => {
  it("opens with focus on its first item, and the arrows move it", async () => {
    const button = showMenu();
    expect(button.getAttribute("aria-expanded")).toBe("true");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("menu-new")));
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowDown" });
    expect(document.activeElement).toBe(screen.getByTestId("menu-open"));
  });

  it("closes on Escape and gives focus back to its button", async () => {
    const button = showMenu();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("menu-new")));
    fireEvent.keyDown(document.activeElement as Element, { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("ends with Quit, which the up arrow reaches from the first item, and which quits the app", async () => {
    showMenu();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("menu-new")));
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowUp" });
    const quit = screen.getByTestId("menu-quit");
    expect(document.activeElement).toBe(quit);
    expect(quit.textContent).toBe("Quit Leadstream");
    fireEvent.click(quit);
    expect(appQuit).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("closes on a click outside and gives focus back to its button", async () => {
    const button = showMenu();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("menu-new")));
    fireEvent.mouseDown(screen.getByTestId("outside"));
    await waitFor(() => expect(screen.queryByRole("menu")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(button));
  });
});
