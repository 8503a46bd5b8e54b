// The Back-test tab: score every lead as of a past date T with what was known
// then, and see who converted in the W days after: the AUC in plain words,
// conversion and lift by band and by decile, and the cumulative gains chart
// with its table; a second model side by side on the same dates.
import { useId, useState } from "react";

import type { Backtest } from "../../bindings/Backtest";
import type { ScoringModel } from "../../bindings/ScoringModel";
import { formatCount } from "../../lib/format";
import { useEventTypes, useScoringBacktest } from "../../lib/queries";
import { GainsChart } from "./GainsChart";
import { aucReading, daysBefore, percent } from "./backtestFormat";

type Props = { models: ScoringModel[] };

const lift = (value: number | undefined) => (value === undefined ? "—" : `${value.toFixed(2)}×`);

export function BacktestTab({ models }: Props) {
  const id = useId();
  const eventTypes = useEventTypes();
  const [at, setAt] = useState(() => daysBefore(new Date(), 90));
  const [windowText, setWindowText] = useState("60");
  const [types, setTypes] = useState<string[]>(["purchase"]);
  const [first, setFirst] = useState<number | null>(null);
  const [second, setSecond] = useState<number | null>(null);
  // A model deleted meanwhile is no longer chosen.
  const known = (id: number | null) => (id !== null && models.some((m) => m.id === id) ? id : null);
  const firstId = known(first) ?? models[0]?.id ?? null;
  const secondId = known(second) === firstId ? null : known(second);
  const windowDays = Number(windowText);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(at) && Number.isInteger(windowDays) && windowDays >= 1 && types.length > 0;
  const toggle = (type: string) =>
    setTypes((current) => (current.includes(type) ? current.filter((t) => t !== type) : [...current, type].sort()));
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
        <label htmlFor={`${id}-at`}>Score as of</label>
        <input
          id={`${id}-at`}
          type="date"
          value={at}
          data-testid="backtest-at"
          onChange={(e) => setAt(e.target.value)}
        />
        <label htmlFor={`${id}-window`}>then count conversions for</label>
        <input
          id={`${id}-window`}
          className="score-number"
          type="number"
          min={1}
          max={3650}
          value={windowText}
          data-testid="backtest-window"
          onChange={(e) => setWindowText(e.target.value)}
        />
        <span>days</span>
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
      <fieldset className="backtest-outcome" data-testid="backtest-outcome">
        <legend>Counts as a conversion: any of these events in the window</legend>
        {(eventTypes.data ?? []).map((t) => (
          <label key={t.event_type} className="checkbox">
            <input
              type="checkbox"
              checked={types.includes(t.event_type)}
              data-testid={`backtest-outcome-${t.event_type}`}
              onChange={() => toggle(t.event_type)}
            />
            {t.event_type}
          </label>
        ))}
      </fieldset>
      {!valid && (
        <p className="rule-error" role="alert">
          Choose a date, a window of at least 1 day and at least one outcome event type.
        </p>
      )}
      <div className={secondId !== null ? "backtest-columns two" : "backtest-columns"}>
        {[firstId, secondId]
          .filter((m): m is number => m !== null)
          .map((modelId, column) => (
            <BacktestColumn
              key={`${column}-${modelId}`}
              model={models.find((m) => m.id === modelId) ?? null}
              column={column}
              at={at}
              windowDays={windowDays}
              types={types}
              enabled={valid}
            />
          ))}
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
      {!result.data && result.isFetching && <p className="muted">Scoring every lead as of {at}…</p>}
      {result.data && <BacktestReport result={result.data} column={column} />}
    </section>
  );
}

function BacktestReport({ result, column }: { result: Backtest; column: number }) {
  const { report } = result;
  const population = report.population;
  return (
    <>
      <p className="backtest-auc">
        ROC AUC{" "}
        <strong data-testid={`backtest-auc-${column}`}>{report.auc === undefined ? "—" : report.auc.toFixed(3)}</strong>
        <span className="muted" data-testid={`backtest-auc-reading-${column}`}>
          {" "}
          {aucReading(report.auc)}
        </span>
      </p>
      <p className="muted" data-testid={`backtest-population-${column}`}>
        {formatCount(population.trials)} leads existed and had not converted by then;{" "}
        {formatCount(population.successes)} converted in the window ({percent(population.rate)}).
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
              <td>{lift(b.lift)}</td>
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
              <td>{lift(d.lift)}</td>
              <td>{percent(d.cumulative_share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
