//! The planner's settings: send window, default time zone, frequency cap,
//! quiet dates, opt-in and seed; their checks against [`limits`] and their
//! storage in the workspace.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::streams::limits;
use crate::streams::timezones::parse_zone;
use crate::{store, Error, Result, Workspace};

/// When sends may go out, in each lead's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SendWindow {
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// From this hour (inclusive) …
    pub from_hour: u8,
    /// … to this hour (exclusive), 1–24.
    pub to_hour: u8,
}

/// At most `max` emails in any `per_days` days, per lead, across streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FrequencyCap {
    pub max: u32,
    pub per_days: u32,
}

/// The planner's global settings (stored in the workspace).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanSettings {
    pub send_window: SendWindow,
    /// IANA zone for leads with neither a time zone nor a known country.
    pub default_timezone: String,
    pub frequency_cap: Option<FrequencyCap>,
    /// Days with no sends (YYYY-MM-DD, in the lead's own calendar).
    pub quiet_dates: Vec<String>,
    /// Leads whose `email_opt_in` is not yes get nothing.
    pub require_opt_in: bool,
    /// Seeds splits and assumed engagement; the same seed gives the same plan.
    #[ts(type = "number")]
    pub seed: u64,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            send_window: SendWindow {
                weekdays: vec![1, 2, 3, 4, 5],
                from_hour: 9,
                to_hour: 17,
            },
            default_timezone: "UTC".into(),
            frequency_cap: Some(FrequencyCap {
                max: 2,
                per_days: 7,
            }),
            quiet_dates: Vec::new(),
            require_opt_in: true,
            seed: 1,
        }
    }
}

impl PlanSettings {
    /// Checks every setting against its documented range ([`limits`]),
    /// naming the first one outside it.
    pub fn check(&self) -> Result<()> {
        check_window(
            "send window",
            &self.send_window.weekdays,
            self.send_window.from_hour,
            self.send_window.to_hour,
        )?;
        if parse_zone(&self.default_timezone).is_none() {
            return Err(Error::InvalidArgument(format!(
                "`{}` is not a time zone (use an IANA name such as Europe/Berlin)",
                self.default_timezone
            )));
        }
        if let Some(cap) = self.frequency_cap {
            limits::check(
                "frequency cap (emails)",
                cap.max,
                &limits::CAP_EMAILS,
                " emails",
            )?;
            limits::check(
                "frequency cap (days)",
                cap.per_days,
                &limits::CAP_DAYS,
                " days",
            )?;
        }
        for date in &self.quiet_dates {
            limits::parse_date("each quiet date", date)?;
        }
        Ok(())
    }
}

/// Checks a window of weekdays and hours (the send window, or a "wait
/// until" step's), naming it as `what`.
pub(crate) fn check_window(what: &str, weekdays: &[u8], from_hour: u8, to_hour: u8) -> Result<()> {
    if weekdays.is_empty() {
        return Err(limits::out_of_range(
            &format!("{what} weekdays"),
            "one or more of 1 (Monday) to 7 (Sunday)",
            "none",
        ));
    }
    for &day in weekdays {
        limits::check(
            &format!("{what} weekdays"),
            day,
            &limits::WEEKDAYS,
            " (1 = Monday, 7 = Sunday)",
        )?;
    }
    limits::check(
        &format!("{what} start hour"),
        from_hour,
        &limits::FROM_HOUR,
        "",
    )?;
    limits::check(&format!("{what} end hour"), to_hour, &limits::TO_HOUR, "")?;
    if from_hour >= to_hour {
        return Err(Error::InvalidArgument(format!(
            "{what}: {from_hour}:00–{to_hour}:00 is not a window within a day \
             (it must start before it ends)"
        )));
    }
    Ok(())
}

pub(super) const SETTINGS_KEY: &str = "planner_settings";

/// The workspace's planner settings, or the defaults. Stored settings that do
/// not fit the settings' types (a workspace edited by hand) are an error
/// naming the setting; ones that fit but are out of range load, so that the
/// settings dialog can show and fix them, and planning refuses them.
pub fn load(workspace: &Workspace) -> Result<PlanSettings> {
    decode(store::settings::get_text(workspace, SETTINGS_KEY)?)
}

/// Checks `settings` and stores them as the workspace's planner settings.
pub fn save(workspace: &mut Workspace, settings: &PlanSettings) -> Result<()> {
    settings.check()?;
    store::settings::set(workspace, SETTINGS_KEY, settings)
}

/// The settings stored as `stored` (JSON text), or the defaults when none
/// are; an error naming the first setting that does not fit its type.
fn decode(stored: Option<String>) -> Result<PlanSettings> {
    let Some(json) = stored else {
        return Ok(PlanSettings::default());
    };
    serde_json::from_str(&json).map_err(|error| {
        let which = serde_json::from_str(&json)
            .ok()
            .and_then(|value| unreadable_setting(&value))
            .map(|key| format!("`{key}`: "))
            .unwrap_or_default();
        Error::InvalidArgument(format!(
            "the planner settings stored in this workspace cannot be read ({which}{error}); \
             choose them again in Planner settings"
        ))
    })
}

/// The first stored setting that does not fit its type, by its key.
fn unreadable_setting(stored: &serde_json::Value) -> Option<&'static str> {
    fn fits<T: serde::de::DeserializeOwned>(value: Option<&serde_json::Value>) -> bool {
        value.is_some_and(|v| serde_json::from_value::<T>(v.clone()).is_ok())
    }
    let at = |path: &[&str]| path.iter().try_fold(stored, |value, key| value.get(key));
    let capped = at(&["frequency_cap"]).is_some_and(|cap| !cap.is_null());
    [
        (
            "send_window.weekdays",
            fits::<Vec<u8>>(at(&["send_window", "weekdays"])),
        ),
        (
            "send_window.from_hour",
            fits::<u8>(at(&["send_window", "from_hour"])),
        ),
        (
            "send_window.to_hour",
            fits::<u8>(at(&["send_window", "to_hour"])),
        ),
        (
            "default_timezone",
            fits::<String>(at(&["default_timezone"])),
        ),
        (
            "frequency_cap.max",
            !capped || fits::<u32>(at(&["frequency_cap", "max"])),
        ),
        (
            "frequency_cap.per_days",
            !capped || fits::<u32>(at(&["frequency_cap", "per_days"])),
        ),
        ("quiet_dates", fits::<Vec<String>>(at(&["quiet_dates"]))),
        ("require_opt_in", fits::<bool>(at(&["require_opt_in"]))),
        ("seed", fits::<u64>(at(&["seed"]))),
    ]
    .into_iter()
    .find(|(_, fits)| !fits)
    .map(|(key, _)| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_workspace_settings_table() {
        let mut workspace = Workspace::in_memory().unwrap();
        assert_eq!(load(&workspace).unwrap(), PlanSettings::default());
        let custom = PlanSettings {
            seed: 7,
            ..PlanSettings::default()
        };
        save(&mut workspace, &custom).unwrap();
        assert_eq!(load(&workspace).unwrap(), custom);
        let stored: Option<PlanSettings> = store::settings::get(&workspace, SETTINGS_KEY).unwrap();
        assert_eq!(stored, Some(custom));
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason_and_nothing_is_stored() {
        let mut workspace = Workspace::in_memory().unwrap();
        let custom = PlanSettings {
            default_timezone: "Europe/Berlin".into(),
            quiet_dates: vec!["2026-12-25".into()],
            ..PlanSettings::default()
        };
        save(&mut workspace, &custom).unwrap();
        assert_eq!(load(&workspace).unwrap(), custom);
        let cases: Vec<(PlanSettings, &str)> = vec![
            (
                PlanSettings {
                    default_timezone: "Mars/Olympus".into(),
                    ..custom.clone()
                },
                "not a time zone",
            ),
            (
                PlanSettings {
                    send_window: SendWindow {
                        weekdays: vec![8],
                        from_hour: 9,
                        to_hour: 17,
                    },
                    ..custom.clone()
                },
                "weekdays",
            ),
            (
                PlanSettings {
                    send_window: SendWindow {
                        weekdays: vec![1],
                        from_hour: 17,
                        to_hour: 9,
                    },
                    ..custom.clone()
                },
                "not a window",
            ),
            (
                PlanSettings {
                    frequency_cap: Some(FrequencyCap {
                        max: 0,
                        per_days: 7,
                    }),
                    ..custom.clone()
                },
                "frequency cap",
            ),
            (
                PlanSettings {
                    quiet_dates: vec!["25/12/2026".into()],
                    ..custom.clone()
                },
                "each quiet date must be a date from 1900-01-01 to 2199-12-31 (YYYY-MM-DD), not `25/12/2026`",
            ),
        ];
        for (bad, reason) in cases {
            let error = save(&mut workspace, &bad).unwrap_err().to_string();
            assert!(error.contains(reason), "{error}");
        }
        assert_eq!(
            load(&workspace).unwrap(),
            custom,
            "the stored settings are untouched"
        );
    }

    #[test]
    fn the_first_unreadable_setting_is_named() {
        let mut stored = serde_json::to_value(PlanSettings::default()).unwrap();
        assert_eq!(unreadable_setting(&stored), None);
        stored["seed"] = serde_json::json!("one");
        assert_eq!(unreadable_setting(&stored), Some("seed"));
        stored["frequency_cap"] = serde_json::Value::Null;
        stored["send_window"]["weekdays"] = serde_json::json!([-1]);
        assert_eq!(unreadable_setting(&stored), Some("send_window.weekdays"));
    }
}
