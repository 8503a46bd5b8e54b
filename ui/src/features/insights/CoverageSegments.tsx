// The saved segments judged: too small to act on, too large to be specific,
// near-duplicate pairs (each holds over 90% of the other), and which of the
// seven segmentation types their rules use, the unused ones said plainly.
import type { Coverage } from "../../bindings/Coverage";
import type { CoverageSegment } from "../../bindings/CoverageSegment";
import { formatCount } from "../../lib/format";
import { formatShare } from "./coverageSettings";

export function CoverageSegments({ report }: { report: Coverage }) {
  const { settings } = report;
  return (
    <>
      <div className="coverage-columns">
        <SizeList
          id="too-small"
          title={`Too small: under ${formatCount(settings.too_small)} leads`}
          segments={report.too_small}
        />
        <SizeList
          id="too-large"
          title={`Too large: over ${settings.too_large_percent}% of leads`}
          segments={report.too_large}
        />
        <section className="coverage-section" aria-labelledby="coverage-duplicates-title">
          <h3 id="coverage-duplicates-title">Near-duplicates</h3>
          <p className="muted">Pairs where each segment holds over 90% of the other's leads.</p>
          {report.near_duplicates.length === 0 ? (
            <p data-testid="coverage-near-duplicates-none">None.</p>
          ) : (
            <ul className="coverage-list" data-testid="coverage-near-duplicates">
              {report.near_duplicates.map((pair) => (
                <li key={`${pair.first.id}-${pair.second.id}`}>
                  <strong>{pair.first.name}</strong> and <strong>{pair.second.name}</strong>: {formatCount(pair.both)}{" "}
                  leads in both, {formatShare(pair.share_of_first)} of the first and {formatShare(pair.share_of_second)}{" "}
                  of the second
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="coverage-section" aria-labelledby="coverage-types-title">
        <h3 id="coverage-types-title">Segmentation types in use</h3>
        <p className="muted">
          From the fields the segments' rules test (the field catalogue's type of each field); behaviour rules are
          behavioral.
        </p>
        <ul className="coverage-types" data-testid="coverage-types">
          {report.types.map((entry) => (
            <li
              key={entry.category}
              className={entry.used ? "used" : "unused"}
              data-testid={`coverage-type-${entry.category}`}
              data-used={entry.used}
            >
              <span className="coverage-type-mark" aria-hidden>
                {entry.used ? "✓" : "—"}
              </span>
              <strong>{entry.label}</strong>{" "}
              {entry.used ? (
                <span className="muted">
                  used by {entry.segments.length} {entry.segments.length === 1 ? "segment" : "segments"}:{" "}
                  {entry.segments.join(", ")}
                </span>
              ) : (
                <span className="coverage-unused">not used by any segment</span>
              )}
            </li>
          ))}
        </ul>
      </section>
      {report.skipped.length > 0 && (
        <section className="coverage-section" aria-labelledby="coverage-skipped-title">
          <h3 id="coverage-skipped-title">Left out</h3>
          <ul className="coverage-list">
            {report.skipped.map((s) => (
              <li key={s.id}>
                <strong>{s.name}</strong>: {s.problem}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function SizeList({ id, title, segments }: { id: string; title: string; segments: CoverageSegment[] }) {
  return (
    <section className="coverage-section" aria-labelledby={`coverage-${id}-title`}>
      <h3 id={`coverage-${id}-title`}>{title}</h3>
      {segments.length === 0 ? (
        <p data-testid={`coverage-list-${id}-none`}>None.</p>
      ) : (
        <ul className="coverage-list" data-testid={`coverage-list-${id}`}>
          {segments.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong>
              {s.is_builtin && <span className="muted"> (built in)</span>}: {formatCount(s.count)} leads,{" "}
              {formatShare(s.share)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
