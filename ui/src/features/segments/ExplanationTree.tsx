// An explanation tree as an indented checklist: each rule and group with
// ✓/✗, its description and the lead's actual value. The segment builder's
// explain panel and the lead detail's hierarchies both show it.
import type { ExplainNode } from "../../bindings/ExplainNode";
import { flattenExplanation } from "../../lib/segmentRules";

export function ExplanationTree({ root }: { root: ExplainNode }) {
  return (
    <ul className="explain-tree">
      {flattenExplanation(root).map(({ node, depth }) => (
        <li
          key={node.path}
          className={node.matched ? "explain-node ok" : "explain-node fail"}
          data-testid="explain-node"
          data-matched={String(node.matched)}
          data-path={node.path}
          style={{ paddingLeft: 8 + depth * 18 }}
        >
          <span className="mark" aria-label={node.matched ? "holds" : "fails"}>
            {node.matched ? "✓" : "✗"}
          </span>
          <span className="what">
            {node.description}
            {node.actual !== null && <span className="actual">{node.actual === "" ? "(empty)" : node.actual}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
