// The Fixes tab's normalisation of one field: every suggested mapping
// (`from -> to`, with its lead count) with a checkbox the user unchecks when
// it is wrong and a target they can edit; the preview of what the checked
// mappings change (asked of the backend as they change); Apply.
import { useEffect, useMemo, useState } from "react";

import type { FixOutcome } from "../../bindings/FixOutcome";
import type { Normalisation } from "../../bindings/Normalisation";
import type { NormalisationPlan } from "../../bindings/NormalisationPlan";
import { formatCount } from "../../lib/format";
import { useApplyNormalisation, useNormalisePreview, useNormaliseSuggest } from "../../lib/queries";
import { plural } from "../import/wizardText";

type Props = {
  field: string;
  onApplied: (outcome: FixOutcome) => void;
  onError: (error: unknown) => void;
};

/** One suggested mapping as the user edits it. */
type Row = { from: string; region: string | null; to: string; leads: number; checked: boolean };

const rowsOf = (plan: NormalisationPlan): Row[] =>
  plan.suggestions.map((s) => ({ from: s.from, region: s.region, to: s.to, leads: s.leads, checked: true }));

const KIND_WORDS: Record<NormalisationPlan["kind"], string> = {
  country: "Each spelling of a country becomes the country's one name.",
  phone: "Each valid number is written as E.164 (+14155550123), read in the lead's country.",
  spelling: "Each spelling of a value becomes its most common spelling.",
};

export function NormalisePanel({ field, onApplied, onError }: Props) {
  const plan = useNormaliseSuggest(field);
  const [rows, setRows] = useState<Row[]>([]);
  const apply = useApplyNormalisation();

  useEffect(() => {
    if (plan.data) setRows(rowsOf(plan.data));
  }, [plan.data]);

  const normalisation: Normalisation = useMemo(
    () => ({
      field,
      mappings: rows
        .filter((r) => r.checked && r.to.trim() !== "")
        .map((r) => ({ from: r.from, to: r.to.trim(), region: r.region })),
    }),
    [field, rows],
  );
  const preview = useNormalisePreview(normalisation, normalisation.mappings.length > 0);

  if (plan.isPending) return <p className="muted">Reading the values of {field}…</p>;
  if (plan.isError)
    return (
      <p className="warning">
        Cannot normalise {field}: {String(plan.error)}
      </p>
    );
  const data = plan.data;
  const isPhone = data.kind === "phone";
  const checked = normalisation.mappings.length;
  const changing = checked === 0 ? 0 : (preview.data?.leads_changing ?? null);

  const update = (index: number, change: Partial<Row>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const setAll = (value: boolean) => setRows((current) => current.map((row) => ({ ...row, checked: value })));
  const run = async () => {
    try {
      onApplied(await apply.mutateAsync(normalisation));
    } catch (error) {
      onError(error);
    }
  };

  return (
    <div className="normalise-panel" data-testid="normalise-panel" data-field={field}>
      <h3>Normalise {data.label}</h3>
      <p className="muted">{KIND_WORDS[data.kind]} Uncheck a mapping that is wrong, or change what a value becomes.</p>
      {rows.length === 0 ? (
        <p data-testid="normalise-nothing">Nothing to normalise: every value of {data.label} is written one way.</p>
      ) : (
        <>
          <div className="normalise-tools">
            <button className="link" onClick={() => setAll(true)} data-testid="normalise-check-all">
              Check all
            </button>
            <button className="link" onClick={() => setAll(false)} data-testid="normalise-uncheck-all">
              Uncheck all
            </button>
          </div>
          <div className="normalise-table-wrap">
            <table
              className="normalise-table"
              data-testid="normalise-table"
              aria-label={`Suggested mappings of ${data.label}`}
            >
              <thead>
                <tr>
                  <th scope="col">Apply</th>
                  <th scope="col">Value now</th>
                  <th scope="col">Becomes</th>
                  {isPhone && <th scope="col">Read in</th>}
                  <th scope="col" className="num">
                    Leads
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, index) => (
                  <tr
                    key={`${row.from}\u0000${row.region ?? ""}`}
                    data-testid="normalise-row"
                    data-from={row.from}
                    data-to={row.to}
                    data-leads={row.leads}
                    className={row.checked ? undefined : "unchecked"}
                  >
                    <td>
                      <input
                        type="checkbox"
                        checked={row.checked}
                        data-testid="normalise-confirm"
                        aria-label={`Change ${row.from} to ${row.to}`}
                        onChange={(e) => update(index, { checked: e.target.checked })}
                      />
                    </td>
                    <td className="normalise-value">{row.from}</td>
                    <td>
                      <span aria-hidden="true">→ </span>
                      <input
                        type="text"
                        value={row.to}
                        data-testid="normalise-target"
                        aria-label={`New value for ${row.from}`}
                        onChange={(e) => update(index, { to: e.target.value })}
                      />
                    </td>
                    {isPhone && <td>{row.region ?? "no known country"}</td>}
                    <td className="num">{formatCount(row.leads)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="normalise-apply">
            <p data-testid="normalise-total" aria-live="polite">
              {changing === null
                ? "Counting the leads that will change…"
                : `${plural(changing, "lead", "leads")} will change (${plural(checked, "mapping", "mappings")} of ${formatCount(rows.length)} checked).`}
            </p>
            <button
              className="primary"
              data-testid="normalise-apply"
              disabled={!changing || apply.isPending || preview.isFetching}
              onClick={() => void run()}
            >
              {apply.isPending ? "Applying…" : "Apply"}
            </button>
          </div>
          {preview.data && preview.data.sample.length > 0 && checked > 0 && (
            <details className="normalise-sample">
              <summary>Leads that change (the first {formatCount(preview.data.sample.length)})</summary>
              <ul>
                {preview.data.sample.map((lead) => (
                  <li key={lead.lead_id}>
                    #{lead.lead_id} {lead.name || lead.email}: {lead.from} → {lead.to}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      {data.untouched_values > 0 && (
        <details className="normalise-untouched" data-testid="normalise-untouched">
          <summary>
            Left alone: {plural(data.untouched_values, "value", "values")} on{" "}
            {plural(data.untouched_leads, "lead", "leads")}
          </summary>
          <ul>
            {data.untouched.map((u) => (
              <li key={u.value}>
                {u.value} ({plural(u.leads, "lead", "leads")}): {u.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
