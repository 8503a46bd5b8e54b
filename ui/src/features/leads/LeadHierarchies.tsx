// The lead detail panel's "Hierarchies" section: for each saved hierarchy,
// the lead's primary segment (with the rules that put it there, as the
// segment explanation shows them) and its secondary segments.
import { ExplanationTree } from "../segments/ExplanationTree";
import { useLeadHierarchies } from "../../lib/queries";

type Props = { leadId: number };

export function LeadHierarchies({ leadId }: Props) {
  const placements = useLeadHierarchies(leadId, null);
  if (placements.error) {
    return (
      <section data-testid="detail-hierarchies">
        <h3>Hierarchies</h3>
        <p className="rule-error">{String((placements.error as { message?: string }).message ?? placements.error)}</p>
      </section>
    );
  }
  if (!placements.data || placements.data.length === 0) return null;
  return (
    <section data-testid="detail-hierarchies">
      <h3>Hierarchies</h3>
      <dl>
        {placements.data.map((p) => (
          <div className="kv" key={p.hierarchy_id} data-testid={`detail-hierarchy-${p.hierarchy_id}`}>
            <dt>{p.hierarchy_name}</dt>
            <dd>
              {p.primary ? (
                <>
                  Primary: <strong data-testid="detail-hierarchy-primary">{p.primary.name}</strong>
                  {p.secondary.length > 0 && (
                    <span data-testid="detail-hierarchy-secondary">
                      {" "}
                      · secondary: {p.secondary.map((s) => s.name).join(", ")}
                    </span>
                  )}
                  {p.why && (
                    <details>
                      <summary>Why “{p.primary.name}”</summary>
                      <ExplanationTree root={p.why.root} />
                    </details>
                  )}
                </>
              ) : (
                <span className="muted" data-testid="detail-hierarchy-primary">
                  In none of its segments
                </span>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
