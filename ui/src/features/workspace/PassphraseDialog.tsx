// The passphrase dialog (issue 15): shown when a workspace being opened is
// protected. A password field with its label, "Open" and "Cancel"; a wrong
// passphrase is said in the dialog, which stays open to try again. What is
// typed is never stored or logged: it goes to the backend once, in memory.
import { useEffect, useRef, useState } from "react";

import { AlertDialog } from "../../components/AlertDialog";
import { IpcError } from "../../lib/ipc";
import { setPassphraseDialog, type PassphraseRequest } from "./passphrasePrompt";
import "./passphrase.css";

/** The file name without folders or extension, as the workspace menu names it. */
const workspaceName = (path: string) => (path.split(/[\\/]/).pop() ?? path).replace(/\.leadstream$/, "") || path;

/** Mount once per screen: shows the dialog whenever an opener needs a passphrase. */
export function PassphrasePrompt() {
  const [request, setRequest] = useState<PassphraseRequest | null>(null);
  useEffect(() => {
    setPassphraseDialog(setRequest);
    return () => setPassphraseDialog(null);
  }, []);
  return request ? <PassphraseDialog key={request.path} request={request} /> : null;
}

function PassphraseDialog({ request }: { request: PassphraseRequest }) {
  const input = useRef<HTMLInputElement>(null);
  const [passphrase, setPassphrase] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [trying, setTrying] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!passphrase || trying) return;
    setTrying(true);
    setProblem(null);
    try {
      await request.submit(passphrase);
    } catch (error) {
      const wrong = error instanceof IpcError && error.kind === "wrong_passphrase";
      setProblem(
        wrong
          ? "Wrong passphrase: it does not open this workspace. Check it and try again."
          : error instanceof Error
            ? error.message
            : String(error),
      );
      setPassphrase("");
      setTrying(false);
      input.current?.focus();
    }
  };

  return (
    <AlertDialog
      title="Enter the passphrase"
      description={
        <>
          <strong>{workspaceName(request.path)}</strong> is protected with a passphrase. Enter it to open the workspace.
        </>
      }
      testId="passphrase-dialog"
      onCancel={request.cancel}
      initialFocus={input}
    >
      <form className="passphrase-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="passphrase-input">Passphrase</label>
        <input
          id="passphrase-input"
          ref={input}
          type="password"
          autoComplete="current-password"
          data-testid="passphrase-input"
          value={passphrase}
          aria-invalid={problem !== null}
          aria-describedby={problem ? "passphrase-problem" : undefined}
          onChange={(e) => setPassphrase(e.target.value)}
        />
        {problem && (
          <p id="passphrase-problem" className="passphrase-problem" role="alert" data-testid="passphrase-problem">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="button" data-testid="passphrase-cancel" onClick={request.cancel}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="passphrase-open" disabled={!passphrase || trying}>
            {trying ? "Opening…" : "Open"}
          </button>
        </div>
      </form>
    </AlertDialog>
  );
}
