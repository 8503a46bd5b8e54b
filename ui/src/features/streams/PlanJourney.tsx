// A lead's journey through the current plan: pick a lead by id or from the
// plan's sample, and see its steps with their explanations.
import { useState } from "react";

import type { Plan } from "../../bindings/Plan";
import { usePlanJourney, type PlanRequest } from "../../lib/queries";

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Props = {
  plan: Plan;
  /** What the plan was run with: the journey is asked with the same request. */
  request: PlanRequest;
};

export function PlanJourney({ plan, request }: Props) {
  const [leadInput, setLeadInput] = useState("");
  // The lead shown, and which run it was asked for: a new run clears it.
  const [shown, setShown] = useState<{ request: PlanRequest; leadId: number } | null>(null);
  const leadId = shown && shown.request === request ? shown.leadId : null;
  const query = usePlanJourney(leadId === null ? null : request, leadId);
  const journey = leadId !== null && query.data?.lead_id === leadId ? query.data : null;
  const journeyError = leadId !== null && query.error ? message(query.error) : null;
  const showJourney = (id: number) => {
    setLeadInput(String(id));
    setShown({ request, leadId: id });
    if (leadId === id) void query.refetch();
  };

  return (
    <section className="plan-section journey-section">
      <h3>A lead's journey</h3>
      <div className="journey-form">
        <label className="inline-field">
          Lead id
          <input
            data-testid="plan-lead-id"
            value={leadInput}
            onChange={(e) => setLeadInput(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && Number(leadInput) > 0 && showJourney(Number(leadInput))}
            style={{ width: 100 }}
          />
        </label>
        <button
          className="small"
          data-testid="plan-lead-show"
          disabled={!(Number(leadInput) > 0)}
          onClick={() => showJourney(Number(leadInput))}
        >
          Show journey
        </button>
        <span className="muted small">or a lead with sends:</span>
        <div className="sample-leads">
          {plan.sample_leads.slice(0, 12).map((id) => (
            <button
              key={id}
              className={journey?.lead_id === id ? "chip selected" : "chip"}
              data-testid="plan-sample-lead"
              data-lead={id}
              onClick={() => showJourney(id)}
            >
              #{id}
            </button>
          ))}
        </div>
      </div>
      {journeyError && <div className="rule-error">{journeyError}</div>}
      {journey && (
        <div className="journey" data-testid="plan-journey" data-lead={journey.lead_id}>
          <p>
            <b>Lead #{journey.lead_id}</b> <span className="muted small">({journey.timezone})</span> —{" "}
            <span data-testid="journey-status">{journey.status}</span>
          </p>
          {journey.entries.length === 0 ? (
            <p className="muted">No steps in this plan.</p>
          ) : (
            <ol className="journey-timeline">
              {journey.entries.map((e, i) => (
                <li
                  key={i}
                  data-testid="journey-entry"
                  className={e.step.toLowerCase().startsWith("send") ? "send" : ""}
                >
                  <span className="when" title={`${e.at} UTC`}>
                    {e.local}
                  </span>
                  <span className="what">
                    <span className="stream-name">{e.stream}</span> · {e.step}
                    {e.note && <span className="journey-note muted">{e.note}</span>}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
