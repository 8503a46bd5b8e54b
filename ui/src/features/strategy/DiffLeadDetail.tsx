// A lead of a diff in full: who it is, whether it joined or left, every line
// of its reason, and a link that opens the lead in the lead browser.
import { navigate } from "../../lib/navigation";
import type { DiffLead } from "../../bindings/DiffLead";
import type { ReasonKind } from "../../bindings/ReasonKind";

const KIND_LABEL: Record<ReasonKind, string> = {
  rules_changed: "The segment's rules changed",
  added_by_import: "Added by an import",
  field_changed: "A field changed in an import",
  events_imported: "Events were imported",
  time_passed: "Time passed",
  removed: "Removed from the workspace",
  unknown: "Unknown",
};

export function DiffLeadDetail({
  lead,
  side,
  onClose,
}: {
  lead: DiffLead;
  side: "joined" | "left";
  onClose: () => void;
}) {
  // The summary is usually the first detail: listed once.
  const more = lead.reason.details.filter((line) => line !== lead.reason.summary);
  return (
    <section className="diff-detail" data-testid="diff-lead-detail" aria-labelledby="diff-detail-title">
      <header>
        <h4 id="diff-detail-title">
          {lead.name} {side === "joined" ? "joined" : "left"}
        </h4>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="muted">
        Lead {lead.lead_id}
        {lead.email ? ` · ${lead.email}` : ""}
        {lead.exists ? "" : " · no longer in the workspace"}
      </p>
      {lead.exists && (
        <button
          type="button"
          className="link"
          data-testid="diff-open-lead"
          onClick={() => navigate({ view: "leads", leadId: lead.lead_id })}
        >
          Open the lead in the lead browser
        </button>
      )}
      <p>
        <strong data-testid="diff-reason-kind">{KIND_LABEL[lead.reason.kind]}</strong>:{" "}
        <span data-testid="diff-reason-summary">{lead.reason.summary}</span>
      </p>
      {more.length > 0 && (
        <ul className="diff-detail-lines" data-testid="diff-reason-details">
          {more.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
