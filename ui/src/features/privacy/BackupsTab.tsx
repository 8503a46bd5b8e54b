// The Privacy view's Backups tab (issue 15): the workspace's backups (taken
// before every import, merge, erasure and retention run, daily, and on
// request), newest first with their time, reason, size and lead count;
// "Back up now"; how many are kept; and "Restore…", confirmed in the app's
// alert dialog, which replaces the whole workspace (a backup of the current
// state is taken first).
import { useRef, useState } from "react";

import type { BackupInfo } from "../../bindings/BackupInfo";
import { AlertDialog } from "../../components/AlertDialog";
import { formatCount } from "../../lib/format";
import { useBackups, useCreateBackup, useRestoreBackup, useSetBackupKeep } from "../../lib/queries";
import "./backups.css";

type Props = { onDataChanged?: () => void; onError: (error: unknown) => void };

/** Unix seconds as `2026-11-30 04:06 UTC`. */
export function backupTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Bytes as `12.4 MB` or `880 KB`. */
export function backupSize(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${formatCount(Math.ceil(bytes / 1_000))} KB`;
}

/** `before-import` as "Before import". */
export function backupReason(reason: string): string {
  const words = reason.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function BackupsTab({ onDataChanged, onError }: Props) {
  const backups = useBackups();
  const create = useCreateBackup();
  const setKeep = useSetBackupKeep();
  const restore = useRestoreBackup();
  const [asking, setAsking] = useState<BackupInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [keepDraft, setKeepDraft] = useState<string | null>(null);

  const backUpNow = () => {
    setNotice(null);
    create.mutate(null, {
      onSuccess: (made) =>
        setNotice(`Backed up ${formatCount(made.leads ?? 0)} leads (${backupSize(made.size_bytes)}).`),
      onError,
    });
  };
  const saveKeep = () => {
    const count = Number(keepDraft);
    if (keepDraft === null || !Number.isInteger(count)) return;
    setKeep.mutate(count, { onSuccess: () => setKeepDraft(null), onError });
  };
  const confirmRestore = (backup: BackupInfo) => {
    setAsking(null);
    setNotice(null);
    restore.mutate(backup.id, {
      onSuccess: (outcome) => {
        onDataChanged?.();
        setNotice(
          `Restored the backup of ${backupTime(backup.taken_at)}: ${formatCount(outcome.leads_after)} leads ` +
            `(were ${formatCount(outcome.leads_before)}). The state before is kept as a backup.`,
        );
      },
      onError,
    });
  };

  const data = backups.data;
  const keep = keepDraft ?? String(data?.keep ?? "");
  return (
    <section className="backups-tab" aria-labelledby="backups-heading">
      <h3 id="backups-heading">Backups</h3>
      <p className="muted backups-intro">
        A copy of the whole workspace is taken before every import, merge, erasure and retention run, once a day, and
        when you ask. Backups hold personal data too: erasure and encryption cover them.
        {data?.folder ? (
          <>
            {" "}
            They are in <code data-testid="backups-folder">{data.folder}</code>.
          </>
        ) : null}
      </p>
      <div className="backups-toolbar">
        <button
          type="button"
          className="primary"
          onClick={backUpNow}
          disabled={create.isPending || restore.isPending}
          data-testid="backup-now"
        >
          {create.isPending ? "Backing up…" : "Back up now"}
        </button>
        <label className="backups-keep">
          Keep the newest
          <input
            type="number"
            min={1}
            max={1000}
            value={keep}
            onChange={(e) => setKeepDraft(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && saveKeep()}
            data-testid="backup-keep"
          />
          backups
        </label>
        {keepDraft !== null && keepDraft !== String(data?.keep) && (
          <button type="button" onClick={saveKeep} disabled={setKeep.isPending} data-testid="backup-keep-save">
            Save
          </button>
        )}
      </div>
      <div role="status" aria-live="polite" className="backups-notice" data-testid="backups-notice">
        {restore.isPending ? "Restoring…" : notice}
      </div>
      {backups.error ? (
        <p role="alert">{(backups.error as Error).message}</p>
      ) : !data ? (
        <p className="muted">Reading the backups…</p>
      ) : data.backups.length === 0 ? (
        <p className="muted" data-testid="backups-empty">
          No backups yet.
        </p>
      ) : (
        <table className="backups-table" data-testid="backups-table">
          <caption className="muted">
            {formatCount(data.backups.length)} {data.backups.length === 1 ? "backup" : "backups"}, newest first (the
            newest {formatCount(data.keep)} are kept, whatever their reason)
          </caption>
          <thead>
            <tr>
              <th scope="col">Taken</th>
              <th scope="col">Reason</th>
              <th scope="col" className="number">
                Size
              </th>
              <th scope="col" className="number">
                Leads
              </th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.backups.map((backup) => (
              <tr key={backup.id} data-testid="backup-row" data-backup-id={backup.id}>
                <td>{backupTime(backup.taken_at)}</td>
                <td>{backupReason(backup.reason)}</td>
                <td className="number">{backupSize(backup.size_bytes)}</td>
                <td className="number" data-testid="backup-leads">
                  {backup.leads === null ? "unreadable" : formatCount(backup.leads)}
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => setAsking(backup)}
                    disabled={restore.isPending || backup.leads === null}
                    aria-label={`Restore the backup of ${backupTime(backup.taken_at)}`}
                    data-testid={`backup-restore-${backup.id}`}
                  >
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {asking && <RestoreQuestion backup={asking} onCancel={() => setAsking(null)} onConfirm={confirmRestore} />}
    </section>
  );
}

function RestoreQuestion(props: { backup: BackupInfo; onCancel: () => void; onConfirm: (backup: BackupInfo) => void }) {
  const { backup, onCancel, onConfirm } = props;
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <AlertDialog
      title="Restore this backup?"
      description={
        `The workspace will be replaced by the backup of ${backupTime(backup.taken_at)} ` +
        `(${formatCount(backup.leads ?? 0)} leads); a backup of the current state is taken first, ` +
        "so you can go back to it. The audit log keeps every entry."
      }
      descriptionTestId="backup-restore-question"
      testId="backup-restore-dialog"
      onCancel={onCancel}
      initialFocus={cancel}
    >
      <div className="actions">
        <button ref={cancel} type="button" onClick={onCancel} data-testid="backup-restore-cancel">
          Keep the workspace
        </button>
        <button type="button" className="danger" onClick={() => onConfirm(backup)} data-testid="backup-restore-confirm">
          Restore
        </button>
      </div>
    </AlertDialog>
  );
}
