// The Backups and Audit log tabs against a fake backend: the backups with
// their time, reason, size and leads; "Restore…" asks in the alert dialog
// (date and lead count named, nothing sent before "Restore"), then restores
// and tells the app the data changed; the keep setting is sent on Save; the
// audit log lists entries with their summaries and filters by action.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import type { AuditPage } from "../../bindings/AuditPage";
import type { BackupsOverview } from "../../bindings/BackupsOverview";
import { createQueryClient } from "../../lib/queries";

const ipc = vi.hoisted(() => ({
  backupsOverview: vi.fn(),
  backupCreate: vi.fn(),
  backupSetKeep: vi.fn(),
  backupRestore: vi.fn(),
  auditList: vi.fn(),
  auditExport: vi.fn(),
  pickCsvSavePath: vi.fn(),
  pickJsonSavePath: vi.fn(),
}));
vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));
const { BackupsTab, backupReason, backupSize, backupTime } = await import("./BackupsTab");
const { AuditTab } = await import("./AuditTab");

const OVERVIEW: BackupsOverview = {
  keep: 10,
  folder: "/data/Demo.leadstream-backups",
  backups: [
    {
      id: "20261130T040000.000Z-before-import",
      taken_at: 1_795_924_800,
      reason: "before-import",
      size_bytes: 9_600_000,
      leads: 5_002,
    },
    { id: "20261129T040000.000Z-daily", taken_at: 1_795_838_400, reason: "daily", size_bytes: 880_123, leads: 5_000 },
  ],
};

function renderWith(node: React.ReactNode) {
  return render(<QueryClientProvider client={createQueryClient()}>{node}</QueryClientProvider>);
}

beforeAll(() => {
  // jsdom has no layout: give the audit table's scroller a height so the virtualiser renders rows.
  for (const [name, value] of [
    ["clientHeight", 600],
    ["clientWidth", 1000],
    ["offsetHeight", 600],
    ["offsetWidth", 1000],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
  HTMLElement.prototype.scrollTo ??= () => {};
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
});

describe("BackupsTab", () => {
  it("formats times, sizes and reasons", () => {
    expect(backupTime(1_795_924_800)).toBe("2026-11-29 04:00 UTC");
    expect(backupSize(9_600_000)).toBe("9.6 MB");
    expect(backupSize(880_123)).toBe("881 KB");
    expect(backupReason("before-import")).toBe("Before import");
  });

  it("lists the backups and restores one only after the question", async () => {
    ipc.backupsOverview.mockResolvedValue(OVERVIEW);
    ipc.backupRestore.mockResolvedValue({
      restored: OVERVIEW.backups[1].id,
      safety_backup: "x-before-restore",
      leads_before: 5_002,
      leads_after: 5_000,
      warnings: [],
    });
    const onDataChanged = vi.fn();
    renderWith(<BackupsTab onDataChanged={onDataChanged} onError={vi.fn()} />);
    const rows = await screen.findAllByTestId("backup-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("Before import");
    expect(rows[0].textContent).toContain("5,002");
    expect(rows[1].textContent).toContain("881 KB");

    fireEvent.click(screen.getByTestId(`backup-restore-${OVERVIEW.backups[1].id}`));
    const question = await screen.findByTestId("backup-restore-question");
    expect(question.textContent).toContain(
      "The workspace will be replaced by the backup of 2026-11-28 04:00 UTC (5,000 leads); a backup of the current state is taken first",
    );
    expect(ipc.backupRestore).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("backup-restore-cancel"));
    expect(screen.queryByTestId("backup-restore-dialog")).toBeNull();
    expect(ipc.backupRestore).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId(`backup-restore-${OVERVIEW.backups[1].id}`));
    fireEvent.click(await screen.findByTestId("backup-restore-confirm"));
    await waitFor(() => expect(onDataChanged).toHaveBeenCalled());
    expect(ipc.backupRestore).toHaveBeenCalledWith(OVERVIEW.backups[1].id);
    expect(screen.getByTestId("backups-notice").textContent).toContain("5,000 leads (were 5,002)");
  });

  it("sends the keep setting on Save", async () => {
    ipc.backupsOverview.mockResolvedValue(OVERVIEW);
    ipc.backupSetKeep.mockResolvedValue(undefined);
    renderWith(<BackupsTab onError={vi.fn()} />);
    await screen.findAllByTestId("backup-row");
    fireEvent.change(screen.getByTestId("backup-keep"), { target: { value: "3" } });
    fireEvent.click(screen.getByTestId("backup-keep-save"));
    await waitFor(() => expect(ipc.backupSetKeep).toHaveBeenCalledWith(3));
  });
});

describe("AuditTab", () => {
  const PAGE: AuditPage = {
    total: 2,
    actions: ["import", "restore"],
    entries: [
      {
        id: 2,
        occurred_at: 1_795_924_800,
        action: "restore",
        summary: "Restored the backup b: 5 leads before, 3 after",
        detail: {},
      },
      {
        id: 1,
        occurred_at: 1_795_924_000,
        action: "import",
        summary: "Imported a.csv: 2 added, 0 updated, 0 rejected",
        detail: {},
      },
    ],
  };

  it("lists the entries newest first and filters by action", async () => {
    ipc.auditList.mockResolvedValue(PAGE);
    renderWith(<AuditTab onError={vi.fn()} />);
    await screen.findByText("Restored the backup b: 5 leads before, 3 after");
    expect(screen.getByTestId("audit-count").textContent).toBe("2 entries");
    expect(ipc.auditList).toHaveBeenLastCalledWith({ action: null, since: null, until: null }, 200, 0);
    fireEvent.change(screen.getByTestId("audit-action"), { target: { value: "import" } });
    await waitFor(() =>
      expect(ipc.auditList).toHaveBeenLastCalledWith({ action: "import", since: null, until: null }, 200, 0),
    );
  });

  it("exports through the save dialog in the chosen format", async () => {
    ipc.auditList.mockResolvedValue(PAGE);
    ipc.pickJsonSavePath.mockResolvedValue("/tmp/audit-log.json");
    ipc.auditExport.mockResolvedValue(2);
    renderWith(<AuditTab onError={vi.fn()} />);
    await screen.findByText("Restored the backup b: 5 leads before, 3 after");
    fireEvent.change(screen.getByTestId("audit-format"), { target: { value: "json" } });
    fireEvent.click(screen.getByTestId("audit-export"));
    await waitFor(() =>
      expect(screen.getByTestId("audit-notice").textContent).toBe("Exported 2 entries to /tmp/audit-log.json"),
    );
    expect(ipc.pickJsonSavePath).toHaveBeenCalledWith("audit-log.json");
    expect(ipc.auditExport).toHaveBeenCalledWith(
      { action: null, since: null, until: null },
      "json",
      "/tmp/audit-log.json",
    );
  });
});
