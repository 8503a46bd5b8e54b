// The Streams view: three tabs over one catalogue (streams, templates, the
// content library, segments, fields, operators and event types, each a cached
// backend read asked again after a write): the stream Designer, the Plan of all
// active streams, and the Content library with its persona × stage matrix.
import { useEffect, useMemo, useState } from "react";

import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import {
  useContent,
  useEventTypes,
  useFields,
  useSegmentOperators,
  useSegments,
  useStreams,
  useStreamTemplates,
} from "../../lib/queries";
import { ContentTab } from "./ContentTab";
import { DesignerTab } from "./DesignerTab";
import { PlanTab, type PlanShown } from "./PlanTab";
import type { RuleCatalogue } from "./RulesEditor";
import "./streams.css";

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };
type Tab = "designer" | "plan" | "content";

const TABS: { key: Tab; label: string }[] = [
  { key: "designer", label: "Designer" },
  { key: "plan", label: "Plan" },
  { key: "content", label: "Content" },
];

export function StreamsView({ workspace, onError }: Props) {
  const [tab, setTab] = useState<Tab>("designer");
  // The Plan tab's last runs outlive the tab, so reopening it compares with the plan seen before.
  const [planRuns, setPlanRuns] = useState<PlanShown[]>([]);
  const streamsQuery = useStreams();
  const templatesQuery = useStreamTemplates();
  const contentQuery = useContent();
  const fields = useFields();
  const operators = useSegmentOperators();
  const eventTypes = useEventTypes();
  const segments = useSegments(null);

  const error =
    streamsQuery.error ??
    templatesQuery.error ??
    contentQuery.error ??
    fields.error ??
    operators.error ??
    eventTypes.error ??
    segments.error;
  useEffect(() => {
    if (error) onError(error);
  }, [error, onError]);

  const rules: RuleCatalogue | null = useMemo(
    () =>
      fields.data && operators.data && eventTypes.data && segments.data
        ? { fields: fields.data, operators: operators.data, eventTypes: eventTypes.data, segments: segments.data }
        : null,
    [fields.data, operators.data, eventTypes.data, segments.data],
  );

  const streams = streamsQuery.data;
  const content = contentQuery.data ?? [];
  const templates = templatesQuery.data ?? [];
  if (!streams || !rules || !templatesQuery.data || !contentQuery.data) {
    return <div className="loading">Loading streams…</div>;
  }

  return (
    <div className="streams-view">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.key}
            role="tab"
            aria-selected={tab === t.key}
            className={tab === t.key ? "tab active" : "tab"}
            data-testid={`streams-tab-${t.key}`}
            onClick={() => setTab(t.key)}
          >
            {t.label}
          </button>
        ))}
        <span className="tabs-note muted small">
          {streams.filter((s) => s.is_active).length} active of {streams.length} streams · {content.length} content
          items
        </span>
      </div>
      <div className="tab-body">
        {/* The designer stays mounted so its unsaved edits and history survive a look at the other tabs. */}
        <div className="tab-pane" hidden={tab !== "designer"}>
          <DesignerTab
            workspaceKey={workspace.path ?? workspace.name}
            active={tab === "designer"}
            streams={streams}
            templates={templates}
            content={content}
            rules={rules}
          />
        </div>
        {tab === "plan" && <PlanTab streams={streams} runs={planRuns} onRuns={setPlanRuns} onError={onError} />}
        {tab === "content" && <ContentTab content={content} onError={onError} />}
      </div>
    </div>
  );
}
