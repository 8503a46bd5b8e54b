// The Quality view's Duplicates tab: likely duplicate pairs (confidence,
// evidence in words, both leads side by side) with a minimum-confidence
// filter; "Merge…" opens the preview, and after a merge a line says what
// was merged into what, with Undo (the change history's undo).
import { useState } from "react";

import type { DuplicatePair } from "../../bindings/DuplicatePair";
import type { DuplicateLead as LeadSummary } from "../../bindings/DuplicateLead";
import { useDuplicates, useUndoMerge } from "../../lib/queries";
import { CONFIDENCE_CHOICES, EVIDENCE_LABELS, mergedMessage, percent } from "./duplicates/duplicateText";
import { MergePanel } from "./duplicates/MergePanel";
import "./duplicates/duplicates.css";

/** `onLeadCountChanged`: a merge or its undo changed how many leads there are (the header's count). */
type Props = { onLeadCountChanged?: () => void; onError: (error: unknown) => void };

/** The most pairs asked for and drawn at once; the filter narrows a longer list. */
const SHOWN_PAIRS = 200;

type Done = { changeId: number; message: string };

function LeadCell({ lead }: { lead: LeadSummary }) {
  return (
    <div className="duplicate-lead">
      <span>
        #{lead.id} {lead.name || "(no name)"}
      </span>
      {[lead.email, lead.company, lead.phone]
        .filter((v): v is string => !!v)
        .map((value) => (
          <span className="muted" key={value}>
            {value}
          </span>
        ))}
    </div>
  );
}

export function DuplicatesTab({ onLeadCountChanged, onError }: Props) {
  const [minConfidence, setMinConfidence] = useState(0);
  const [merging, setMerging] = useState<DuplicatePair | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const duplicates = useDuplicates(minConfidence, SHOWN_PAIRS);
  const total = duplicates.data?.total_pairs ?? 0;
  const undo = useUndoMerge();
  const pairs = duplicates.data?.pairs ?? [];
  const skipped = duplicates.data?.skipped_blocks ?? [];

  const undoMerge = (changeId: number) =>
    undo.mutate(changeId, {
      onSuccess: () => {
        setDone(null);
        onLeadCountChanged?.();
      },
      onError,
    });

  return (
    <div className="duplicates-tab" data-testid="duplicates-tab">
      <div className="duplicates-toolbar">
        <label>
          Minimum confidence
          <select
            value={minConfidence}
            onChange={(e) => setMinConfidence(Number(e.target.value))}
            data-testid="duplicates-min-confidence"
          >
            {CONFIDENCE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="duplicates-count" aria-live="polite">
          {duplicates.data
            ? `${total.toLocaleString("en-US")} likely duplicate ${total === 1 ? "pair" : "pairs"} among ${duplicates.data.leads_checked.toLocaleString("en-US")} leads`
            : "Looking for duplicates…"}
        </span>
      </div>
      {done && (
        <div className="merge-done" role="status" data-testid="merge-done">
          <span>{done.message}</span>
          <button
            type="button"
            onClick={() => undoMerge(done.changeId)}
            disabled={undo.isPending}
            data-testid="merge-undo"
          >
            {undo.isPending ? "Undoing…" : "Undo"}
          </button>
        </div>
      )}
      {merging && (
        <MergePanel
          key={`${merging.first.id}-${merging.second.id}`}
          pair={merging}
          onCancel={() => setMerging(null)}
          onError={onError}
          onMerged={(outcome, survivor, merged) => {
            onLeadCountChanged?.();
            setMerging(null);
            setDone({ changeId: outcome.change_id, message: mergedMessage([merged], survivor) });
          }}
        />
      )}
      {duplicates.error ? (
        <p role="alert">{(duplicates.error as Error).message}</p>
      ) : pairs.length === 0 ? (
        <p className="muted">{duplicates.isLoading ? "" : "No likely duplicates at this confidence."}</p>
      ) : (
        <table className="duplicates-table" data-testid="duplicates-table">
          <caption className="muted">
            Leads that are likely one person, most confident first
            {total > pairs.length
              ? ` (the ${pairs.length} most confident: raise the minimum confidence to narrow)`
              : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Confidence</th>
              <th scope="col">Lead</th>
              <th scope="col">Lead</th>
              <th scope="col">Evidence</th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((pair) => (
              <tr
                key={`${pair.first.id}-${pair.second.id}`}
                data-testid={`duplicate-${pair.first.id}-${pair.second.id}`}
              >
                <td className="duplicate-confidence">{percent(pair.confidence)}</td>
                <td>
                  <LeadCell lead={pair.first} />
                </td>
                <td>
                  <LeadCell lead={pair.second} />
                </td>
                <td>
                  <ul className="duplicate-evidence">
                    {pair.evidence.map((evidence) => (
                      <li key={evidence.kind}>
                        <strong>{EVIDENCE_LABELS[evidence.kind]}</strong>: {evidence.detail}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => setMerging(pair)}
                    aria-label={`Merge #${pair.first.id} and #${pair.second.id}…`}
                    data-testid={`merge-open-${pair.first.id}-${pair.second.id}`}
                  >
                    Merge…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {skipped.length > 0 && (
        <p className="muted" data-testid="duplicates-skipped">
          {skipped.length} {skipped.length === 1 ? "group was" : "groups were"} too large to compare pair by pair (e.g.{" "}
          {skipped[0].size} leads share {skipped[0].key}).
        </p>
      )}
    </div>
  );
}
