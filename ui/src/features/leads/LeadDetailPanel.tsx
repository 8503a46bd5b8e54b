// One lead in full: every field grouped by its segmentation category (with
// explicit/implicit marked), and the event timeline, newest first.
import { useEffect } from "react";

import { CATEGORY_LABELS, formatCell, formatCount, formatDate, humanize } from "../../lib/format";
import { useLeadDetail } from "../../lib/queries";

type Props = { id: number; onClose: () => void; onError: (error: unknown) => void };

export function LeadDetailPanel({ id, onClose, onError }: Props) {
  const detail = useLeadDetail(id);
  const lead = detail.data ?? null;
  useEffect(() => {
    if (detail.error) onError(detail.error);
  }, [detail.error, onError]);

  const value = (key: string) => lead?.fields.find((f) => f.field.key === key)?.value;
  const name = [value("first_name"), value("last_name")].filter(Boolean).join(" ") || "Unnamed lead";

  return (
    <aside className="detail" data-testid="lead-detail" data-lead-id={id} aria-label="Lead detail">
      <div className="detail-head">
        <div>
          <h2 data-testid="detail-name">{lead ? name : "Loading…"}</h2>
          <div className="muted">{lead ? String(value("email") ?? "no email") : ""}</div>
        </div>
        <button className="link" data-testid="detail-close" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {lead && (
        <div className="detail-body">
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
                        {field.origin === "implicit" && <span className="tag">implicit</span>}
                      </dt>
                      <dd>{formatCell(value, field.type) || <span className="muted">—</span>}</dd>
                    </div>
                  ))}
                </dl>
              </section>
            );
          })}
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
