// The lead detail panel's "Consent" section (issue 15): the lead's consent
// history (channel, status, lawful basis, source, date; newest first) and a
// small form to record a statement, e.g. a consent given on the phone. A
// recorded statement sets the lead's current status (e-mail or advertising
// opt-in), which segments, plans and exports read.
import { useState } from "react";

import type { ConsentChannel } from "../../bindings/ConsentChannel";
import type { ConsentStatus } from "../../bindings/ConsentStatus";
import type { LawfulBasis } from "../../bindings/LawfulBasis";
import { formatDate } from "../../lib/format";
import { useConsentHistory, useRecordConsent } from "../../lib/queries";
import { BASIS_LABELS, CHANNEL_LABELS, STATUS_LABELS, basisLabel } from "../privacy/consentLabels";
import "../privacy/consent.css";

const dateOf = (seconds: number) => formatDate(new Date(seconds * 1000).toISOString());

export function LeadConsent({ leadId }: { leadId: number }) {
  const history = useConsentHistory(leadId);
  const record = useRecordConsent();
  const [channel, setChannel] = useState<ConsentChannel>("email");
  const [status, setStatus] = useState<ConsentStatus>("granted");
  const [basis, setBasis] = useState<LawfulBasis | "">("consent");
  const [source, setSource] = useState("Phone call");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    setDone(null);
    try {
      await record.mutateAsync({
        leadId,
        statement: { channel, status, lawful_basis: basis === "" ? null : basis, source, recorded_at: null },
      });
      setDone(`Recorded: ${CHANNEL_LABELS[channel]} ${STATUS_LABELS[status].toLowerCase()}.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String((e as { message?: string }).message ?? e));
    }
  };
  const events = history.data ?? [];
  return (
    <section className="lead-consent" data-testid="detail-consent" aria-labelledby="lead-consent-title">
      <h3 id="lead-consent-title">Consent</h3>
      {history.isLoading && <p className="muted">Reading the consent history…</p>}
      {history.data && events.length === 0 && (
        <p className="muted" data-testid="consent-history-empty">
          No consent statement recorded.
        </p>
      )}
      {events.length > 0 && (
        <table data-testid="consent-history">
          <caption className="visually-hidden">Consent history, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Channel</th>
              <th scope="col">Status</th>
              <th scope="col">Basis</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} data-testid="consent-history-row">
                <td>{dateOf(event.recorded_at)}</td>
                <td>{CHANNEL_LABELS[event.channel]}</td>
                <td>{STATUS_LABELS[event.status]}</td>
                <td>{basisLabel(event.lawful_basis)}</td>
                <td>{event.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="lead-consent-form"
        aria-label="Record a consent statement"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Channel
          <select
            data-testid="consent-channel"
            value={channel}
            onChange={(e) => setChannel(e.target.value as ConsentChannel)}
          >
            {Object.entries(CHANNEL_LABELS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            data-testid="consent-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as ConsentStatus)}
          >
            {Object.entries(STATUS_LABELS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Lawful basis
          <select
            data-testid="consent-basis"
            value={basis}
            onChange={(e) => setBasis(e.target.value as LawfulBasis | "")}
          >
            <option value="">None recorded</option>
            {Object.entries(BASIS_LABELS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source
          <input data-testid="consent-source" value={source} onChange={(e) => setSource(e.target.value)} />
        </label>
        <div className="actions">
          <button
            type="submit"
            className="primary"
            data-testid="consent-record"
            disabled={record.isPending || source.trim() === ""}
          >
            {record.isPending ? "Recording…" : "Record statement"}
          </button>
          {done && (
            <span className="muted" role="status" data-testid="consent-recorded">
              {" "}
              {done}
            </span>
          )}
        </div>
        {error && (
          <p className="rule-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
