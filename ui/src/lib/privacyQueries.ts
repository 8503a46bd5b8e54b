// TanStack Query hooks of the Privacy view (issue 15), re-exported by
// queries.ts: the same query keys and invalidation rules as the rest.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { AuditExportFormat } from "../bindings/AuditExportFormat";
import type { AuditFilter } from "../bindings/AuditFilter";
import type { ConsentStatement } from "../bindings/ConsentStatement";
import type { RetentionMode } from "../bindings/RetentionMode";
import { ipc } from "./ipc";

// --- Backups and the audit log (issue 15) ---
// Keys under "backups" and "audit-log". A backup taken or the keep setting changed asks for the list again;
// a restore changes the whole workspace, so every query is asked again.

/** The Backups tab's and the Audit log tab's query keys. */
export const backupKeys = {
  all: ["backups"] as const,
  audit: (filter: AuditFilter, limit: number) => ["audit-log", filter, limit] as const,
  auditAll: ["audit-log"] as const,
};

/** The backups, newest first, with how many are kept. */
export const useBackups = () => useQuery({ queryKey: backupKeys.all, queryFn: () => ipc.backupsOverview() });

/** Takes a backup now; the list and the audit log follow. */
export function useCreateBackup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (reason: string | null) => ipc.backupCreate(reason),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: backupKeys.all }),
        client.invalidateQueries({ queryKey: backupKeys.auditAll }),
      ]),
  });
}

/** Sets how many backups are kept; older ones are deleted. */
export function useSetBackupKeep() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (count: number) => ipc.backupSetKeep(count),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: backupKeys.all }),
        client.invalidateQueries({ queryKey: backupKeys.auditAll }),
      ]),
  });
}

/** Replaces the workspace with a backup: every query is asked again. */
export function useRestoreBackup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ipc.backupRestore(id),
    onSettled: () => client.invalidateQueries(),
  });
}

/** The newest `limit` audit entries that `filter` keeps. */
export const useAuditLog = (filter: AuditFilter, limit: number) =>
  useQuery({
    queryKey: backupKeys.audit(filter, limit),
    queryFn: () => ipc.auditList(filter, limit, 0),
    placeholderData: keepPreviousData,
  });

/** Exports the audit log; the export is itself an entry, so the log is asked again. */
export function useExportAudit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ filter, format, path }: { filter: AuditFilter; format: AuditExportFormat; path: string }) =>
      ipc.auditExport(filter, format, path),
    onSettled: () => client.invalidateQueries({ queryKey: backupKeys.auditAll }),
  });
}

// --- Consent and audiences (issue 15, s-consent) ---------------------------
// The consent overview (Privacy → Consent) and a lead's consent history (lead
// detail panel): keys under "consent". Recording a statement changes the
// leads' opt-in columns, which segments, counts and plans read: it
// invalidates every query, as an import does.
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

// ---- People and Retention (issue 15: access export, erasure, retention) ----

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

// ---- Encryption at rest (Privacy → Encryption; the "encryption" keys) ----
/** Whether the open workspace is protected, and how many backups follow it. */
export const encryptionKeys = { status: ["encryption", "status"] as const };

export const useEncryptionStatus = () =>
  useQuery({ queryKey: encryptionKeys.status, queryFn: () => ipc.encryptionStatus() });

/** Protects the workspace with a passphrase, changes it, or removes it (`passphrase: null` removes). */
export const useEncryptionChange = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, passphrase }: { action: "protect" | "change" | "remove"; passphrase: string | null }) =>
      action === "protect"
        ? ipc.encryptionProtect(passphrase ?? "")
        : action === "change"
          ? ipc.encryptionChange(passphrase ?? "")
          : ipc.encryptionUnprotect(),
    // The status, and the audit log and backups that the change wrote to.
    onSuccess: () => client.invalidateQueries(),
  });
};
