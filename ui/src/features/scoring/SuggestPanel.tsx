// "Suggest points from the data", in the model editor (collapsed): asks the
// core for suggested points against an outcome (events after a date, or a
// field), lists each suggestion with its counts, rates and lift on the
// training half and on the held-out half, and its points; "Add to model"
// adds its ready rule to the form as an unsaved edit, never silently.
import { useId, useState } from "react";

import type { Evidence } from "../../bindings/Evidence";
import type { ScoreRule } from "../../bindings/ScoreRule";
import type { Suggestion } from "../../bindings/Suggestion";
import { formatCount } from "../../lib/format";
import { useScoringSuggest } from "../../lib/queries";
import { OutcomeFields } from "./OutcomeFields";
import { liftText, percent } from "./backtestFormat";
import { defaultOutcome, fieldSpec, outcomeProblem, type OutcomeState } from "./outcomeChoice";

type Props = { onAdd: (rule: ScoreRule) => void };

type Asked = { field: string | null; at: string; windowDays: number; types: string[] };

function EvidenceCells({ evidence, testId }: { evidence: Evidence; testId: string }) {
  return (
    <>
      <td>
        <span className="nowrap">
          {formatCount(evidence.with.successes)} / {formatCount(evidence.with.trials)}
        </span>{" "}
        <span className="nowrap">({percent(evidence.with.rate)})</span>
      </td>
      <td>{percent(evidence.without.rate)}</td>
      <td data-testid={testId}>{liftText(evidence.lift)}</td>
    </>
  );
}

export function SuggestPanel({ onAdd }: Props) {
  const id = useId();
  const [outcome, setOutcome] = useState<OutcomeState>(defaultOutcome);
  const [asked, setAsked] = useState<Asked | null>(null);
  const [added, setAdded] = useState<string[]>([]);
  const [open, setOpen] = useState(false);
  const problem = outcomeProblem(outcome);
  const result = useScoringSuggest(
    asked?.field ?? null,
    asked?.at ?? "",
    asked?.windowDays ?? 0,
    asked?.types ?? [],
    asked !== null,
  );
  const error = result.error instanceof Error ? result.error.message : result.error ? String(result.error) : null;
  const ask = () =>
    setAsked({
      field: outcome.kind === "field" ? fieldSpec(outcome.field, outcome.value) : null,
      at: outcome.at,
      windowDays: Number(outcome.windowText),
      types: outcome.types,
    });
  const add = (suggestion: Suggestion) => {
    onAdd(suggestion.rule);
    setAdded((a) => [...a, suggestion.label]);
  };
  const data = result.data;
  return (
    <details className="suggest-panel" data-testid="suggest-panel">
      <summary data-testid="suggest-open" onClick={() => setOpen((o) => !o)}>
        Suggest points from the data
      </summary>
      {open && (
        <>
          <p className="muted">
            For each behaviour and common field value, how much more often the leads with it converted than the leads
            without, fitted on a fixed half of the leads (training) and checked on the other half (held out). Points are
            20 per doubling of the lift, capped to ±50; nothing is added until you choose it.
          </p>
          <OutcomeFields
            outcome={outcome}
            onChange={(patch) => setOutcome((o) => ({ ...o, ...patch }))}
            testId="suggest"
          />
          {problem && (
            <p className="rule-error" role="alert">
              {problem}
            </p>
          )}
          <button
            type="button"
            data-testid="suggest-run"
            disabled={problem !== null || result.isFetching}
            onClick={ask}
          >
            {result.isFetching ? "Suggesting…" : "Suggest points"}
          </button>
          {error && (
            <p className="rule-error" role="alert">
              {error}
            </p>
          )}
          {data && asked && (
            <div data-testid="suggest-result" aria-busy={result.isFetching}>
              <p className="muted" data-testid="suggest-population">
                Training half: {formatCount(data.training.successes)} of {formatCount(data.training.trials)} leads
                converted ({percent(data.training.rate)}); held-out half: {formatCount(data.held_out.successes)} of{" "}
                {formatCount(data.held_out.trials)} ({percent(data.held_out.rate)}).
              </p>
              {data.left_out.length > 0 && (
                <p className="muted" data-testid="suggest-left-out">
                  Not tried: {data.left_out.join("; ")}.
                </p>
              )}
              <div className="suggest-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
                <table className="score-table" data-testid="suggest-table" aria-labelledby={`${id}-caption`}>
                  <caption id={`${id}-caption`}>
                    Suggestions, largest points first (converted / leads with it; rate without it; lift)
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col" rowSpan={2}>
                        Leads who…
                      </th>
                      <th scope="colgroup" colSpan={3}>
                        Training half
                      </th>
                      <th scope="colgroup" colSpan={3}>
                        Held-out half
                      </th>
                      <th scope="col" rowSpan={2}>
                        Points
                      </th>
                      <th scope="col" rowSpan={2}>
                        <span className="visually-hidden">Action</span>
                      </th>
                    </tr>
                    <tr>
                      <th scope="col">With</th>
                      <th scope="col">Without</th>
                      <th scope="col">Lift</th>
                      <th scope="col">With</th>
                      <th scope="col">Without</th>
                      <th scope="col">Lift</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.suggestions.map((s, index) => (
                      <tr key={s.label} data-testid={`suggest-row-${index}`}>
                        <th scope="row">
                          {s.label} <span className="muted">({s.kind})</span>
                        </th>
                        <EvidenceCells evidence={s.training} testId={`suggest-training-lift-${index}`} />
                        <EvidenceCells evidence={s.held_out} testId={`suggest-held-out-lift-${index}`} />
                        <td data-testid={`suggest-points-${index}`}>
                          {s.points === 0 ? "0 (no clear effect)" : `${s.points > 0 ? "+" : ""}${s.points}`}
                        </td>
                        <td>
                          <button
                            type="button"
                            data-testid={`suggest-add-${index}`}
                            aria-label={`${added.includes(s.label) ? "Added" : "Add to model"}: ${s.label}`}
                            disabled={s.points === 0 || added.includes(s.label)}
                            onClick={() => add(s)}
                          >
                            {added.includes(s.label) ? "Added" : "Add to model"}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          )}
        </>
      )}
    </details>
  );
}
