// The Coverage tab: how many leads are in no saved segment, in exactly one
// and in more than N (each number opens those leads in the lead browser),
// what the uncovered leads have in common, segments too small, too large or
// near-duplicates, and which segmentation types the segments use. The
// thresholds are edited here and saved in the workspace.
import { useEffect, useMemo, useRef, useState } from "react";

import type { Coverage } from "../../bindings/Coverage";
import type { CoverageBucket } from "../../bindings/CoverageBucket";
import type { CoverageSettings } from "../../bindings/CoverageSettings";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { useCoverage, useCoverageSettings, useSaveCoverageSettings } from "../../lib/queries";
import { useDebounced } from "../../lib/useDebounced";
import { CoverageProfile } from "./CoverageProfile";
import { CoverageSegments } from "./CoverageSegments";
import { describeBucket, formatShare, readDraft, toDraft, type CoverageDraft } from "./coverageSettings";
import "./coverage.css";

type Props = { onError: (error: unknown) => void };

export function CoverageTab({ onError }: Props) {
  const saved = useCoverageSettings();
  useEffect(() => {
    if (saved.error) onError(saved.error);
  }, [saved.error, onError]);
  return (
    <div className="coverage" data-testid="insights-coverage">
      {saved.data ? (
        <CoverageBody initial={saved.data} onError={onError} />
      ) : (
        <p className="muted">Loading the coverage settings…</p>
      )}
    </div>
  );
}

function CoverageBody({ initial, onError }: { initial: CoverageSettings; onError: (error: unknown) => void }) {
  const [draft, setDraft] = useState<CoverageDraft>(() => toDraft(initial));
  const read = readDraft(draft);
  const settingsJson = "settings" in read ? JSON.stringify(read.settings) : null;
  // The last valid thresholds, once the user stops typing.
  const settledJson = useDebounced(settingsJson, 300);
  const settings = useMemo<CoverageSettings | null>(
    () => (settledJson === null ? null : (JSON.parse(settledJson) as CoverageSettings)),
    [settledJson],
  );
  const report = useCoverage(settings);
  const save = useSaveCoverageSettings();
  const lastSaved = useRef(JSON.stringify(initial));
  useEffect(() => {
    if (settledJson === null || settledJson === lastSaved.current) return;
    lastSaved.current = settledJson;
    save.mutate(JSON.parse(settledJson) as CoverageSettings, { onError });
  }, [settledJson, save, onError]);
  useEffect(() => {
    if (report.error) onError(report.error);
  }, [report.error, onError]);

  const data = report.data;
  const edit = (change: Partial<CoverageDraft>) => setDraft((current) => ({ ...current, ...change }));
  return (
    <>
      <div className="coverage-settings" role="group" aria-label="Coverage settings">
        <label className="check">
          <input
            type="checkbox"
            data-testid="coverage-include-builtins"
            checked={draft.includeBuiltins}
            onChange={(e) => edit({ includeBuiltins: e.target.checked })}
          />
          Count the built-in segments
        </label>
        <label>
          More than
          <input
            type="number"
            min={1}
            max={1000}
            step={1}
            className="coverage-number-input"
            data-testid="coverage-more-than"
            value={draft.moreThan}
            onChange={(e) => edit({ moreThan: e.target.value })}
          />
          segments
        </label>
        <label>
          Too small: under
          <input
            type="number"
            min={0}
            step={1}
            className="coverage-number-input"
            data-testid="coverage-too-small"
            value={draft.tooSmall}
            onChange={(e) => edit({ tooSmall: e.target.value })}
          />
          leads
        </label>
        <label>
          Too large: over
          <input
            type="number"
            min={1}
            max={100}
            className="coverage-number-input"
            data-testid="coverage-too-large"
            value={draft.tooLargePercent}
            onChange={(e) => edit({ tooLargePercent: e.target.value })}
          />
          % of leads
        </label>
        {"problem" in read && (
          <span className="coverage-problem" role="alert" data-testid="coverage-settings-problem">
            {read.problem}
          </span>
        )}
      </div>
      {data ? (
        <CoverageReport report={data} stale={report.isFetching || settledJson !== settingsJson} />
      ) : (
        <p className="muted">Counting…</p>
      )}
    </>
  );
}

function CoverageReport({ report, stale }: { report: Coverage; stale: boolean }) {
  const { settings } = report;
  const open = (bucket: CoverageBucket) =>
    navigate({
      view: "leads",
      scope: {
        kind: "coverage",
        coverage: {
          bucket,
          as_of: report.as_of,
          more_than: settings.more_than,
          include_builtins: settings.include_builtins,
        },
        description:
          describeBucket(bucket, settings.more_than) + (settings.include_builtins ? " (built-ins counted)" : ""),
      },
    });
  const buckets: { bucket: CoverageBucket; count: number }[] = [
    { bucket: "none", count: report.in_none },
    { bucket: "one", count: report.in_one },
    { bucket: "more_than", count: report.in_more_than },
  ];
  const own = report.segments.length;
  return (
    <div className={stale ? "coverage-report stale" : "coverage-report"} aria-busy={stale}>
      <p className="muted" data-testid="coverage-summary">
        {formatCount(report.total_leads)} leads and {formatCount(own)} saved {own === 1 ? "segment" : "segments"}
        {settings.include_builtins ? ", built-ins included" : ", built-ins left out"}, as of now.
      </p>
      {own === 0 && (
        <p className="coverage-note" data-testid="coverage-no-segments">
          {settings.include_builtins
            ? "There are no saved segments yet, so every lead is in none."
            : "You have no saved segments of your own yet, so every lead is in none. Count the built-in segments above, or save segments in the Segments view."}
        </p>
      )}
      <div className="coverage-buckets">
        {buckets.map(({ bucket, count }) => (
          <button
            key={bucket}
            className="coverage-bucket"
            data-testid={`coverage-bucket-${bucket}`}
            data-count={count}
            onClick={() => open(bucket)}
          >
            <span className="coverage-bucket-number">{formatCount(count)}</span>
            <span className="coverage-bucket-label">leads {describeBucket(bucket, settings.more_than)}</span>
            <span className="coverage-bucket-share">
              {formatShare(report.total_leads === 0 ? 0 : count / report.total_leads)} of all leads · Show these leads
            </span>
          </button>
        ))}
      </div>
      <CoverageProfile report={report} />
      <CoverageSegments report={report} />
    </div>
  );
}
