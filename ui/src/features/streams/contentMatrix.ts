// Content matrix logic: whether a library item counts in a persona × stage
// cell, as the backend's matrix counts it (prospect content tagged with the
// stage; an item with no persona suits every persona; tags compare
// case-insensitively), used to filter the library by a cell.
import type { ContentItem } from "../../bindings/ContentItem";

const fold = (s: string) => s.trim().toLowerCase();

function fits(tags: string[], wanted: string): boolean {
  return tags.length === 0 || tags.some((t) => fold(t) === fold(wanted));
}

export function itemSuitsCell(
  item: Pick<ContentItem, "personas" | "stages" | "lifecycles">,
  persona: string,
  stage: string,
): boolean {
  const forProspects = item.lifecycles.length === 0 || item.lifecycles.includes("prospect");
  return item.stages.length > 0 && fits(item.stages, stage) && fits(item.personas, persona) && forProspects;
}

/** Items tagged for both this persona and this stage (not counting generic, untagged ones). */
export function targetedItems(
  items: Pick<ContentItem, "personas" | "stages" | "lifecycles">[],
  persona: string,
  stage: string,
): number {
  return items.filter((i) => i.personas.length > 0 && i.stages.length > 0 && itemSuitsCell(i, persona, stage)).length;
}
