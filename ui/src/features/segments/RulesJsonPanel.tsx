// The rules as JSON (the format the CLI reads): shown, copied, and pasted
// back in. Pasted JSON is read and checked by the core as a save would be,
// and a problem is said in plain words with the rule it is in.
import { useState } from "react";

import type { RuleGroup } from "../../bindings/RuleGroup";
import { ipc } from "../../lib/ipc";
import { copyText } from "./clipboard";

type Props = {
  rules: RuleGroup;
  readOnly: boolean;
  /** Plain words for a backend error about pasted rules. */
  describeError: (error: unknown) => string;
  onPaste: (rules: RuleGroup) => void;
};

export function RulesJsonPanel({ rules, readOnly, describeError, onPaste }: Props) {
  const [copied, setCopied] = useState(false);
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const json = JSON.stringify(rules, null, 2);

  const apply = async () => {
    setChecking(true);
    try {
      const parsed = await ipc.segmentParseRules(pasted);
      setPasting(false);
      setPasted("");
      setError(null);
      onPaste(parsed);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setChecking(false);
    }
  };

  return (
    <section className="segment-json" aria-labelledby="segment-json-title">
      <h3 id="segment-json-title">Rules as JSON</h3>
      <p className="muted small">The same JSON the CLI reads: leadstream segment count rules.json</p>
      <div className="segment-json-actions">
        <button
          type="button"
          data-testid="segment-json-copy"
          onClick={() => void copyText(json).then((ok) => setCopied(ok))}
        >
          {copied ? "Copied" : "Copy rules JSON"}
        </button>
        {!readOnly && !pasting && (
          <button type="button" data-testid="segment-json-paste-open" onClick={() => setPasting(true)}>
            Paste rules JSON…
          </button>
        )}
      </div>
      {pasting ? (
        <div className="segment-json-paste">
          <label htmlFor="segment-json-paste">Paste rules JSON to replace the rules below</label>
          <textarea
            id="segment-json-paste"
            data-testid="segment-json-paste"
            rows={10}
            value={pasted}
            placeholder='{"combinator": "and", "rules": [ … ]}'
            aria-invalid={error !== null}
            aria-describedby={error ? "segment-json-paste-error" : undefined}
            onChange={(e) => {
              setPasted(e.target.value);
              setError(null);
            }}
          />
          {error && (
            <p className="rule-error" id="segment-json-paste-error" role="alert" data-testid="segment-json-paste-error">
              {error}
            </p>
          )}
          <div className="segment-json-actions">
            <button
              type="button"
              className="primary"
              data-testid="segment-json-paste-apply"
              disabled={pasted.trim() === "" || checking}
              onClick={() => void apply()}
            >
              Use these rules
            </button>
            <button
              type="button"
              onClick={() => {
                setPasting(false);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <textarea data-testid="segment-json" aria-label="Rules as JSON" readOnly rows={14} value={json} />
      )}
    </section>
  );
}
