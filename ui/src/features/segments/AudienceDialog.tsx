// The Segments view's "Audience for ads…" dialog (issue 15): choose Google
// Ads, Meta or LinkedIn, then a file; the members are written in the
// platform's layout with hashed identifiers, and the members without
// advertising consent, marked "do not sell or share" or without anything to
// match on are left out (the result banner says how many and why).
import { useState } from "react";

import type { AudiencePlatform } from "../../bindings/AudiencePlatform";

export const AUDIENCE_PLATFORMS: { key: AudiencePlatform; label: string; note: string }[] = [
  { key: "google-ads", label: "Google Ads", note: "Customer Match: hashed e-mail, phone and names; country in clear." },
  { key: "meta", label: "Meta", note: "Custom audience customer list: every identifier hashed." },
  { key: "linkedin", label: "LinkedIn", note: "Matched audience contact list: hashed e-mail; name, title, company." },
];

type Props = {
  count: number | null;
  onExport: (platform: AudiencePlatform) => Promise<void>;
  onCancel: () => void;
};

export function AudienceDialog({ count, onExport, onCancel }: Props) {
  const [platform, setPlatform] = useState<AudiencePlatform>("meta");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = AUDIENCE_PLATFORMS.find((p) => p.key === platform)?.label ?? platform;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onExport(platform);
    } catch (e) {
      setError(e instanceof Error ? e.message : String((e as { message?: string }).message ?? e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="audience-dialog-title"
        data-testid="audience-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="audience-dialog-title">Audience for ads</h2>
        <p className="muted">
          {count === null ? "The members" : `The ${count.toLocaleString("en-US")} members`} of this segment, for an ad
          platform. Members without advertising consent or marked “do not sell or share” are left out, and the summary
          says how many.
        </p>
        <fieldset>
          <legend>Platform</legend>
          {AUDIENCE_PLATFORMS.map((p) => (
            <label key={p.key} className="check">
              <input
                type="radio"
                name="audience-platform"
                value={p.key}
                data-testid={`audience-platform-${p.key}`}
                checked={platform === p.key}
                onChange={() => setPlatform(p.key)}
              />
              {p.label} <span className="muted">— {p.note}</span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p className="rule-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button onClick={onCancel}>Cancel</button>
          <button className="primary" data-testid="audience-confirm" disabled={busy} onClick={() => void submit()}>
            {busy ? "Exporting…" : `Export for ${label}…`}
          </button>
        </div>
      </div>
    </div>
  );
}
