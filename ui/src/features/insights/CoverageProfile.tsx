// What the leads in no saved segment have in common: for the fields that set
// them apart most, each value's share among them next to its share among all
// leads, with bars, and the values they hold far more often marked.
import { useState } from "react";

import type { Coverage } from "../../bindings/Coverage";
import type { UncoveredFieldProfile } from "../../bindings/UncoveredFieldProfile";
import { formatCount } from "../../lib/format";
import { formatShare } from "./coverageSettings";

/** Fields shown before "Show all fields". */
const FIRST_FIELDS = 4;

export function CoverageProfile({ report }: { report: Coverage }) {
  const [showAll, setShowAll] = useState(false);
  const profile = report.uncovered_profile;
  const shown = showAll ? profile : profile.slice(0, FIRST_FIELDS);
  return (
    <section className="coverage-section" aria-labelledby="coverage-profile-title" data-testid="coverage-profile">
      <h3 id="coverage-profile-title">What the leads in no segment have in common</h3>
      {report.in_none === 0 ? (
        <p className="muted">Every lead is in at least one segment.</p>
      ) : report.in_none === report.total_leads ? (
        <p className="muted">
          Every lead is in no segment, so they look like all leads: save segments (or count the built-ins) to compare.
        </p>
      ) : (
        <>
          <p className="muted">
            Each value's share among the {formatCount(report.in_none)} leads in no segment, against its share among all
            leads. Values marked “more common” are where a segment may be missing. Fields that set these leads apart
            most come first.
          </p>
          <div className="coverage-profile">
            {shown.map((field) => (
              <FieldTable key={field.key} field={field} />
            ))}
          </div>
          {profile.length > FIRST_FIELDS && (
            <button className="link" data-testid="coverage-profile-more" onClick={() => setShowAll(!showAll)}>
              {showAll ? "Show fewer fields" : `Show all ${profile.length} fields`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function FieldTable({ field }: { field: UncoveredFieldProfile }) {
  return (
    <table className="coverage-table" data-testid={`coverage-profile-${field.key}`}>
      <caption>{field.label}</caption>
      <thead>
        <tr>
          <th scope="col">Value</th>
          <th scope="col">In no segment</th>
          <th scope="col">All leads</th>
        </tr>
      </thead>
      <tbody>
        {field.values.map((value) => (
          <tr key={value.value ?? ""} className={value.over_represented ? "over" : undefined}>
            <th scope="row">
              {value.value ?? <span className="muted">(no value)</span>}
              {value.over_represented && <span className="coverage-badge">more common</span>}
            </th>
            <td>
              <span className="coverage-bar-cell">
                <span title={`${formatCount(value.in_bucket)} leads`}>{formatShare(value.bucket_share)}</span>
                <span className="coverage-bar bucket" style={{ width: `${value.bucket_share * 80}px` }} aria-hidden />
              </span>
            </td>
            <td>
              <span className="coverage-bar-cell">
                <span title={`${formatCount(value.overall)} leads`}>{formatShare(value.overall_share)}</span>
                <span className="coverage-bar all" style={{ width: `${value.overall_share * 80}px` }} aria-hidden />
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
