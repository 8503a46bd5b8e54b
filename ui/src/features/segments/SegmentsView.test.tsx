// The segment builder against a fake backend: a refused rule is marked in the
// tree with its message, and the saved-segment list is asked again after a save.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Field } from "../../bindings/Field";
import type { RuleGroup } from "../../bindings/RuleGroup";
import type { Segment } from "../../bindings/Segment";
import type { SegmentDraft } from "../../bindings/SegmentDraft";
import type { SegmentSummary } from "../../bindings/SegmentSummary";
import type { SegmentTemplate } from "../../bindings/SegmentTemplate";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { UnsavedChangesDialog } from "../../components/UnsavedChangesDialog";
import { readDraft, writeDraft } from "../../lib/drafts";
import { createQueryClient } from "../../lib/queries";
import { resetUnsavedChanges } from "../../lib/unsavedChanges";

const FIELDS: Field[] = [
  {
    key: "country",
    label: "Country",
    type: "text",
    origin: "explicit",
    category: "firmographic",
    is_standard: true,
    is_computed: false,
  },
  {
    key: "score",
    label: "Score",
    type: "number",
    origin: "explicit",
    category: "behavioral",
    is_standard: true,
    is_computed: false,
  },
];

const TEMPLATE: SegmentTemplate = {
  key: "two-rules",
  name: "Two rules",
  description: "",
  folder: "Tests",
  color: "#123456",
  rules: {
    combinator: "and",
    not: false,
    rules: [
      { field: "country", operator: "=", value: "DE" },
      { field: "score", operator: ">", value: "lots" },
    ],
  },
};

const saved: Segment[] = [];
const summaries = (): SegmentSummary[] => saved.map((segment) => ({ segment, count: 1, problem: null }));

const ipc = vi.hoisted(() => ({
  fieldsList: vi.fn(),
  segmentOperators: vi.fn(),
  eventTypes: vi.fn(),
  segmentTemplates: vi.fn(),
  segmentsList: vi.fn(),
  segmentPreview: vi.fn(),
  segmentExplain: vi.fn(),
  segmentSave: vi.fn(),
  fieldValues: vi.fn(),
}));

vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));

const { IpcError } = await import("../../lib/ipc");
const { SegmentsView } = await import("./SegmentsView");

function setUpBackend() {
  saved.length = 0;
  ipc.fieldsList.mockResolvedValue(FIELDS);
  ipc.segmentOperators.mockResolvedValue([
    { field_type: "text", operators: ["=", "!="] },
    { field_type: "number", operators: ["=", ">"] },
  ]);
  ipc.eventTypes.mockResolvedValue([]);
  ipc.segmentTemplates.mockResolvedValue([TEMPLATE]);
  ipc.segmentsList.mockImplementation(async () => summaries());
  ipc.fieldValues.mockResolvedValue([]);
  ipc.segmentPreview.mockImplementation(async (rules: RuleGroup) => {
    if (rules.rules.length > 1) {
      throw new IpcError("segment_preview", {
        kind: "invalid_rule",
        message: "Score needs a number, not “lots”",
        rule_path: "root.rules[1]",
        field: "score",
        detail: null,
      });
    }
    return { count: 7, total: 10, elapsed_ms: 1, sample: [] };
  });
  ipc.segmentSave.mockImplementation(async (_id: number | null, draft: SegmentDraft) => {
    const segment: Segment = { ...draft, id: saved.length + 1, is_builtin: false, created_at: 0, updated_at: 0 };
    saved.push(segment);
    return segment;
  });
}

const WORKSPACE = { name: "test", path: "/tmp/test.leadstream", lead_count: 10 } as unknown as WorkspaceInfo;

function renderView() {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <SegmentsView workspace={WORKSPACE} onError={(e) => console.error(e)} />
      <UnsavedChangesDialog />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
  resetUnsavedChanges();
  localStorage.clear();
});

/** Two saved segments, "Germany" (id 1) and "France" (id 2), each one rule on the country. */
function saveTwo() {
  for (const [name, country] of [
    ["Germany", "DE"],
    ["France", "FR"],
  ]) {
    saved.push({
      id: saved.length + 1,
      name,
      description: "",
      color: "#123456",
      folder: "",
      is_builtin: false,
      created_at: 0,
      updated_at: 0,
      rules: {
        combinator: "and",
        not: false,
        rules: [{ id: `r-${name}`, field: "country", operator: "=", value: country }],
      },
    } as Segment);
  }
}

describe("SegmentsView", () => {
  it("marks the rule the backend refused and shows its message beside it", async () => {
    setUpBackend();
    const { container } = renderView();
    const menu = await screen.findByTestId("segment-template-menu");
    fireEvent.change(menu, { target: { value: "two-rules" } });

    const note = await screen.findByTestId("segment-rule-failure", {}, { timeout: 3000 });
    expect(note.textContent).toContain("Score needs a number");
    const rules = container.querySelectorAll(".rule");
    expect(rules).toHaveLength(2);
    expect(rules[0].classList.contains("rule-failing")).toBe(false);
    expect(rules[1].classList.contains("rule-failing")).toBe(true);
    expect(rules[1].contains(note)).toBe(true);
    expect(screen.getByTestId("segment-rule-error").textContent).toContain("Score needs a number");
  });

  it("asks for the segment list again after a save, and lists the new segment", async () => {
    setUpBackend();
    renderView();
    await waitFor(() => expect(screen.getByTestId("segment-live-count").dataset.count).toBe("7"), { timeout: 3000 });
    const listCalls = ipc.segmentsList.mock.calls.length;
    expect(screen.queryByTestId("segment-item-1")).toBeNull();

    fireEvent.click(screen.getByTestId("segment-save"));
    fireEvent.change(await screen.findByTestId("segment-name"), { target: { value: "Germany" } });
    fireEvent.click(screen.getByTestId("segment-save-confirm"));

    const item = await screen.findByTestId("segment-item-1");
    expect(item.textContent).toContain("Germany");
    expect(ipc.segmentsList.mock.calls.length).toBeGreaterThan(listCalls);
    expect(screen.getByTestId("segment-title").textContent).toBe("Germany");
  });

  it("asks before switching segment with unsaved edits, keeps them on Keep editing, drops them on Discard", async () => {
    setUpBackend();
    saveTwo();
    renderView();
    fireEvent.click(await screen.findByTestId("segment-item-1"));
    // A disabled menu holds the place until the field's known values (none here) have come: then a text input.
    await waitFor(() => expect(screen.getByLabelText("Country value").tagName).toBe("INPUT"));
    fireEvent.change(screen.getByLabelText("Country value"), { target: { value: "AT" } });
    expect(screen.getByTestId("segment-unsaved")).toBeTruthy();
    await waitFor(() => expect(readDraft(WORKSPACE.path!, "segment:1")).not.toBeNull());

    fireEvent.click(screen.getByTestId("segment-item-2"));
    fireEvent.click(await screen.findByTestId("unsaved-keep"));
    await waitFor(() => expect(screen.queryByTestId("unsaved-dialog")).toBeNull());
    expect(screen.getByTestId("segment-title").textContent).toBe("Germany");
    expect((screen.getByLabelText("Country value") as HTMLInputElement).value).toBe("AT");

    fireEvent.click(screen.getByTestId("segment-item-2"));
    fireEvent.click(await screen.findByTestId("unsaved-discard"));
    await waitFor(() => expect(screen.getByTestId("segment-title").textContent).toBe("France"));
    expect(readDraft(WORKSPACE.path!, "segment:1")).toBeNull();
  });

  it("restores a segment's draft with a notice, and Discard goes back to the saved rules", async () => {
    setUpBackend();
    saveTwo();
    writeDraft(WORKSPACE.path!, "segment:1", {
      meta: { name: "Germany", description: "", color: "#123456", folder: "" },
      rules: {
        combinator: "and",
        not: false,
        rules: [{ id: "r-Germany", field: "country", operator: "=", value: "CH" }],
      },
    });
    // Written a while ago: restoring it keeps that time.
    const key = `leadstream.draft.${WORKSPACE.path}::segment:1`;
    const written = { ...JSON.parse(localStorage.getItem(key)!), savedAt: "2026-01-02T13:05:00.000Z" };
    localStorage.setItem(key, JSON.stringify(written));
    renderView();
    fireEvent.click(await screen.findByTestId("segment-item-1"));
    const notice = await screen.findByTestId("segment-notice");
    expect(notice.textContent).toMatch(/Unsaved changes from .+ restored/);
    expect((screen.getByLabelText("Country value") as HTMLInputElement).value).toBe("CH");
    expect(screen.getByTestId("segment-unsaved")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readDraft(WORKSPACE.path!, "segment:1")?.savedAt).toBe("2026-01-02T13:05:00.000Z");
    fireEvent.click(screen.getByTestId("segment-draft-discard"));
    await waitFor(() => expect((screen.getByLabelText("Country value") as HTMLInputElement).value).toBe("DE"));
    expect(readDraft(WORKSPACE.path!, "segment:1")).toBeNull();
  });

  it("shows a saved segment's id for the CLI, and built-in rules read-only", async () => {
    setUpBackend();
    saveTwo();
    saved.push({ ...saved[0], id: 3, name: "Built in", is_builtin: true });
    renderView();
    fireEvent.click(await screen.findByTestId("segment-item-1"));
    expect((await screen.findByTestId("segment-id")).textContent).toBe("1");
    fireEvent.click(screen.getByTestId("segment-item-3"));
    expect(await screen.findByTestId("segment-readonly-note")).toBeTruthy();
    expect((screen.getByLabelText("Country value") as HTMLInputElement).closest("fieldset")?.disabled).toBe(true);
    expect(screen.getByTestId("segment-duplicate-to-edit")).toBeTruthy();
  });

  it("says a refused rule in plain words, and waits for a rule just added", async () => {
    setUpBackend();
    ipc.segmentPreview.mockImplementation(async (rules: RuleGroup) => {
      const first = rules.rules[0] as { value?: unknown } | undefined;
      if (first && first.value === "") {
        throw new IpcError("segment_preview", {
          kind: "invalid_rule",
          message: "rule root.rules[0] (field `country`): enter a value",
          rule_path: "root.rules[0]",
          field: "country",
          detail: "enter a value",
        });
      }
      return { count: 7, total: 10, elapsed_ms: 1, sample: [] };
    });
    renderView();
    fireEvent.click(await screen.findByTestId("add-rule"));
    expect(await screen.findByTestId("segment-rule-waiting", {}, { timeout: 3000 })).toBeTruthy();
    expect(screen.queryByTestId("segment-rule-error")).toBeNull();
    const value = screen.getByLabelText("Country value");
    fireEvent.change(value, { target: { value: "x" } });
    fireEvent.change(value, { target: { value: "" } });
    const error = await screen.findByTestId("segment-rule-error", {}, { timeout: 3000 });
    expect(error.textContent).toBe("Rule 1 (Country): enter a value");
  });
});
