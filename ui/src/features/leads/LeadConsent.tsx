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

/** A labelled select over a map of values to labels, with an optional "none" choice (the value ""). */
function LabelledSelect<K extends string>(props: {
  label: string;
  testId: string;
  value: K | "";
  labels: Record<K, string>;
  none?: string;
  /** The chosen value, or "" for the "none" choice. */
  onChange: (value: K | "") => void;
}) {
  return (
    <label>
      {props.label}
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value as K | "")}>
        {props.none !== undefined && <option value="">{props.none}</option>}
        {(Object.entries(props.labels) as [K, string][]).map(([key, label]) => (
          <option key={key} value={key}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

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
        <LabelledSelect
          label="Channel"
          testId="consent-channel"
          value={channel}
          labels={CHANNEL_LABELS}
          onChange={(value) => value !== "" && setChannel(value)}
        />
        <LabelledSelect
          label="Status"
          testId="consent-status"
          value={status}
          labels={STATUS_LABELS}
          onChange={(value) => value !== "" && setStatus(value)}
        />
        <LabelledSelect
          label="Lawful basis"
          testId="consent-basis"
          value={basis}
          labels={BASIS_LABELS}
          none="None recorded"
          onChange={setBasis}
        />
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
