//! The planner: a dry run of streams on the real leads. It decides who
//! enters which stream (the highest priority one they are eligible for),
//! suppresses who must get nothing, walks every lead through its flow day by
//! day, moves sends into each lead's send window and under the frequency
//! cap, and reports who gets which message when. It sends nothing.
//! Semantics: docs/streams.md.
//!
//! This module holds the entry points ([`plan`], [`plan_summary`],
//! [`journey`]), the request ([`PlanRequest`]) and the as-of parser; the
//! machinery lives in its parts: [`settings`], [`report`], `compile` (streams
//! into what the walk runs), `walk`, `calendar`, `summary` and `csv`. The
//! planner reads leads only through [`crate::segments::engine`].

mod branching;
mod calendar;
mod compile;
mod csv;
pub mod report;
pub mod settings;
mod summary;
mod walk;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use self::csv::write_sends_csv;
pub use report::{
    ContentCount, DayCount, EdgeCount, LeadJourney, NodeCount, OverlapCount, Plan, PlanRun,
    PlannedSend, ReasonTally, SkippedStream, StreamPlan, SuppressedLead, TimelineEntry,
};
pub(crate) use settings::check_window;
pub use settings::{FrequencyCap, PlanSettings, SendWindow};

use super::model::Stream;
use super::{content, limits};
use crate::segments::engine::{self, CompiledRule};
use crate::{Error, Result, Workspace};
use compile::CompiledStream;
use summary::{summarise, Summary};
use walk::{Planner, Records};

const DAY: i64 = 86_400;
/// An instant past chrono's calendar: "never", after every horizon.
const NEVER: i64 = i64::MAX;

/// The lead fields the planner reads besides those its rules test: consent
/// (suppression) and time zone and country (each lead's zone).
pub const LEAD_FIELDS_READ: [&str; 4] = ["do_not_email", "email_opt_in", "timezone", "country"];

pub use crate::segments::parse_as_of;
pub use crate::time::midnight_utc;

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub streams: Vec<Stream>,
    /// First day (00:00 in UTC).
    pub from: NaiveDate,
    pub days: u32,
    /// When entry eligibility is decided (entry segments evaluated as of
    /// this instant); exit goals and branches are evaluated as of each
    /// simulated step.
    pub as_of: i64,
    pub settings: PlanSettings,
}

impl PlanRequest {
    /// A request to plan `streams` for `days` days from `from`, deciding
    /// entry as of `as_of` (seconds since the epoch) or, when `None`, as of
    /// the first day's midnight UTC. Nothing is checked until planning
    /// ([`PlanRequest::check`]).
    pub fn new(
        streams: Vec<Stream>,
        from: NaiveDate,
        days: u32,
        as_of: Option<i64>,
        settings: PlanSettings,
    ) -> Self {
        PlanRequest {
            streams,
            from,
            days,
            as_of: as_of.unwrap_or_else(|| midnight_utc(from)),
            settings,
        }
    }

    /// The request the CLI and the shell make: `streams` (all active ones
    /// when `None`) for `days` days from `from`, entry decided as of `as_of`
    /// (the first day's midnight UTC when `None`), with the workspace's
    /// planner settings.
    pub fn for_workspace(
        workspace: &Workspace,
        streams: Option<Vec<Stream>>,
        from: NaiveDate,
        days: u32,
        as_of: Option<i64>,
    ) -> Result<Self> {
        let streams = match streams {
            Some(chosen) => chosen,
            None => super::model::list(workspace)?
                .into_iter()
                .filter(|stream| stream.is_active)
                .collect(),
        };
        let settings = settings::load(workspace)?;
        Ok(PlanRequest::new(streams, from, days, as_of, settings))
    }

    /// Checks the settings, the number of days, the first day and the as-of
    /// instant against their documented ranges ([`limits`]).
    pub fn check(&self) -> Result<()> {
        self.settings.check()?;
        limits::check(
            "the number of days to plan",
            self.days,
            &limits::HORIZON_DAYS,
            " days",
        )?;
        limits::check_date("the plan's first day", self.from)?;
        limits::check_instant("the as-of instant", self.as_of)?;
        Ok(())
    }

    /// The first and last instants of the plan.
    fn horizon(&self) -> (i64, i64) {
        let start = midnight_utc(self.from);
        (start, start + i64::from(self.days) * DAY - 1)
    }
}

/// What a plan needs before it reads any lead: the checked request, the
/// compiled streams and the content titles. Gathered before the segment
/// engine is entered, so that nothing inside calls back out into stream
/// validation or saved segments.
struct Prepared {
    start: i64,
    end: i64,
    streams: Vec<CompiledStream>,
    skipped: Vec<SkippedStream>,
    titles: HashMap<i64, String>,
}

impl Prepared {
    fn new(workspace: &Workspace, request: &PlanRequest) -> Result<Self> {
        request.check()?;
        let (start, end) = request.horizon();
        let (streams, skipped) =
            compile::compile_streams(workspace, &request.streams, (start, end))?;
        let titles = content::list(workspace)?
            .into_iter()
            .map(|item| (item.id, item.title))
            .collect();
        Ok(Prepared {
            start,
            end,
            streams,
            skipped,
            titles,
        })
    }

    /// Every rule the plan evaluates: entry, goals and branches.
    fn rules(&self) -> Vec<&CompiledRule> {
        let mut rules: Vec<&CompiledRule> = Vec::new();
        for stream in &self.streams {
            rules.push(&stream.eligibility);
            rules.extend(stream.goal.as_ref());
            rules.extend(stream.nodes.iter().filter_map(|n| n.condition.as_ref()));
            rules.extend(
                stream
                    .nodes
                    .iter()
                    .flat_map(|n| n.parts.iter().map(|(_, r)| r)),
            );
        }
        rules
    }
}

/// Plans every lead. See the module documentation.
pub fn plan(workspace: &Workspace, request: &PlanRequest) -> Result<PlanRun> {
    run_plan(workspace, request, true)
}

/// Plans every lead and returns the summary only (no list of sends).
pub fn plan_summary(workspace: &Workspace, request: &PlanRequest) -> Result<Plan> {
    Ok(run_plan(workspace, request, false)?.plan)
}

fn run_plan(workspace: &Workspace, request: &PlanRequest, with_sends: bool) -> Result<PlanRun> {
    let prepared = Prepared::new(workspace, request)?;
    let rules = prepared.rules();
    engine::with_engine(workspace, &LEAD_FIELDS_READ, &rules, |engine| {
        let (mut planner, eligible) = Planner::new(request, &prepared, engine);
        let mut records = Records::new(&planner);
        let mut leads_per_stream = vec![0u64; planner.streams.len()];
        let mut overlaps: HashMap<(usize, usize), u64> = HashMap::new();
        let mut suppressed_leads = Vec::new();
        let mut suppressed: HashMap<&'static str, u64> = HashMap::new();
        let mut eligible_count = 0u64;
        let mut zones = Vec::new();
        let mut zone_of_row: Vec<u16> = vec![u16::MAX; engine.len()];
        for (row, zone_of_lead) in zone_of_row.iter_mut().enumerate() {
            let Some((stream, others)) = planner.choose(&eligible, row) else {
                continue;
            };
            eligible_count += 1;
            if let Some(reason) = planner.suppression(row) {
                *suppressed.entry(reason).or_default() += 1;
                suppressed_leads.push(SuppressedLead {
                    lead_id: engine.lead_id(row),
                    reason: reason.to_owned(),
                });
                continue;
            }
            for other in others {
                *overlaps.entry((stream, other)).or_default() += 1;
            }
            leads_per_stream[stream] += 1;
            let zone = planner.zone(row);
            let zone_code = match zones.iter().position(|z| *z == zone) {
                Some(code) => code as u16,
                None => {
                    zones.push(zone);
                    (zones.len() - 1) as u16
                }
            };
            *zone_of_lead = zone_code;
            planner.plan_lead(row, stream, &mut records, None, zone);
        }
        summarise(
            request,
            &planner,
            records,
            Summary {
                eligible: eligible_count,
                leads_per_stream,
                overlaps,
                suppressed,
                suppressed_leads,
                zones,
                zone_of_row,
                skipped: prepared.skipped.clone(),
                titles: &prepared.titles,
            },
            with_sends,
        )
    })
}

/// One lead's journey through the plan, step by step with explanations.
pub fn journey(workspace: &Workspace, request: &PlanRequest, lead_id: i64) -> Result<LeadJourney> {
    let prepared = Prepared::new(workspace, request)?;
    let rules = prepared.rules();
    engine::with_engine(workspace, &LEAD_FIELDS_READ, &rules, |engine| {
        let (mut planner, eligible) = Planner::new(request, &prepared, engine);
        let row = engine
            .row_of_lead(lead_id)
            .ok_or(Error::UnknownLead { id: lead_id })?;
        let zone = planner.zone(row);
        let mut entries = Vec::new();
        let status = match planner.choose(&eligible, row) {
            None => "not in any stream's entry segments".to_owned(),
            Some((stream, others)) => match planner.suppression(row) {
                Some(reason) => format!("suppressed: {reason}"),
                None => {
                    let mut records = Records::new(&planner);
                    planner.plan_lead(row, stream, &mut records, Some(&mut entries), zone);
                    for entry in &mut entries {
                        if let Some(rest) = entry.step.strip_prefix("Send content #") {
                            if let Some(title) = rest
                                .parse::<i64>()
                                .ok()
                                .and_then(|id| prepared.titles.get(&id))
                            {
                                entry.step = format!("Send “{title}”");
                            }
                        }
                    }
                    let also: Vec<String> = others
                        .iter()
                        .map(|&o| format!("“{}”", planner.streams[o].stream.name))
                        .collect();
                    let name = &planner.streams[stream].stream.name;
                    if also.is_empty() {
                        format!("enters “{name}”")
                    } else {
                        format!(
                            "enters “{name}” (highest priority; also eligible for {})",
                            also.join(", ")
                        )
                    }
                }
            },
        };
        Ok(LeadJourney {
            lead_id,
            timezone: zone.name().to_owned(),
            status,
            entries,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::RuleGroup;
    use crate::streams::model::{
        self, StreamDefinition, StreamDraft, StreamEdge, StreamNode, WaitUnit,
    };
    use crate::streams::model::{NodeAction, Reentry, WaitCondition};
    use crate::streams::timezones::parse_zone;
    use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
    use proptest::prelude::*;
    use serde_json::json;
    use settings::SETTINGS_KEY;

    const ANCHOR: i64 = 1_790_035_200; // 2026-09-22 00:00 UTC, a Tuesday

    fn demo(leads: u32) -> Workspace {
        let mut workspace = Workspace::in_memory().unwrap();
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads,
                events_per_lead: 6,
                seed: 11,
                anchor: ANCHOR,
            },
        )
        .unwrap();
        workspace
    }

    fn request(streams: Vec<Stream>, settings: PlanSettings, days: u32) -> PlanRequest {
        let from = DateTime::<Utc>::from_timestamp(ANCHOR, 0)
            .unwrap()
            .date_naive();
        PlanRequest::new(streams, from, days, Some(ANCHOR), settings)
    }

    /// Checks every invariant the issue names on one plan.
    fn check_invariants(
        workspace: &Workspace,
        request: &PlanRequest,
        run: &PlanRun,
    ) -> std::result::Result<(), String> {
        let settings = &request.settings;
        let suppressed: std::collections::HashSet<i64> = run
            .plan
            .suppressed_leads
            .iter()
            .map(|s| s.lead_id)
            .collect();
        let mut by_lead: HashMap<i64, Vec<&PlannedSend>> = HashMap::new();
        for send in &run.sends {
            if suppressed.contains(&send.lead_id) {
                return Err(format!("suppressed lead {} has a send", send.lead_id));
            }
            let zone = parse_zone(&send.timezone).unwrap();
            let local = Utc.timestamp_opt(send.at, 0).unwrap().with_timezone(&zone);
            let weekday = local.weekday().number_from_monday() as u8;
            let hour = local.hour() as u8;
            if !settings.send_window.weekdays.contains(&weekday)
                || hour < settings.send_window.from_hour
                || hour >= settings.send_window.to_hour
            {
                return Err(format!(
                    "send outside its window: {local} for lead {}",
                    send.lead_id
                ));
            }
            if settings
                .quiet_dates
                .contains(&local.format("%Y-%m-%d").to_string())
            {
                return Err(format!("send on a quiet date: {local}"));
            }
            by_lead.entry(send.lead_id).or_default().push(send);
        }
        if let Some(cap) = settings.frequency_cap {
            let span = i64::from(cap.per_days) * DAY;
            for (lead, sends) in &by_lead {
                let mut times: Vec<i64> = sends.iter().map(|s| s.at).collect();
                times.sort_unstable();
                for (i, &end) in times.iter().enumerate() {
                    let in_window = times[..=i].iter().filter(|&&t| t > end - span).count();
                    if in_window > cap.max as usize {
                        return Err(format!(
                            "lead {lead} gets {in_window} sends in {} days",
                            cap.per_days
                        ));
                    }
                }
            }
        }
        // Every eligible lead is accounted for: it entered a stream or was suppressed.
        let entered: u64 = run.plan.streams.iter().map(|s| s.leads).sum();
        let suppressed_count: u64 = run.plan.suppressed.iter().map(|r| r.count).sum();
        if entered + suppressed_count != run.plan.eligible
            || suppressed_count != suppressed.len() as u64
        {
            return Err(format!(
                "eligible {} != entered {entered} + suppressed {suppressed_count}",
                run.plan.eligible
            ));
        }
        // Every entry ended with exactly one outcome.
        let entries: u64 = run.plan.streams.iter().map(|s| s.entries).sum();
        let outcomes: u64 = run.plan.outcomes.iter().map(|r| r.count).sum();
        // (The demo streams move nobody between streams, so one outcome per entry.)
        if outcomes != entries {
            return Err(format!("{outcomes} outcomes for {entries} entries"));
        }
        // The calendar's days in each lead's zone are the send window's days.
        let mut local_days: HashMap<String, u64> = HashMap::new();
        for send in &run.sends {
            let zone = parse_zone(&send.timezone).unwrap();
            let local = Utc.timestamp_opt(send.at, 0).unwrap().with_timezone(&zone);
            *local_days
                .entry(local.format("%Y-%m-%d").to_string())
                .or_default() += 1;
        }
        for day in &run.plan.per_local_day {
            if local_days.get(&day.date).copied().unwrap_or(0) != day.sends {
                return Err(format!("{} local sends on {}", day.sends, day.date));
            }
            let date = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d").unwrap();
            let weekday = date.weekday().number_from_monday() as u8;
            if day.sends > 0 && !settings.send_window.weekdays.contains(&weekday) {
                return Err(format!("local sends on {}, outside the window", day.date));
            }
        }
        let listed: u64 = run.plan.per_local_day.iter().map(|d| d.sends).sum();
        if listed != run.sends.len() as u64 {
            return Err(format!("{listed} local-day sends of {}", run.sends.len()));
        }
        let _ = workspace;
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn plans_keep_every_promise(
            max in 1u32..4,
            per_days in 1u32..10,
            from_hour in 6u8..12,
            length in 1u8..9,
            weekdays in prop::sample::subsequence(vec![1u8, 2, 3, 4, 5, 6, 7], 1..=7),
            quiet_offsets in prop::collection::vec(0i64..40, 0..4),
            require_opt_in in any::<bool>(),
            seed in any::<u64>(),
            zone in prop::sample::select(vec!["UTC", "America/New_York", "Asia/Kolkata"]),
        ) {
            let workspace = demo(250);
            let settings = PlanSettings {
                send_window: SendWindow { weekdays, from_hour, to_hour: from_hour + length },
                default_timezone: zone.into(),
                frequency_cap: Some(FrequencyCap { max, per_days }),
                quiet_dates: quiet_offsets
                    .iter()
                    .map(|d| DateTime::<Utc>::from_timestamp(ANCHOR + d * DAY, 0).unwrap().format("%Y-%m-%d").to_string())
                    .collect(),
                require_opt_in,
                seed,
            };
            let streams = model::list(&workspace).unwrap();
            let request = request(streams, settings, 60);
            let run = plan(&workspace, &request).unwrap();
            prop_assert!(run.plan.sends > 0);
            check_invariants(&workspace, &request, &run).map_err(TestCaseError::fail)?;
            // The same inputs and seed give the same plan.
            let again = plan(&workspace, &request).unwrap();
            prop_assert_eq!(
                serde_json::to_string(&again.sends).unwrap(),
                serde_json::to_string(&run.sends).unwrap()
            );
        }
    }

    fn node(id: &str, action: NodeAction) -> StreamNode {
        StreamNode {
            id: id.into(),
            action,
            x: 0.0,
            y: 0.0,
        }
    }

    fn edge(source: &str, target: &str, handle: Option<&str>) -> StreamEdge {
        StreamEdge {
            id: format!("{source}-{target}"),
            source: source.into(),
            target: target.into(),
            handle: handle.map(str::to_owned),
        }
    }

    fn segment(workspace: &Workspace, name: &str) -> i64 {
        crate::segments::saved::list(workspace)
            .unwrap()
            .into_iter()
            .find(|s| s.name == name)
            .unwrap()
            .id
    }

    fn save(
        workspace: &mut Workspace,
        name: &str,
        priority: i32,
        definition: StreamDefinition,
    ) -> Stream {
        model::save(
            workspace,
            None,
            &StreamDraft {
                name: name.into(),
                priority,
                is_active: true,
                definition,
            },
        )
        .unwrap()
    }

    fn any_content(workspace: &Workspace) -> i64 {
        content::list(workspace)
            .unwrap()
            .into_iter()
            .find(|i| i.title == "Monthly newsletter")
            .unwrap()
            .id
    }

    fn definition(
        segments: Vec<i64>,
        nodes: Vec<StreamNode>,
        edges: Vec<StreamEdge>,
    ) -> StreamDefinition {
        StreamDefinition {
            entry_segments: segments,
            reentry: Reentry::Once,
            exit_goal: None,
            active_from: None,
            active_until: None,
            nodes,
            edges,
        }
    }

    #[test]
    fn an_updated_field_is_seen_by_a_later_branch() {
        let mut workspace = demo(200);
        let item = any_content(&workspace);
        let entry_awareness_stage = segment(&workspace, "Awareness stage");
        let stream = save(&mut workspace, "update then branch", 1, definition(
            vec![entry_awareness_stage],
            vec![
                node("entry", NodeAction::Entry),
                node("set", NodeAction::UpdateField { field: "buying_stage".into(), value: json!("Decision") }),
                node("check", NodeAction::Branch {
                    rules: RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "buying_stage", "operator": "=", "value": "decision"}]})).unwrap(),
                    rate: None,
                    email: None,
                }),
                node("yes", NodeAction::Send { content_id: item }),
                node("no", NodeAction::Exit),
                node("exit", NodeAction::Exit),
            ],
            vec![edge("entry", "set", None), edge("set", "check", None), edge("check", "yes", Some("yes")), edge("check", "no", Some("no")), edge("yes", "exit", None)],
        ));
        let run = plan(
            &workspace,
            &request(
                vec![stream],
                PlanSettings {
                    require_opt_in: false,
                    frequency_cap: None,
                    ..PlanSettings::default()
                },
                30,
            ),
        )
        .unwrap();
        let nodes = &run.plan.streams[0].nodes;
        let hits = |id: &str| nodes.iter().find(|n| n.node_id == id).unwrap().leads;
        assert!(hits("check") > 0);
        assert_eq!(hits("yes"), hits("check"));
        assert_eq!(hits("no"), 0);
    }

    #[test]
    fn a_journey_names_each_step_and_the_path_it_took() {
        let mut workspace = demo(200);
        let item = any_content(&workspace);
        let germans = json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]});
        let entry_practitioners = segment(&workspace, "Practitioners");
        let stream = save(
            &mut workspace,
            "named steps",
            1,
            definition(
                vec![entry_practitioners],
                vec![
                    node("entry", NodeAction::Entry),
                    node(
                        "check",
                        NodeAction::Branch {
                            rules: RuleGroup::from_value(&germans).unwrap(),
                            rate: None,
                            email: None,
                        },
                    ),
                    node(
                        "split",
                        NodeAction::Split {
                            percentages: vec![50, 50],
                        },
                    ),
                    node(
                        "event",
                        NodeAction::WaitUntil {
                            until: WaitCondition::Event {
                                event_type: "email_click".into(),
                                timeout_days: 3,
                                rate: Some(0.5),
                            },
                        },
                    ),
                    node("send", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![
                    edge("entry", "check", None),
                    edge("check", "split", Some("yes")),
                    edge("check", "split", Some("no")),
                    edge("split", "event", Some("0")),
                    edge("split", "event", Some("1")),
                    edge("event", "send", Some("event")),
                    edge("event", "send", Some("timeout")),
                    edge("send", "exit", None),
                ],
            ),
        );
        let settings = PlanSettings {
            require_opt_in: false,
            frequency_cap: None,
            ..PlanSettings::default()
        };
        let request = request(vec![stream], settings, 60);
        let run = plan(&workspace, &request).unwrap();
        let mut branches = std::collections::BTreeSet::new();
        let mut notes = std::collections::BTreeSet::new();
        for send in run.sends.iter().take(40) {
            let journey = journey(&workspace, &request, send.lead_id).unwrap();
            let steps: Vec<&str> = journey.entries.iter().map(|e| e.step.as_str()).collect();
            assert_eq!(steps.len(), 6, "{steps:?}");
            assert_eq!(steps[0], "Entered “named steps”");
            assert!(
                steps[1] == "Branch: yes" || steps[1] == "Branch: no",
                "{steps:?}"
            );
            assert!(
                steps[2] == "Split: path 1 (50%)" || steps[2] == "Split: path 2 (50%)",
                "{steps:?}"
            );
            assert_eq!(steps[3], "Wait for email_click");
            assert_eq!(steps[4], "Send “Monthly newsletter”");
            assert_eq!(steps[5], "Exit");
            branches.insert(steps[1].to_owned());
            notes.extend(journey.entries[3].note.clone());
            let why = journey.entries[1].note.clone().unwrap_or_default();
            let expected = if steps[1] == "Branch: yes" {
                "matched “Country is Germany”"
            } else {
                "did not match “Country is Germany”"
            };
            assert_eq!(why, expected, "the journey says which condition matched");
        }
        assert_eq!(
            branches.len(),
            2,
            "both branch paths are taken: {branches:?}"
        );
        assert_eq!(
            notes.into_iter().collect::<Vec<_>>(),
            [
                "assumed not among the 50% who engage",
                "assumed: 50% engage (email_click)"
            ]
        );
    }

    #[test]
    fn overlapping_leads_enter_the_highest_priority_stream_only() {
        let mut workspace = demo(300);
        let item = any_content(&workspace);
        let flow = || {
            (
                vec![
                    node("entry", NodeAction::Entry),
                    node("send", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![edge("entry", "send", None), edge("send", "exit", None)],
            )
        };
        let (nodes, edges) = flow();
        let entry_technical_decision_makers = segment(&workspace, "Technical decision makers");
        let low = save(
            &mut workspace,
            "low",
            1,
            definition(vec![entry_technical_decision_makers], nodes, edges),
        );
        let (nodes, edges) = flow();
        let entry_enterprise = segment(&workspace, "Enterprise");
        let entry_technical_decision_makers = segment(&workspace, "Technical decision makers");
        let high = save(
            &mut workspace,
            "high",
            9,
            definition(
                vec![entry_technical_decision_makers, entry_enterprise],
                nodes,
                edges,
            ),
        );
        let run = plan(
            &workspace,
            &request(
                vec![low.clone(), high.clone()],
                PlanSettings {
                    require_opt_in: false,
                    ..PlanSettings::default()
                },
                30,
            ),
        )
        .unwrap();
        let low_plan = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == low.id)
            .unwrap();
        let high_plan = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == high.id)
            .unwrap();
        assert_eq!(
            low_plan.leads, 0,
            "every technical decision maker is also in the higher stream"
        );
        assert!(high_plan.leads > 0);
        let overlap = high_plan
            .also_eligible
            .iter()
            .find(|o| o.stream_id == low.id)
            .unwrap();
        assert!(overlap.leads > 0 && overlap.leads <= high_plan.leads);
        assert!(run.sends.iter().all(|s| s.stream_id == high.id));
        assert_eq!(
            low_plan
                .lost_to
                .iter()
                .map(|o| (o.stream_id, o.leads))
                .collect::<Vec<_>>(),
            vec![(high.id, overlap.leads)],
            "the low stream says which stream took its leads, and how many"
        );
        assert!(high_plan.lost_to.is_empty());
    }

    #[test]
    fn a_branch_on_this_streams_own_email_assumes_its_rate_of_the_leads_sent_it() {
        let mut workspace = demo(300);
        let item = any_content(&workspace);
        let practitioners = segment(&workspace, "Practitioners");
        let flow = |rate: Option<f64>| {
            definition(
                vec![practitioners],
                vec![
                    node("entry", NodeAction::Entry),
                    node("welcome", NodeAction::Send { content_id: item }),
                    node(
                        "opened",
                        NodeAction::Branch {
                            rules: RuleGroup::from_value(
                                &json!({"combinator": "and", "rules": []}),
                            )
                            .unwrap(),
                            rate,
                            email: Some(model::EmailEngagement {
                                send_node: "welcome".into(),
                                engagement: model::Engagement::Opened,
                            }),
                        },
                    ),
                    node("exit", NodeAction::Exit),
                ],
                vec![
                    edge("entry", "welcome", None),
                    edge("welcome", "opened", None),
                    edge("opened", "exit", Some("yes")),
                    edge("opened", "exit", Some("no")),
                ],
            )
        };
        let settings = PlanSettings {
            require_opt_in: false,
            frequency_cap: None,
            ..PlanSettings::default()
        };
        let yes_and_no = |workspace: &Workspace, stream: &Stream| {
            let plan = plan_summary(
                workspace,
                &request(vec![stream.clone()], settings.clone(), 30),
            )
            .unwrap();
            let edges = &plan.streams[0].edges;
            (edges[2].leads, edges[3].leads)
        };
        let half = save(&mut workspace, "half open", 1, flow(Some(0.5)));
        let (yes, no) = yes_and_no(&workspace, &half);
        assert!(yes > 0 && no > 0, "{yes} opened, {no} did not");
        let share = yes as f64 / (yes + no) as f64;
        assert!((0.3..0.7).contains(&share), "{share}");
        let lead = plan(
            &workspace,
            &request(vec![half.clone()], settings.clone(), 30),
        )
        .unwrap()
        .sends[0]
            .lead_id;
        let journey =
            journey(&workspace, &request(vec![half], settings.clone(), 30), lead).unwrap();
        let note = journey.entries[2].note.clone().unwrap_or_default();
        assert!(
            note.contains("50% who open the email of step welcome"),
            "{note}"
        );

        let unknown = save(&mut workspace, "no rate", 1, flow(None));
        let (yes, no) = yes_and_no(&workspace, &unknown);
        assert_eq!(
            yes, 0,
            "without an assumed rate nobody opens a planned email"
        );
        assert!(no > 0);

        let mut wrong = flow(None);
        if let NodeAction::Branch { email: Some(e), .. } = &mut wrong.nodes[2].action {
            e.send_node = "exit".into();
        }
        let candidate = Stream {
            id: -1,
            name: "wrong".into(),
            priority: 1,
            is_active: true,
            definition: wrong,
        };
        let found = model::problems(&workspace, &candidate).unwrap();
        assert!(
            found
                .iter()
                .any(|p| p.node_id.as_deref() == Some("opened")
                    && p.message.contains("sends nothing")),
            "{found:?}"
        );
    }

    #[test]
    fn leads_lost_to_higher_priority_streams_are_the_difference_from_planning_alone() {
        let mut workspace = demo(300);
        let item = any_content(&workspace);
        let flow = |entry: Vec<i64>| {
            definition(
                entry,
                vec![
                    node("entry", NodeAction::Entry),
                    node("send", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![edge("entry", "send", None), edge("send", "exit", None)],
            )
        };
        let wide = flow(vec![segment(&workspace, "Technical decision makers")]);
        let low = save(&mut workspace, "low", 1, wide);
        let narrow = flow(vec![segment(&workspace, "Enterprise")]);
        let high = save(&mut workspace, "high", 9, narrow);
        let settings = PlanSettings {
            require_opt_in: false,
            ..PlanSettings::default()
        };
        let alone = plan_summary(
            &workspace,
            &request(vec![low.clone()], settings.clone(), 30),
        )
        .unwrap();
        let together = plan_summary(
            &workspace,
            &request(vec![low.clone(), high.clone()], settings, 30),
        )
        .unwrap();
        let low_alone = &alone.streams[0];
        let low_together = together
            .streams
            .iter()
            .find(|s| s.stream_id == low.id)
            .unwrap();
        let lost: u64 = low_together.lost_to.iter().map(|o| o.leads).sum();
        assert!(
            lost > 0,
            "some technical decision makers are enterprise leads"
        );
        assert_eq!(low_alone.leads, low_together.leads + lost);
    }

    #[test]
    fn exit_goals_and_suppression_are_reported() {
        let mut workspace = demo(300);
        let item = any_content(&workspace);
        let mut def = definition(
            vec![segment(&workspace, "Practitioners")],
            vec![
                node("entry", NodeAction::Entry),
                node(
                    "wait",
                    NodeAction::Wait {
                        amount: 2,
                        unit: WaitUnit::Days,
                    },
                ),
                node("send", NodeAction::Send { content_id: item }),
                node("exit", NodeAction::Exit),
            ],
            vec![
                edge("entry", "wait", None),
                edge("wait", "send", None),
                edge("send", "exit", None),
            ],
        );
        def.exit_goal = Some(RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]})).unwrap());
        let stream = save(&mut workspace, "goal", 1, def);
        let run = plan(
            &workspace,
            &request(vec![stream], PlanSettings::default(), 30),
        )
        .unwrap();
        let goal = run
            .plan
            .outcomes
            .iter()
            .find(|o| o.reason == "exit goal reached")
            .map(|o| o.count)
            .unwrap_or(0);
        assert!(goal > 0, "{:?}", run.plan.outcomes);
        assert!(
            run.plan
                .suppressed
                .iter()
                .any(|r| r.reason == "no email opt-in" && r.count > 0),
            "{:?}",
            run.plan.suppressed
        );
        let germans: std::collections::HashSet<i64> = crate::segments::members(
            &workspace,
            &RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]})).unwrap(),
            ANCHOR, 0, usize::MAX,
        ).unwrap().into_iter().collect();
        assert!(run.sends.iter().all(|s| !germans.contains(&s.lead_id)));
    }

    /// The import refuses `ann@example..com`; the planner once thought it
    /// could e-mail it. Both now ask `text::is_email_address`.
    #[test]
    fn planner_and_import_agree_on_an_address_with_an_empty_domain_label() {
        let mut workspace = demo(300);
        let item = any_content(&workspace);
        let practitioners = segment(&workspace, "Practitioners");
        let lead: i64 = crate::segments::members(
            &workspace,
            &crate::segments::saved::get(&workspace, practitioners)
                .unwrap()
                .rules,
            ANCHOR,
            0,
            1,
        )
        .unwrap()[0];
        workspace
            .conn()
            .execute(
                "UPDATE leads SET email = 'ann@example..com', email_opt_in = 1, do_not_email = 0 WHERE id = ?1",
                [lead],
            )
            .unwrap();
        assert!(crate::import::normalize::normalize_email("ann@example..com").is_none());
        let def = definition(
            vec![practitioners],
            vec![
                node("entry", NodeAction::Entry),
                node("send", NodeAction::Send { content_id: item }),
                node("exit", NodeAction::Exit),
            ],
            vec![edge("entry", "send", None), edge("send", "exit", None)],
        );
        let stream = save(&mut workspace, "one send", 1, def);
        let run = plan(
            &workspace,
            &request(vec![stream], PlanSettings::default(), 30),
        )
        .unwrap();
        assert!(
            run.sends.iter().all(|send| send.lead_id != lead),
            "no send to an address the import would refuse"
        );
        assert!(
            run.plan
                .suppressed
                .iter()
                .any(|r| r.reason == "no valid email address" && r.count >= 1),
            "{:?}",
            run.plan.suppressed
        );
    }

    /// Issue 15: a withdrawn e-mail consent, recorded as a statement, takes
    /// the lead out of the next plan (the statement sets `email_opt_in`).
    #[test]
    fn a_withdrawn_consent_removes_the_lead_from_the_plan() {
        use crate::privacy::consent::{self, ConsentChannel, ConsentStatement, ConsentStatus};
        let mut workspace = demo(300);
        let item = any_content(&workspace);
        let practitioners = segment(&workspace, "Practitioners");
        let def = definition(
            vec![practitioners],
            vec![
                node("entry", NodeAction::Entry),
                node("send", NodeAction::Send { content_id: item }),
                node("exit", NodeAction::Exit),
            ],
            vec![edge("entry", "send", None), edge("send", "exit", None)],
        );
        let stream = save(&mut workspace, "one send", 1, def);
        let planned = |workspace: &Workspace| {
            plan(
                workspace,
                &request(vec![stream.clone()], PlanSettings::default(), 30),
            )
            .unwrap()
        };
        let before = planned(&workspace);
        let lead = before
            .sends
            .first()
            .expect("the plan sends something")
            .lead_id;
        consent::record(
            &mut workspace,
            lead,
            &ConsentStatement {
                channel: ConsentChannel::Email,
                status: ConsentStatus::Withdrawn,
                lawful_basis: None,
                source: "Phone call".into(),
                recorded_at: None,
            },
        )
        .unwrap();
        let after = planned(&workspace);
        assert!(after.sends.iter().all(|send| send.lead_id != lead));
        assert!(!after.sends.is_empty());
    }

    #[test]
    fn journeys_explain_moves_and_csv_is_safe() {
        let mut workspace = demo(300);
        let evil = content::save(
            &mut workspace,
            None,
            &content::ContentDraft {
                title: "=HYPERLINK(\"x\")".into(),
                kind: content::ContentKind::Newsletter,
                subject: "+subject".into(),
                link: "@link".into(),
                body: String::new(),
                personas: vec![],
                stages: vec![],
                lifecycles: vec![],
            },
        )
        .unwrap();
        let entry_executive_decision_makers = segment(&workspace, "Executive decision makers");
        let stream = save(
            &mut workspace,
            "two quick sends",
            1,
            definition(
                vec![entry_executive_decision_makers],
                vec![
                    node("entry", NodeAction::Entry),
                    node(
                        "first",
                        NodeAction::Send {
                            content_id: evil.id,
                        },
                    ),
                    node(
                        "second",
                        NodeAction::Send {
                            content_id: evil.id,
                        },
                    ),
                    node("exit", NodeAction::Exit),
                ],
                vec![
                    edge("entry", "first", None),
                    edge("first", "second", None),
                    edge("second", "exit", None),
                ],
            ),
        );
        let settings = PlanSettings {
            require_opt_in: false,
            frequency_cap: Some(FrequencyCap {
                max: 1,
                per_days: 7,
            }),
            ..PlanSettings::default()
        };
        let request = request(vec![stream], settings, 30);
        let run = plan(&workspace, &request).unwrap();
        assert!(
            run.plan
                .moved
                .iter()
                .any(|m| m.reason == "frequency cap" && m.count > 0),
            "{:?}",
            run.plan.moved
        );
        let lead = run.sends[0].lead_id;
        let journey = journey(&workspace, &request, lead).unwrap();
        assert!(
            journey.status.starts_with("enters “two quick sends”"),
            "{}",
            journey.status
        );
        assert!(
            journey.entries.iter().any(|e| e
                .note
                .as_deref()
                .is_some_and(|n| n.contains("frequency cap"))),
            "{:?}",
            journey.entries
        );
        let mut csv = Vec::new();
        write_sends_csv(&workspace, &run, &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(text.starts_with(
            "email,send_at_utc,send_at_local,timezone,stream,step,content,subject,link\n"
        ));
        assert!(
            text.contains("\"'=HYPERLINK(\"\"x\"\")\",'+subject,'@link"),
            "{text}"
        );
    }

    #[test]
    fn moving_to_another_stream_continues_there() {
        let mut workspace = demo(200);
        let item = any_content(&workspace);
        let entry_former_customers = segment(&workspace, "Former customers");
        let target = save(
            &mut workspace,
            "follow-up",
            1,
            definition(
                vec![entry_former_customers],
                vec![
                    node("entry", NodeAction::Entry),
                    node("later", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![edge("entry", "later", None), edge("later", "exit", None)],
            ),
        );
        let entry_practitioners = segment(&workspace, "Practitioners");
        let mut source = save(
            &mut workspace,
            "first",
            5,
            definition(
                vec![entry_practitioners],
                vec![
                    node("entry", NodeAction::Entry),
                    node("hello", NodeAction::Send { content_id: item }),
                    node(
                        "wait",
                        NodeAction::Wait {
                            amount: 1,
                            unit: WaitUnit::Weeks,
                        },
                    ),
                    node(
                        "move",
                        NodeAction::MoveToStream {
                            stream_id: target.id,
                        },
                    ),
                ],
                vec![
                    edge("entry", "hello", None),
                    edge("hello", "wait", None),
                    edge("wait", "move", None),
                ],
            ),
        );
        source.is_active = true;
        // Only the first stream is planned; the one it moves leads into comes along.
        let run = plan(
            &workspace,
            &request(
                vec![source.clone()],
                PlanSettings {
                    require_opt_in: false,
                    frequency_cap: None,
                    ..PlanSettings::default()
                },
                60,
            ),
        )
        .unwrap();
        let first = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == source.id)
            .unwrap();
        let follow = run
            .plan
            .streams
            .iter()
            .find(|s| s.stream_id == target.id)
            .unwrap();
        assert!(first.leads > 0);
        assert_eq!(follow.leads, 0, "nobody enters the follow-up directly");
        assert_eq!(follow.entries, first.leads, "everyone moved on");
        let hits = |plan: &StreamPlan, id: &str| {
            plan.nodes.iter().find(|n| n.node_id == id).unwrap().leads
        };
        assert_eq!(hits(follow, "later"), first.leads);
        // Each lead got both emails, the second a week or more after the first.
        let mut by_lead: HashMap<i64, Vec<i64>> = HashMap::new();
        for send in &run.sends {
            by_lead.entry(send.lead_id).or_default().push(send.at);
        }
        assert_eq!(by_lead.len() as u64, first.leads);
        assert!(by_lead
            .values()
            .all(|times| times.len() == 2 && times[1] - times[0] >= 7 * DAY));
        assert_eq!(
            run.plan.outcomes.iter().map(|o| o.count).sum::<u64>(),
            first.leads,
            "one outcome per lead, however many streams it went through"
        );
    }

    #[test]
    fn as_of_is_a_date_at_midnight_utc_or_a_date_time() {
        assert_eq!(parse_as_of("2026-09-22").unwrap(), ANCHOR);
        assert_eq!(parse_as_of("2026-09-22T01:00:00Z").unwrap(), ANCHOR + 3_600);
        let error = parse_as_of("next tuesday").unwrap_err().to_string();
        assert!(
            error.contains("`next tuesday` is not an as-of date"),
            "{error}"
        );
        let day = NaiveDate::from_ymd_opt(2026, 9, 22).unwrap();
        assert_eq!(midnight_utc(day), ANCHOR);
    }

    #[test]
    fn a_request_decides_entry_at_its_first_midnight_unless_told() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 22).unwrap();
        let request = PlanRequest::new(Vec::new(), day, 30, None, PlanSettings::default());
        assert_eq!(request.as_of, ANCHOR);
        assert_eq!(request.horizon(), (ANCHOR, ANCHOR + 30 * DAY - 1));
        let later = PlanRequest::new(
            Vec::new(),
            day,
            30,
            Some(ANCHOR + 5),
            PlanSettings::default(),
        );
        assert_eq!(later.as_of, ANCHOR + 5);
        assert_eq!(later.from, day);
        assert_eq!(later.days, 30);
    }

    fn active_streams(workspace: &Workspace) -> Vec<Stream> {
        model::list(workspace)
            .unwrap()
            .into_iter()
            .filter(|s| s.is_active)
            .collect()
    }

    #[test]
    fn planner_does_not_panic_on_huge_frequency_cap() {
        let mut workspace = demo(120);
        let settings = PlanSettings {
            require_opt_in: false,
            frequency_cap: Some(FrequencyCap {
                max: 2,
                per_days: 100_000_000,
            }),
            ..PlanSettings::default()
        };
        let error = plan(
            &workspace,
            &request(active_streams(&workspace), settings.clone(), 60),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("frequency cap") && error.contains("1 to 365 days"),
            "{error}"
        );
        // The settings dialog is refused the same values, with the same reason.
        let refused = settings::save(&mut workspace, &settings)
            .unwrap_err()
            .to_string();
        assert_eq!(refused, error);
    }

    #[test]
    fn planner_does_not_panic_on_a_plan_from_the_end_of_time() {
        let workspace = demo(120);
        let end_of_time = NaiveDate::from_ymd_opt(262_142, 12, 30).unwrap();
        for from in [end_of_time, NaiveDate::MAX, NaiveDate::MIN] {
            let mut request = request(active_streams(&workspace), PlanSettings::default(), 60);
            request.from = from;
            let error = plan(&workspace, &request).unwrap_err().to_string();
            assert!(
                error.contains("first day") && error.contains("1900-01-01 to 2199-12-31"),
                "{from}: {error}"
            );
        }
        let mut request = request(active_streams(&workspace), PlanSettings::default(), 60);
        request.as_of = i64::MAX;
        let error = plan(&workspace, &request).unwrap_err().to_string();
        assert!(error.contains("as-of"), "{error}");
    }

    #[test]
    fn out_of_range_stored_settings_are_an_error_not_a_panic() {
        let workspace = demo(120);
        let conn = workspace.conn();
        let store = |json: serde_json::Value| {
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                [SETTINGS_KEY, &json.to_string()],
            )
            .unwrap();
        };
        let mut stored = serde_json::to_value(PlanSettings::default()).unwrap();
        stored["frequency_cap"]["per_days"] = json!(100_000_000);
        store(stored);
        // Readable, so the settings dialog can show them and they can be fixed…
        let settings = settings::load(&workspace).unwrap();
        assert_eq!(settings.frequency_cap.unwrap().per_days, 100_000_000);
        // … but not planned.
        let error = plan(
            &workspace,
            &request(active_streams(&workspace), settings, 60),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("frequency cap"), "{error}");

        // Values that do not fit the settings at all are an error, not the defaults.
        let mut stored = serde_json::to_value(PlanSettings::default()).unwrap();
        stored["send_window"]["from_hour"] = json!(300);
        store(stored);
        let error = settings::load(&workspace).unwrap_err().to_string();
        assert!(
            error.contains("planner settings") && error.contains("from_hour"),
            "{error}"
        );
    }

    /// A date anywhere in chrono's calendar.
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
            .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
    }

    /// A date within a year of the anchor.
    fn near_date() -> impl Strategy<Value = NaiveDate> {
        (-400i64..400).prop_map(|offset| {
            DateTime::<Utc>::from_timestamp(ANCHOR + offset * DAY, 0)
                .unwrap()
                .date_naive()
        })
    }

    fn date_text(date: NaiveDate) -> String {
        date.format("%Y-%m-%d").to_string()
    }

    /// Text that may or may not be a date, and if so anywhere in time.
    fn any_date_text() -> impl Strategy<Value = String> {
        prop_oneof![any_date().prop_map(date_text), ".{0,12}"]
    }

    /// Every numeric and date input of a plan, each either ordinary or wild.
    #[derive(Debug, Clone)]
    struct Inputs {
        cap: Option<(u32, u32)>,
        from_hour: u8,
        to_hour: u8,
        weekdays: Vec<u8>,
        zone: String,
        quiet_dates: Vec<String>,
        from: NaiveDate,
        days: u32,
        as_of: i64,
        wait: u32,
        timeout_days: u32,
        rate: f64,
        split: Vec<u32>,
        priority: i32,
        reentry: u32,
        active_from: Option<String>,
        active_until: Option<String>,
    }

    const INPUTS: usize = 18;

    fn ordinary_inputs() -> impl Strategy<Value = Inputs> {
        (
            (
                prop::option::of((1u32..4, 1u32..10)),
                6u8..12,
                12u8..=24,
                prop::sample::subsequence(vec![1u8, 2, 3, 4, 5, 6, 7], 1..=7),
                prop::sample::select(vec![
                    "UTC",
                    "Pacific/Kiritimati",
                    "America/St_Johns",
                    "Asia/Kolkata",
                ]),
                prop::collection::vec(near_date().prop_map(date_text), 0..3),
                near_date(),
                1u32..120,
                (ANCHOR - 400 * DAY)..(ANCHOR + 400 * DAY),
            ),
            (
                1u32..30,
                1u32..30,
                0.0f64..=1.0,
                Just(vec![30u32, 70]),
                -5i32..5,
                1u32..30,
                prop::option::of(near_date().prop_map(date_text)),
                prop::option::of(near_date().prop_map(date_text)),
            ),
        )
            .prop_map(|(a, b)| Inputs {
                cap: a.0,
                from_hour: a.1,
                to_hour: a.2,
                weekdays: a.3,
                zone: a.4.to_owned(),
                quiet_dates: a.5,
                from: a.6,
                days: a.7,
                as_of: a.8,
                wait: b.0,
                timeout_days: b.1,
                rate: b.2,
                split: b.3,
                priority: b.4,
                reentry: b.5,
                active_from: b.6,
                active_until: b.7,
            })
    }

    /// Ordinary inputs with one of them (chosen by `which`) made wild; `which`
    /// past the last input leaves them all ordinary.
    fn inputs() -> impl Strategy<Value = Inputs> {
        (
            ordinary_inputs(),
            0..=INPUTS,
            (
                any::<u32>(),
                any::<u32>(),
                any::<u8>(),
                any::<i64>(),
                any::<f64>(),
                any::<i32>(),
            ),
            (
                any_date(),
                any_date_text(),
                prop::collection::vec(any::<u8>(), 0..8),
                ".{0,12}",
            ),
            prop::collection::vec(any::<u32>(), 0..4),
        )
            .prop_map(|(mut inputs, which, numbers, dates, split)| {
                let (big, other, small, instant, rate, priority) = numbers;
                let (date, text, weekdays, zone) = dates;
                match which {
                    0 => inputs.cap = Some((1, big)),
                    1 => inputs.cap = Some((big, other)),
                    2 => inputs.from_hour = small,
                    3 => inputs.to_hour = small,
                    4 => inputs.weekdays = weekdays,
                    5 => inputs.zone = zone,
                    6 => inputs.quiet_dates.push(text),
                    7 => inputs.from = date,
                    8 => inputs.days = big,
                    9 => inputs.as_of = instant,
                    10 => inputs.wait = big,
                    11 => inputs.timeout_days = big,
                    12 => inputs.rate = rate,
                    13 => inputs.split = split,
                    14 => inputs.priority = priority,
                    15 => inputs.reentry = big,
                    16 => inputs.active_from = Some(text),
                    17 => inputs.active_until = Some(text),
                    _ => {}
                }
                inputs
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Whatever the settings, dates and step parameters, the planner
        /// answers with a plan or an error naming the input, and never panics.
        #[test]
        fn the_planner_never_panics_on_absurd_settings_and_dates(
            inputs in inputs(),
            unit in prop::sample::select(vec![WaitUnit::Hours, WaitUnit::Days, WaitUnit::Weeks]),
            seed in any::<u64>(),
        ) {
            let workspace = demo(60);
            let item = any_content(&workspace);
            let paths = inputs.split.len().max(1);
            let mut nodes = vec![
                node("entry", NodeAction::Entry),
                node("send", NodeAction::Send { content_id: item }),
                node("wait", NodeAction::Wait { amount: inputs.wait, unit }),
                node("event", NodeAction::WaitUntil {
                    until: WaitCondition::Event {
                        event_type: "email_click".into(),
                        timeout_days: inputs.timeout_days,
                        rate: Some(inputs.rate),
                    },
                }),
                node("split", NodeAction::Split { percentages: inputs.split.clone() }),
            ];
            let mut edges = vec![
                edge("entry", "send", None),
                edge("send", "wait", None),
                edge("wait", "event", None),
                edge("event", "split", Some("event")),
                edge("event", "split", Some("timeout")),
            ];
            for path in 0..paths {
                let again = format!("again{path}");
                nodes.push(node(&again, NodeAction::Send { content_id: item }));
                nodes.push(node(&format!("exit{path}"), NodeAction::Exit));
                edges.push(edge("split", &again, Some(&path.to_string())));
                edges.push(edge(&again, &format!("exit{path}"), None));
            }
            let mut stepped = definition(vec![segment(&workspace, "Practitioners")], nodes, edges);
            stepped.reentry = Reentry::AfterDays { days: inputs.reentry };
            stepped.active_from = inputs.active_from.clone();
            stepped.active_until = inputs.active_until.clone();
            let stepped = Stream {
                id: -1,
                name: "every step".into(),
                priority: inputs.priority,
                is_active: true,
                definition: stepped,
            };
            let settings = PlanSettings {
                send_window: SendWindow {
                    weekdays: inputs.weekdays.clone(),
                    from_hour: inputs.from_hour,
                    to_hour: inputs.to_hour,
                },
                default_timezone: inputs.zone.clone(),
                frequency_cap: inputs.cap.map(|(max, per_days)| FrequencyCap { max, per_days }),
                quiet_dates: inputs.quiet_dates.clone(),
                require_opt_in: false,
                seed,
            };
            let mut streams = active_streams(&workspace);
            streams.push(stepped.clone());
            let request = PlanRequest { streams, from: inputs.from, days: inputs.days, as_of: inputs.as_of, settings };
            // A panic fails the test; a plan or an error are both answers.
            match plan(&workspace, &request) {
                Ok(run) => {
                    let start = request.from.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
                    let end = start + i64::from(request.days) * DAY;
                    prop_assert!(run.sends.iter().all(|s| (start..end).contains(&s.at)));
                    if let Some(send) = run.sends.first() {
                        journey(&workspace, &request, send.lead_id).unwrap();
                    }
                    // A step parameter out of range leaves that stream out, named.
                    let own_problems = model::problems(&workspace, &stepped).unwrap();
                    prop_assert_eq!(
                        run.plan.skipped.iter().any(|s| s.stream_id == -1),
                        !own_problems.is_empty()
                    );
                }
                // Only inputs out of range are refused: the demo streams can always be planned.
                Err(error) => prop_assert!(request.check().is_err(), "refused in-range inputs: {}", error),
            }
        }
    }

    fn saved_segment(workspace: &mut Workspace, name: &str, rules: serde_json::Value) -> i64 {
        crate::segments::saved::create(
            workspace,
            &crate::segments::saved::SegmentDraft {
                name: name.into(),
                description: String::new(),
                color: "#4f46e5".into(),
                folder: String::new(),
                rules: RuleGroup::from_value(&rules).unwrap(),
            },
        )
        .unwrap()
        .id
    }

    #[test]
    fn planning_skips_a_stream_whose_segment_was_deleted_and_plans_the_others() {
        let mut workspace = demo(200);
        let item = any_content(&workspace);
        let germans = json!({"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]});
        let entry_segment = saved_segment(&mut workspace, "Germans", germans.clone());
        let rule_segment = saved_segment(&mut workspace, "Germans again", germans);
        let simple = |segments: Vec<i64>| {
            definition(
                segments,
                vec![
                    node("entry", NodeAction::Entry),
                    node("send", NodeAction::Send { content_id: item }),
                    node("exit", NodeAction::Exit),
                ],
                vec![edge("entry", "send", None), edge("send", "exit", None)],
            )
        };
        let orphan = save(
            &mut workspace,
            "orphaned entry",
            99,
            simple(vec![entry_segment]),
        );
        let mut branching = simple(vec![segment(&workspace, "Practitioners")]);
        branching.nodes[1] = node(
            "send",
            NodeAction::Branch {
                rules: RuleGroup::from_value(&json!({"combinator": "and", "rules": [{"field": "segment", "operator": "in", "value": rule_segment}]})).unwrap(),
                rate: None,
                email: None,
            },
        );
        branching.nodes.push(node("no", NodeAction::Exit));
        branching.edges[1].handle = Some("yes".into());
        branching.edges.push(edge("send", "no", Some("no")));
        let orphan_rule = save(&mut workspace, "orphaned branch", 98, branching);
        // A stream moving leads into a broken stream cannot be planned either.
        let mut mover = simple(vec![segment(&workspace, "Practitioners")]);
        mover.nodes[2] = node(
            "exit",
            NodeAction::MoveToStream {
                stream_id: orphan.id,
            },
        );
        let mover = save(&mut workspace, "moves into the orphan", 97, mover);
        // An older version, or raw SQL, deleted the segments under them.
        workspace
            .conn()
            .execute(
                "DELETE FROM segments WHERE id IN (?1, ?2)",
                [entry_segment, rule_segment],
            )
            .unwrap();
        let streams = active_streams(&workspace);
        let healthy = streams.len() - 3;
        assert!(healthy > 0);
        let settings = PlanSettings {
            require_opt_in: false,
            ..PlanSettings::default()
        };
        let request = request(streams, settings, 30);
        let run = plan(&workspace, &request).expect("the other streams are planned");
        let skipped: HashMap<i64, String> = run
            .plan
            .skipped
            .iter()
            .map(|s| (s.stream_id, s.problems.join("; ")))
            .collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(
            skipped[&orphan.id]
                .contains(&format!("entry segment #{entry_segment} no longer exists")),
            "{skipped:?}"
        );
        assert!(
            skipped[&orphan_rule.id].contains(&format!("segment {rule_segment} does not exist")),
            "{skipped:?}"
        );
        assert!(
            skipped[&mover.id].contains("“orphaned entry”, which cannot be planned"),
            "{skipped:?}"
        );
        assert_eq!(run.plan.streams.len(), healthy);
        assert!(run
            .plan
            .streams
            .iter()
            .all(|s| ![orphan.id, orphan_rule.id, mover.id].contains(&s.stream_id)));
        assert!(run.plan.sends > 0);
        // Journeys plan the same way.
        let lead = run.sends[0].lead_id;
        assert!(journey(&workspace, &request, lead)
            .unwrap()
            .status
            .starts_with("enters"));
        // With nothing left to plan, the error names every stream's problem.
        let broken = request
            .streams
            .iter()
            .filter(|s| skipped.contains_key(&s.id))
            .cloned()
            .collect();
        let error = plan(
            &workspace,
            &PlanRequest {
                streams: broken,
                ..request.clone()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("orphaned entry")
                && error.contains(&format!("entry segment #{entry_segment} no longer exists")),
            "{error}"
        );
    }
}
