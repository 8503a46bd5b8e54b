// The Privacy view's Encryption tab (issue 15): whether the open workspace
// file (and its backups) is encrypted with a passphrase; setting one (typed
// twice, with the warning that a lost passphrase cannot be recovered),
// changing it and removing it, each confirmed; and what encryption costs.
import { useEffect, useRef, useState } from "react";

import type { EncryptionChange } from "../../bindings/EncryptionChange";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { AlertDialog } from "../../components/AlertDialog";
import { useEncryptionChange, useEncryptionStatus } from "../../lib/queries";
import "../workspace/passphrase.css";
import "./encryption.css";

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };

type Action = "protect" | "change" | "remove";

/** The shortest passphrase the backend accepts (store::cipher::MIN_PASSPHRASE_CHARS). */
export const MIN_PASSPHRASE_CHARS = 8;

const backupsWords = (count: number) => (count === 1 ? "its 1 backup" : `its ${count} backups`);

/** The files a change rewrites: the workspace, and its backups when it has any. */
const filesWords = (name: string, backups: number) =>
  backups === 0 ? `“${name}”` : `“${name}” and ${backupsWords(backups)}`;

/** What is wrong with a new passphrase typed twice, or null when it can be used. */
export function passphraseProblem(first: string, second: string): string | null {
  if ([...first].length < MIN_PASSPHRASE_CHARS)
    return `A passphrase needs at least ${MIN_PASSPHRASE_CHARS} characters.`;
  if (first !== second) return "The two passphrases differ: type the same one twice.";
  return null;
}

/** What the confirmation says will happen, naming the workspace and its backups. */
export function confirmation(action: Action, name: string, backups: number): { title: string; text: string } {
  const files = filesWords(name, backups);
  switch (action) {
    case "protect":
      return {
        title: "Protect this workspace with a passphrase?",
        text: `Leadstream will encrypt ${files} with this passphrase and ask for it every time the workspace opens. If the passphrase is lost, nobody can open them again.`,
      };
    case "change":
      return {
        title: "Change the passphrase?",
        text: `Leadstream will re-encrypt ${files} with the new passphrase; the old one will no longer open them.`,
      };
    case "remove":
      return {
        title: "Remove the passphrase?",
        text: `Leadstream will decrypt ${files}: anyone who can read the files will be able to read the leads in them.`,
      };
  }
}

export const outcomeText = (done: EncryptionChange) => {
  const backups = done.backups === 1 ? "1 backup" : `${done.backups} backups`;
  switch (done.change) {
    case "protected":
      return `The workspace is now protected${done.backups > 0 ? `; ${backups} encrypted with it` : ""}.`;
    case "passphrase_changed":
      return `The passphrase was changed${done.backups > 0 ? `; ${backups} re-encrypted with it` : ""}.`;
    case "unprotected":
      return `The passphrase was removed${done.backups > 0 ? `; ${backups} decrypted` : ""}.`;
  }
};

export function EncryptionTab({ workspace, onError }: Props) {
  const status = useEncryptionStatus();
  const change = useEncryptionChange();
  const [first, setFirst] = useState("");
  const [second, setSecond] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [asking, setAsking] = useState<Action | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (status.error) onError(status.error);
  }, [status.error, onError]);
  if (status.isError) return null;
  if (!status.data) return <p className="muted">Loading…</p>;
  const { protected: isProtected, backups, on_disk: onDisk } = status.data;

  const ask = (action: Action) => (event?: React.FormEvent) => {
    event?.preventDefault();
    setOutcome(null);
    if (action !== "remove") {
      const wrong = passphraseProblem(first, second);
      setProblem(wrong);
      if (wrong) return;
    }
    setAsking(action);
  };
  const run = async (action: Action) => {
    setAsking(null);
    try {
      const done = await change.mutateAsync({ action, passphrase: action === "remove" ? null : first });
      setFirst("");
      setSecond("");
      setProblem(null);
      setOutcome(outcomeText(done));
    } catch (error) {
      onError(error);
    }
  };
  const question = asking ? confirmation(asking, workspace.name, backups) : null;

  const newPassphraseFields = (verb: string) => (
    <>
      <label htmlFor="encryption-new">{verb}</label>
      <input
        id="encryption-new"
        type="password"
        autoComplete="new-password"
        data-testid="encryption-new"
        value={first}
        onChange={(e) => setFirst(e.target.value)}
      />
      <label htmlFor="encryption-repeat">Type it again</label>
      <input
        id="encryption-repeat"
        type="password"
        autoComplete="new-password"
        data-testid="encryption-repeat"
        value={second}
        aria-invalid={problem !== null}
        aria-describedby={problem ? "encryption-problem" : "encryption-rule"}
        onChange={(e) => setSecond(e.target.value)}
      />
      <p id="encryption-rule" className="hint">
        At least {MIN_PASSPHRASE_CHARS} characters; a few unrelated words are easy to remember and hard to guess.
      </p>
      {problem && (
        <p id="encryption-problem" className="passphrase-problem" role="alert" data-testid="encryption-problem">
          {problem}
        </p>
      )}
    </>
  );

  return (
    <div className="encryption-tab" data-testid="encryption-tab">
      <h2>Encryption at rest</h2>
      <p className="encryption-state" data-testid="encryption-state" data-protected={isProtected}>
        {isProtected ? (
          <>
            <strong>Protected.</strong> The workspace file and {backupsWords(backups)} are encrypted with a passphrase
            (SQLCipher, AES-256). Leadstream asks for it whenever the workspace opens; the command line reads it from{" "}
            <code>LEADSTREAM_PASSPHRASE</code>.
          </>
        ) : (
          <>
            <strong>Not protected.</strong> The workspace file{backups > 0 ? ` and ${backupsWords(backups)}` : ""}{" "}
            {backups > 0 ? "are" : "is"} readable by anyone who can read the file (a lost laptop, a shared folder).
          </>
        )}
      </p>
      {outcome && (
        <p className="note" role="status" data-testid="encryption-outcome">
          {outcome}
        </p>
      )}
      {!onDisk ? (
        <p className="muted">A workspace in memory has no file to encrypt.</p>
      ) : !isProtected ? (
        <form className="passphrase-form encryption-form" onSubmit={ask("protect")}>
          <h3>Set a passphrase</h3>
          <p className="warning" data-testid="encryption-warning">
            If you lose the passphrase, nobody can recover this workspace or its backups: Leadstream keeps no copy of
            it. Store it in your password manager.
          </p>
          {newPassphraseFields("New passphrase")}
          <div className="actions">
            <button type="submit" className="primary" data-testid="encryption-protect" disabled={change.isPending}>
              Protect with this passphrase…
            </button>
          </div>
        </form>
      ) : (
        <>
          <form className="passphrase-form encryption-form" onSubmit={ask("change")}>
            <h3>Change the passphrase</h3>
            {newPassphraseFields("New passphrase")}
            <div className="actions">
              <button type="submit" data-testid="encryption-change" disabled={change.isPending}>
                Change the passphrase…
              </button>
            </div>
          </form>
          <div className="encryption-form">
            <h3>Remove the passphrase</h3>
            <p className="hint">Decrypts the workspace and its backups back to plain files.</p>
            <button data-testid="encryption-remove" onClick={() => ask("remove")()} disabled={change.isPending}>
              Remove the passphrase…
            </button>
          </div>
        </>
      )}
      {change.isPending && (
        <p className="muted" role="status" data-testid="encryption-working">
          Rewriting the workspace and its backups…
        </p>
      )}
      <h3>What it costs</h3>
      <p className="hint" data-testid="encryption-cost">
        Every page is encrypted when written and decrypted when read. Measured on 200,000 leads: imports take about 10%
        longer, opening the workspace about 0.2 s longer (deriving the key from the passphrase, slow on purpose against
        guessing), and counts in memory are unchanged. Setting, changing or removing the passphrase rewrites the whole
        file and each backup: about 4 s for a 240 MB workspace. The figures are in the documentation,
        docs/benchmarks.md, “Encryption at rest (issue 15)”.
      </p>
      {asking && question && (
        <AlertDialog
          title={question.title}
          description={question.text}
          descriptionTestId="encryption-question"
          testId="encryption-dialog"
          onCancel={() => setAsking(null)}
          initialFocus={cancelButton}
        >
          <div className="actions">
            <button ref={cancelButton} data-testid="encryption-cancel" onClick={() => setAsking(null)}>
              Cancel
            </button>
            <button
              className={asking === "remove" ? "danger" : "primary"}
              data-testid="encryption-confirm"
              onClick={() => void run(asking)}
            >
              {asking === "protect" ? "Protect" : asking === "change" ? "Change passphrase" : "Remove passphrase"}
            </button>
          </div>
        </AlertDialog>
      )}
    </div>
  );
}
