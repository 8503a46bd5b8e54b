// The Privacy view (issue 15): one tab each for a person's access export
// and erasure (People), consent (Consent), retention (Retention), the audit
// log (Audit log), backups (Backups) and the workspace's passphrase
// (Encryption). Audiences for ad platforms are exported from the Segments view.
import { useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
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
    <div className="privacy-view" data-testid="privacy-view">
      <div className="tabs" role="tablist" aria-label="Privacy">
        {PRIVACY_TABS.map((t) => (
          <button
            key={t.key}
            role="tab"
            id={`privacy-tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls="privacy-panel"
            className={tab === t.key ? "tab active" : "tab"}
            data-testid={`privacy-tab-${t.key}`}
            onClick={() => setTab(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-body privacy-body" id="privacy-panel" role="tabpanel" aria-labelledby={`privacy-tab-${tab}`}>
        {tab === "people" && <PeopleTab leadId={intent?.leadId} onDataChanged={onDataChanged} onError={onError} />}
        {tab === "consent" && <ConsentTab onError={onError} />}
        {tab === "retention" && <RetentionTab onDataChanged={onDataChanged} onError={onError} />}
        {tab === "audit" && <AuditTab onError={onError} />}
        {tab === "backups" && <BackupsTab onDataChanged={onDataChanged} onError={onError} />}
        {tab === "encryption" && <EncryptionTab workspace={workspace} onError={onError} />}
      </div>
    </div>
  );
}
