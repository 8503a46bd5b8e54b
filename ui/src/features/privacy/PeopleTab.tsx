// The Privacy view's People tab (issue 15): find a person (quick search or a
// lead id from the lead panel), see what the workspace holds about them,
// download their access export (JSON or CSV, through the save dialog) and
// erase them everywhere after a confirmation that names what will go.
import { useRef, useState } from "react";

import type { AccessExportFormat } from "../../bindings/AccessExportFormat";
import type { ErasurePreview } from "../../bindings/ErasurePreview";
import type { ErasureReport } from "../../bindings/ErasureReport";
import { AlertDialog } from "../../components/AlertDialog";
import { formatCount } from "../../lib/format";
import { ipc } from "../../lib/ipc";
import { navigate } from "../../lib/navigation";
import { useErasurePreview, useLeadDetail, usePeopleSearch, usePersonErase } from "../../lib/queries";
import "./people.css";

type Props = { leadId?: number; onDataChanged?: () => void; onError: (error: unknown) => void };

function plural(n: number, one: string, many: string) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** What the erasure removes, in words, for the confirmation and the summary. */
export function erasureWords(p: ErasurePreview, withBackups = true): string {
  const words = [
    plural(p.events, "event", "events"),
    plural(p.custom_values, "custom value", "custom values"),
    plural(p.consent_events, "consent statement", "consent statements"),
    plural(p.import_changes, "saved old value", "saved old values"),
    plural(p.merges, "merge record", "merge records"),
    plural(p.snapshots, "segment-history snapshot", "segment-history snapshots"),
    plural(p.rejected_files.length, "rejected-rows file", "rejected-rows files"),
  ];
  if (withBackups) words.push(`their rows in ${plural(p.backups + 1, "backup", "backups")}`);
  return words.join(", ");
}

export function PeopleTab({ leadId, onDataChanged, onError }: Props) {
  const [search, setSearch] = useState("");
  const [selected, setSelected] = useState<number | null>(leadId ?? null);
  const [erased, setErased] = useState<ErasureReport | null>(null);
  const results = usePeopleSearch(search);
  return (
    <div className="people-tab" data-testid="people-tab">
      <label className="people-search">
        Find a person (name, e-mail, company or lead id)
        <input
          type="search"
          data-testid="people-search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            const id = Number(search.trim());
            if (e.key === "Enter" && Number.isInteger(id) && id > 0) setSelected(id);
          }}
        />
      </label>
      {search.trim() !== "" && (
        <ul className="people-results" data-testid="people-results" aria-label="Matching people">
          {(results.data?.rows ?? []).map((row) => {
            const [first, last, email, company] = row.cells.map((c) => (c === null ? "" : String(c)));
            const name = [first, last].filter(Boolean).join(" ") || row.stand_in_name || `Lead #${row.id}`;
            return (
              <li key={row.id}>
                <button
                  className={row.id === selected ? "link selected" : "link"}
                  data-testid={`people-result-${row.id}`}
                  onClick={() => {
                    setSelected(row.id);
                    setErased(null);
                  }}
                >
                  {name}
                </button>{" "}
                <span className="muted">
                  {email}
                  {company ? ` · ${company}` : ""}
                </span>
              </li>
            );
          })}
          {results.data && results.data.rows.length === 0 && <li className="muted">Nobody matches.</li>}
        </ul>
      )}
      {erased && <ErasedSummary report={erased} />}
      {selected !== null && !erased && (
        <Person
          key={selected}
          leadId={selected}
          onErased={(report) => {
            setErased(report);
            setSelected(null);
            onDataChanged?.();
          }}
          onError={onError}
        />
      )}
    </div>
  );
}

function ErasedSummary({ report }: { report: ErasureReport }) {
  return (
    <section className="people-erased" data-testid="people-erased" aria-live="polite">
      <h3>Lead #{report.lead_id} was erased</h3>
      <p>
        On {report.erased_at}: {plural(report.events, "event", "events")},{" "}
        {plural(report.snapshots, "segment-history snapshot", "segment-history snapshots")} and{" "}
        {plural(report.import_changes, "saved old value", "saved old values")} are gone; erased from{" "}
        {plural(report.backups_erased.length, "backup", "backups")}
        {report.rejected_files_rewritten.length + report.rejected_files_deleted.length > 0 &&
          ` and ${plural(
            report.rejected_files_rewritten.length + report.rejected_files_deleted.length,
            "rejected-rows file",
            "rejected-rows files",
          )}`}
        .{" "}
        {report.suppression_hash
          ? "Only a salted hash of the e-mail address is kept, so later imports skip this person."
          : "The lead had no e-mail address: nothing is kept."}
      </p>
      <button
        className="link"
        data-testid="people-audit-link"
        onClick={() => navigate({ view: "privacy", tab: "audit" })}
      >
        See the entry in the Audit log
      </button>
    </section>
  );
}

function Person({
  leadId,
  onErased,
  onError,
}: {
  leadId: number;
  onErased: (report: ErasureReport) => void;
  onError: (error: unknown) => void;
}) {
  const detail = useLeadDetail(leadId);
  const preview = useErasurePreview(leadId);
  const erase = usePersonErase();
  const [asking, setAsking] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  if (detail.error) return <p role="alert">Lead #{leadId} does not exist.</p>;
  if (!detail.data) return <p className="muted">Loading lead #{leadId}…</p>;
  const email = detail.data.fields.find((f) => f.field.key === "email")?.value;

  async function download(format: AccessExportFormat) {
    try {
      const name = `person-${leadId}-access.${format}`;
      const path = format === "json" ? await ipc.pickJsonSavePath(name) : await ipc.pickCsvSavePath(name);
      if (!path) return;
      const summary = await ipc.personAccessExport(leadId, format, path);
      setExported(`Wrote ${plural(Number(summary.rows), "row", "rows")} to ${summary.path}`);
    } catch (error) {
      onError(error);
    }
  }

  return (
    <section className="person" data-testid="person" aria-labelledby="person-title">
      <h3 id="person-title" data-testid="person-title">
        {detail.data.title} <span className="muted">#{leadId}</span>
      </h3>
      {email !== undefined && email !== null && <p data-testid="person-email">{String(email)}</p>}
      <p data-testid="person-holdings">
        {preview.data ? `The workspace holds ${erasureWords(preview.data, false)} about this person.` : "Counting…"}
      </p>
      <div className="person-actions">
        <button data-testid="person-export-json" onClick={() => download("json")}>
          Download access export (JSON)
        </button>
        <button data-testid="person-export-csv" onClick={() => download("csv")}>
          Download access export (CSV)
        </button>
        <button
          className="danger"
          data-testid="person-erase"
          disabled={!preview.data || erase.isPending}
          onClick={() => setAsking(true)}
        >
          Erase this person…
        </button>
      </div>
      {exported && (
        <p className="muted" data-testid="person-exported">
          {exported}
        </p>
      )}
      {asking && preview.data && (
        <AlertDialog
          title={`Erase ${detail.data.title}?`}
          description={
            <>
              This deletes lead #{leadId} and everything hanging off it: {erasureWords(preview.data)} (a backup is taken
              first and erased too). It cannot be undone.{" "}
              {preview.data.will_suppress
                ? "Only a salted hash of the e-mail address is kept, so that later imports skip this person."
                : ""}
            </>
          }
          descriptionTestId="erase-dialog-description"
          testId="erase-dialog"
          onCancel={() => setAsking(false)}
          initialFocus={cancel}
        >
          <div className="actions">
            <button ref={cancel} onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button
              className="danger"
              data-testid="erase-confirm"
              disabled={erase.isPending}
              onClick={() =>
                erase.mutate(leadId, {
                  onSuccess: (report) => {
                    setAsking(false);
                    onErased(report);
                  },
                  onError: (error) => {
                    setAsking(false);
                    onError(error);
                  },
                })
              }
            >
              {erase.isPending ? "Erasing…" : "Erase permanently"}
            </button>
          </div>
        </AlertDialog>
      )}
    </section>
  );
}
