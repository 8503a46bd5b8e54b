// The Strategy view (issue 12): how the marketer prioritises, sets goals for,
// reviews and watches the saved segments. One tab each: Priorities (ICE),
// Goals (SMART goals and their progress), Reviews (what is due, recorded
// decisions) and History (member counts over time, who joined or left).
import { useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
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
    <div className="strategy-view" data-testid="strategy-view">
      <div className="tabs" role="tablist" aria-label="Strategy">
        {STRATEGY_TABS.map((t) => (
          <button
            key={t.key}
            role="tab"
            id={`strategy-tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls="strategy-panel"
            className={tab === t.key ? "tab active" : "tab"}
            data-testid={`strategy-tab-${t.key}`}
            onClick={() => setTab(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        className="tab-body strategy-body"
        id="strategy-panel"
        role="tabpanel"
        aria-labelledby={`strategy-tab-${tab}`}
      >
        {tab === "priorities" && <PrioritiesTab onError={onError} />}
        {tab === "goals" && <GoalsTab onError={onError} />}
        {tab === "reviews" && <ReviewsTab onError={onError} />}
        {tab === "history" && <HistoryTab initialSegmentId={intent?.segmentId} onError={onError} />}
      </div>
    </div>
  );
}
