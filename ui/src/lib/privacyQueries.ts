// TanStack Query hooks of the Privacy view (issue 15), re-exported by
// queries.ts: the same query keys and invalidation rules as the rest.

// ---- People and Retention (issue 15: access export, erasure, retention) ----
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { RetentionMode } from "../bindings/RetentionMode";
import { ipc } from "./ipc";

export const privacyPeopleKeys = {
  erasurePreview: (leadId: number) => ["privacy", "erasure-preview", leadId] as const,
  retentionPreview: (months: number) => ["privacy", "retention-preview", months] as const,
  retentionMonths: ["privacy", "retention-months"] as const,
};

/** Leads whose name, e-mail, company or external id matches `search` (the lead browser's quick search), first 20. */
export const usePeopleSearch = (search: string) =>
  useQuery({
    queryKey: ["privacy", "people-search", search] as const,
    queryFn: () =>
      ipc.leadsPage({
        offset: 0,
        limit: 20,
        columns: ["first_name", "last_name", "email", "company"],
        sort: null,
        search,
        search_custom_fields: false,
      }),
    enabled: search.trim().length > 0,
  });

export const useErasurePreview = (leadId: number | null) =>
  useQuery({
    queryKey: privacyPeopleKeys.erasurePreview(leadId ?? -1),
    queryFn: () => ipc.personErasurePreview(leadId ?? -1),
    enabled: leadId !== null,
  });

/** An erasure changes leads, events, segments, scores, history and the audit log: every query is asked again. */
export function usePersonErase() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (leadId: number) => ipc.personErase(leadId),
    onSuccess: () => client.invalidateQueries(),
  });
}

export const useRetentionMonths = () =>
  useQuery({ queryKey: privacyPeopleKeys.retentionMonths, queryFn: ipc.retentionMonths });

export const useRetentionPreview = (months: number, enabled: boolean) =>
  useQuery({
    queryKey: privacyPeopleKeys.retentionPreview(months),
    queryFn: () => ipc.retentionPreview(months),
    enabled,
  });

/** A run deletes or anonymises leads: every query is asked again. */
export function useRetentionRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ months, mode }: { months: number; mode: RetentionMode }) => ipc.retentionRun(months, mode),
    onSuccess: () => client.invalidateQueries(),
  });
}
