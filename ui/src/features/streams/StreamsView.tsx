// The Streams view: three tabs over one catalogue (streams, templates, the
// content library, segments, fields, operators and event types, loaded here
// and refreshed on change): the stream Designer, the Plan of all active
// streams, and the Content library with its persona × stage matrix.
import { useCallback, useEffect, useState } from "react";

import type { ContentItem } from "../../bindings/ContentItem";
import type { Stream } from "../../bindings/Stream";
import type { StreamTemplate } from "../../bindings/StreamTemplate";
import type { WorkspaceInfo } from "../../bindings/WorkspaceInfo";
import { ipc } from "../../lib/ipc";
import { ContentTab } from "./ContentTab";
import { DesignerTab } from "./DesignerTab";
import { PlanTab } from "./PlanTab";
import type { RuleCatalogue } from "./RulesEditor";

type Props = { workspace: WorkspaceInfo; onError: (error: unknown) => void };
type Tab = "designer" | "plan" | "content";

const TABS: { key: Tab; label: string }[] = [
  { key: "designer", label: "Designer" },
  { key: "plan", label: "Plan" },
  { key: "content", label: "Content" },
];

export function StreamsView({ workspace, onError }: Props) {
  const [tab, setTab] = useState<Tab>("designer");
  const [streams, setStreams] = useState<Stream[] | null>(null);
  const [templates, setTemplates] = useState<StreamTemplate[]>([]);
  const [content, setContent] = useState<ContentItem[]>([]);
  const [rules, setRules] = useState<RuleCatalogue | null>(null);

  const refreshStreams = useCallback(async () => {
    const list = await ipc.streamsList();
    setStreams(list);
    return list;
  }, []);
  const refreshContent = useCallback(async () => {
    const list = await ipc.contentList();
    setContent(list);
    return list;
  }, []);

  useEffect(() => {
    Promise.all([ipc.fieldsList(), ipc.segmentOperators(), ipc.eventTypes(), ipc.segmentsList(null), ipc.streamTemplates()])
      .then(([fields, operators, eventTypes, segments, templateList]) => {
        setRules({ fields, operators, eventTypes, segments });
        setTemplates(templateList);
      })
      .catch(onError);
    refreshStreams().catch(onError);
    refreshContent().catch(onError);
  }, [onError, refreshStreams, refreshContent, workspace.lead_count]);

  if (!streams || !rules) return <div className="loading">Loading streams…</div>;

  return (
    <div className="streams-view">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.key} role="tab" aria-selected={tab === t.key} className={tab === t.key ? "tab active" : "tab"} data-testid={`streams-tab-${t.key}`} onClick={() => setTab(t.key)}>
            {t.label}
          </button>
        ))}
        <span className="tabs-note muted small">
          {streams.filter((s) => s.is_active).length} active of {streams.length} streams · {content.length} content items
        </span>
      </div>
      <div className="tab-body">
        {/* The designer stays mounted so its unsaved edits and history survive a look at the other tabs. */}
        <div className="tab-pane" hidden={tab !== "designer"}>
          <DesignerTab active={tab === "designer"} streams={streams} templates={templates} content={content} rules={rules} refreshStreams={refreshStreams} onError={onError} />
        </div>
        {tab === "plan" && <PlanTab streams={streams} onError={onError} />}
        {tab === "content" && <ContentTab content={content} refreshContent={refreshContent} onError={onError} />}
      </div>
    </div>
  );
}
