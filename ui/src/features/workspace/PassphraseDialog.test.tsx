// The passphrase dialog: a protected workspace asks for its passphrase, a
// wrong one is said in the dialog (which stays open, the field emptied and
// focused), the right one opens the workspace, Cancel rejects as
// "cancelled"; an unprotected workspace opens without asking.
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { ipc, IpcError } from "../../lib/ipc";
import { PassphrasePrompt } from "./PassphraseDialog";
import { openWorkspaceAsking } from "./passphrasePrompt";

const failure = (kind: "passphrase_required" | "wrong_passphrase") =>
  new IpcError("workspace_open", { kind, message: kind, rule_path: null, field: null, detail: null });

const opened = { name: "Deals", path: "/w/Deals.leadstream" } as unknown as WorkspaceInfo;

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("openWorkspaceAsking", () => {
  it("opens an unprotected workspace without asking", async () => {
    const open = vi.spyOn(ipc, "workspaceOpen").mockResolvedValue(opened);
    render(<PassphrasePrompt />);
    await expect(openWorkspaceAsking("/w/Deals.leadstream")).resolves.toBe(opened);
    expect(open).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("passphrase-dialog")).toBeNull();
  });

  it("asks, says a wrong passphrase in the dialog, and opens with the right one", async () => {
    const open = vi
      .spyOn(ipc, "workspaceOpen")
      .mockImplementation((_path: string, passphrase?: string) =>
        passphrase === undefined
          ? Promise.reject(failure("passphrase_required"))
          : passphrase === "correct horse"
            ? Promise.resolve(opened)
            : Promise.reject(failure("wrong_passphrase")),
      );
    render(<PassphrasePrompt />);
    const result = openWorkspaceAsking("/w/Deals.leadstream");
    const input = await screen.findByLabelText("Passphrase");
    expect(screen.getByTestId("passphrase-dialog").textContent).toContain("Deals is protected with a passphrase");
    expect(document.activeElement).toBe(input);

    fireEvent.change(input, { target: { value: "battery staple" } });
    await act(async () => fireEvent.click(screen.getByTestId("passphrase-open")));
    expect((await screen.findByTestId("passphrase-problem")).textContent).toMatch(/^Wrong passphrase/);
    expect((input as HTMLInputElement).value).toBe("");

    fireEvent.change(input, { target: { value: "correct horse" } });
    await act(async () => fireEvent.click(screen.getByTestId("passphrase-open")));
    await expect(result).resolves.toBe(opened);
    expect(screen.queryByTestId("passphrase-dialog")).toBeNull();
    expect(open.mock.calls.map((call) => call[1])).toEqual([undefined, "battery staple", "correct horse"]);
  });

  it("rejects as cancelled when the dialog is cancelled", async () => {
    vi.spyOn(ipc, "workspaceOpen").mockRejectedValue(failure("passphrase_required"));
    render(<PassphrasePrompt />);
    const result = openWorkspaceAsking("/w/Deals.leadstream").catch((error: unknown) => error);
    await screen.findByTestId("passphrase-dialog");
    await act(async () => fireEvent.click(screen.getByTestId("passphrase-cancel")));
    expect(await result).toMatchObject({ kind: "cancelled" });
    expect(screen.queryByTestId("passphrase-dialog")).toBeNull();
  });
});
