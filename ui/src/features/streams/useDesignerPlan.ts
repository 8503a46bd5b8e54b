// The designer's plan bar: dry-runs the stream as drawn from a day for a number
// of days, and keeps the answer with the opened stream and drawing it was for,
// so counts never show on another stream and go stale after an edit.
import { useEffect, useEffectEvent, useMemo, useRef, useState } from "react";

import type { Plan } from "../../bindings/Plan";
import type { Stream } from "../../bindings/Stream";
import { useRunPlan } from "../../lib/queries";
import { isAsOfDate } from "../../lib/segmentRules";
import { isPlanDays, todayUtc } from "./PlanControls";

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Planned = { plan: Plan; definition: string; streamId: number; openedKey: string };

/**
 * `stream` is the stream as drawn in the stream opened as `openedKey`; `savedId` is its id once saved. The first
 * saved stream shown is planned straight away, so a newcomer sees counts on its steps.
 */
export function useDesignerPlan(openedKey: string, savedId: number | null, stream: Stream) {
  const [from, setFrom] = useState(todayUtc());
  const [days, setDays] = useState("90");
  const [planned, setPlanned] = useState<Planned | null>(null);
  const [failed, setFailed] = useState<{ message: string; openedKey: string } | null>(null);
  const runPlan = useRunPlan();

  const run = async () => {
    setFailed(null);
    const key = openedKey;
    try {
      const plan = await runPlan.mutateAsync({ streams: [stream], from: from.trim(), days: Number(days) });
      setPlanned({ plan, definition: JSON.stringify(stream.definition), streamId: stream.id, openedKey: key });
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
  const streamPlan = plan
    ? (plan.plan.streams.find((s) => s.stream_id === plan.streamId) ?? plan.plan.streams[0] ?? null)
    : null;
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
    plan: plan?.plan ?? null,
    streamPlan,
    stale,
    nodeCounts,
    edgeCounts,
  };
}

export type DesignerPlan = ReturnType<typeof useDesignerPlan>;
