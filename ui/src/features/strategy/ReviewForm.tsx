// The "Record review" form of one due segment: the decision (keep, change,
// retire) and a note. Saving stores that day's numbers with it and the
// segment leaves the due list until its next due date.
import { useState, type FormEvent } from "react";

import type { Decision } from "../../bindings/Decision";
import { useRecordReview } from "../../lib/queries";

type Props = { segmentId: number; name: string; onDone: () => void };

const DECISIONS: { key: Decision; label: string; hint: string }[] = [
  { key: "keep", label: "Keep", hint: "the segment stays as it is" },
  { key: "change", label: "Change", hint: "you will edit its rules" },
  { key: "retire", label: "Retire", hint: "kept, but no longer due and listed apart" },
];

export function ReviewForm({ segmentId, name, onDone }: Props) {
  const record = useRecordReview();
  const [decision, setDecision] = useState<Decision>("keep");
  const [note, setNote] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.mutate({ segmentId, decision, note }, { onSuccess: onDone });
  };
  const error = record.error instanceof Error ? record.error.message : null;
  return (
    <form className="review-form" onSubmit={submit} aria-labelledby="review-form-title" data-testid="review-form">
      <h3 id="review-form-title">Record a review of {name}</h3>
      <fieldset>
        <legend>Decision</legend>
        {DECISIONS.map((d) => (
          <label key={d.key} className="review-decision">
            <input
              type="radio"
              name="review-decision"
              value={d.key}
              checked={decision === d.key}
              onChange={() => setDecision(d.key)}
              data-testid={`review-decision-${d.key}`}
            />
            {d.label} <span className="muted">({d.hint})</span>
          </label>
        ))}
      </fieldset>
      <label>
        Note
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} data-testid="review-note" />
      </label>
      {error && (
        <p role="alert" className="goal-error">
          {error}
        </p>
      )}
      <div className="goal-form-actions">
        <button type="submit" className="primary" disabled={record.isPending} data-testid="review-save">
          {record.isPending ? "Saving…" : "Save review"}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
