// One editable ICE score of the Priorities table: a 1-10 input that commits
// each valid value at once (the row re-ranks while the user types; the
// typed text stays until the input loses focus), and the suggestion from
// the data beside it with a "Use" button. Nothing is applied by itself.
// "1" is the one value that may be the start of another ("10"): it waits
// for Enter, the focus leaving, or a pause, so typing 10 never ranks the
// row at 1 on the way (on a busy laptop that write could land first).
import { useEffect, useRef, useState } from "react";

import type { IceSuggestion } from "../../bindings/IceSuggestion";
import { parseScore } from "./iceView";

/** How long a typed "1" waits for a second digit before it counts. */
const PAUSE_BEFORE_ONE_MS = 1200;

type Props = {
  /** "Impact", "Confidence", "Effort" or "Ease". */
  label: string;
  targetName: string;
  value: number | null;
  suggestion: IceSuggestion | undefined;
  suggestionsLoading: boolean;
  testId: string;
  onCommit: (value: number) => void;
};

export function IceScoreCell({ label, targetName, value, suggestion, suggestionsLoading, testId, onCommit }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const waiting = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(waiting.current), []);
  const shown = draft ?? (value === null ? "" : String(value));
  const commitText = (text: string) => {
    clearTimeout(waiting.current);
    const parsed = parseScore(text);
    if (parsed !== null && parsed !== value) onCommit(parsed);
  };
  const invalid = draft !== null && draft.trim() !== "" && parseScore(draft) === null;
  const errorId = `${testId}-error`;
  return (
    <div className="ice-score">
      <input
        type="text"
        inputMode="numeric"
        className="ice-score-input"
        aria-label={`${label} of ${targetName} (1 to 10)`}
        aria-invalid={invalid}
        aria-describedby={invalid ? errorId : undefined}
        data-testid={testId}
        value={shown}
        placeholder="–"
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          clearTimeout(waiting.current);
          if (text.trim() === "1") waiting.current = setTimeout(() => commitText(text), PAUSE_BEFORE_ONE_MS);
          else commitText(text);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && draft !== null) commitText(draft);
        }}
        onBlur={() => {
          if (draft !== null && draft.trim() === "1") commitText(draft);
          setDraft(null);
        }}
      />
      {invalid && (
        <span id={errorId} className="ice-score-error" role="alert">
          1–10
        </span>
      )}
      {suggestion ? (
        <span className="ice-suggestion" title={suggestion.reasons.join("\n")}>
          <span data-testid={`${testId}-suggested`}>Suggests {suggestion.value}</span>
          {suggestion.value !== value && (
            <button
              type="button"
              className="link inline"
              data-testid={`${testId}-use`}
              aria-label={`Use the suggested ${label} ${suggestion.value} for ${targetName}`}
              onClick={() => onCommit(suggestion.value)}
            >
              Use
            </button>
          )}
        </span>
      ) : (
        suggestionsLoading && <span className="ice-suggestion muted">…</span>
      )}
    </div>
  );
}
