// Words for consent values (channels, statuses, buckets, lawful bases), shared
// by the Privacy view's Consent tab and the lead detail panel's Consent section.
import type { ConsentBucket } from "../../bindings/ConsentBucket";
import type { ConsentChannel } from "../../bindings/ConsentChannel";
import type { ConsentStatus } from "../../bindings/ConsentStatus";
import type { LawfulBasis } from "../../bindings/LawfulBasis";

export const CHANNEL_LABELS: Record<ConsentChannel, string> = { email: "E-mail", ads: "Advertising" };

export const STATUS_LABELS: Record<ConsentStatus, string> = {
  granted: "Granted",
  denied: "Denied",
  withdrawn: "Withdrawn",
};

export const BUCKET_LABELS: Record<ConsentBucket, string> = {
  granted: "Granted",
  denied: "Denied",
  withdrawn: "Withdrawn",
  opt_in_without_record: "Opt-in without a recorded consent",
  opt_out_without_record: "Opt-out without a recorded statement",
  never_asked: "Never asked",
};

export const BASIS_LABELS: Record<LawfulBasis, string> = {
  consent: "Consent",
  contract: "Contract",
  legal_obligation: "Legal obligation",
  vital_interests: "Vital interests",
  public_task: "Public task",
  legitimate_interests: "Legitimate interests",
};

export const basisLabel = (basis: LawfulBasis | null) => (basis ? BASIS_LABELS[basis] : "None recorded");
