// The planner settings dialog: send window (weekdays and hours), default time
// zone, frequency cap, quiet dates and opt-in requirement, loaded from and
// saved to the workspace; the backend checks them and its message is shown.
import { useEffect, useState } from "react";

import type { PlanSettings } from "../../bindings/PlanSettings";
import { ipc } from "../../lib/ipc";
import { splitList } from "../../lib/segmentRules";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

type Props = { onClose: () => void; onSaved: () => void; onError: (error: unknown) => void };

export function PlannerSettingsDialog({ onClose, onSaved, onError }: Props) {
  const [settings, setSettings] = useState<PlanSettings | null>(null);
  const [capOn, setCapOn] = useState(false);
  const [capMax, setCapMax] = useState("3");
  const [capDays, setCapDays] = useState("7");
  const [quiet, setQuiet] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ipc
      .plannerSettings()
      .then((s) => {
        setSettings(s);
        setCapOn(s.frequency_cap !== null);
        if (s.frequency_cap) {
          setCapMax(String(s.frequency_cap.max));
          setCapDays(String(s.frequency_cap.per_days));
        }
        setQuiet(s.quiet_dates.join(", "));
      })
      .catch(onError);
  }, [onError]);

  if (!settings) return null;
  const sendWindow = settings.send_window;
  const save = async () => {
    setError(null);
    try {
      await ipc.plannerSettingsSave({
        ...settings,
        frequency_cap: capOn ? { max: Math.round(Number(capMax)), per_days: Math.round(Number(capDays)) } : null,
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
      <div className="modal planner-modal" role="dialog" aria-label="Planner settings" data-testid="planner-settings" onKeyDown={(e) => e.key === "Escape" && onClose()}>
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
                      send_window: { ...sendWindow, weekdays: e.target.checked ? [...sendWindow.weekdays, i + 1].sort() : sendWindow.weekdays.filter((d) => d !== i + 1) },
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
            <input type="number" min={0} max={23} data-testid="planner-from-hour" value={sendWindow.from_hour} onChange={(e) => setSettings({ ...settings, send_window: { ...sendWindow, from_hour: Math.round(Number(e.target.value)) } })} />
          </label>
          <label className="field">
            To hour
            <input type="number" min={1} max={24} data-testid="planner-to-hour" value={sendWindow.to_hour} onChange={(e) => setSettings({ ...settings, send_window: { ...sendWindow, to_hour: Math.round(Number(e.target.value)) } })} />
          </label>
          <label className="field grow">
            Default time zone
            <input data-testid="planner-timezone" value={settings.default_timezone} onChange={(e) => setSettings({ ...settings, default_timezone: e.target.value })} placeholder="Europe/Berlin" />
          </label>
        </div>
        <div className="field-row cap-row">
          <label className="check">
            <input type="checkbox" data-testid="planner-cap-on" checked={capOn} onChange={(e) => setCapOn(e.target.checked)} />
            Frequency cap: at most
          </label>
          <input type="number" min={1} data-testid="planner-cap-max" value={capMax} disabled={!capOn} onChange={(e) => setCapMax(e.target.value)} style={{ width: 70 }} />
          <span>emails per</span>
          <input type="number" min={1} data-testid="planner-cap-days" value={capDays} disabled={!capOn} onChange={(e) => setCapDays(e.target.value)} style={{ width: 70 }} />
          <span>days</span>
        </div>
        <label className="field">
          Quiet dates (YYYY-MM-DD, comma-separated)
          <input data-testid="planner-quiet-dates" value={quiet} onChange={(e) => setQuiet(e.target.value)} placeholder="2026-12-24, 2026-12-25" />
        </label>
        <label className="check">
          <input type="checkbox" data-testid="planner-require-opt-in" checked={settings.require_opt_in} onChange={(e) => setSettings({ ...settings, require_opt_in: e.target.checked })} />
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
