// The Quality view's Overview tab: the quality report. Cards for e-mails,
// phones, countries and stale leads, each count with a way to see its leads
// (a panel listing them, each opening in Leads) and a "Fix…" link to the
// Fixes tab where a fix exists; then the mostly-empty fields and what they
// mean for the saved segments, and completeness by segmentation type.
import { useEffect, useRef, useState } from "react";

import type { FlaggedLeads } from "../../bindings/FlaggedLeads";
import type { QualityReport } from "../../bindings/QualityReport";
import { formatCount } from "../../lib/format";
import { navigate } from "../../lib/navigation";
import { useLeadDetail, useQualityReport } from "../../lib/queries";
import { Completeness, MostlyEmptyFields } from "./OverviewCompleteness";
import "./overview.css";

type Props = { onError: (error: unknown) => void };

/** The choices of "no activity for N months". */
const STALE_CHOICES = [3, 6, 12, 24];

/** How many leads the panel lists at a time. */
const PAGE = 20;

type Shown = { id: string; title: string; list: FlaggedLeads };

function IssueRow({
  id,
  label,
  list,
  unsendable,
  onShow,
}: {
  id: string;
  label: string;
  list: FlaggedLeads;
  unsendable?: boolean;
  onShow: (shown: Shown) => void;
}) {
  return (
    <tr data-testid={`quality-${id}`}>
      <th scope="row">{label}</th>
      <td className="num" data-testid={`quality-${id}-count`}>
        {formatCount(list.total)}
      </td>
      <td className="overview-note">
        {unsendable && list.unsendable > 0 ? `${formatCount(list.unsendable)} already not sendable` : ""}
      </td>
      <td className="overview-action">
        {list.total > 0 && (
          <button
            type="button"
            className="link"
            data-testid={`quality-${id}-show`}
            aria-label={`Show leads: ${label.toLowerCase()}`}
            onClick={() => onShow({ id, title: label, list })}
          >
            Show leads
          </button>
        )}
      </td>
    </tr>
  );
}

function CountRow({ id, label, count }: { id: string; label: string; count: number }) {
  return (
    <tr data-testid={`quality-${id}`}>
      <th scope="row">{label}</th>
      <td className="num" data-testid={`quality-${id}-count`}>
        {formatCount(count)}
      </td>
      <td />
      <td />
    </tr>
  );
}

function FixLink({ field, label }: { field: string; label: string }) {
  return (
    <button
      type="button"
      className="link overview-fix"
      data-testid={`quality-fix-${field}`}
      onClick={() => navigate({ view: "quality", tab: "fixes", field })}
    >
      {label}
    </button>
  );
}

function Card({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section className="overview-card" aria-labelledby={`overview-card-${id}`} data-testid={`quality-card-${id}`}>
      <h3 id={`overview-card-${id}`}>{title}</h3>
      {children}
    </section>
  );
}

function EmailCard({ report, onShow }: { report: QualityReport; onShow: (s: Shown) => void }) {
  const e = report.emails;
  return (
    <Card id="emails" title="E-mail addresses">
      <table className="overview-table">
        <tbody>
          <IssueRow id="email-missing" label="Missing" list={e.missing} unsendable onShow={onShow} />
          <IssueRow id="email-invalid" label="Invalid syntax" list={e.invalid} unsendable onShow={onShow} />
          <IssueRow id="email-role" label="Role addresses (info@, sales@…)" list={e.role} unsendable onShow={onShow} />
          <IssueRow id="email-disposable" label="Disposable domains" list={e.disposable} unsendable onShow={onShow} />
          <IssueRow id="email-bounced" label="Hard bounces" list={e.hard_bounced} unsendable onShow={onShow} />
        </tbody>
      </table>
      <FixLink field="email" label="Fix… mark as not sendable" />
    </Card>
  );
}

function PhoneCard({ report, onShow }: { report: QualityReport; onShow: (s: Shown) => void }) {
  const p = report.phones;
  return (
    <Card id="phones" title="Phone numbers">
      <table className="overview-table">
        <tbody>
          <CountRow id="phone-e164" label="Valid, written as E.164" count={p.e164} />
          <IssueRow id="phone-normalisable" label="Valid, not written as E.164" list={p.normalisable} onShow={onShow} />
          <IssueRow id="phone-invalid" label="Invalid" list={p.invalid} onShow={onShow} />
          <CountRow id="phone-empty" label="Empty" count={p.empty} />
        </tbody>
      </table>
      {p.invalid_reasons.length > 0 && (
        <ul className="overview-reasons" aria-label="Why the invalid numbers are invalid">
          {p.invalid_reasons.map((r) => (
            <li key={r.reason}>
              {r.reason}: {formatCount(r.count)}
            </li>
          ))}
        </ul>
      )}
      <FixLink field="phone" label="Fix… normalise to E.164" />
    </Card>
  );
}

function CountryCard({ report }: { report: QualityReport }) {
  const c = report.countries;
  const canonicalLeads = c.canonical.reduce((sum, v) => sum + v.count, 0);
  return (
    <Card id="countries" title="Countries">
      <table className="overview-table">
        <tbody>
          <CountRow
            id="country-canonical"
            label={`One name (${c.canonical.length} countries)`}
            count={canonicalLeads}
          />
          <CountRow id="country-variants" label="Variants of a country’s name" count={c.variant_leads} />
          <CountRow id="country-unrecognised" label="Not a country" count={c.unrecognised_leads} />
          <CountRow id="country-empty" label="Empty" count={c.empty} />
        </tbody>
      </table>
      {c.variants.length > 0 && (
        <ul
          className="overview-variants"
          aria-label="Variants and the name they stand for"
          data-testid="quality-country-variant-list"
        >
          {c.variants.map((v) => (
            <li key={v.value}>
              “{v.value}” → {v.canonical} <span className="muted">({formatCount(v.count)})</span>
            </li>
          ))}
        </ul>
      )}
      {c.unrecognised.length > 0 && (
        <ul className="overview-variants" aria-label="Values that are no country">
          {c.unrecognised.slice(0, 10).map((v) => (
            <li key={v.value}>
              “{v.value}” <span className="muted">({formatCount(v.count)})</span>
            </li>
          ))}
        </ul>
      )}
      <FixLink field="country" label="Fix… normalise countries" />
    </Card>
  );
}

function StaleCard({
  report,
  months,
  onMonths,
  onShow,
}: {
  report: QualityReport;
  months: number;
  onMonths: (months: number) => void;
  onShow: (s: Shown) => void;
}) {
  const s = report.stale;
  return (
    <Card id="stale" title="Stale leads">
      <label className="overview-months">
        No activity for{" "}
        <select value={months} onChange={(e) => onMonths(Number(e.target.value))} data-testid="quality-stale-months">
          {STALE_CHOICES.map((m) => (
            <option key={m} value={m}>
              {m} months
            </option>
          ))}
        </select>
      </label>
      <table className="overview-table">
        <tbody>
          <IssueRow
            id="stale-inactive"
            label={`No activity for ${s.months} months`}
            list={s.inactive}
            onShow={onShow}
          />
          <CountRow id="stale-never" label="… of which never active" count={s.inactive_without_events} />
          <IssueRow
            id="stale-before-import"
            label="Last activity older than last import"
            list={s.activity_before_import}
            onShow={onShow}
          />
        </tbody>
      </table>
    </Card>
  );
}

function LeadRow({ id }: { id: number }) {
  const detail = useLeadDetail(id);
  const title = detail.data?.title ?? `Lead ${id}`;
  return (
    <li>
      <button
        type="button"
        className="link"
        data-testid={`quality-lead-${id}`}
        onClick={() => navigate({ view: "leads", leadId: id })}
      >
        {title}
      </button>{" "}
      <span className="muted">#{id}</span>
    </li>
  );
}

function LeadsPanel({ shown, onClose }: { shown: Shown; onClose: () => void }) {
  const [count, setCount] = useState(PAGE);
  const ids = shown.list.lead_ids.slice(0, count);
  const more = shown.list.lead_ids.length - ids.length;
  const beyond = shown.list.total - shown.list.lead_ids.length;
  // The panel opens below the cards: bring it into view and move focus to it.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // (jsdom has no scrollIntoView.)
    heading.current?.scrollIntoView?.({ block: "nearest" });
    heading.current?.focus();
  }, []);
  return (
    <section className="overview-leads" aria-labelledby="overview-leads-title" data-testid="quality-leads-panel">
      <div className="overview-leads-head">
        <h3 id="overview-leads-title" ref={heading} tabIndex={-1}>
          {shown.title}: {formatCount(shown.list.total)} leads
        </h3>
        <button type="button" onClick={onClose} data-testid="quality-leads-close">
          Close
        </button>
      </div>
      <ul>
        {ids.map((id) => (
          <LeadRow key={id} id={id} />
        ))}
      </ul>
      {more > 0 && (
        <button type="button" className="link" onClick={() => setCount((c) => c + PAGE)}>
          Show {Math.min(PAGE, more)} more
        </button>
      )}
      {more <= 0 && beyond > 0 && (
        <p className="muted">
          The report lists the first {shown.list.lead_ids.length}; {formatCount(beyond)} more are not listed.
        </p>
      )}
    </section>
  );
}

export function OverviewTab({ onError }: Props) {
  const [months, setMonths] = useState(6);
  const [shown, setShown] = useState<Shown | null>(null);
  const report = useQualityReport(months);
  useEffect(() => {
    if (report.error) onError(report.error);
  }, [report.error, onError]);

  if (!report.data) {
    return (
      <p className="muted" role="status">
        {report.isError ? "The quality report could not be made." : "Checking the leads…"}
      </p>
    );
  }
  const data = report.data;
  // A panel open on a list shows the list of the latest report.
  return (
    <div className="quality-overview" data-testid="quality-overview">
      <p className="muted" data-testid="quality-total">
        {formatCount(data.total_leads)} leads checked.
      </p>
      <div className="overview-cards">
        <EmailCard report={data} onShow={setShown} />
        <PhoneCard report={data} onShow={setShown} />
        <CountryCard report={data} />
        <StaleCard
          report={data}
          months={months}
          onMonths={(m) => {
            setMonths(m);
            setShown(null);
          }}
          onShow={setShown}
        />
      </div>
      {shown && <LeadsPanel key={shown.id} shown={shown} onClose={() => setShown(null)} />}
      <MostlyEmptyFields impacts={data.mostly_empty} />
      <Completeness categories={data.completeness} />
    </div>
  );
}
