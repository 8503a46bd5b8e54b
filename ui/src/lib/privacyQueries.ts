// TanStack Query hooks of the Privacy view (issue 15), re-exported by
// queries.ts: the same query keys and invalidation rules as the rest.
export {};

// --- Consent and audiences (issue 15, s-consent) ---------------------------
// The consent overview (Privacy → Consent) and a lead's consent history (lead
// detail panel): keys under "consent". Recording a statement changes the
// leads' opt-in columns, which segments, counts and plans read: it
// invalidates every query, as an import does.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ConsentStatement } from "../bindings/ConsentStatement";
import { ipc } from "./ipc";

export const consentKeys = {
  all: ["consent"] as const,
  overview: ["consent", "overview"] as const,
  history: (leadId: number) => ["consent", "history", leadId] as const,
};

/** Leads per channel by consent status and lawful basis. */
export const useConsentOverview = () =>
  useQuery({ queryKey: consentKeys.overview, queryFn: () => ipc.consentOverview() });

/** A lead's consent statements, newest first. */
export const useConsentHistory = (leadId: number) =>
  useQuery({ queryKey: consentKeys.history(leadId), queryFn: () => ipc.consentHistory(leadId) });

/** Records a statement for a lead; everything that reads opt-in columns is asked again. */
export const useRecordConsent = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ leadId, statement }: { leadId: number; statement: ConsentStatement }) =>
      ipc.consentRecord(leadId, statement),
    onSuccess: () => client.invalidateQueries(),
  });
};
