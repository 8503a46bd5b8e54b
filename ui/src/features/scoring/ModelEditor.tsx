// The scoring model editor: name, rules (fit and engagement), decay, grade
// thresholds and bands, with the live preview of how many leads change band
// before saving (debounced). Unsaved edits ask before the user leaves; a
// core error that names a rule is shown beside that rule. Suggested points
// (collapsed panel) are added as unsaved edits only when chosen.
import { useEffect, useId, useMemo, useState } from "react";

import type { ScoringModel } from "../../bindings/ScoringModel";
import { useScoringPreview, useSaveScoringModel } from "../../lib/queries";
import { useDebounced } from "../../lib/useDebounced";
import { useUnsavedChanges } from "../../lib/unsavedChanges";
import type { RuleCatalogue } from "../streams/RulesEditor";
import { BandPreview } from "./BandPreview";
import {
  addBand,
  editBand,
  formFingerprint,
  newRule,
  placeCoreError,
  removeBand,
  ruleToForm,
  toDefinition,
  type DecayKindText,
  type ModelForm,
  type RuleForm,
} from "./modelForm";
import { markSuggested } from "./outcomeChoice";
import { RuleRow } from "./RuleRow";
import { SuggestPanel } from "./SuggestPanel";

type Props = {
  /** The stored model edited, or null for a new one. */
  model: ScoringModel | null;
  initial: ModelForm;
  catalogue: RuleCatalogue;
  onSaved: (model: ScoringModel) => void;
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function ModelEditor({ model, initial, catalogue, onSaved }: Props) {
  const id = useId();
  const [form, setForm] = useState<ModelForm>(initial);
  const [saved, setSaved] = useState(() => formFingerprint(initial));
  const [saveError, setSaveError] = useState<string | null>(null);
  const [tookSuggestion, setTookSuggestion] = useState(false);
  const save = useSaveScoringModel();
  const dirty = formFingerprint(form) !== saved;
  useUnsavedChanges("scoring-model", `scoring model “${form.name || "New model"}”`, dirty);

  const set = (patch: Partial<ModelForm>) => setForm((f) => ({ ...f, ...patch }));
  const setRule = (index: number, patch: Partial<RuleForm>) =>
    setForm((f) => ({ ...f, rules: f.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) }));

  const { definition, problems } = useMemo(() => toDefinition(form), [form]);
  const definitionJson = definition ? JSON.stringify(definition) : "";
  const debounced = useDebounced(definitionJson, 400);
  const preview = useScoringPreview(model?.id ?? null, debounced, debounced !== "");
  useEffect(() => setSaveError(null), [definitionJson]);

  // A core error (from the preview or the save) goes beside the rule it names.
  const coreError = saveError ?? (preview.error ? message(preview.error) : null);
  const placed = coreError && definitionJson === debounced ? placeCoreError(coreError) : null;
  const ruleProblem = (index: number) =>
    problems.rules.get(index) ?? (placed && placed.rule === index ? placed.text : null);

  const submit = async () => {
    if (!definition) return;
    setSaveError(null);
    try {
      const stored = await save.mutateAsync({ id: model?.id ?? null, name: form.name, definition });
      setSaved(formFingerprint(form));
      if (tookSuggestion) markSuggested(stored.id);
      onSaved(stored);
    } catch (e) {
      setSaveError(message(e));
    }
  };

  const modelProblems = [...problems.model, ...(placed && placed.rule === null ? [placed.text] : [])];
  return (
    <form
      className="score-editor"
      data-testid="score-editor"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="score-editor-head">
        <h2 id={`${id}-title`}>{model ? `Edit “${model.name}”` : "New scoring model"}</h2>
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={form.name}
          placeholder="e.g. B2B fit and engagement"
          data-testid="score-model-name"
          onChange={(e) => set({ name: e.target.value })}
        />
        <button
          type="submit"
          className="primary"
          data-testid="score-save"
          disabled={!definition || !form.name.trim() || save.isPending || (!dirty && model !== null)}
        >
          {save.isPending ? "Saving…" : dirty || !model ? "Save model" : "Saved"}
        </button>
        {dirty && (
          <span className="muted" data-testid="score-unsaved">
            Unsaved changes
          </span>
        )}
      </div>

      <BandPreview
        changes={preview.data ?? null}
        pending={preview.isFetching || debounced !== definitionJson}
        blocked={!definition}
      />

      <section className="score-section" aria-labelledby={`${id}-rules`}>
        <h3 id={`${id}-rules`}>Rules</h3>
        {form.rules.length === 0 && <p className="muted">No rules yet: every lead scores 0.</p>}
        <ol className="score-rules">
          {form.rules.map((rule, index) => (
            <RuleRow
              key={rule.key}
              rule={rule}
              index={index}
              catalogue={catalogue}
              problem={ruleProblem(index)}
              onChange={(patch) => setRule(index, patch)}
              onRemove={() => set({ rules: form.rules.filter((_, i) => i !== index) })}
            />
          ))}
        </ol>
        <div className="score-add">
          <button
            type="button"
            data-testid="score-add-fit"
            onClick={() => set({ rules: [...form.rules, newRule("fit")] })}
          >
            + Fit rule
          </button>
          <button
            type="button"
            data-testid="score-add-engagement"
            onClick={() => set({ rules: [...form.rules, newRule("engagement")] })}
          >
            + Engagement rule
          </button>
        </div>
        <SuggestPanel
          onAdd={(rule) => {
            setTookSuggestion(true);
            setForm((f) => ({ ...f, rules: [...f.rules, ruleToForm(rule)] }));
          }}
        />
      </section>

      <div className="score-settings">
        <fieldset className="score-section">
          <legend>Decay of engagement points</legend>
          <label htmlFor={`${id}-decay`}>Decay</label>
          <select
            id={`${id}-decay`}
            value={form.decayKind}
            data-testid="score-decay-kind"
            onChange={(e) => set({ decayKind: e.target.value as DecayKindText })}
          >
            <option value="none">None: points keep their value</option>
            <option value="half_life">Half-life: points halve every</option>
            <option value="window">Window: points drop to 0 after</option>
          </select>
          {form.decayKind !== "none" && (
            <>
              <label htmlFor={`${id}-decay-days`}>Days</label>
              <input
                id={`${id}-decay-days`}
                className="score-number"
                type="number"
                min={1}
                step="any"
                value={form.decayDays}
                data-testid="score-decay-days"
                onChange={(e) => set({ decayDays: e.target.value })}
              />
            </>
          )}
        </fieldset>

        <fieldset className="score-section">
          <legend>Grades: fit A–D × engagement 1–4 (lowest score of each grade)</legend>
          <div className="score-grade-row">
            {(["A", "B", "C"] as const).map((grade, i) => (
              <span key={grade} className="score-threshold">
                <label htmlFor={`${id}-fit-${grade}`}>Fit {grade} from</label>
                <input
                  id={`${id}-fit-${grade}`}
                  className="score-number"
                  type="number"
                  step="any"
                  value={form.fitGrades[i]}
                  data-testid={`score-fit-grade-${grade}`}
                  onChange={(e) => {
                    const next = [...form.fitGrades] as ModelForm["fitGrades"];
                    next[i] = e.target.value;
                    set({ fitGrades: next });
                  }}
                />
              </span>
            ))}
            <span className="muted">below: D</span>
          </div>
          <div className="score-grade-row">
            {(["1", "2", "3"] as const).map((grade, i) => (
              <span key={grade} className="score-threshold">
                <label htmlFor={`${id}-eng-${grade}`}>Engagement {grade} from</label>
                <input
                  id={`${id}-eng-${grade}`}
                  className="score-number"
                  type="number"
                  step="any"
                  value={form.engagementGrades[i]}
                  data-testid={`score-engagement-grade-${grade}`}
                  onChange={(e) => {
                    const next = [...form.engagementGrades] as ModelForm["engagementGrades"];
                    next[i] = e.target.value;
                    set({ engagementGrades: next });
                  }}
                />
              </span>
            ))}
            <span className="muted">below: 4</span>
          </div>
        </fieldset>

        <fieldset className="score-section" data-testid="score-bands">
          <legend>Bands by total score, highest first</legend>
          <ol className="score-bands">
            {form.bands.map((band, index) => {
              const last = index === form.bands.length - 1;
              return (
                <li key={band.key} data-testid={`score-band-${index}`}>
                  <label htmlFor={`${id}-band-${band.key}`}>Band {index + 1}</label>
                  <input
                    id={`${id}-band-${band.key}`}
                    value={band.name}
                    data-testid={`score-band-name-${index}`}
                    onChange={(e) => set({ bands: editBand(form.bands, index, { name: e.target.value }) })}
                  />
                  {last ? (
                    <span className="muted">every lower score</span>
                  ) : (
                    <>
                      <label htmlFor={`${id}-band-min-${band.key}`}>from</label>
                      <input
                        id={`${id}-band-min-${band.key}`}
                        className="score-number"
                        type="number"
                        step="any"
                        value={band.min}
                        data-testid={`score-band-min-${index}`}
                        onChange={(e) => set({ bands: editBand(form.bands, index, { min: e.target.value }) })}
                      />
                    </>
                  )}
                  <button
                    type="button"
                    className="danger-link"
                    disabled={form.bands.length <= 1}
                    aria-label={`Remove band ${band.name || index + 1}`}
                    data-testid={`score-band-remove-${index}`}
                    onClick={() => set({ bands: removeBand(form.bands, index) })}
                  >
                    Remove
                  </button>
                </li>
              );
            })}
          </ol>
          <button type="button" data-testid="score-band-add" onClick={() => set({ bands: addBand(form.bands) })}>
            + Band
          </button>
        </fieldset>
      </div>
      {modelProblems.length > 0 && (
        <ul className="rule-error score-model-problems" role="alert" data-testid="score-model-problems">
          {modelProblems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
