// The Quality view's Fixes tab: what can be fixed (countries, phones, each
// field with values written several ways, addresses not to send to), each
// opening a preview the user confirms mapping by mapping before applying it.
// Every fix is one change in the import history, undoable here right after
// it is applied or later from the Import view.
import { useEffect, useState } from "react";

import type { FixOutcome } from "../../bindings/FixOutcome";
import { useSpellingFields, useUndoFix } from "../../lib/queries";
import { plural } from "../import/wizardText";
import { NormalisePanel } from "./normalisePanel";
import { UnsendablePanel } from "./fixesUnsendable";
import "./fixes.css";

/** `field`: the field to open on, when the Overview sent the user here. */
type Props = { field?: string; onError: (error: unknown) => void };

/** What the list offers: a field to normalise, or marking addresses not sendable. */
type Choice = { kind: "field"; field: string } | { kind: "unsendable" };

const UNSENDABLE_KEY = "__unsendable";

export function FixesTab({ field, onError }: Props) {
  const [choice, setChoice] = useState<Choice>(field ? { kind: "field", field } : { kind: "field", field: "country" });
  const [done, setDone] = useState<FixOutcome | null>(null);
  const [undone, setUndone] = useState<string | null>(null);
  const spellings = useSpellingFields();
  const undo = useUndoFix();

  useEffect(() => {
    if (field) setChoice({ kind: "field", field });
  }, [field]);

  const choose = (next: Choice) => {
    setChoice(next);
    setDone(null);
    setUndone(null);
  };
  const selectedKey = choice.kind === "field" ? choice.field : UNSENDABLE_KEY;
  const applied = (outcome: FixOutcome) => {
    setUndone(null);
    setDone(outcome);
  };
  const undoDone = async () => {
    if (!done) return;
    try {
      const summary = await undo.mutateAsync(done.change_id);
      setUndone(`Undid "${done.title}": put back ${plural(summary.values_restored, "value", "values")}.`);
      setDone(null);
    } catch (error) {
      onError(error);
    }
  };

  const items: { key: string; label: string; detail?: string; choice: Choice }[] = [
    { key: "country", label: "Countries", detail: "one name per country", choice: { kind: "field", field: "country" } },
    { key: "phone", label: "Phones", detail: "to E.164", choice: { kind: "field", field: "phone" } },
    ...(spellings.data ?? []).map((s) => ({
      key: s.field,
      label: s.label,
      detail: `${plural(s.leads, "lead", "leads")} spelt another way`,
      choice: { kind: "field", field: s.field } as Choice,
    })),
    {
      key: UNSENDABLE_KEY,
      label: "Mark not sendable",
      detail: "invalid, role, disposable, bounced",
      choice: { kind: "unsendable" },
    },
  ];
  if (choice.kind === "field" && !items.some((i) => i.key === choice.field)) {
    items.splice(items.length - 1, 0, { key: choice.field, label: choice.field, choice });
  }

  return (
    <div className="fixes-tab" data-testid="fixes-tab">
      <nav className="fixes-list" aria-label="What can be fixed">
        <ul>
          {items.map((item) => (
            <li key={item.key}>
              <button
                className={item.key === selectedKey ? "fixes-item selected" : "fixes-item"}
                aria-current={item.key === selectedKey ? "true" : undefined}
                data-testid={`fixes-item-${item.key}`}
                onClick={() => choose(item.choice)}
              >
                <span>{item.label}</span>
                {item.detail && <span className="muted small">{item.detail}</span>}
              </button>
            </li>
          ))}
        </ul>
        {spellings.isPending && <p className="muted small">Looking for values written several ways…</p>}
      </nav>
      <section className="fixes-panel" aria-live="polite">
        {done && (
          <p className="note fixes-done" role="status" data-testid="fixes-done">
            {done.title}: {plural(done.leads_changed, "lead", "leads")} changed ·{" "}
            <button className="link" data-testid="fixes-undo" onClick={() => void undoDone()} disabled={undo.isPending}>
              Undo
            </button>
          </p>
        )}
        {undone && (
          <p className="note" role="status" data-testid="fixes-undone">
            {undone}
          </p>
        )}
        {choice.kind === "field" ? (
          <NormalisePanel key={choice.field} field={choice.field} onApplied={applied} onError={onError} />
        ) : (
          <UnsendablePanel onApplied={applied} onError={onError} />
        )}
      </section>
    </div>
  );
}
