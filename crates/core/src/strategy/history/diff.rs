//! Who joined or left a saved segment between two dates, and why: the two
//! recorded snapshots at or before the dates, their set differences, and
//! for each lead the reason the data can give (the rules changed, an import
//! added the lead or changed a field the rules test, imported events, a
//! rule that flipped because time passed, the lead was removed), else
//! "unknown".

use std::collections::{HashMap, HashSet};
use std::io::Write;

use roaring::RoaringBitmap;
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{deserialize, import_label, same_rules};
use crate::export::SafeCsvWriter;
use crate::leads::{iso_datetime, LeadIdentity};
use crate::segments::values::span_start;
use crate::segments::{self, saved, BehaviourValue, ExplainNode, RuleGroup, RuleNode};
use crate::store::tables::columns;
use crate::store::tables::history::{self as table, ImportRef, SnapshotRow};
use crate::text::fold_key;
use crate::{Error, Result, Workspace};

/// Leads beyond this many in one diff are listed without the costly
/// reasons (a rule evaluation per lead at both dates).
pub const MAX_EXPLAINED: usize = 10_000;

/// Which kind of reason the data gives for a lead's move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReasonKind {
    RulesChanged,
    AddedByImport,
    FieldChanged,
    EventsImported,
    TimePassed,
    Removed,
    Unknown,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::RulesChanged => "rules_changed",
            ReasonKind::AddedByImport => "added_by_import",
            ReasonKind::FieldChanged => "field_changed",
            ReasonKind::EventsImported => "events_imported",
            ReasonKind::TimePassed => "time_passed",
            ReasonKind::Removed => "removed",
            ReasonKind::Unknown => "unknown",
        }
    }
}

/// Why one lead joined or left: a one-line summary and the details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadReason {
    pub kind: ReasonKind,
    pub summary: String,
    pub details: Vec<String>,
}

/// A lead that joined or left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiffLead {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub email: Option<String>,
    pub name: String,
    /// Whether the lead is still in the workspace.
    pub exists: bool,
    pub reason: LeadReason,
}

/// The snapshot a diff used for one of its dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiffSnapshot {
    #[ts(type = "number")]
    pub snapshot_id: i64,
    pub taken_at: String,
    pub reason: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// Who joined and who left a segment between two dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentDiff {
    #[ts(type = "number")]
    pub segment_id: i64,
    pub segment_name: String,
    /// The dates asked for (ISO 8601, UTC).
    pub from_requested: String,
    pub to_requested: String,
    /// The snapshots used: the last recorded at or before each date.
    pub from: DiffSnapshot,
    pub to: DiffSnapshot,
    pub rules_changed: bool,
    /// Leads in `to` and not in `from`, by id.
    pub joined: Vec<DiffLead>,
    /// Leads in `from` and not in `to`, by id.
    pub left: Vec<DiffLead>,
}

/// The instant a diff date stands for: a bare date (`2026-11-25`) is the
/// end of that day (23:59:59 UTC), so the day's snapshots count; a
/// date-time is itself.
pub fn diff_bound(text: &str) -> Result<i64> {
    let instant = segments::parse_as_of(text)?;
    let bare_date = text.trim().len() == 10 && !text.contains('T');
    Ok(if bare_date {
        instant + crate::time::SECONDS_PER_DAY - 1
    } else {
        instant
    })
}

/// Who joined or left segment `segment_id` between the snapshots at or
/// before `from` and `to`, with the reason for each lead.
pub fn diff(workspace: &Workspace, segment_id: i64, from: i64, to: i64) -> Result<SegmentDiff> {
    if from > to {
        return Err(Error::InvalidArgument(format!(
            "the diff's from date ({}) is after its to date ({})",
            iso_datetime(from),
            iso_datetime(to)
        )));
    }
    let segment = saved::get(workspace, segment_id)?;
    let rows = table::list_of_segment(workspace, segment_id)?;
    let recorded: Vec<&SnapshotRow> = rows.iter().filter(|r| r.member_count.is_some()).collect();
    let Some(first) = recorded.first() else {
        return Err(Error::InvalidArgument(format!(
            "segment “{}” has no recorded history yet: it is recorded once a day when the workspace is open and after every import or undo",
            segment.name
        )));
    };
    let at_or_before = |instant: i64| recorded.iter().rev().find(|r| r.taken_at <= instant);
    let Some(before) = at_or_before(from) else {
        return Err(Error::InvalidArgument(format!(
            "segment “{}” has no snapshot at or before {}: its first is of {}",
            segment.name,
            iso_datetime(from),
            iso_datetime(first.taken_at)
        )));
    };
    let after = at_or_before(to).unwrap_or(before);
    let old = load(workspace, before)?;
    let new = load(workspace, after)?;
    let rules_changed = !same_rules(&before.rules, &after.rules);
    let joined_ids: Vec<i64> = (&new - &old).iter().map(i64::from).collect();
    let left_ids: Vec<i64> = (&old - &new).iter().map(i64::from).collect();
    let rules = RuleGroup::from_json(&after.rules)?;
    let context = Context::new(workspace, &rules, before, after, &joined_ids, &left_ids)?;
    let mut explained = 0usize;
    let mut list = |ids: &[i64], joined: bool| -> Result<Vec<DiffLead>> {
        ids.iter()
            .map(|&id| {
                let line = context.leads.get(&id);
                let reason = if rules_changed {
                    LeadReason {
                        kind: ReasonKind::RulesChanged,
                        summary: "the segment's rules changed between the two snapshots".to_owned(),
                        details: vec![format!(
                            "the rules of {} differ from those of {}",
                            iso_datetime(after.taken_at),
                            iso_datetime(before.taken_at)
                        )],
                    }
                } else {
                    explained += 1;
                    context.reason(workspace, id, joined, explained <= MAX_EXPLAINED)?
                };
                Ok(DiffLead {
                    lead_id: id,
                    email: line.and_then(|l| l.email.clone()),
                    name: line.map_or_else(|| format!("Lead {id} (removed)"), title),
                    exists: line.is_some(),
                    reason,
                })
            })
            .collect()
    };
    let joined = list(&joined_ids, true)?;
    let left = list(&left_ids, false)?;
    Ok(SegmentDiff {
        segment_id,
        segment_name: segment.name,
        from_requested: iso_datetime(from),
        to_requested: iso_datetime(to),
        from: summary(before),
        to: summary(after),
        rules_changed,
        joined,
        left,
    })
}

fn summary(row: &SnapshotRow) -> DiffSnapshot {
    DiffSnapshot {
        snapshot_id: row.id,
        taken_at: iso_datetime(row.taken_at),
        reason: row.reason.clone(),
        count: row.member_count.unwrap_or(0),
    }
}

fn load(workspace: &Workspace, row: &SnapshotRow) -> Result<RoaringBitmap> {
    match table::members_of(workspace, row.id)? {
        Some(bytes) => deserialize(&bytes),
        None => Ok(RoaringBitmap::new()),
    }
}

fn title(line: &table::LeadLine) -> String {
    LeadIdentity {
        id: line.id,
        first_name: line.first_name.clone(),
        last_name: line.last_name.clone(),
        email: line.email.clone(),
        company: line.company.clone(),
        external_id: line.external_id.clone(),
    }
    .title()
}

/// The field keys a rule tree tests (behaviour and segment rules aside),
/// and whether it has a behaviour rule.
fn rule_fields(group: &RuleGroup, keys: &mut HashSet<String>, behaviour: &mut bool) {
    for node in &group.rules {
        match node {
            RuleNode::Group(inner) => rule_fields(inner, keys, behaviour),
            RuleNode::Rule(rule) if rule.field == "event" => *behaviour = true,
            RuleNode::Rule(rule) if rule.field == "segment" => {}
            RuleNode::Rule(rule) => {
                keys.insert(rule.field.clone());
            }
        }
    }
}

/// What the reasons are read from, loaded once per diff.
struct Context<'a> {
    rules: &'a RuleGroup,
    from: i64,
    to: i64,
    leads: HashMap<i64, table::LeadLine>,
    imports: HashMap<i64, ImportRef>,
    labels: HashMap<String, String>,
    field_changes: HashMap<i64, Vec<table::FieldChange>>,
    imported_events: HashMap<i64, Vec<(i64, String, i64)>>,
}

impl<'a> Context<'a> {
    fn new(
        workspace: &Workspace,
        rules: &'a RuleGroup,
        before: &SnapshotRow,
        after: &SnapshotRow,
        joined: &[i64],
        left: &[i64],
    ) -> Result<Self> {
        let (from, to) = (before.taken_at, after.taken_at);
        let ids: Vec<i64> = joined.iter().chain(left).copied().collect();
        let wanted: HashSet<i64> = ids.iter().copied().collect();
        let mut keys = HashSet::new();
        let mut behaviour = false;
        rule_fields(rules, &mut keys, &mut behaviour);
        let mut field_changes: HashMap<i64, Vec<table::FieldChange>> = HashMap::new();
        if !keys.is_empty() && !ids.is_empty() {
            for change in table::field_changes_between(workspace, from, to)? {
                if wanted.contains(&change.lead_id) && keys.contains(&change.field_key) {
                    field_changes
                        .entry(change.lead_id)
                        .or_default()
                        .push(change);
                }
            }
        }
        let imports = table::imports_by_id(workspace)?;
        let event_imports_in_window = imports.values().any(|i| {
            i.kind == "events"
                && i.undone_at.is_none()
                && i.finished_at.is_some_and(|t| t > from && t <= to)
        });
        let mut imported_events: HashMap<i64, Vec<(i64, String, i64)>> = HashMap::new();
        if behaviour && event_imports_in_window {
            for (lead, import, kind, at) in
                table::imported_events_between(workspace, &ids, from, to)?
            {
                imported_events
                    .entry(lead)
                    .or_default()
                    .push((import, kind, at));
            }
        }
        let labels = crate::fields::list(workspace.conn())?
            .into_iter()
            .map(|f| (f.key, f.label))
            .collect();
        Ok(Context {
            rules,
            from,
            to,
            leads: table::lead_lines(workspace.conn(), &ids)?,
            imports,
            labels,
            field_changes,
            imported_events,
        })
    }

    fn import_name(&self, id: i64) -> String {
        let import = self.imports.get(&id);
        let label = import_label(id, import.map(|i| i.file_name.as_str()));
        // A data-quality fix is a change in the same history, named as one.
        let what = match import {
            Some(i) if crate::import::history::ChangeKind::from_stored(&i.kind).is_fix() => "fix",
            _ => "import",
        };
        match import.and_then(|i| i.finished_at) {
            Some(at) => format!("{what} {label} of {}", day(at)),
            None => format!("{what} {label}"),
        }
    }

    fn in_window(&self, at: Option<i64>) -> bool {
        at.is_some_and(|t| t > self.from && t <= self.to)
    }

    /// The reason lead `id` joined (or left), cheapest evidence first.
    fn reason(
        &self,
        workspace: &Workspace,
        id: i64,
        joined: bool,
        explain: bool,
    ) -> Result<LeadReason> {
        let Some(line) = self.leads.get(&id) else {
            let undone = self.undone_in_window();
            let details: Vec<String> = undone
                .iter()
                .map(|i| {
                    format!(
                        "{} was undone on {}",
                        self.import_name(i.id),
                        day(i.undone_at.unwrap_or(0))
                    )
                })
                .collect();
            let summary = match undone.as_slice() {
                [one] => format!("removed: {} was undone", self.import_name(one.id)),
                _ => "removed: the lead is no longer in the workspace".to_owned(),
            };
            return Ok(LeadReason {
                kind: ReasonKind::Removed,
                summary,
                details,
            });
        };
        if joined {
            if let Some(import) = line
                .import_id
                .filter(|i| self.in_window(self.imports.get(i).and_then(|i| i.finished_at)))
            {
                return Ok(LeadReason {
                    kind: ReasonKind::AddedByImport,
                    summary: format!("added by {}", self.import_name(import)),
                    details: Vec::new(),
                });
            }
        }
        if let Some(changes) = self.field_changes.get(&id) {
            let details = changes
                .iter()
                .map(|change| {
                    let now = table::current_value(workspace, id, &change.field_key)?;
                    let label = self
                        .labels
                        .get(&change.field_key)
                        .unwrap_or(&change.field_key);
                    Ok(format!(
                        "{label} changed from {} to {} by {}",
                        shown(&change.old_value),
                        shown(&now),
                        self.import_name(change.import_id)
                    ))
                })
                .collect::<Result<Vec<String>>>()?;
            return Ok(LeadReason {
                kind: ReasonKind::FieldChanged,
                summary: details.first().cloned().unwrap_or_default(),
                details,
            });
        }
        if let Some(events) = self.imported_events.get(&id) {
            let details: Vec<String> = events
                .iter()
                .map(|(import, kind, at)| {
                    format!(
                        "a {kind} event of {} came with {}",
                        day(*at),
                        self.import_name(*import)
                    )
                })
                .collect();
            return Ok(LeadReason {
                kind: ReasonKind::EventsImported,
                summary: format!("{} event(s) imported: {}", details.len(), details[0]),
                details,
            });
        }
        if !explain {
            return Ok(LeadReason {
                kind: ReasonKind::Unknown,
                summary: format!("not analysed: more than {MAX_EXPLAINED} leads moved"),
                details: vec![format!(
                    "the reasons that need the rules evaluated at both dates are given for the first {MAX_EXPLAINED} leads of a diff"
                )],
            });
        }
        let before = segments::explain(workspace, self.rules, id, self.from)?;
        let after = segments::explain(workspace, self.rules, id, self.to)?;
        if before.matched != joined && after.matched == joined {
            let mut flips = Vec::new();
            flipped(&before.root, &after.root, self.from, self.to, &mut flips);
            let windowed: Vec<Option<BehaviourValue>> = flips
                .iter()
                .map(|(path, _)| windowed_behaviour(self.rules, path))
                .collect();
            let events = if windowed.iter().any(Option::is_some) {
                columns::lead_with_events(workspace.conn(), id)?
                    .map(|lead| lead.events)
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            let details: Vec<String> = flips
                .into_iter()
                .zip(windowed)
                .map(|((_, text), rule)| match rule {
                    Some(rule) => {
                        format!("{text}{}", window_moves(&rule, &events, self.from, self.to))
                    }
                    None => text,
                })
                .collect();
            let summary = details
                .first()
                .cloned()
                .unwrap_or_else(|| "time passed".to_owned());
            return Ok(LeadReason {
                kind: ReasonKind::TimePassed,
                summary,
                details,
            });
        }
        let undone = self.undone_in_window();
        if let Some(first) = undone.first() {
            return Ok(LeadReason {
                kind: ReasonKind::Unknown,
                summary: format!("probably the undo of {}", self.import_name(first.id)),
                details: undone
                    .iter()
                    .map(|i| {
                        format!(
                            "{} was undone on {}, which put back the values it had overwritten",
                            self.import_name(i.id),
                            day(i.undone_at.unwrap_or(0))
                        )
                    })
                    .collect(),
            });
        }
        Ok(unknown(
            "the recorded data does not say why (a change the history does not keep, such as an edit outside an import)".to_owned(),
        ))
    }

    /// The imports undone between the two snapshots (the undo's own
    /// snapshot may share its second), oldest first.
    fn undone_in_window(&self) -> Vec<&ImportRef> {
        let mut undone: Vec<&ImportRef> = self
            .imports
            .values()
            .filter(|i| i.undone_at.is_some_and(|t| t >= self.from && t <= self.to))
            .collect();
        undone.sort_by_key(|i| i.id);
        undone
    }
}

fn unknown(detail: String) -> LeadReason {
    LeadReason {
        kind: ReasonKind::Unknown,
        summary: "unknown".to_owned(),
        details: vec![detail],
    }
}

/// The rules (leaves) whose result differs between two explanations of the
/// same rules: their paths and, in words, what each gave at each date.
fn flipped(
    before: &ExplainNode,
    after: &ExplainNode,
    from: i64,
    to: i64,
    out: &mut Vec<(String, String)>,
) {
    if before.children.is_empty() || before.children.len() != after.children.len() {
        if before.matched != after.matched {
            let held = |matched: bool| if matched { "held" } else { "did not hold" };
            let actual = |node: &ExplainNode| {
                node.actual
                    .as_deref()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default()
            };
            out.push((
                before.path.clone(),
                format!(
                    "“{}” {} on {}{} and {} on {}{}: time passed",
                    before.description,
                    held(before.matched),
                    day(from),
                    actual(before),
                    held(after.matched),
                    day(to),
                    actual(after)
                ),
            ));
        }
        return;
    }
    for (b, a) in before.children.iter().zip(&after.children) {
        flipped(b, a, from, to, out);
    }
}

/// The behaviour rule at `path` (`root.rules[0].rules[2]`, as explanations
/// name them) when it counts events of one type in a relative window,
/// without a property filter: the rules whose flips events can explain.
fn windowed_behaviour(rules: &RuleGroup, path: &str) -> Option<BehaviourValue> {
    let mut group = rules;
    let mut steps = path
        .strip_prefix("root")?
        .split(".rules[")
        .skip(1)
        .peekable();
    while let Some(step) = steps.next() {
        let index: usize = step.strip_suffix(']')?.parse().ok()?;
        match (group.rules.get(index)?, steps.peek()) {
            (RuleNode::Group(inner), Some(_)) => group = inner,
            (RuleNode::Rule(rule), None) if rule.field == "event" => {
                let value: BehaviourValue = serde_json::from_value(rule.value.clone()).ok()?;
                return (value.in_last.is_some() && value.filter.is_none()).then_some(value);
            }
            _ => return None,
        }
    }
    None
}

/// Which events of a windowed behaviour rule left its window or came into
/// it between the two dates: ", the download of 2026-10-03 aged out".
fn window_moves(
    rule: &BehaviourValue,
    events: &[(String, i64, String)],
    from: i64,
    to: i64,
) -> String {
    let Some(span) = rule.in_last else {
        return String::new();
    };
    let kind = fold_key(&rule.event_type);
    let inside = |at: i64, as_of: i64| span_start(as_of, span) <= at && at <= as_of;
    let (mut aged, mut entered) = (Vec::new(), Vec::new());
    for (raw, at, _) in events {
        if fold_key(raw) != kind {
            continue;
        }
        match (inside(*at, from), inside(*at, to)) {
            (true, false) => aged.push(*at),
            (false, true) => entered.push(*at),
            _ => {}
        }
    }
    let dates = |mut ats: Vec<i64>| {
        ats.sort_unstable();
        let mut text: Vec<String> = ats.iter().take(3).map(|at| day(*at)).collect();
        if ats.len() > 3 {
            text.push(format!("{} more", ats.len() - 3));
        }
        text.join(", ")
    };
    let mut parts = Vec::new();
    if !aged.is_empty() {
        parts.push(format!(
            "the {} of {} aged out",
            rule.event_type,
            dates(aged)
        ));
    }
    if !entered.is_empty() {
        parts.push(format!(
            "the {} of {} came into the window",
            rule.event_type,
            dates(entered)
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(", {}", parts.join(" and "))
    }
}

fn day(at: i64) -> String {
    iso_datetime(at).chars().take(10).collect()
}

fn shown(value: &SqlValue) -> String {
    match value {
        SqlValue::Null => "(empty)".to_owned(),
        SqlValue::Integer(n) => n.to_string(),
        SqlValue::Real(r) => r.to_string(),
        SqlValue::Text(t) => format!("“{t}”"),
        SqlValue::Blob(b) => format!("({} bytes)", b.len()),
    }
}

/// Writes a diff as CSV: one row per lead that joined or left, with its
/// reason (cells safe against formula injection).
pub fn write_diff_csv(diff: &SegmentDiff, out: impl Write) -> Result<()> {
    let mut writer = SafeCsvWriter::new(out);
    writer.write_row([
        "change",
        "lead_id",
        "email",
        "name",
        "reason_kind",
        "reason",
        "details",
    ])?;
    for (change, leads) in [("joined", &diff.joined), ("left", &diff.left)] {
        for lead in leads {
            writer.write_row([
                change.to_owned(),
                lead.lead_id.to_string(),
                lead.email.clone().unwrap_or_default(),
                lead.name.clone(),
                lead.reason.kind.as_str().to_owned(),
                lead.reason.summary.clone(),
                lead.reason.details.join("; "),
            ])?;
        }
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = crate::time::SECONDS_PER_DAY;

    fn rules() -> RuleGroup {
        RuleGroup::from_json(
            r#"{"combinator":"and","rules":[
                {"field":"country","operator":"=","value":"France"},
                {"combinator":"or","rules":[
                    {"field":"event","operator":"performed","value":{"type":"Download","inLast":{"amount":30,"unit":"days"}}},
                    {"field":"event","operator":"performed","value":{"type":"download","where":{"combinator":"and","rules":[]},"inLast":{"amount":7,"unit":"days"}}}
                ]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn only_windowed_behaviours_without_a_filter_are_found_by_path() {
        let rules = rules();
        assert!(
            windowed_behaviour(&rules, "root.rules[0]").is_none(),
            "a field rule"
        );
        let found = windowed_behaviour(&rules, "root.rules[1].rules[0]").unwrap();
        assert_eq!(found.event_type, "Download");
        assert!(
            windowed_behaviour(&rules, "root.rules[1].rules[1]").is_none(),
            "filtered"
        );
        assert!(
            windowed_behaviour(&rules, "root.rules[1]").is_none(),
            "a group"
        );
        assert!(windowed_behaviour(&rules, "root.rules[9]").is_none());
    }

    #[test]
    fn window_moves_name_what_aged_out_and_what_came_in() {
        let rule = windowed_behaviour(&rules(), "root.rules[1].rules[0]").unwrap();
        let from = 1_790_000_000;
        let to = from + 20 * DAY;
        let event = |days: i64, kind: &str| (kind.to_owned(), from + days * DAY, "{}".to_owned());
        let events = [
            event(-25, "download"), // in the window at `from`, out at `to`
            event(-5, "DOWNLOAD"),  // in both
            event(10, "download"),  // only at `to`
            event(-25, "page_view"),
        ];
        assert_eq!(
            window_moves(&rule, &events, from, to),
            ", the Download of 2026-08-27 aged out and the Download of 2026-10-01 came into the window"
        );
        assert_eq!(window_moves(&rule, &events[1..2], from, to), "");
    }
}
