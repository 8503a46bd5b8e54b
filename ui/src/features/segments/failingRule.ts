// Where a backend rule error points, in the builder's terms and in plain
// words: the report's rule path (`root.rules[1].rules[0]`) as a
// react-querybuilder path ([1, 0]), the place as a marketer reads it
// ("Group 2, rule 1 (Country)"), and which rules were just added and not yet
// touched (their errors wait until the user has had a chance to fill them in).
import type { Path, RuleGroupTypeAny, RuleType } from "react-querybuilder";

import { IpcError } from "../../lib/ipc";

/** A rule or group the backend refused, and what is wrong with it (the builder shows where). */
export type RuleFailure = { path: Path; message: string };

/** A report's rule path as a react-querybuilder path; null when it is not a rule path. */
export function parseRulePath(rulePath: string): Path | null {
  const match = /^root((?:\.rules\[\d+\])*)$/.exec(rulePath.trim());
  if (!match) return null;
  return [...match[1].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
}

/** The rule an error is about, if it is a backend error with a rule path. */
export function ruleFailureOf(error: unknown): RuleFailure | null {
  if (!(error instanceof IpcError) || error.rulePath === null) return null;
  const path = parseRulePath(error.rulePath);
  return path ? { path, message: error.detail ?? error.message } : null;
}

export const samePath = (a: Path, b: Path) => a.length === b.length && a.every((step, i) => step === b[i]);

type Node = RuleType | RuleGroupTypeAny;
const isGroup = (node: Node | string | undefined): node is RuleGroupTypeAny =>
  typeof node === "object" && node !== null && Array.isArray((node as RuleGroupTypeAny).rules);

/**
 * A path in `query` as a marketer reads it: "Rule 1 (Employees)", "Group 2",
 * "Group 2, rule 1 (Country)". Rules and groups are numbered by position, as
 * they appear on screen; `labelOf` names a field.
 */
export function describeRulePath(
  path: Path,
  query: RuleGroupTypeAny,
  labelOf: (field: string) => string,
  /** The field to name when the path is not in `query` (rules pasted, not yet shown). */
  fallbackField?: string | null,
): string {
  if (path.length === 0) return "The rules";
  const parts: string[] = [];
  let group: RuleGroupTypeAny | null = query;
  for (const step of path) {
    const node: Node | string | undefined = group?.rules[step];
    if (isGroup(node)) {
      parts.push(`group ${step + 1}`);
      group = node;
    } else {
      const field = typeof node === "object" && node !== null ? node.field : (fallbackField ?? "");
      parts.push(field ? `rule ${step + 1} (${labelOf(field)})` : `rule ${step + 1}`);
      group = null;
    }
  }
  const text = parts.join(", ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A backend error about rules in plain words: "Rule 1 (Employees): enter a
 * value" rather than "rule root.rules[0] (field `employees`): enter a value".
 * Other errors keep their own message.
 */
export function plainRuleError(error: unknown, query: RuleGroupTypeAny, labelOf: (field: string) => string): string {
  if (!(error instanceof IpcError)) return error instanceof Error ? error.message : String(error);
  if (error.rulePath === null) return error.message;
  const detail = error.detail ?? error.message;
  const match = /^root((?:\.rules\[\d+\])*)(.*)$/.exec(error.rulePath.trim());
  if (!match) {
    const where = error.rulePath.trim();
    return `${where.charAt(0).toUpperCase()}${where.slice(1)}: ${detail}`;
  }
  const path = [...match[1].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  const field = error.field && error.field !== "value" ? error.field : null;
  let place = describeRulePath(path, query, labelOf, field);
  const filter = /where\.rules\[(\d+)\]/.exec(match[2]);
  if (filter) place += `, property filter ${Number(filter[1]) + 1}`;
  return `${place}: ${detail}`;
}

function rulesById(group: RuleGroupTypeAny, into = new Map<string, RuleType>()): Map<string, RuleType> {
  for (const node of group.rules) {
    if (typeof node === "string") continue;
    if (isGroup(node)) rulesById(node, into);
    else if (node.id) into.set(node.id, node);
  }
  return into;
}

/**
 * The ids of rules added and not yet touched, after a change from `previous`
 * to `next`: a rule that is new joins them; a rule whose value the user
 * changed (with the same field and operator) leaves them. Changing a rule's
 * field or operator keeps it untouched, since the builder fills a default in.
 */
export function untouchedRules(
  previous: RuleGroupTypeAny,
  next: RuleGroupTypeAny,
  untouched: Set<string>,
): Set<string> {
  const before = rulesById(previous);
  const after = rulesById(next);
  const result = new Set<string>();
  for (const [id, rule] of after) {
    const old = before.get(id);
    if (!old) {
      result.add(id);
      continue;
    }
    if (!untouched.has(id)) continue;
    const valueEdited =
      old.field === rule.field &&
      old.operator === rule.operator &&
      JSON.stringify(old.value) !== JSON.stringify(rule.value);
    if (!valueEdited) result.add(id);
  }
  return result.size === untouched.size && [...result].every((id) => untouched.has(id)) ? untouched : result;
}

/** The id of the rule or group at `path`, if any. */
export function idAtPath(path: Path, query: RuleGroupTypeAny): string | undefined {
  let node: Node | string | undefined = query;
  for (const step of path) {
    if (!isGroup(node)) return undefined;
    node = node.rules[step];
  }
  return typeof node === "object" && node !== null ? node.id : undefined;
}
