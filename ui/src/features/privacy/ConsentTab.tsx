// The Privacy view's Consent tab (issue 15): per channel (e-mail,
// advertising), how many leads are in each consent bucket (the status of
// their latest statement, or opt-in/opt-out without any recorded statement,
// or never asked) as a bar chart (@nivo/bar) with the same numbers in a table,
// the lawful bases of the recorded statements, and how many leads may be
// e-mailed or used for advertising.
import { ResponsiveBar } from "@nivo/bar";

import type { ChannelConsentOverview } from "../../bindings/ChannelConsentOverview";
import { formatCount } from "../../lib/format";
import { useConsentOverview } from "../../lib/queries";
import { BUCKET_LABELS, CHANNEL_LABELS, basisLabel } from "./consentLabels";
import "./consent.css";

type Props = { onError: (error: unknown) => void };

type Datum = { bucket: string; Leads: number };

const BAR_COLOR = "#0f766e";
const ROW_HEIGHT = 30;

function ChannelChart({ channel }: { channel: ChannelConsentOverview }) {
  const name = CHANNEL_LABELS[channel.channel];
  // nivo draws the first datum at the bottom: reverse to keep the buckets' order top-down.
  const data: Datum[] = channel.buckets.map((b) => ({ bucket: BUCKET_LABELS[b.bucket], Leads: b.leads })).reverse();
  return (
    <figure className="consent-chart">
      <div style={{ height: data.length * ROW_HEIGHT + 44 }}>
        <ResponsiveBar<Datum>
          data={data}
          keys={["Leads"]}
          indexBy="bucket"
          layout="horizontal"
          margin={{ top: 4, right: 24, bottom: 36, left: 250 }}
          padding={0.3}
          colors={[BAR_COLOR]}
          enableLabel={false}
          enableGridY={false}
          enableGridX
          isInteractive={false}
          animate={false}
          role="img"
          ariaLabel={`${name} consent: leads per bucket; the table beside lists the same numbers.`}
          axisLeft={{ tickSize: 0, tickPadding: 8 }}
          axisBottom={{ tickSize: 4, format: (v) => formatCount(Number(v)) }}
          theme={{ text: { fill: "#1f2333", fontSize: 12 } }}
        />
      </div>
    </figure>
  );
}

function ChannelSection({ channel, total }: { channel: ChannelConsentOverview; total: number }) {
  const name = CHANNEL_LABELS[channel.channel];
  const id = `consent-channel-${channel.channel}`;
  const share = (n: number) => (total === 0 ? "—" : `${((100 * n) / total).toFixed(1)}%`);
  return (
    <section className="consent-channel" aria-labelledby={id} data-testid={`consent-channel-${channel.channel}`}>
      <h3 id={id}>{name}</h3>
      <div className="consent-channel-body">
        <ChannelChart channel={channel} />
        <div>
          <table className="consent-table">
            <caption>{name}: leads by consent</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Leads
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {channel.buckets.map((b) => (
                <tr key={b.bucket} data-testid={`consent-${channel.channel}-${b.bucket}`}>
                  <th scope="row">{BUCKET_LABELS[b.bucket]}</th>
                  <td className="num" data-testid={`consent-${channel.channel}-${b.bucket}-count`}>
                    {formatCount(b.leads)}
                  </td>
                  <td className="num">{share(b.leads)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="consent-table">
            <caption>{name}: lawful basis of the latest statement</caption>
            <thead>
              <tr>
                <th scope="col">Lawful basis</th>
                <th scope="col" className="num">
                  Leads
                </th>
              </tr>
            </thead>
            <tbody>
              {channel.by_lawful_basis.length === 0 && (
                <tr>
                  <td colSpan={2} className="muted">
                    No statement recorded.
                  </td>
                </tr>
              )}
              {channel.by_lawful_basis.map((b) => (
                <tr key={b.lawful_basis ?? "none"}>
                  <th scope="row">{basisLabel(b.lawful_basis)}</th>
                  <td className="num">{formatCount(b.leads)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

export function ConsentTab(_props: Props) {
  const overview = useConsentOverview();
  if (overview.error) {
    return <p className="rule-error">{String((overview.error as { message?: string }).message ?? overview.error)}</p>;
  }
  const data = overview.data;
  if (!data) return <p className="muted">Counting consent…</p>;
  return (
    <div className="consent-tab" data-testid="consent-tab">
      <h2>Consent</h2>
      <p className="muted">
        Every lead is counted once per channel, by its latest consent statement. Leads opted in or out before consent
        was kept as history have no statement: they are counted on their own, as an auditor would ask about them.
      </p>
      <dl className="consent-eligible">
        <div className="kv">
          <dt>May be e-mailed</dt>
          <dd data-testid="consent-emailable">{formatCount(data.emailable)}</dd>
        </div>
        <div className="kv">
          <dt>May be used for advertising</dt>
          <dd data-testid="consent-ad-eligible">{formatCount(data.ad_eligible)}</dd>
        </div>
        <div className="kv">
          <dt>Leads</dt>
          <dd>{formatCount(data.total_leads)}</dd>
        </div>
      </dl>
      <p className="muted">
        E-mailable: opted in and not marked “do not email”. Advertising: consent to advertising and not marked “do not
        sell or share” (CCPA).
      </p>
      {data.channels.map((channel) => (
        <ChannelSection key={channel.channel} channel={channel} total={data.total_leads} />
      ))}
    </div>
  );
}
