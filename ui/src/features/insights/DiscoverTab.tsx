// The Discover tab ("find the perfect group of prospects"): segments proposed
// from the data by a shallow decision tree, each a card with its conditions
// in plain language, its size, its conversion rate with the 95% interval
// against the baseline, its lift, "Open in builder" and one-click "Save as
// segment". Only groups whose interval lies above the baseline are shown.
import { useEffect, useId, useState } from "react";

import type { DiscoverOptions } from "../../bindings/DiscoverOptions";
import type { Proposal } from "../../bindings/Proposal";
import type { Rate } from "../../bindings/Rate";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { useDiscovery, useSaveSegment } from "../../lib/queries";
import type { AnalysisSettings } from "./AnalysisSettings";
import { percent, rateWithInterval } from "./CrosstabTab";
import "./discover.css";

type Props = { settings: AnalysisSettings; onError: (error: unknown) => void };

/** The colour a proposal is saved with: the app's accent. */
const PROPOSAL_COLOUR = "#0f766e";

export function DiscoverTab({ settings, onError }: Props) {
  const id = useId();
  const [depth, setDepth] = useState(3);
  const [minSizeText, setMinSizeText] = useState("");
  const minSize = Number.parseInt(minSizeText, 10);
  const options: DiscoverOptions = {
    max_depth: depth,
    min_leaf: Number.isFinite(minSize) && minSize > 0 ? minSize : null,
  };
  const discovery = useDiscovery(settings.outcome, settings.from, settings.to, options);
  useEffect(() => {
    if (discovery.error) onError(discovery.error);
  }, [discovery.error, onError]);
  const data = discovery.data;
  return (
    <div className="discover" data-testid="insights-discover">
      <p className="muted">
        Leadstream grows a small decision tree over the leads&rsquo; fields and what they did before {settings.from},
        and proposes the groups that converted clearly better from {settings.from} to {settings.to}: their 95% interval
        lies above the rate of all leads.
      </p>
      <div className="discover-options">
        <label htmlFor={`${id}-depth`}>Conditions per group, at most</label>
        <select
          id={`${id}-depth`}
          value={depth}
          data-testid="discover-depth"
          onChange={(e) => setDepth(Number(e.target.value))}
        >
          {[1, 2, 3, 4].map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-min`}>Smallest group (leads)</label>
        <input
          id={`${id}-min`}
          type="number"
          min={1}
          placeholder={data ? String(data.min_leaf) : "auto"}
          value={minSizeText}
          data-testid="discover-min-size"
          onChange={(e) => setMinSizeText(e.target.value)}
        />
      </div>
      {discovery.isFetching && <p className="muted">Looking for groups…</p>}
      {data && (
        <>
          <p data-testid="discover-baseline">
            All leads: {formatCount(data.baseline.trials)}, {rateWithInterval(data.baseline)} converted. The tree tried{" "}
            {formatCount(data.candidates)} splits and ended in {data.leaves} groups of at least{" "}
            {formatCount(data.min_leaf)} leads.
          </p>
          {data.proposals.length === 0 ? (
            <p className="discover-none" role="status" data-testid="discover-none">
              No group converts clearly better than all leads in this period: no group&rsquo;s 95% interval lies above{" "}
              {percent(data.baseline.rate)}. Try a longer period, another outcome or a smaller minimum group.
            </p>
          ) : (
            <ol className="discover-proposals" data-testid="discover-proposals">
              {data.proposals.map((proposal, i) => (
                <ProposalCard
                  key={proposal.rules === null ? i : JSON.stringify(proposal.rules)}
                  index={i}
                  proposal={proposal}
                  baseline={data.baseline}
                  settings={settings}
                  onError={onError}
                />
              ))}
            </ol>
          )}
        </>
      )}
    </div>
  );
}

type CardProps = {
  index: number;
  proposal: Proposal;
  baseline: Rate;
  settings: AnalysisSettings;
  onError: (error: unknown) => void;
};

function ProposalCard({ index, proposal, baseline, settings, onError }: CardProps) {
  const save = useSaveSegment();
  const [savedId, setSavedId] = useState<number | null>(null);
  const rate = proposal.conversion;
  const headingId = useId();
  const description =
    `Proposed by Insights › Discover for ${settings.from} to ${settings.to}: ` +
    `${formatCount(rate.trials)} leads as of ${settings.from}, ${rateWithInterval(rate)} converted` +
    (proposal.lift === null ? "." : `, ${proposal.lift.toFixed(2)}× all leads.`);
  const saveAsSegment = () =>
    save.mutate(
      {
        id: null,
        draft: { name: proposal.name, description, color: PROPOSAL_COLOUR, folder: "Proposed", rules: proposal.rules },
      },
      { onSuccess: (segment) => setSavedId(segment.id), onError },
    );
  return (
    <li className="discover-card" data-testid={`discover-proposal-${index}`} aria-labelledby={headingId}>
      <h3 id={headingId}>Group {index + 1}</h3>
      <ul className="discover-conditions" aria-label="Conditions, all of which hold">
        {proposal.conditions.map((condition, c) => (
          <li key={c}>{condition}</li>
        ))}
      </ul>
      <dl className="discover-numbers">
        <div>
          <dt>Leads</dt>
          <dd data-testid={`discover-size-${index}`} data-count={rate.trials}>
            {formatCount(rate.trials)}
          </dd>
        </div>
        <div>
          <dt>Converted</dt>
          <dd data-testid={`discover-rate-${index}`}>
            {percent(rate.rate)}{" "}
            <span className="muted">
              ({percent(rate.low)} to {percent(rate.high)})
            </span>
          </dd>
        </div>
        <div>
          <dt>Lift</dt>
          <dd>{proposal.lift === null ? "–" : `${proposal.lift.toFixed(2)}×`}</dd>
        </div>
      </dl>
      <IntervalBar rate={rate} baseline={baseline} />
      <div className="discover-actions">
        <button
          onClick={() => navigate({ view: "segments", rules: proposal.rules, name: proposal.name })}
          data-testid={`discover-open-${index}`}
        >
          Open in builder
        </button>
        <button
          className="primary"
          disabled={save.isPending || savedId !== null}
          onClick={saveAsSegment}
          data-testid={`discover-save-${index}`}
        >
          {savedId === null ? "Save as segment" : "Saved"}
        </button>
        {savedId !== null && (
          <span role="status" data-testid={`discover-saved-${index}`} data-segment-id={savedId}>
            Saved as segment “{proposal.name}” in the folder Proposed.
          </span>
        )}
      </div>
    </li>
  );
}

/** The interval as a bar on a 0 to 100% scale, with the baseline marked (the numbers above say the same). */
function IntervalBar({ rate, baseline }: { rate: Rate; baseline: Rate }) {
  return (
    <div className="discover-interval" aria-hidden="true">
      <span
        className="discover-interval-range"
        style={{ left: `${rate.low * 100}%`, width: `${Math.max(0.5, (rate.high - rate.low) * 100)}%` }}
      />
      <span className="discover-interval-point" style={{ left: `${rate.rate * 100}%` }} />
      <span className="discover-interval-baseline" style={{ left: `${baseline.rate * 100}%` }} />
    </div>
  );
}
