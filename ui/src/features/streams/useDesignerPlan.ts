// The designer's plan bar: dry-runs the stream as drawn from a day for a number
// of days twice, on its own and together with the other active streams (as the
// Plan tab and the CLI's plan do, where higher-priority streams take leads
// first), and keeps the answers with the opened stream and drawing they were
// for, so counts never show on another stream and go stale after an edit.
import { useEffect, useEffectEvent, useMemo, useRef, useState } from "react";

import type { Plan } from "../../bindings/Plan";
import type { Stream } from "../../bindings/Stream";
import type { StreamPlan } from "../../bindings/StreamPlan";
import { useRunPlan } from "../../lib/queries";
import { isAsOfDate } from "../../lib/segmentRules";
import { isPlanDays, todayUtc } from "./PlanControls";

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Which plan paints the steps: the stream on its own, or with the other active streams. */
export type CountScope = "alone" | "together";

type Planned = {
  alone: Plan;
  /** With the other active streams; null when no other stream is active. */
  together: Plan | null;
  definition: string;
  streamId: number;
  openedKey: string;
};

/** The other active streams, with the stream as drawn in place of its saved version (and active). */
export function streamsTogether(stream: Stream, saved: Stream[]): Stream[] | null {
  const others = saved.filter((s) => s.is_active && s.id !== stream.id);
  return others.length === 0 ? null : [...others, { ...stream, is_active: true }];
}

/** This stream's share of a plan. */
export function streamShare(plan: Plan | null, streamId: number): StreamPlan | null {
  return plan ? (plan.streams.find((s) => s.stream_id === streamId) ?? null) : null;
}

/**
 * `stream` is the stream as drawn in the stream opened as `openedKey`; `savedId` is its id once saved; `saved` is
 * every saved stream. The first saved stream shown is planned straight away, so a newcomer sees counts on its steps.
 */
export function useDesignerPlan(openedKey: string, savedId: number | null, stream: Stream, saved: Stream[]) {
  const [from, setFrom] = useState(todayUtc());
  const [days, setDays] = useState("90");
  const [scope, setScope] = useState<CountScope>("together");
  const [planned, setPlanned] = useState<Planned | null>(null);
  const [failed, setFailed] = useState<{ message: string; openedKey: string } | null>(null);
  const runPlan = useRunPlan();

  const run = async () => {
    setFailed(null);
    const key = openedKey;
    const request = { from: from.trim(), days: Number(days) };
    try {
      const alone = await runPlan.mutateAsync({ ...request, streams: [stream] });
      const others = streamsTogether(stream, saved);
      const together = others ? await runPlan.mutateAsync({ ...request, streams: others }) : null;
      setPlanned({
        alone,
        together,
        definition: JSON.stringify(stream.definition),
        streamId: stream.id,
        openedKey: key,
      });
    } catch (e) {
      setFailed({ message: message(e), openedKey: key });
    }
  };

  // run() reads the stream just opened: an effect event, so opening runs it once, not every edit.
  const autoPlanned = useRef(false);
  const planOnOpen = useEffectEvent(() => void run());
  useEffect(() => {
    if (autoPlanned.current || savedId === null) return;
    autoPlanned.current = true;
    planOnOpen();
  }, [openedKey, savedId]);

  const plan = planned?.openedKey === openedKey ? planned : null;
  const alonePlan = plan ? (streamShare(plan.alone, plan.streamId) ?? plan.alone.streams[0] ?? null) : null;
  const togetherPlan = plan ? streamShare(plan.together, plan.streamId) : null;
  const shownScope: CountScope = scope === "together" && togetherPlan ? "together" : "alone";
  const streamPlan = shownScope === "together" ? togetherPlan : alonePlan;
  const stale = plan !== null && plan.definition !== JSON.stringify(stream.definition);
  const nodeCounts = useMemo(
    () => (streamPlan ? new Map(streamPlan.nodes.map((n) => [n.node_id, n.leads])) : null),
    [streamPlan],
  );
  const edgeCounts = useMemo(
    () => (streamPlan ? new Map(streamPlan.edges.map((e) => [e.edge_id, e.leads])) : null),
    [streamPlan],
  );
  return {
    from,
    setFrom,
    days,
    setDays,
    valid: isAsOfDate(from) && from.trim() !== "" && isPlanDays(days),
    run,
    planning: runPlan.isPending,
    error: failed?.openedKey === openedKey ? failed.message : null,
    /** The plan whose counts paint the steps. */
    plan: (shownScope === "together" ? plan?.together : plan?.alone) ?? null,
    streamPlan,
    alonePlan,
    togetherPlan,
    scope: shownScope,
    setScope,
    stale,
    nodeCounts,
    edgeCounts,
  };
}

export type DesignerPlan = ReturnType<typeof useDesignerPlan>;
