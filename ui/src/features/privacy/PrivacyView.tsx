// The Privacy view (issue 15): one tab each for a person's access export
// and erasure (People), consent (Consent), retention (Retention), the audit
// log (Audit log), backups (Backups) and the workspace's passphrase
// (Encryption). Audiences for ad platforms are exported from the Segments view.
import { useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { TabbedView } from "../../components/TabbedView";
import { PRIVACY_TABS, useIntent, type PrivacyTab } from "../../lib/navigation";
import { AuditTab } from "./AuditTab";
import { BackupsTab } from "./BackupsTab";
import { ConsentTab } from "./ConsentTab";
import { EncryptionTab } from "./EncryptionTab";
import { PeopleTab } from "./PeopleTab";
import { RetentionTab } from "./RetentionTab";
import "./privacy.css";

/** `onDataChanged`: called after an erasure, a retention run or a restore, so the header's lead count follows. */
type Props = { workspace: WorkspaceInfo; onDataChanged?: () => void; onError: (error: unknown) => void };

export function PrivacyView({ workspace, onDataChanged, onError }: Props) {
  const intent = useIntent("privacy");
  const [tab, setTab] = useState<PrivacyTab>(intent?.tab ?? "people");
  return (
    <TabbedView area="privacy" label="Privacy" tabs={PRIVACY_TABS} active={tab} onSelect={setTab}>
      {tab === "people" && <PeopleTab leadId={intent?.leadId} onDataChanged={onDataChanged} onError={onError} />}
      {tab === "consent" && <ConsentTab onError={onError} />}
      {tab === "retention" && <RetentionTab onDataChanged={onDataChanged} onError={onError} />}
      {tab === "audit" && <AuditTab onError={onError} />}
      {tab === "backups" && <BackupsTab onDataChanged={onDataChanged} onError={onError} />}
      {tab === "encryption" && <EncryptionTab workspace={workspace} onError={onError} />}
    </TabbedView>
  );
}
