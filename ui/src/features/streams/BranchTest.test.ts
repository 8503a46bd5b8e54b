// Tests of switching what a branch tests: rules, or this stream's own email.
import { describe, expect, it } from "vitest";

import type { NodeAction } from "../../bindings/NodeAction";
import { withTest } from "./BranchTest";

type BranchAction = Extract<NodeAction, { type: "branch" }>;
const rules = { combinator: "and", not: false, rules: [{ field: "persona", operator: "=", value: "X" }] };
const branch = { type: "branch", rules, rate: 0.3 } as unknown as BranchAction;

describe("what a branch tests", () => {
  it("tests the email of a Send step instead of rules, keeping the assumed rate", () => {
    const email = withTest(branch, "email", "welcome");
    expect(email.email).toEqual({ send_node: "welcome", engagement: "opened" });
    expect(email.rules.rules).toEqual([]);
    expect(email.rate).toBe(0.3);
  });

  it("goes back to rules without the email", () => {
    const back = withTest(withTest(branch, "email", "welcome"), "rules");
    expect(back.email).toBeUndefined();
    expect(back.rate).toBe(0.3);
  });
});
