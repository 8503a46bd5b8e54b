// What the segment builder needs before it can show: fields, operators per
// type, event types and templates, each a cached backend read.
import type { EventTypeSummary } from "../../bindings/EventTypeSummary";
import type { Field } from "../../bindings/Field";
import type { OperatorSet } from "../../bindings/OperatorSet";
import type { SegmentTemplate } from "../../bindings/SegmentTemplate";
import { useEventTypes, useFields, useSegmentOperators, useSegmentTemplates } from "../../lib/queries";

export type SegmentCatalogue = {
  fields: Field[];
  operators: OperatorSet[];
  eventTypes: EventTypeSummary[];
  templates: SegmentTemplate[];
};

/** The catalogue once every part has loaded (null until then), and the first failure. */
export function useSegmentCatalogue(): { catalogue: SegmentCatalogue | null; error: unknown } {
  const fields = useFields();
  const operators = useSegmentOperators();
  const eventTypes = useEventTypes();
  const templates = useSegmentTemplates();
  const error = fields.error ?? operators.error ?? eventTypes.error ?? templates.error ?? null;
  if (!fields.data || !operators.data || !eventTypes.data || !templates.data) return { catalogue: null, error };
  return {
    catalogue: {
      fields: fields.data,
      operators: operators.data,
      eventTypes: eventTypes.data,
      templates: templates.data,
    },
    error,
  };
}
