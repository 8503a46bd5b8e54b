// The Fixes tab's "Mark not sendable": which addresses (invalid, role,
// disposable, hard-bounced), how many leads each reason marks and a sample,
// then Apply, which sets "Do not email" (the lead's consent stays as it is).
import { useMemo, useState } from "react";

import type { FixOutcome } from "../../bindings/FixOutcome";
import type { Unsendable } from "../../bindings/Unsendable";
import type { UnsendableReason } from "../../bindings/UnsendableReason";
import { formatCount } from "../../lib/format";
import { useApplyUnsendable, useUnsendablePreview } from "../../lib/queries";
import { plural } from "../import/wizardText";

type Props = {
  onApplied: (outcome: FixOutcome) => void;
  onError: (error: unknown) => void;
};

const REASONS: { reason: UnsendableReason; label: string; hint: string }[] = [
  { reason: "invalid", label: "Invalid addresses", hint: "not an e-mail address at all" },
  { reason: "role", label: "Role addresses", hint: "info@, sales@, support@… reach a team, not a person" },
  { reason: "disposable", label: "Disposable domains", hint: "mailinator.com, 10minutemail.com…" },
  { reason: "hard_bounce", label: "Hard bounces", hint: "at least one hard bounce; soft bounces are not counted" },
];

const LABELS: Record<UnsendableReason, string> = {
  invalid: "invalid",
  role: "role",
  disposable: "disposable",
  hard_bounce: "hard bounce",
  chosen: "chosen",
};

export function UnsendablePanel({ onApplied, onError }: Props) {
  const [reasons, setReasons] = useState<UnsendableReason[]>(["invalid", "disposable", "hard_bounce"]);
  const what: Unsendable = useMemo(() => ({ reasons, lead_ids: [] }), [reasons]);
  const preview = useUnsendablePreview(what, reasons.length > 0);
  const apply = useApplyUnsendable();

  const toggle = (reason: UnsendableReason, on: boolean) =>
    setReasons((current) =>
      on
        ? REASONS.map((r) => r.reason).filter((r) => r === reason || current.includes(r))
        : current.filter((r) => r !== reason),
    );
  const counts = new Map((preview.data?.by_reason ?? []).map((c) => [c.reason, c]));
  const toMark = reasons.length === 0 ? 0 : (preview.data?.leads_to_mark ?? null);
  const run = async () => {
    try {
      onApplied(await apply.mutateAsync(what));
    } catch (error) {
      onError(error);
    }
  };

  return (
    <div className="unsendable-panel" data-testid="unsendable-panel">
      <h3>Mark not sendable</h3>
      <p className="muted">
        Sets &ldquo;Do not email&rdquo; on the leads whose address should not be mailed. Their consent (e-mail opt-in)
        is left as it is; leads already marked are not counted.
      </p>
      <fieldset className="unsendable-reasons">
        <legend>Which addresses</legend>
        {REASONS.map((r) => {
          const count = counts.get(r.reason);
          return (
            <label key={r.reason} className="check" data-testid={`unsendable-reason-${r.reason}`}>
              <input
                type="checkbox"
                checked={reasons.includes(r.reason)}
                onChange={(e) => toggle(r.reason, e.target.checked)}
              />
              <span>
                {r.label} <span className="muted small">({r.hint})</span>
              </span>
              {count && reasons.includes(r.reason) && (
                <span className="num" data-testid="unsendable-reason-count">
                  {plural(count.leads, "lead", "leads")}
                  {count.already_marked > 0 && `, ${formatCount(count.already_marked)} already marked`}
                </span>
              )}
            </label>
          );
        })}
      </fieldset>
      <div className="normalise-apply">
        <p data-testid="unsendable-total" aria-live="polite">
          {toMark === null ? "Counting…" : `${plural(toMark, "lead", "leads")} will be marked not sendable.`}
        </p>
        <button
          className="primary"
          data-testid="unsendable-apply"
          disabled={!toMark || apply.isPending || preview.isFetching}
          onClick={() => void run()}
        >
          {apply.isPending ? "Marking…" : "Apply"}
        </button>
      </div>
      {preview.data && preview.data.sample.length > 0 && reasons.length > 0 && (
        <table className="normalise-table" data-testid="unsendable-sample">
          <caption>Leads that will be marked (the first {formatCount(preview.data.sample.length)})</caption>
          <thead>
            <tr>
              <th scope="col">Lead</th>
              <th scope="col">Address</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {preview.data.sample.map((lead) => (
              <tr key={lead.lead_id}>
                <td>
                  #{lead.lead_id} {lead.name}
                </td>
                <td className="normalise-value">{lead.email}</td>
                <td>{lead.reasons.map((r) => LABELS[r]).join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
