// TanStack Query hooks of the Privacy view (issue 15), re-exported by
// queries.ts: the same query keys and invalidation rules as the rest.

// ---- Encryption at rest (Privacy → Encryption; the "encryption" keys) ----
import {
  useMutation as useEncryptionMutation,
  useQuery as useEncryptionQuery,
  useQueryClient as useEncryptionClient,
} from "@tanstack/react-query";

import { ipc as encryptionIpc } from "./ipc";

/** Whether the open workspace is protected, and how many backups follow it. */
export const encryptionKeys = { status: ["encryption", "status"] as const };

export const useEncryptionStatus = () =>
  useEncryptionQuery({ queryKey: encryptionKeys.status, queryFn: () => encryptionIpc.encryptionStatus() });

/** Protects the workspace with a passphrase, changes it, or removes it (`passphrase: null` removes). */
export const useEncryptionChange = () => {
  const client = useEncryptionClient();
  return useEncryptionMutation({
    mutationFn: ({ action, passphrase }: { action: "protect" | "change" | "remove"; passphrase: string | null }) =>
      action === "protect"
        ? encryptionIpc.encryptionProtect(passphrase ?? "")
        : action === "change"
          ? encryptionIpc.encryptionChange(passphrase ?? "")
          : encryptionIpc.encryptionUnprotect(),
    // The status, and the audit log and backups that the change wrote to.
    onSuccess: () => client.invalidateQueries(),
  });
};
