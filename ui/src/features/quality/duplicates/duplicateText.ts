// Words for the Duplicates tab: confidence as a percentage, each lead as
// one line, why a merge keeps a value, and the merge's confirmation.
import type { MergeChoiceReason as ChoiceReason } from "../../../bindings/MergeChoiceReason";
import type { EvidenceKind } from "../../../bindings/EvidenceKind";
import type { DuplicateLead as LeadSummary } from "../../../bindings/DuplicateLead";

/** 0.95 → "95%". */
export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

export const EVIDENCE_LABELS: Record<EvidenceKind, string> = {
  email_provider: "Same address",
  phone: "Same phone",
  name_company: "Same name at company",
};

/** "Jane Doe <jane.doe@gmail.com>", or the e-mail, or "lead 12". */
export function leadLabel(lead: LeadSummary): string {
  if (lead.name && lead.email) return `${lead.name} <${lead.email}>`;
  return lead.name || lead.email || `lead ${lead.id}`;
}

export function reasonText(reason: ChoiceReason): string {
  switch (reason) {
    case "most_recent":
      return "most recent non-empty";
    case "picked":
      return "picked";
    case "identity":
      return "the survivor's identity";
    case "empty":
      return "no value";
  }
}

/** "Merged Jane Doe <janedoe+webinar@gmail.com> into Jane Doe <jane.doe@gmail.com>". */
export function mergedMessage(merged: LeadSummary[], survivor: LeadSummary): string {
  return `Merged ${merged.map(leadLabel).join(", ")} into ${leadLabel(survivor)}`;
}

/** The confidence filter's choices. */
export const CONFIDENCE_CHOICES: { value: number; label: string }[] = [
  { value: 0, label: "Any" },
  { value: 0.75, label: "75% or more" },
  { value: 0.85, label: "85% or more" },
  { value: 0.9, label: "90% or more" },
  { value: 0.95, label: "95% or more" },
];
