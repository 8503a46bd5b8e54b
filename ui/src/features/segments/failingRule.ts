// Where a backend rule error points: the report's rule path
// (`root.rules[1].rules[0]`) as a react-querybuilder path ([1, 0]).
import type { Path } from "react-querybuilder";

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
