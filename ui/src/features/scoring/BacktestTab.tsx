// The Back-test tab: score every lead as of a past date T with what was known
// then, and see who converted in the W days after — or, for data without
// history, score every lead now against an outcome field (all leads or the
// held-out half): the AUC in plain words, conversion and lift by band and by
// decile, and the cumulative gains chart with its table; a second model side
// by side on the same outcome.
import { useId, useState } from "react";

import type { ModelReport } from "../../bindings/ModelReport";
import type { ScoringModel } from "../../bindings/ScoringModel";
import { formatCount } from "../../lib/format";
import { useScoringBacktest, useScoringEvaluate } from "../../lib/queries";
import { useDebounced } from "../../lib/useDebounced";
import { GainsChart } from "./GainsChart";
import { OutcomeFields } from "./OutcomeFields";
import { aucReading, liftText, percent } from "./backtestFormat";
import { defaultOutcome, fieldSpec, outcomeProblem, suggestedModels, type OutcomeState } from "./outcomeChoice";

type Props = { models: ScoringModel[] };

export function BacktestTab({ models }: Props) {
  const id = useId();
  const [outcome, setOutcome] = useState<OutcomeState>(defaultOutcome);
  const [first, setFirst] = useState<number | null>(null);
  const [second, setSecond] = useState<number | null>(null);
  const [holdoutChoice, setHoldoutChoice] = useState<boolean | null>(null);
  // A model deleted meanwhile is no longer chosen.
  const known = (id: number | null) => (id !== null && models.some((m) => m.id === id) ? id : null);
  const firstId = known(first) ?? models[0]?.id ?? null;
  const secondId = known(second) === firstId ? null : known(second);
  // Points that came from suggestions were fitted on the training half: the held-out half is the fair test.
  const holdout = holdoutChoice ?? (firstId !== null && suggestedModels().includes(firstId));
  const problem = outcomeProblem(outcome);
  // The value is typed: the core is asked once typing pauses, not for every letter.
  const spec = useDebounced(fieldSpec(outcome.field, outcome.value), 400);
  if (models.length === 0) {
    return (
      <p className="muted" data-testid="backtest-no-models">
        Save a scoring model first: the back-test scores leads with it.
      </p>
    );
  }
  return (
    <div className="backtest" data-testid="backtest">
      <div className="backtest-settings">
        <label htmlFor={`${id}-model`}>Model</label>
        <select
          id={`${id}-model`}
          value={firstId ?? ""}
          data-testid="backtest-model"
          onChange={(e) => setFirst(Number(e.target.value))}
        >
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
              {m.is_active ? " (active)" : ""}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-compare`}>compare with</label>
        <select
          id={`${id}-compare`}
          value={secondId ?? ""}
          data-testid="backtest-compare"
          onChange={(e) => setSecond(e.target.value === "" ? null : Number(e.target.value))}
        >
          <option value="">No other model</option>
          {models
            .filter((m) => m.id !== firstId)
            .map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
        </select>
      </div>
      <OutcomeFields
        outcome={outcome}
        onChange={(patch) => setOutcome((o) => ({ ...o, ...patch }))}
        testId="backtest"
      />
      {outcome.kind === "field" && (
        <div className="backtest-settings">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={holdout}
              aria-describedby={`${id}-holdout-hint`}
              data-testid="backtest-holdout"
              onChange={(e) => setHoldoutChoice(e.target.checked)}
            />
            Held-out half only
          </label>
          <span id={`${id}-holdout-hint`} className="muted">
            Suggested points are fitted on a fixed half of the leads; the other half (the held-out half) was never seen
            by them, so only it shows how well they predict new leads.
          </span>
        </div>
      )}
      {problem && (
        <p className="rule-error" role="alert">
          {problem}
        </p>
      )}
      <div className={secondId !== null ? "backtest-columns two" : "backtest-columns"}>
        {[firstId, secondId]
          .filter((m): m is number => m !== null)
          .map((modelId, column) =>
            outcome.kind === "field" ? (
              <EvaluateColumn
                key={`field-${column}-${modelId}`}
                model={models.find((m) => m.id === modelId) ?? null}
                column={column}
                spec={spec ?? ""}
                holdout={holdout}
                enabled={problem === null}
              />
            ) : (
              <BacktestColumn
                key={`${column}-${modelId}`}
                model={models.find((m) => m.id === modelId) ?? null}
                column={column}
                at={outcome.at}
                windowDays={Number(outcome.windowText)}
                types={outcome.types}
                enabled={problem === null}
              />
            ),
          )}
      </div>
    </div>
  );
}

type ColumnProps = {
  model: ScoringModel | null;
  column: number;
  at: string;
  windowDays: number;
  types: string[];
  enabled: boolean;
};

function BacktestColumn({ model, column, at, windowDays, types, enabled }: ColumnProps) {
  const result = useScoringBacktest(model?.id ?? null, null, at, windowDays, types, enabled && model !== null);
  return (
    <ResultColumn model={model} column={column} result={result} waiting={`Scoring every lead as of ${at}…`}>
      {result.data && (
        <BacktestReport
          report={result.data.report}
          column={column}
          population={`${formatCount(result.data.report.population.trials)} leads existed and had not converted by then; ${formatCount(result.data.report.population.successes)} converted in the window (${percent(result.data.report.population.rate)}).`}
        />
      )}
    </ResultColumn>
  );
}

/** One model's column of results: its name, the error if asking failed, a line while the first answer comes. */
function ResultColumn({
  model,
  column,
  result,
  waiting,
  children,
}: {
  model: ScoringModel | null;
  column: number;
  result: { error: unknown; isFetching: boolean; data?: unknown };
  waiting: string;
  children: React.ReactNode;
}) {
  const error = result.error instanceof Error ? result.error.message : result.error ? String(result.error) : null;
  return (
    <section
      className="backtest-column"
      data-testid={`backtest-result-${column}`}
      aria-labelledby={`backtest-title-${column}`}
      aria-busy={result.isFetching}
    >
      <h3 id={`backtest-title-${column}`}>{model?.name ?? "Model"}</h3>
      {error && (
        <p className="rule-error" role="alert">
          {error}
        </p>
      )}
      {!result.data && result.isFetching && <p className="muted">{waiting}</p>}
      {children}
    </section>
  );
}

type EvaluateProps = { model: ScoringModel | null; column: number; spec: string; holdout: boolean; enabled: boolean };

function EvaluateColumn({ model, column, spec, holdout, enabled }: EvaluateProps) {
  const result = useScoringEvaluate(model?.id ?? null, spec, holdout, enabled && model !== null);
  const data = result.data;
  const population = data?.report.population;
  return (
    <ResultColumn model={model} column={column} result={result} waiting="Scoring every lead now…">
      {data && data.shared_fields.length > 0 && (
        <div className="evaluate-shared" role="alert" data-testid={`backtest-shared-${column}`}>
          <strong>The model reads the outcome's own field</strong> ({data.shared_fields.join(", ")}): it scores the
          answer itself, so this AUC overstates how well it predicts. Evaluate against a field the model does not read.
        </div>
      )}
      {data && population && (
        <BacktestReport
          report={data.report}
          column={column}
          population={`${data.held_out ? "Held-out half" : "Every lead"}: ${formatCount(population.trials)} of ${formatCount(data.leads)} leads scored now; ${formatCount(population.successes)} match ${spec} (${percent(population.rate)}).`}
        />
      )}
    </ResultColumn>
  );
}

function BacktestReport({ report, column, population }: { report: ModelReport; column: number; population: string }) {
  return (
    <>
      <p className="backtest-auc">
        ROC AUC{" "}
        <strong data-testid={`backtest-auc-${column}`}>{report.auc == null ? "—" : report.auc.toFixed(3)}</strong>
        <span className="muted" data-testid={`backtest-auc-reading-${column}`}>
          {" "}
          {aucReading(report.auc ?? undefined)}
        </span>
      </p>
      <p className="muted" data-testid={`backtest-population-${column}`}>
        {population}
      </p>
      <h4>By band</h4>
      <table className="score-table" data-testid={`backtest-bands-${column}`}>
        <thead>
          <tr>
            <th scope="col">Band</th>
            <th scope="col">Leads</th>
            <th scope="col">Converted</th>
            <th scope="col">Rate</th>
            <th scope="col">Lift</th>
          </tr>
        </thead>
        <tbody>
          {report.bands.map((b) => (
            <tr key={b.band} data-testid={`backtest-band-${column}-${b.band}`}>
              <th scope="row">{b.band}</th>
              <td>{formatCount(b.rate.trials)}</td>
              <td>{formatCount(b.rate.successes)}</td>
              <td>{percent(b.rate.rate)}</td>
              <td>{liftText(b.lift)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>By score decile (1: the top tenth)</h4>
      <GainsChart deciles={report.deciles} />
      <table className="score-table" data-testid={`backtest-deciles-${column}`}>
        <caption className="visually-hidden">The chart's numbers</caption>
        <thead>
          <tr>
            <th scope="col">Decile</th>
            <th scope="col">Scores</th>
            <th scope="col">Leads</th>
            <th scope="col">Rate</th>
            <th scope="col">Lift</th>
            <th scope="col">Conversions found</th>
          </tr>
        </thead>
        <tbody>
          {report.deciles.map((d) => (
            <tr key={d.decile}>
              <th scope="row">{d.decile}</th>
              <td>
                {d.min_score.toFixed(1)} – {d.max_score.toFixed(1)}
              </td>
              <td>{formatCount(d.rate.trials)}</td>
              <td>{percent(d.rate.rate)}</td>
              <td>{liftText(d.lift)}</td>
              <td>{percent(d.cumulative_share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
