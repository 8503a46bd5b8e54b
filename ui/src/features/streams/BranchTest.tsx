// What a branch step tests, in the side panel: either rules about the lead
// (the segment rule editor), or whether the lead opened or clicked the email
// of one of this stream's own Send steps, with the share assumed to engage
// (a dry run has no opens of emails it only planned: docs/decisions.md).
import type { ReactNode } from "react";

import type { Engagement } from "../../bindings/Engagement";
import type { NodeAction } from "../../bindings/NodeAction";
import type { StreamDefinition } from "../../bindings/StreamDefinition";
import type { StreamNode } from "../../bindings/StreamNode";
import { RulesEditor, type RuleCatalogue } from "./RulesEditor";

type BranchAction = Extract<NodeAction, { type: "branch" }>;

type Props = {
  action: BranchAction;
  nodeId: string;
  definition: StreamDefinition;
  title: (node: StreamNode) => string;
  rules: RuleCatalogue;
  revision: number;
  onAction: (action: NodeAction) => void;
  /** The assumed engagement rate's input. */
  rateEditor: ReactNode;
};

const EMPTY_RULES = { combinator: "and", not: false, rules: [] } as BranchAction["rules"];

/** The branch as testing the email of `sendNode` (the first Send step when none is given), or its rules. */
export function withTest(action: BranchAction, test: "rules" | "email", sendNode?: string): BranchAction {
  const next: BranchAction = { type: "branch", rules: action.rules };
  if (action.rate !== undefined) next.rate = action.rate;
  if (test === "email" && sendNode)
    next.email = { send_node: sendNode, engagement: action.email?.engagement ?? "opened" };
  if (test === "email") next.rules = EMPTY_RULES;
  return next;
}

export function BranchTest({ action, nodeId, definition, title, rules, revision, onAction, rateEditor }: Props) {
  const sends = definition.nodes.filter((n) => n.action.type === "send");
  const test = action.email ? "email" : "rules";
  return (
    <>
      <label className="field">
        The branch tests
        <select
          data-testid="node-branch-test"
          value={test}
          onChange={(e) =>
            onAction(withTest(action, e.target.value as "rules" | "email", action.email?.send_node ?? sends[0]?.id))
          }
        >
          <option value="rules">rules about the lead</option>
          <option value="email" disabled={sends.length === 0}>
            an email of this stream (opened or clicked)
          </option>
        </select>
      </label>
      {action.email ? (
        <>
          <div className="branch-email">
            <label className="field">
              Did the lead
              <select
                data-testid="node-branch-engagement"
                value={action.email.engagement}
                onChange={(e) =>
                  action.email &&
                  onAction({ ...action, email: { ...action.email, engagement: e.target.value as Engagement } })
                }
              >
                <option value="opened">open</option>
                <option value="clicked">click</option>
              </select>
            </label>
            <label className="field">
              the email of
              <select
                data-testid="node-branch-email"
                value={action.email.send_node}
                onChange={(e) =>
                  action.email && onAction({ ...action, email: { ...action.email, send_node: e.target.value } })
                }
              >
                {!sends.some((n) => n.id === action.email?.send_node) && (
                  <option value={action.email.send_node}>{action.email.send_node} (not a Send step)</option>
                )}
                {sends.map((n) => (
                  <option key={n.id} value={n.id}>
                    {title(n)} ({n.id})
                  </option>
                ))}
              </select>
            </label>
          </div>
          {rateEditor}
          <p className="hint">
            “Yes” for leads this stream sent that email on this entry and who{" "}
            {action.email.engagement === "clicked" ? "click" : "open"} it. A plan cannot know who will open an email it
            only planned: this share of the leads sent it is assumed to; empty means nobody (everyone takes “no”). Leads
            not sent it take “no”.
          </p>
        </>
      ) : (
        <>
          <p className="hint">Leads matching these rules take the “yes” path, the others “no”.</p>
          <RulesEditor
            key={`${nodeId}-${revision}`}
            value={action.rules}
            catalogue={rules}
            onChange={(r) => onAction({ ...action, rules: r })}
          />
          {rateEditor}
          <p className="hint">
            For rules about behaviour (events, e.g. clicked an email): the planner assumes this share of leads engages
            from now on and takes “yes”. Empty means “no further engagement”: only what leads have already done counts.
          </p>
        </>
      )}
    </>
  );
}
