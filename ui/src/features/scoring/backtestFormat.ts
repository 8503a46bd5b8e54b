// Words and numbers of the Back-test tab: the AUC read in plain words, rates
// as percentages, and the default date (a number of days before today).

/** "0.5 = no better than chance" and the grades between, in plain words. */
export function aucReading(auc: number | undefined): string {
  if (auc === undefined) return "(nobody converted, or everybody did: nothing to tell apart)";
  const base = "(0.5 = no better than chance, 1 = every converter scored above every other lead)";
  if (auc < 0.45) return `worse than chance: the scores point the wrong way ${base}`;
  if (auc < 0.55) return `no better than chance ${base}`;
  if (auc < 0.65) return `a weak signal ${base}`;
  if (auc < 0.75) return `a useful signal ${base}`;
  if (auc < 0.85) return `a good signal ${base}`;
  return `a strong signal ${base}`;
}

export const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** The date `days` before `today`, as YYYY-MM-DD (UTC, as the core reads dates). */
export function daysBefore(today: Date, days: number): string {
  const at = new Date(today.getTime() - days * 86_400_000);
  return at.toISOString().slice(0, 10);
}

/** A lift as "2.39×"; the core sends null (not an absent field) for "no lift", shown as a dash. */
export const liftText = (value: number | undefined | null) => (value == null ? "—" : `${value.toFixed(2)}×`);
