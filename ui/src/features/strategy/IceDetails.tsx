// The expanded part of a Priorities row: per score, its note (saved when the
// box loses focus) and the suggestion from the data with every reason; and
// a note for the whole row.
import { useState } from "react";

import type { IceRow } from "../../bindings/IceRow";
import type { IceSuggestion } from "../../bindings/IceSuggestion";
import type { IceUpdate } from "../../bindings/IceUpdate";

type Part = {
  label: string;
  noteKey: "note_impact" | "note_confidence" | "note_ease";
  suggestion: IceSuggestion | undefined;
};

type Props = {
  row: IceRow;
  eLabel: string;
  parts: Part[];
  testId: string;
  onSave: (update: IceUpdate) => void;
};

function NoteBox({
  label,
  initial,
  testId,
  onSave,
}: {
  label: string;
  initial: string;
  testId: string;
  onSave: (text: string) => void;
}) {
  const [text, setText] = useState(initial);
  return (
    <label className="ice-note">
      <span>{label}</span>
      <textarea
        rows={2}
        value={text}
        data-testid={testId}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (text.trim() !== initial.trim()) onSave(text);
        }}
      />
    </label>
  );
}

export function IceDetails({ row, eLabel, parts, testId, onSave }: Props) {
  return (
    <div className="ice-details" data-testid={testId}>
      {parts.map((part) => (
        <section key={part.noteKey} className="ice-detail-part" aria-label={`${part.label} of ${row.name}`}>
          <h3>{part.label === "E" ? eLabel : part.label}</h3>
          <NoteBox
            label={`Note on ${part.label === "E" ? eLabel.split(" ")[0] : part.label}`}
            initial={row[part.noteKey]}
            testId={`${testId}-${part.noteKey}`}
            onSave={(text) => onSave({ [part.noteKey]: text })}
          />
          {part.suggestion && (
            <div className="ice-reasons">
              <p>Suggested {part.suggestion.value}, because:</p>
              <ul>
                {part.suggestion.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </div>
          )}
        </section>
      ))}
      <div className="ice-detail-row-note">
        <NoteBox
          label="Note on the whole row"
          initial={row.note}
          testId={`${testId}-note`}
          onSave={(text) => onSave({ note: text })}
        />
      </div>
    </div>
  );
}
