// One side of a diff (joined or left): a virtualised list of leads, each a
// button with the lead's name, e-mail and one-line reason; choosing one
// shows its reason in full (DiffLeadDetail).
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";

import type { DiffLead } from "../../bindings/DiffLead";
import { formatCount } from "../../lib/format";

const ROW_HEIGHT = 52;

type Props = {
  side: "joined" | "left";
  leads: DiffLead[];
  selectedId: number | null;
  onSelect: (lead: DiffLead) => void;
};

export function DiffList({ side, leads, selectedId, onSelect }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: leads.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const title = side === "joined" ? "Joined" : "Left";
  const headingId = `diff-${side}-heading`;
  return (
    <section className="diff-side" data-testid={`diff-${side}`} aria-labelledby={headingId}>
      <h4 id={headingId}>
        {title} <span data-testid={`diff-${side}-count`}>{formatCount(leads.length)}</span>
      </h4>
      {leads.length === 0 ? (
        <p className="muted">Nobody {side === "joined" ? "joined" : "left"}.</p>
      ) : (
        <div className="diff-scroller" ref={scroller}>
          <ul className="diff-rows" style={{ height: virtualizer.getTotalSize() }} aria-label={`${title} leads`}>
            {virtualizer.getVirtualItems().map((item) => {
              const lead = leads[item.index];
              return (
                <li
                  key={lead.lead_id}
                  className="diff-row"
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <button
                    type="button"
                    className={selectedId === lead.lead_id ? "diff-lead selected" : "diff-lead"}
                    aria-pressed={selectedId === lead.lead_id}
                    data-testid="diff-lead-row"
                    data-lead-id={lead.lead_id}
                    onClick={() => onSelect(lead)}
                  >
                    <span className="diff-lead-name">
                      {lead.name}
                      {lead.email ? <span className="muted"> · {lead.email}</span> : null}
                    </span>
                    <span className="diff-lead-reason muted">{lead.reason.summary}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
