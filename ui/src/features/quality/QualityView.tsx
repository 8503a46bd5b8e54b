// The Quality view (issue 14): what is wrong with the leads and what it
// means for the segments, and the fixes. One tab each: Overview (the quality
// report), Duplicates (likely pairs, merge with a preview) and Fixes
// (normalisations with a preview; every fix is in the import history and
// undoable there).
import { useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { TabbedView } from "../../components/TabbedView";
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
    <TabbedView area="quality" label="Quality" tabs={QUALITY_TABS} active={tab} onSelect={setTab}>
      {tab === "overview" && <OverviewTab onError={onError} />}
      {tab === "duplicates" && <DuplicatesTab onLeadCountChanged={onLeadCountChanged} onError={onError} />}
      {tab === "fixes" && <FixesTab field={intent?.field} onError={onError} />}
    </TabbedView>
  );
}
