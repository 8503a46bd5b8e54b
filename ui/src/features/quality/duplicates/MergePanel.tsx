// The merge preview of one duplicate pair: which lead survives, per field
// each lead's value, the value kept and why (most recent non-empty, or
// picked with the radio), the events and segments that move; "Merge"
// applies it as a fix in the history.
import { useState } from "react";

import type { DuplicatePair } from "../../../bindings/DuplicatePair";
import type { FixOutcome } from "../../../bindings/FixOutcome";
import type { DuplicateLead as LeadSummary } from "../../../bindings/DuplicateLead";
import { useMergeLeads, useMergePreview } from "../../../lib/queries";
import { leadLabel, reasonText } from "./duplicateText";

type Props = {
  pair: DuplicatePair;
  onMerged: (outcome: FixOutcome, survivor: LeadSummary, merged: LeadSummary) => void;
  onCancel: () => void;
  onError: (error: unknown) => void;
};

export function MergePanel({ pair, onMerged, onCancel, onError }: Props) {
  const [survivorId, setSurvivorId] = useState(pair.first.id);
  const [picks, setPicks] = useState<Record<string, number>>({});
  const survivor = survivorId === pair.first.id ? pair.first : pair.second;
  const merged = survivorId === pair.first.id ? pair.second : pair.first;
  const preview = useMergePreview(survivor.id, [merged.id], picks);
  const merge = useMergeLeads();
  const data = preview.data;
  const leads = [survivor, merged];
  const shown = (data?.fields ?? []).filter((f) => f.values.some((v) => v.value !== null));

  const apply = () =>
    merge.mutate(
      { survivor: survivor.id, merged: [merged.id], picks },
      { onSuccess: (outcome) => onMerged(outcome, survivor, merged), onError },
    );

  return (
    <section className="merge-panel" aria-labelledby="merge-title" data-testid="merge-panel">
      <h3 id="merge-title">Merge preview</h3>
      <fieldset className="merge-survivor">
        <legend>Keep as the survivor</legend>
        {leads.map((lead) => (
          <label key={lead.id}>
            <input
              type="radio"
              name="merge-survivor"
              checked={lead.id === survivor.id}
              onChange={() => {
                setSurvivorId(lead.id);
                setPicks({});
              }}
              data-testid={`merge-survivor-${lead.id}`}
            />
            #{lead.id} {leadLabel(lead)}
          </label>
        ))}
      </fieldset>
      {preview.error ? (
        <p role="alert">{(preview.error as Error).message}</p>
      ) : !data ? (
        <p className="muted">Preparing the preview…</p>
      ) : (
        <>
          <p data-testid="merge-summary">
            {data.title}: {data.events_to_move} {data.events_to_move === 1 ? "event moves" : "events move"} to the
            survivor, {data.values_changing} of its {data.values_changing === 1 ? "values changes" : "values change"}.
          </p>
          <ul className="merge-segments">
            {[data.survivor, ...data.merged].map((lead) => (
              <li key={lead.lead.id}>
                #{lead.lead.id} ({lead.events} events, updated {lead.updated_at.slice(0, 10)}) is in{" "}
                {lead.segments.length === 0 ? "no saved segment" : lead.segments.join(", ")}
              </li>
            ))}
          </ul>
          <div className="merge-table-wrap">
            <table className="merge-table" data-testid="merge-table">
              <caption className="muted">
                Each field's values; the survivor keeps the most recent non-empty one unless you pick another.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  {leads.map((lead) => (
                    <th scope="col" key={lead.id}>
                      #{lead.id} {lead.id === survivor.id ? "(survivor)" : "(merged)"}
                    </th>
                  ))}
                  <th scope="col">Kept</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((field) => (
                  <tr key={field.key} className={field.changes ? "merge-changes" : undefined}>
                    <th scope="row">{field.label}</th>
                    {field.values.map((value) => (
                      <td key={value.lead_id}>
                        {field.pickable ? (
                          <label className="merge-pick">
                            <input
                              type="radio"
                              name={`pick-${field.key}`}
                              checked={field.chosen_lead === value.lead_id}
                              onChange={() => setPicks({ ...picks, [field.key]: value.lead_id })}
                              aria-label={`Keep ${field.label} of #${value.lead_id}: ${value.value ?? "empty"}`}
                              data-testid={`merge-pick-${field.key}-${value.lead_id}`}
                            />
                            <span>{value.value ?? "—"}</span>
                          </label>
                        ) : (
                          <span>{value.value ?? "—"}</span>
                        )}
                      </td>
                    ))}
                    <td data-testid={`merge-kept-${field.key}`}>{field.chosen ?? "—"}</td>
                    <td className="muted merge-why">{reasonText(field.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div className="merge-actions">
        <button
          type="button"
          className="primary"
          onClick={apply}
          disabled={!data || merge.isPending}
          data-testid="merge-apply"
        >
          {merge.isPending ? "Merging…" : "Merge"}
        </button>
        <button type="button" onClick={onCancel} data-testid="merge-cancel">
          Cancel
        </button>
      </div>
    </section>
  );
}
