// A segment's review cadence, editable: days between reviews, or never.
import { useState } from "react";

import { useSetReviewCadence } from "../../lib/queries";

type Props = { segmentId: number; name: string; days: number | null; onError: (error: unknown) => void };

export function ReviewCadence({ segmentId, name, days, onError }: Props) {
  const save = useSetReviewCadence();
  const [text, setText] = useState(days === null ? "" : String(days));
  const value = Number(text);
  const valid = Number.isInteger(value) && value >= 1 && value <= 3650;
  const changed = days === null ? text !== "" : value !== days;
  const set = (next: number | null) => save.mutate({ segmentId, days: next }, { onError });
  return (
    <span className="review-cadence">
      <input
        type="number"
        min={1}
        max={3650}
        value={text}
        placeholder="never"
        aria-label={`Review cadence of ${name}, in days`}
        onChange={(e) => setText(e.target.value)}
        data-testid={`review-cadence-${segmentId}`}
        style={{ width: "5.5rem" }}
      />{" "}
      days{" "}
      <button type="button" disabled={!valid || !changed || save.isPending} onClick={() => set(value)}>
        Set
      </button>{" "}
      <button
        type="button"
        disabled={days === null || save.isPending}
        onClick={() => {
          setText("");
          set(null);
        }}
      >
        Never
      </button>
    </span>
  );
}
