// The Strategy view (issue 12): how the marketer prioritises, sets goals for,
// reviews and watches the saved segments. One tab each: Priorities (ICE),
// Goals (SMART goals and their progress), Reviews (what is due, recorded
// decisions) and History (member counts over time, who joined or left).
import { useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { TabbedView } from "../../components/TabbedView";
import { STRATEGY_TABS, useIntent, type StrategyTab } from "../../lib/navigation";
import { GoalsTab } from "./GoalsTab";
import { HistoryTab } from "./HistoryTab";
import { PrioritiesTab } from "./PrioritiesTab";
import { ReviewsTab } from "./ReviewsTab";
import "./strategy.css";

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };

export function StrategyView({ onError }: Props) {
  const intent = useIntent("strategy");
  const [tab, setTab] = useState<StrategyTab>(intent?.tab ?? "priorities");
  return (
    <TabbedView area="strategy" label="Strategy" tabs={STRATEGY_TABS} active={tab} onSelect={setTab}>
      {tab === "priorities" && <PrioritiesTab onError={onError} />}
      {tab === "goals" && <GoalsTab onError={onError} />}
      {tab === "reviews" && <ReviewsTab onError={onError} />}
      {tab === "history" && <HistoryTab initialSegmentId={intent?.segmentId} onError={onError} />}
    </TabbedView>
  );
}
