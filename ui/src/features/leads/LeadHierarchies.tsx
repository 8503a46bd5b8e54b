// The lead detail panel's "Hierarchies" section: for each saved hierarchy,
// the lead's primary segment (with the rules that put it there, as the
// segment explanation shows them) and its secondary segments.
import { flattenExplanation } from "../../lib/segmentRules";
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
                      <ul className="explain-tree">
                        {flattenExplanation(p.why.root).map(({ node, depth }) => (
                          <li
                            key={node.path}
                            className={node.matched ? "explain-node ok" : "explain-node fail"}
                            style={{ paddingLeft: 8 + depth * 18 }}
                          >
                            <span className="mark" aria-label={node.matched ? "holds" : "fails"}>
                              {node.matched ? "✓" : "✗"}
                            </span>
                            <span className="what">
                              {node.description}
                              {node.actual !== null && (
                                <span className="actual">{node.actual === "" ? "(empty)" : node.actual}</span>
                              )}
                            </span>
                          </li>
                        ))}
                      </ul>
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
