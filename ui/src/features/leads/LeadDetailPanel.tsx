// One lead in full: every field grouped by its segmentation category (with
// explicit/implicit marked and explained), its place in each hierarchy, and
// the event timeline, newest first. Titled by the lead's name, else its company and external id. Takes
// the focus when it opens; Escape closes it.
import { useEffect, useRef, type KeyboardEvent } from "react";

import { CATEGORY_LABELS, formatCell, formatCount, formatDate, humanize } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { useLeadDetail } from "../../lib/queries";
import { LeadConsent } from "./LeadConsent";
import { LeadHierarchies } from "./LeadHierarchies";
import { LeadScore } from "./LeadScore";

type Props = { id: number; onClose: () => void; onError: (error: unknown) => void };

/** What explicit and implicit mean, for the badge and the note under the title. */
export const ORIGIN_NOTE =
  "Implicit fields are inferred from what the lead did (its events, scoring and dates); " +
  "the others are explicit: told by the lead or by the source it was imported from.";

export function LeadDetailPanel({ id, onClose, onError }: Props) {
  const detail = useLeadDetail(id);
  const lead = detail.data ?? null;
  useEffect(() => {
    if (detail.error) onError(detail.error);
  }, [detail.error, onError]);

  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    panel.current?.focus({ preventScroll: true });
  }, [id]);
  const closeOnEscape = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    onClose();
  };

  const value = (key: string) => lead?.fields.find((f) => f.field.key === key)?.value;
  const email = value("email");
  const hasImplicit = lead?.fields.some((f) => f.field.origin === "implicit") ?? false;

  return (
    <aside
      className="detail"
      data-testid="lead-detail"
      data-lead-id={id}
      aria-labelledby="lead-detail-title"
      tabIndex={-1}
      ref={panel}
      onKeyDown={closeOnEscape}
    >
      <div className="detail-head">
        <div>
          <h2 id="lead-detail-title" data-testid="detail-name">
            {lead ? lead.title : "Loading…"}
          </h2>
          {lead && (
            <div className="muted" data-testid="detail-subtitle">
              {email ? String(email) : "No e-mail address"}
              {lead.external_id && !lead.title.includes(lead.external_id) && ` · External ID ${lead.external_id}`}
            </div>
          )}
          {lead && (
            <button
              className="link"
              data-testid="detail-privacy"
              onClick={() => navigate({ view: "privacy", tab: "people", leadId: id })}
            >
              Privacy…
            </button>
          )}
        </div>
        <button className="link" data-testid="detail-close" onClick={onClose} aria-label="Close the lead detail">
          ✕
        </button>
      </div>
      {lead && (
        <div className="detail-body" tabIndex={0} role="region" aria-label="Fields and events">
          {hasImplicit && (
            <p className="muted origin-note" id="origin-note" data-testid="origin-note">
              {ORIGIN_NOTE}
            </p>
          )}
          {Object.entries(CATEGORY_LABELS).map(([category, label]) => {
            const entries = lead.fields.filter((f) => f.field.category === category);
            if (entries.length === 0) return null;
            return (
              <section key={category} data-testid={`detail-category-${category}`}>
                <h3>{label}</h3>
                <dl>
                  {entries.map(({ field, value }) => (
                    <div className="kv" key={field.key}>
                      <dt>
                        {field.label}
                        {field.origin === "implicit" && (
                          <span className="tag" title={ORIGIN_NOTE} aria-describedby="origin-note">
                            implicit
                          </span>
                        )}
                      </dt>
                      <dd>{formatCell(value, field.type) || <span className="muted">—</span>}</dd>
                    </div>
                  ))}
                </dl>
              </section>
            );
          })}
          <LeadScore leadId={id} />
          <LeadHierarchies leadId={id} />
          <LeadConsent leadId={id} />
          <section data-testid="detail-timeline">
            <h3>
              Events <span className="muted">({formatCount(lead.event_count)})</span>
            </h3>
            {lead.events.length === 0 && <p className="muted">No events recorded for this lead.</p>}
            <ol className="timeline">
              {lead.events.map((event) => (
                <li key={event.id} data-testid="timeline-event">
                  <span className="when">{formatDate(event.occurred_at)}</span>
                  <span className="what">{humanize(event.type)}</span>
                  <span className="props muted">
                    {Object.entries(event.properties)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join(" · ")}
                  </span>
                </li>
              ))}
            </ol>
            {lead.event_count > lead.events.length && (
              <p className="muted">Showing the latest {lead.events.length} events.</p>
            )}
          </section>
        </div>
      )}
    </aside>
  );
}
