// Generated from crates/core/src/segments/operators.rs by the test `export_bindings_operator_catalogue`. Do not edit.
import type { FieldType } from "./FieldType";
import type { Operator } from "./Operator";
import type { ValueShape } from "./ValueShape";

export type OperatorInfo = { label: string; shape: ValueShape; fieldTypes: FieldType[] };

export const OPERATOR_CATALOGUE: Record<Operator, OperatorInfo> = {
  "=": { label: "is", shape: "scalar", fieldTypes: ["text", "number", "date", "boolean", "list"] },
  "!=": { label: "is not", shape: "scalar", fieldTypes: ["text", "number", "date", "boolean", "list"] },
  "<": { label: "is less than", shape: "scalar", fieldTypes: ["number", "date"] },
  "<=": { label: "is at most", shape: "scalar", fieldTypes: ["number", "date"] },
  ">": { label: "is more than", shape: "scalar", fieldTypes: ["number", "date"] },
  ">=": { label: "is at least", shape: "scalar", fieldTypes: ["number", "date"] },
  "contains": { label: "contains", shape: "scalar", fieldTypes: ["text", "list"] },
  "beginsWith": { label: "begins with", shape: "scalar", fieldTypes: ["text", "list"] },
  "endsWith": { label: "ends with", shape: "scalar", fieldTypes: ["text", "list"] },
  "doesNotContain": { label: "does not contain", shape: "scalar", fieldTypes: ["text", "list"] },
  "doesNotBeginWith": { label: "does not begin with", shape: "scalar", fieldTypes: ["text", "list"] },
  "doesNotEndWith": { label: "does not end with", shape: "scalar", fieldTypes: ["text", "list"] },
  "between": { label: "is between", shape: "pair", fieldTypes: ["number", "date"] },
  "notBetween": { label: "is not between", shape: "pair", fieldTypes: ["number", "date"] },
  "in": { label: "is one of", shape: "list", fieldTypes: ["text", "number", "list"] },
  "notIn": { label: "is not one of", shape: "list", fieldTypes: ["text", "number", "list"] },
  "inLast": { label: "is in the last", shape: "span", fieldTypes: ["date"] },
  "notInLast": { label: "is not in the last", shape: "span", fieldTypes: ["date"] },
  "null": { label: "is empty", shape: "none", fieldTypes: ["text", "number", "date", "boolean", "list"] },
  "notNull": { label: "is not empty", shape: "none", fieldTypes: ["text", "number", "date", "boolean", "list"] },
  "performed": { label: "performed", shape: "behaviour", fieldTypes: [] },
  "notPerformed": { label: "did not perform", shape: "behaviour", fieldTypes: [] },
};

/** The operators a rule over an event property may use, in builder order. */
export const PROPERTY_OPERATORS: Operator[] = ["=", "!=", "contains", "beginsWith", "endsWith", "doesNotContain", "doesNotBeginWith", "doesNotEndWith", "in", "notIn", "null", "notNull", "<", "<=", ">", ">=", "between", "notBetween"];
