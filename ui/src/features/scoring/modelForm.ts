// The scoring model editor's pure logic: a stored model ⇄ the form the user
// edits (numbers as text while typed), band editing (add, remove, rename,
// minimums), the problems found before the core is asked, and which rule or
// part of the model a core error names.
import type { Band } from "../../bindings/Band";
import type { ModelDefinition } from "../../bindings/ModelDefinition";
import type { RuleGroup } from "../../bindings/RuleGroup";
import type { ScoreKind } from "../../bindings/ScoreKind";
import type { ScoreRule } from "../../bindings/ScoreRule";

export type SpanUnitText = "days" | "weeks" | "months";
export type DecayKindText = "none" | "half_life" | "window";

/** One rule as edited: `when` rules (segment rules) or `each` (a behaviour counted per event). */
export type RuleForm = {
  key: number;
  label: string;
  kind: ScoreKind;
  mode: "when" | "each";
  when: RuleGroup;
  eventType: string;
  /** Blank: every event ever. */
  inLastAmount: string;
  inLastUnit: SpanUnitText;
  /** Property filters of a behaviour read from a stored model, kept as they are. */
  where: RuleGroup | null;
  points: string;
  /** Blank: no cap. */
  cap: string;
};

export type BandForm = { key: number; name: string; min: string };

export type ModelForm = {
  name: string;
  rules: RuleForm[];
  decayKind: DecayKindText;
  decayDays: string;
  fitGrades: [string, string, string];
  engagementGrades: [string, string, string];
  bands: BandForm[];
};

let nextKey = 1;
const newKey = () => nextKey++;

const EMPTY_RULES: RuleGroup = { combinator: "and", not: false, rules: [] };

/** The core's default model (ModelDefinition::default): a 30-day half-life, grades and four bands. */
export const DEFAULT_DEFINITION: ModelDefinition = {
  rules: [],
  decay: { kind: "half_life", days: 30 },
  fit_grades: [30, 20, 10],
  engagement_grades: [40, 20, 5],
  bands: [{ name: "sales-ready", min: 80 }, { name: "hot", min: 50 }, { name: "warm", min: 20 }, { name: "cold" }],
};

const text = (n: number | undefined | null) => (typeof n === "number" ? String(n) : "");

/** The form of a core rule (a stored model's, or a suggestion's ready rule), with a fresh key. */
export function ruleToForm(rule: ScoreRule): RuleForm {
  const each = (rule.each ?? null) as {
    type?: string;
    inLast?: { amount?: number; unit?: string };
    where?: RuleGroup;
  } | null;
  const unit = each?.inLast?.unit;
  return {
    key: newKey(),
    label: rule.label,
    kind: rule.kind,
    mode: rule.when ? "when" : "each",
    when: rule.when ?? EMPTY_RULES,
    eventType: each?.type ?? "",
    inLastAmount: text(each?.inLast?.amount),
    inLastUnit: unit === "weeks" || unit === "months" ? unit : "days",
    where: each?.where ?? null,
    points: String(rule.points),
    cap: text(rule.cap),
  };
}

/** The form of a stored model (or of a new one: the default definition). */
export function toForm(name: string, definition: ModelDefinition): ModelForm {
  const decay = definition.decay;
  return {
    name,
    rules: definition.rules.map(ruleToForm),
    decayKind: decay.kind,
    decayDays: decay.kind === "none" ? "30" : String(decay.days),
    fitGrades: definition.fit_grades.map(String) as [string, string, string],
    engagementGrades: definition.engagement_grades.map(String) as [string, string, string],
    bands: definition.bands.map((b) => ({ key: newKey(), name: b.name, min: text(b.min) })),
  };
}

/** A new rule of this kind: fit rules test fields, engagement rules count events. */
export function newRule(kind: ScoreKind, eventType = ""): RuleForm {
  return {
    key: newKey(),
    label: "",
    kind,
    mode: kind === "fit" ? "when" : "each",
    when: EMPTY_RULES,
    eventType,
    inLastAmount: "",
    inLastUnit: "days",
    where: null,
    points: kind === "fit" ? "10" : "5",
    cap: "",
  };
}

/** What is wrong with the form before the core is asked: by rule index, or for the model as a whole. */
export type FormProblems = { rules: Map<number, string>; model: string[] };

const number = (value: string): number | null => {
  if (value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** The definition the form describes, or the problems that keep it from being one. */
export function toDefinition(form: ModelForm): { definition: ModelDefinition | null; problems: FormProblems } {
  const problems: FormProblems = { rules: new Map(), model: [] };
  const rules: ScoreRule[] = form.rules.map((rule, index) => {
    const say = (message: string) => {
      if (!problems.rules.has(index)) problems.rules.set(index, message);
    };
    const points = number(rule.points);
    if (points === null) say("Give the points as a number (negative points take away).");
    const cap = number(rule.cap);
    if (rule.cap.trim() !== "" && (cap === null || cap <= 0)) say("The cap must be a positive number, or blank.");
    if (rule.label.trim() === "") say("Give the rule a label: explanations show it.");
    const out: ScoreRule = { label: rule.label.trim(), kind: rule.kind, points: points ?? 0 };
    if (cap !== null && cap > 0) out.cap = cap;
    if (rule.mode === "when") {
      out.when = rule.when;
    } else {
      if (rule.eventType === "") say("Choose the event type each event of which scores.");
      const each: Record<string, unknown> = { type: rule.eventType };
      const amount = number(rule.inLastAmount);
      if (rule.inLastAmount.trim() !== "") {
        if (amount === null || amount <= 0 || !Number.isInteger(amount))
          say("“In the last” takes a whole number of days, weeks or months, or blank for ever.");
        else each.inLast = { amount, unit: rule.inLastUnit };
      }
      if (rule.where && rule.where.rules.length > 0) each.where = rule.where;
      out.each = each;
    }
    return out;
  });
  const days = number(form.decayDays);
  if (form.decayKind !== "none" && (days === null || days <= 0))
    problems.model.push("The decay needs a positive number of days.");
  const grades = (values: string[], what: string) => {
    const parsed = values.map(number);
    if (parsed.some((n) => n === null)) problems.model.push(`Give every ${what} threshold as a number.`);
    else if (parsed.some((n, i) => i > 0 && (n as number) > (parsed[i - 1] as number)))
      problems.model.push(`The ${what} thresholds must go down from the best grade.`);
    return parsed.map((n) => n ?? 0) as [number, number, number];
  };
  const fit_grades = grades(form.fitGrades, "fit grade");
  const engagement_grades = grades(form.engagementGrades, "engagement grade");
  const bands: Band[] = form.bands.map((band, index) => {
    const last = index === form.bands.length - 1;
    const min = number(band.min);
    if (band.name.trim() === "") problems.model.push("Every band needs a name.");
    if (!last && min === null) problems.model.push(`Band “${band.name}” needs a minimum score.`);
    return last || min === null ? { name: band.name.trim() } : { name: band.name.trim(), min };
  });
  for (let i = 1; i < bands.length - 1; i++) {
    const [above, here] = [bands[i - 1].min, bands[i].min];
    if (above !== undefined && here !== undefined && here >= above)
      problems.model.push(`Band “${bands[i].name}” must start below “${bands[i - 1].name}”.`);
  }
  const names = bands.map((b) => b.name);
  const twice = names.find((n, i) => n !== "" && names.indexOf(n) !== i);
  if (twice) problems.model.push(`Two bands are named “${twice}”.`);
  if (form.bands.length === 0) problems.model.push("Give the model at least one band.");
  const ok = problems.rules.size === 0 && problems.model.length === 0;
  const definition: ModelDefinition = {
    rules,
    decay: form.decayKind === "none" ? { kind: "none" } : { kind: form.decayKind, days: days ?? 0 },
    fit_grades,
    engagement_grades,
    bands,
  };
  return { definition: ok ? definition : null, problems };
}

/** A band added just above the lowest one, starting halfway between its neighbours' minimums. */
export function addBand(bands: BandForm[]): BandForm[] {
  const lowestMin = bands.length >= 2 ? number(bands[bands.length - 2].min) : null;
  const min = lowestMin === null ? 10 : Math.max(lowestMin / 2, lowestMin - 10);
  let n = bands.length + 1;
  while (bands.some((b) => b.name === `band ${n}`)) n++;
  const added: BandForm = { key: newKey(), name: `band ${n}`, min: String(Math.round(min * 10) / 10) };
  return [...bands.slice(0, -1), added, ...bands.slice(-1)];
}

/** Removes band `index`; the new lowest band (if the lowest was removed) takes every lower score. */
export function removeBand(bands: BandForm[], index: number): BandForm[] {
  if (bands.length <= 1) return bands;
  const rest = bands.filter((_, i) => i !== index);
  return rest.map((b, i) => (i === rest.length - 1 ? { ...b, min: "" } : b));
}

export function editBand(bands: BandForm[], index: number, patch: Partial<Omit<BandForm, "key">>): BandForm[] {
  return bands.map((b, i) => (i === index ? { ...b, ...patch } : b));
}

/**
 * Where a core error belongs: "scoring rule 2 (“Download”): …" names rule index 1; anything else is the
 * model's. The message beside a rule leaves out the rule's name.
 */
export function placeCoreError(message: string): { rule: number | null; text: string } {
  const match = /scoring rule (\d+)(?: \(“[^”]*”\))?: (.*)$/s.exec(message);
  if (!match) return { rule: null, text: message };
  return { rule: Number(match[1]) - 1, text: match[2] };
}

/** The form as JSON without React keys: what "unsaved changes" compares. */
export function formFingerprint(form: ModelForm): string {
  return JSON.stringify(form, (key, value) => (key === "key" ? undefined : value));
}
