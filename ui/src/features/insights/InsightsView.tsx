// The Insights view: one tab per analysis (overlap, hierarchies, coverage,
// performance, the actions that predict conversion, cross-tabs and proposed
// segments). The period and the outcome that count as a conversion are set
// once here and shared by the tabs that measure conversions.
import { useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { INSIGHTS_TABS, useIntent, type InsightsTab } from "../../lib/navigation";
import { AnalysisSettingsBar, defaultAnalysisSettings, type AnalysisSettings } from "./AnalysisSettings";
import { ActionsTab } from "./ActionsTab";
import { CoverageTab } from "./CoverageTab";
import { CrosstabTab } from "./CrosstabTab";
import { DiscoverTab } from "./DiscoverTab";
import { HierarchiesTab } from "./HierarchiesTab";
import { OverlapTab } from "./OverlapTab";
import { PerformanceTab } from "./PerformanceTab";
import "./insights.css";

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };

/** The tabs that measure conversions, and so show the period and outcome. */
const MEASURING: InsightsTab[] = ["performance", "actions", "crosstab", "discover"];

export function InsightsView({ onError }: Props) {
  const intent = useIntent("insights");
  const [tab, setTab] = useState<InsightsTab>(intent?.tab ?? "overlap");
  const [settings, setSettings] = useState<AnalysisSettings>(defaultAnalysisSettings);
  return (
    <div className="insights-view" data-testid="insights-view">
      <div className="tabs" role="tablist" aria-label="Insights">
        {INSIGHTS_TABS.map((t) => (
          <button
            key={t.key}
            role="tab"
            id={`insights-tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls="insights-panel"
            className={tab === t.key ? "tab active" : "tab"}
            data-testid={`insights-tab-${t.key}`}
            onClick={() => setTab(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        className="tab-body insights-body"
        id="insights-panel"
        role="tabpanel"
        aria-labelledby={`insights-tab-${tab}`}
      >
        {MEASURING.includes(tab) && (
          <AnalysisSettingsBar settings={settings} onChange={setSettings} onError={onError} />
        )}
        {tab === "overlap" && <OverlapTab initialSegmentIds={intent?.segmentIds} onError={onError} />}
        {tab === "hierarchies" && <HierarchiesTab onError={onError} />}
        {tab === "coverage" && <CoverageTab onError={onError} />}
        {tab === "performance" && <PerformanceTab settings={settings} onError={onError} />}
        {tab === "actions" && <ActionsTab settings={settings} onError={onError} />}
        {tab === "crosstab" && <CrosstabTab settings={settings} onError={onError} />}
        {tab === "discover" && <DiscoverTab settings={settings} onError={onError} />}
      </div>
    </div>
  );
}
