// Moving between views with something to open there: an insight that opens
// the segment builder on "in A and in B", a coverage bucket that opens its
// leads, the Plan tab's link to the overlap view. A view calls
// `navigate(intent)`; App asks about unsaved work, switches view, and the
// view that mounts takes its intent with `takeIntent`.
import { useLayoutEffect, useState } from "react";

import type { CoverageScope } from "../bindings/CoverageScope";
import type { RuleGroup } from "../bindings/RuleGroup";

/** The Insights view's tabs, in order. */
export const INSIGHTS_TABS = [
  { key: "overlap", label: "Overlap" },
  { key: "hierarchies", label: "Hierarchies" },
  { key: "coverage", label: "Coverage" },
  { key: "performance", label: "Performance" },
  { key: "actions", label: "Actions" },
  { key: "crosstab", label: "Cross-tab" },
  { key: "discover", label: "Discover" },
] as const;
export type InsightsTab = (typeof INSIGHTS_TABS)[number]["key"];

/** The Strategy view's tabs, in order. */
export const STRATEGY_TABS = [
  { key: "priorities", label: "Priorities" },
  { key: "goals", label: "Goals" },
  { key: "reviews", label: "Reviews" },
  { key: "history", label: "History" },
] as const;
export type StrategyTab = (typeof STRATEGY_TABS)[number]["key"];

/** The Quality view's tabs, in order. */
export const QUALITY_TABS = [
  { key: "overview", label: "Overview" },
  { key: "duplicates", label: "Duplicates" },
  { key: "fixes", label: "Fixes" },
] as const;
export type QualityTab = (typeof QUALITY_TABS)[number]["key"];

/** The Privacy view's tabs, in order. */
export const PRIVACY_TABS = [
  { key: "people", label: "People" },
  { key: "consent", label: "Consent" },
  { key: "retention", label: "Retention" },
  { key: "audit", label: "Audit log" },
  { key: "backups", label: "Backups" },
  { key: "encryption", label: "Encryption" },
] as const;
export type PrivacyTab = (typeof PRIVACY_TABS)[number]["key"];

/** What to open in the view navigated to. */
export type NavigationIntent =
  /** The segment builder on new, unsaved rules, titled `name`. */
  | { view: "segments"; rules: RuleGroup; name: string }
  /** An Insights tab, with these segments chosen where the tab chooses segments. */
  | { view: "insights"; tab: InsightsTab; segmentIds?: number[] }
  /** A Strategy tab, on this segment where the tab shows one segment. */
  | { view: "strategy"; tab: StrategyTab; segmentId?: number }
  /** A Quality tab, on this field where the tab shows one field. */
  | { view: "quality"; tab: QualityTab; field?: string }
  /** A Privacy tab, on this lead where the tab shows one person. */
  | { view: "privacy"; tab: PrivacyTab; leadId?: number }
  /** The lead browser showing only the leads of `scope`, or every lead with lead `leadId`'s detail open. */
  | { view: "leads"; scope?: LeadScope; leadId?: number };

/** A set of leads the lead browser can be limited to, with the words its banner uses ("in no saved segment"). */
export type LeadScope = { kind: "coverage"; coverage: CoverageScope; description: string };

type Listener = (intent: NavigationIntent) => void;
let listener: Listener | null = null;
let pending: NavigationIntent | null = null;

/** App's side: called with every intent; App switches view (after asking about unsaved work). */
export function onNavigate(next: Listener): () => void {
  listener = next;
  return () => {
    if (listener === next) listener = null;
  };
}

/** Opens `intent.view` with the intent waiting for it. */
export function navigate(intent: NavigationIntent): void {
  listener?.(intent);
}

/** App's side: the intent is to be taken by the view about to mount. */
export function holdIntent(intent: NavigationIntent): void {
  pending = intent;
}

/** The intent waiting for `view`, if any, taken once (a later mount gets nothing). */
export function takeIntent<V extends NavigationIntent["view"]>(view: V): Extract<NavigationIntent, { view: V }> | null {
  if (pending?.view !== view) return null;
  const intent = pending as Extract<NavigationIntent, { view: V }>;
  pending = null;
  return intent;
}

/** The intent waiting for `view`, if any, without taking it. */
export function peekIntent<V extends NavigationIntent["view"]>(view: V): Extract<NavigationIntent, { view: V }> | null {
  return pending?.view === view ? (pending as Extract<NavigationIntent, { view: V }>) : null;
}

/**
 * A view's side: the intent waiting for `view`, taken for good once the view
 * has mounted. Taking it in the first render instead loses it when React
 * throws that render away (a lazy child such as the rule builder suspends
 * on first use) and renders the view again. It is taken in the commit that
 * mounts the view (a layout effect), not in a passive effect that React may
 * run a task later: until then the intent would still look waiting.
 */
export function useIntent<V extends NavigationIntent["view"]>(view: V): Extract<NavigationIntent, { view: V }> | null {
  const [intent] = useState(() => peekIntent(view));
  useLayoutEffect(() => {
    if (intent && pending === intent) pending = null;
  }, [intent]);
  return intent;
}
