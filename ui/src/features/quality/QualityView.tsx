// The Quality view (issue 14): what is wrong with the leads and what it
// means for the segments, and the fixes. One tab each: Overview (the quality
// report), Duplicates (likely pairs, merge with a preview) and Fixes
// (normalisations with a preview; every fix is in the import history and
// undoable there).
import { useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { QUALITY_TABS, useIntent, type QualityTab } from "../../lib/navigation";
import { DuplicatesTab } from "./DuplicatesTab";
import { FixesTab } from "./FixesTab";
import { OverviewTab } from "./OverviewTab";
import "./quality.css";

/** `onLeadCountChanged`: called after a merge or its undo, so the header's lead count follows. */
type Props = { workspace: WorkspaceInfo; onLeadCountChanged?: () => void; onError: (error: unknown) => void };

export function QualityView({ onLeadCountChanged, onError }: Props) {
  const intent = useIntent("quality");
  const [tab, setTab] = useState<QualityTab>(intent?.tab ?? "overview");
  return (
    <div className="quality-view" data-testid="quality-view">
      <div className="tabs" role="tablist" aria-label="Quality">
        {QUALITY_TABS.map((t) => (
          <button
            key={t.key}
            role="tab"
            id={`quality-tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls="quality-panel"
            className={tab === t.key ? "tab active" : "tab"}
            data-testid={`quality-tab-${t.key}`}
            onClick={() => setTab(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-body quality-body" id="quality-panel" role="tabpanel" aria-labelledby={`quality-tab-${tab}`}>
        {tab === "overview" && <OverviewTab onError={onError} />}
        {tab === "duplicates" && <DuplicatesTab onLeadCountChanged={onLeadCountChanged} onError={onError} />}
        {tab === "fixes" && <FixesTab field={intent?.field} onError={onError} />}
      </div>
    </div>
  );
}
