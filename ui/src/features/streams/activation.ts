// What the designer says when a stream asked to be active was saved inactive
// because of its problems: which problems, and where (the step's title and id,
// or the stream's settings), in plain words.
import type { NodeAction } from "../../bindings/NodeAction";
import type { StreamDefinition } from "../../bindings/StreamDefinition";
import type { StreamProblem } from "../../bindings/StreamProblem";

/** Where a problem is: “step “Send welcome” (send-1)”, or the stream's settings. */
export function problemPlace(
  problem: StreamProblem,
  title: (action: NodeAction) => string,
  definition: StreamDefinition,
): string {
  if (problem.node_id === null) return "stream settings";
  const node = definition.nodes.find((n) => n.id === problem.node_id);
  return node ? `step “${title(node.action)}” (${node.id})` : `step ${problem.node_id}`;
}

/** The notice after saving a stream that could not be made active. */
export function notActivatedText(
  name: string,
  problems: StreamProblem[],
  title: (action: NodeAction) => string,
  definition: StreamDefinition,
): string {
  const list = problems.map((p) => `${problemPlace(p, title, definition)}: ${p.message}`);
  const count = problems.length === 1 ? "this problem is" : `these ${problems.length} problems are`;
  return `Saved “${name}”, but not active: a stream can be active only once it has no problems, and ${count} left. ${list.join("; ")}.`;
}
