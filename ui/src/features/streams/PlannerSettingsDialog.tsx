// The planner settings dialog: send window (weekdays and hours), default time
// zone, frequency cap, quiet dates and opt-in requirement, loaded from and
// saved to the workspace. Number inputs carry the backend's documented ranges
// (crates/core/src/streams/limits.rs); the backend checks everything and its
// message is shown here, also when the stored settings cannot be read.
import { useState } from "react";

import type { PlanSettings } from "../../bindings/PlanSettings";
import { usePlannerSettings, useSavePlannerSettings } from "../../lib/queries";
import { splitList } from "../../lib/segmentRules";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The allowed ranges, as in crates/core/src/streams/limits.rs. */
const RANGES = {
  fromHour: { label: "From hour", min: 0, max: 23 },
  toHour: { label: "To hour", min: 1, max: 24 },
  capEmails: { label: "Frequency cap (emails)", min: 1, max: 100 },
  capDays: { label: "Frequency cap (days)", min: 1, max: 365 },
} as const;
type Range = (typeof RANGES)[keyof typeof RANGES];

/** The settings a workspace starts with (PlanSettings::default in Rust), offered when the stored ones cannot be read. */
const DEFAULT_SETTINGS: PlanSettings = {
  send_window: { weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 },
  default_timezone: "UTC",
  frequency_cap: { max: 2, per_days: 7 },
  quiet_dates: [],
  require_opt_in: true,
  seed: 1,
};

/** A whole number typed into an input, within its range; otherwise an error naming the input and the range. */
function wholeNumber(text: string, range: Range): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(`${range.label} must be a whole number from ${range.min} to ${range.max}, not “${text}”`);
  }
  return value;
}

type Props = {
  onClose: () => void;
  onSaved: () => void;
  /** No longer called: every error, loading included, is shown in the dialog. */
  onError?: (error: unknown) => void;
};

export function PlannerSettingsDialog({ onClose, onSaved }: Props) {
  // Asked afresh each time the dialog opens: the workspace may have been changed behind the app's back.
  const stored = usePlannerSettings();
  if (!stored.isFetchedAfterMount) return null;
  if (stored.data && !stored.error)
    return <PlannerSettingsForm initial={stored.data} loadError={null} onClose={onClose} onSaved={onSaved} />;
  // Settings a hand-edited workspace stores unreadably: start from the
  // defaults, say why, and let saving replace them.
  const why = stored.error instanceof Error ? stored.error.message : String(stored.error);
  return (
    <PlannerSettingsForm
      initial={DEFAULT_SETTINGS}
      loadError={`${why} — these are the defaults; saving replaces the stored settings.`}
      onClose={onClose}
      onSaved={onSaved}
    />
  );
}

type FormProps = { initial: PlanSettings; loadError: string | null; onClose: () => void; onSaved: () => void };

function PlannerSettingsForm({ initial, loadError, onClose, onSaved }: FormProps) {
  const [settings, setSettings] = useState<PlanSettings>(initial);
  const [capOn, setCapOn] = useState(initial.frequency_cap !== null);
  const [capMax, setCapMax] = useState(String(initial.frequency_cap?.max ?? 3));
  const [capDays, setCapDays] = useState(String(initial.frequency_cap?.per_days ?? 7));
  const [fromHour, setFromHour] = useState(String(initial.send_window.from_hour));
  const [toHour, setToHour] = useState(String(initial.send_window.to_hour));
  const [quiet, setQuiet] = useState(initial.quiet_dates.join(", "));
  const [error, setError] = useState<string | null>(loadError);
  const saveSettings = useSavePlannerSettings();

  const sendWindow = settings.send_window;
  const save = async () => {
    setError(null);
    try {
      await saveSettings.mutateAsync({
        ...settings,
        send_window: {
          ...settings.send_window,
          from_hour: wholeNumber(fromHour, RANGES.fromHour),
          to_hour: wholeNumber(toHour, RANGES.toHour),
        },
        frequency_cap: capOn
          ? { max: wholeNumber(capMax, RANGES.capEmails), per_days: wholeNumber(capDays, RANGES.capDays) }
          : null,
        quiet_dates: splitList(quiet),
      });
      onSaved();
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal planner-modal"
        role="dialog"
        aria-label="Planner settings"
        data-testid="planner-settings"
        onKeyDown={(e) => e.key === "Escape" && onClose()}
      >
        <h2>Planner settings</h2>
        <div className="field">
          Send window (in each lead's time zone)
          <div className="weekday-row">
            {WEEKDAYS.map((label, i) => (
              <label key={label} className="check">
                <input
                  type="checkbox"
                  data-testid={`planner-weekday-${i + 1}`}
                  checked={sendWindow.weekdays.includes(i + 1)}
                  onChange={(e) =>
                    setSettings({
                      ...settings,
                      send_window: {
                        ...sendWindow,
                        weekdays: e.target.checked
                          ? [...sendWindow.weekdays, i + 1].sort()
                          : sendWindow.weekdays.filter((d) => d !== i + 1),
                      },
                    })
                  }
                />
                {label}
              </label>
            ))}
          </div>
        </div>
        <div className="field-row">
          <label className="field">
            From hour
            <input
              type="number"
              min={RANGES.fromHour.min}
              max={RANGES.fromHour.max}
              step={1}
              data-testid="planner-from-hour"
              value={fromHour}
              onChange={(e) => setFromHour(e.target.value)}
            />
          </label>
          <label className="field">
            To hour
            <input
              type="number"
              min={RANGES.toHour.min}
              max={RANGES.toHour.max}
              step={1}
              data-testid="planner-to-hour"
              value={toHour}
              onChange={(e) => setToHour(e.target.value)}
            />
          </label>
          <label className="field grow">
            Default time zone
            <input
              data-testid="planner-timezone"
              value={settings.default_timezone}
              onChange={(e) => setSettings({ ...settings, default_timezone: e.target.value })}
              placeholder="Europe/Berlin"
            />
          </label>
        </div>
        <div className="field-row cap-row">
          <label className="check">
            <input
              type="checkbox"
              data-testid="planner-cap-on"
              checked={capOn}
              onChange={(e) => setCapOn(e.target.checked)}
            />
            Frequency cap: at most
          </label>
          <input
            type="number"
            min={RANGES.capEmails.min}
            max={RANGES.capEmails.max}
            step={1}
            data-testid="planner-cap-max"
            value={capMax}
            disabled={!capOn}
            onChange={(e) => setCapMax(e.target.value)}
            style={{ width: 70 }}
          />
          <span>emails per</span>
          <input
            type="number"
            min={RANGES.capDays.min}
            max={RANGES.capDays.max}
            step={1}
            data-testid="planner-cap-days"
            value={capDays}
            disabled={!capOn}
            onChange={(e) => setCapDays(e.target.value)}
            style={{ width: 70 }}
          />
          <span>days</span>
        </div>
        <label className="field">
          Quiet dates (YYYY-MM-DD between 1900-01-01 and 2199-12-31, comma-separated)
          <input
            data-testid="planner-quiet-dates"
            value={quiet}
            onChange={(e) => setQuiet(e.target.value)}
            placeholder="2026-12-24, 2026-12-25"
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="planner-require-opt-in"
            checked={settings.require_opt_in}
            onChange={(e) => setSettings({ ...settings, require_opt_in: e.target.checked })}
          />
          Only leads who opted in to email (email_opt_in = yes)
        </label>
        {error && <div className="rule-error">{error}</div>}
        <div className="actions">
          <button onClick={onClose}>Cancel</button>
          <button className="primary" data-testid="planner-settings-save" onClick={() => void save()}>
            Save settings
          </button>
        </div>
      </div>
    </div>
  );
}
