// The Privacy view's Encryption tab (issue 15; being built).
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };

export function EncryptionTab(_props: Props) {
  return <p className="muted">Being built.</p>;
}
