// The model editor against a fake backend: the preview is asked with the
// edited definition and shown; a core error naming a rule is shown beside
// that rule; saving sends the definition and the editor then reads "Saved".
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { BandChanges } from "../../bindings/BandChanges";
import type { ModelDefinition } from "../../bindings/ModelDefinition";
import type { ScoringModel } from "../../bindings/ScoringModel";
import { createQueryClient } from "../../lib/queries";
import { resetUnsavedChanges, unsavedLabels } from "../../lib/unsavedChanges";
import { DEFAULT_DEFINITION, toForm } from "./modelForm";

const ipc = vi.hoisted(() => ({ scoringPreview: vi.fn(), scoringSave: vi.fn(), scoringModels: vi.fn() }));
vi.mock("../../lib/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../lib/ipc")>()),
  ipc,
}));
const { IpcError } = await import("../../lib/ipc");
const { ModelEditor } = await import("./ModelEditor");

const MODEL: ScoringModel = {
  id: 7,
  name: "Engagement",
  is_active: true,
  definition: {
    ...DEFAULT_DEFINITION,
    rules: [{ label: "Demo", kind: "engagement", each: { type: "demo_request" }, points: 20 }],
  },
};

const changes = (after: number): BandChanges => ({
  as_of: 0,
  leads: 10,
  has_before: true,
  bands: DEFAULT_DEFINITION.bands.map((b, i) => ({
    band: b.name,
    before: i === 3 ? 10 : 0,
    after: i === 3 ? after : 0,
  })),
  changed: 10 - after,
  moves: [],
});

const CATALOGUE = {
  fields: [],
  operators: [],
  eventTypes: [{ event_type: "demo_request", count: 3, properties: [] }],
  segments: [],
};

function renderEditor(onSaved = vi.fn()) {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ModelEditor
        model={MODEL}
        initial={toForm(MODEL.name, MODEL.definition)}
        catalogue={CATALOGUE}
        onSaved={onSaved}
      />
    </QueryClientProvider>,
  );
  return onSaved;
}

afterEach(() => {
  cleanup();
  resetUnsavedChanges();
  vi.clearAllMocks();
});

describe("ModelEditor", () => {
  it("asks for the preview of the edit and shows how many leads change band", async () => {
    ipc.scoringPreview.mockImplementation(async (_id: number, definition: ModelDefinition) =>
      changes(definition.rules[0].points === 20 ? 10 : 4),
    );
    renderEditor();
    await waitFor(() => expect(screen.getByTestId("score-preview-changed").textContent).toMatch(/^0 of 10/));
    fireEvent.change(screen.getByTestId("score-rule-points-0"), { target: { value: "45" } });
    await waitFor(() => expect(screen.getByTestId("score-preview-changed").textContent).toMatch(/^6 of 10/));
    const [savedId, definition] = ipc.scoringPreview.mock.calls.at(-1) as [number, ModelDefinition];
    expect(savedId).toBe(7);
    expect(definition.rules[0]).toEqual({
      label: "Demo",
      kind: "engagement",
      each: { type: "demo_request" },
      points: 45,
    });
    expect(unsavedLabels()).toEqual(["scoring model “Engagement”"]);
  });

  it("shows a core error beside the rule it names, and saves the edit", async () => {
    ipc.scoringPreview.mockRejectedValue(
      new IpcError("scoring_preview", {
        kind: "invalid_input",
        message: "scoring rule 1 (“Demo”): the event type must not be empty",
        rule_path: null,
        field: null,
        detail: null,
      }),
    );
    ipc.scoringSave.mockImplementation(async (id: number, name: string, definition: ModelDefinition) => ({
      id,
      name,
      is_active: true,
      definition,
    }));
    ipc.scoringModels.mockResolvedValue([MODEL]);
    const onSaved = renderEditor();
    await waitFor(() =>
      expect(screen.getByTestId("score-rule-error-0").textContent).toBe("the event type must not be empty"),
    );
    fireEvent.change(screen.getByTestId("score-rule-label-0"), { target: { value: "Demo request" } });
    fireEvent.click(screen.getByTestId("score-save"));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(ipc.scoringSave.mock.calls[0][1]).toBe("Engagement");
    expect((ipc.scoringSave.mock.calls[0][2] as ModelDefinition).rules[0].label).toBe("Demo request");
    await waitFor(() => expect(screen.getByTestId("score-save").textContent).toBe("Saved"));
    expect(unsavedLabels()).toEqual([]);
  });
});
