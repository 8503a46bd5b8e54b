// The Scoring view: the Models tab (the stored models, the active one
// marked, activate, new, delete with a question, and the editor of the one
// chosen) and the Back-test tab (how well models predicted past conversions).
import { useEffect, useMemo, useRef, useState } from "react";

import type { ScoringModel } from "../../bindings/ScoringModel";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { AlertDialog } from "../../components/AlertDialog";
import {
  useActivateScoringModel,
  useDeleteScoringModel,
  useEventTypes,
  useFields,
  useScoringModels,
  useSegmentOperators,
  useSegments,
} from "../../lib/queries";
import { confirmLeave } from "../../lib/unsavedChanges";
import type { RuleCatalogue } from "../streams/RulesEditor";
import { BacktestTab } from "./BacktestTab";
import { ModelEditor } from "./ModelEditor";
import { DEFAULT_DEFINITION, toForm } from "./modelForm";
import "./scoring.css";

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };
type Tab = "models" | "backtest";
/** The model open in the editor: a stored one by id, or a new one. */
type Open = { id: number } | { id: null; counter: number };

export function ScoringView({ onError }: Props) {
  const [tab, setTab] = useState<Tab>("models");
  const models = useScoringModels();
  const fields = useFields();
  const operators = useSegmentOperators();
  const eventTypes = useEventTypes();
  const segments = useSegments(null);
  const activate = useActivateScoringModel();
  const remove = useDeleteScoringModel();
  const [open, setOpen] = useState<Open | null>(null);
  const [deleting, setDeleting] = useState<ScoringModel | null>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const error = models.error ?? fields.error ?? operators.error ?? eventTypes.error ?? segments.error;
  useEffect(() => {
    if (error) onError(error);
  }, [error, onError]);

  const catalogue: RuleCatalogue | null = useMemo(
    () =>
      fields.data && operators.data && eventTypes.data && segments.data
        ? { fields: fields.data, operators: operators.data, eventTypes: eventTypes.data, segments: segments.data }
        : null,
    [fields.data, operators.data, eventTypes.data, segments.data],
  );
  const list = models.data ?? [];
  // The active model (else the first) is open until the user picks another.
  const shown: Open | null = open ?? (list.length > 0 ? { id: list[0].id } : null);
  const openModel = shown && shown.id !== null ? (list.find((m) => m.id === shown.id) ?? null) : null;
  const editorKey = shown ? (shown.id === null ? `new-${shown.counter}` : `model-${shown.id}`) : "none";
  const initial = useMemo(
    () => (openModel ? toForm(openModel.name, openModel.definition) : toForm("", DEFAULT_DEFINITION)),
    // The form is built once per model opened (the editor remounts by key).
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [editorKey],
  );

  const choose = (next: Open) => void confirmLeave().then((leave) => leave && setOpen(next));

  return (
    <div className="scoring-view" data-testid="scoring-view">
      <div className="tabs" role="tablist" aria-label="Scoring">
        {(
          [
            ["models", "Models"],
            ["backtest", "Back-test"],
          ] as const
        ).map(([key, label]) => (
          <button
            key={key}
            role="tab"
            id={`scoring-tab-${key}`}
            aria-selected={tab === key}
            aria-controls="scoring-panel"
            className={tab === key ? "tab active" : "tab"}
            data-testid={`scoring-tab-${key}`}
            onClick={() => void confirmLeave().then((leave) => leave && setTab(key))}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="tab-body scoring-body" id="scoring-panel" role="tabpanel" aria-labelledby={`scoring-tab-${tab}`}>
        {tab === "backtest" && <BacktestTab models={list} />}
        {tab === "models" && (
          <div className="scoring-models">
            <nav className="score-model-list" aria-label="Scoring models" data-testid="score-model-list">
              <button
                type="button"
                className="primary"
                data-testid="score-new"
                onClick={() => choose({ id: null, counter: Date.now() })}
              >
                + New model
              </button>
              {models.isPending && <p className="muted">Loading models…</p>}
              {models.data && list.length === 0 && (
                <p className="muted" data-testid="score-no-models">
                  No scoring models yet: build one here.
                </p>
              )}
              <ul>
                {list.map((m) => (
                  <li
                    key={m.id}
                    className={shown?.id === m.id ? "score-model-item selected" : "score-model-item"}
                    data-testid={`score-model-${m.id}`}
                  >
                    <button
                      type="button"
                      className="link"
                      aria-current={shown?.id === m.id ? "true" : undefined}
                      data-testid={`score-open-${m.id}`}
                      onClick={() => choose({ id: m.id })}
                    >
                      {m.name}
                    </button>
                    {m.is_active ? (
                      <span className="badge score-active" data-testid={`score-active-${m.id}`}>
                        Active
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="small"
                        data-testid={`score-activate-${m.id}`}
                        disabled={activate.isPending}
                        onClick={() => activate.mutateAsync(m.id).catch(onError)}
                      >
                        Activate
                      </button>
                    )}
                    <button
                      type="button"
                      className="small danger-link"
                      aria-label={`Delete ${m.name}`}
                      data-testid={`score-delete-${m.id}`}
                      onClick={() => setDeleting(m)}
                    >
                      Delete
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="score-main">
              {!catalogue ? (
                <div className="loading">Loading fields and events…</div>
              ) : shown ? (
                <ModelEditor
                  key={editorKey}
                  model={openModel}
                  initial={initial}
                  catalogue={catalogue}
                  onSaved={(stored) => setOpen({ id: stored.id })}
                />
              ) : (
                models.data && (
                  <p className="muted">Choose “New model” to score leads by who they are and what they did.</p>
                )
              )}
            </div>
          </div>
        )}
      </div>
      {deleting && (
        <AlertDialog
          title="Delete this scoring model?"
          description={`“${deleting.name}” will be deleted${deleting.is_active ? "; it is the active model, so leads will have no score until another model is activated" : ""}.`}
          descriptionTestId="score-delete-question"
          testId="score-delete-dialog"
          onCancel={() => setDeleting(null)}
          initialFocus={keepButton}
        >
          <div className="actions">
            <button ref={keepButton} data-testid="score-delete-cancel" onClick={() => setDeleting(null)}>
              Keep the model
            </button>
            <button
              className="danger"
              data-testid="score-delete-confirm"
              onClick={() => {
                const id = deleting.id;
                setDeleting(null);
                remove
                  .mutateAsync(id)
                  .then(() => {
                    if (shown?.id === id) setOpen(null);
                  })
                  .catch(onError);
              }}
            >
              Delete the model
            </button>
          </div>
        </AlertDialog>
      )}
    </div>
  );
}
