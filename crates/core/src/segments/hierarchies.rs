//! Hierarchies: ordered lists of saved segments that give each lead one
//! primary segment (the first in the order it matches) and its secondary
//! segments (the others it matches), with an "in none" bucket. This module
//! saves and checks them, assigns leads with the fast index ([`assign`],
//! [`lead_primaries`]), explains one lead's place with the reference
//! evaluator ([`placements`]), and expands the hierarchy rule
//! (`field: "hierarchy"`, `primaryIs` / `secondaryIs`) into ordinary
//! membership rules, which the compiler and the reference evaluator both
//! read ([`expand_rule`]). Semantics: `docs/segment-rules.md`.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::compile;
use super::index::Bitset;
use super::reference::{self, Explanation};
use super::rules::{Rule, RuleGroup};
use super::saved;
use crate::store::tables::hierarchies as table;
use crate::store::tables::segments as segment_table;
use crate::store::tables::streams as stream_table;
use crate::{Error, Result, Workspace};

/// A saved segment as a hierarchy lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HierarchySegment {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

/// A saved hierarchy: its segments in order, the first one highest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Hierarchy {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub segments: Vec<HierarchySegment>,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

/// What a save writes: `id` to update an existing hierarchy, none to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HierarchyDraft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub id: Option<i64>,
    pub name: String,
    /// Saved segment ids, highest first.
    #[ts(type = "Array<number>")]
    pub segments: Vec<i64>,
}

/// One segment's counts in an assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentAssignment {
    pub segment: HierarchySegment,
    /// Leads whose first matching segment in the order is this one.
    #[ts(type = "number")]
    pub primary: u64,
    /// Leads that match this segment but have a higher one as primary.
    #[ts(type = "number")]
    pub secondary: u64,
    /// Every lead that matches the segment (`primary + secondary`).
    #[ts(type = "number")]
    pub members: u64,
}

/// How a hierarchy settles the leads as of an instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Assignment {
    /// `None` for an unsaved order (the builder's live counts).
    #[ts(type = "number | null")]
    pub hierarchy_id: Option<i64>,
    #[ts(type = "number")]
    pub as_of: i64,
    #[ts(type = "number")]
    pub total: u64,
    pub segments: Vec<SegmentAssignment>,
    /// Leads in none of the segments.
    #[ts(type = "number")]
    pub none: u64,
    /// A note for the user, such as "this hierarchy has no segments yet".
    pub note: Option<String>,
}

/// One lead's primary segment (`None`: in none) and secondary segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadPrimary {
    pub lead_id: i64,
    pub primary: Option<i64>,
    pub secondary: Vec<i64>,
}

/// Where one lead sits in one hierarchy, and why.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Placement {
    #[ts(type = "number")]
    pub hierarchy_id: i64,
    pub hierarchy_name: String,
    pub primary: Option<HierarchySegment>,
    pub secondary: Vec<HierarchySegment>,
    /// Why the lead is in its primary segment, rule by rule.
    pub why: Option<Explanation>,
}

/// The note of a hierarchy with no segments.
const EMPTY_NOTE: &str = "this hierarchy has no segments yet: every lead is in none";

fn segment_of(conn: &Connection, id: i64) -> Result<HierarchySegment> {
    let row = segment_table::list_on(conn)?
        .into_iter()
        .find(|row| row.id == id)
        .ok_or(Error::UnknownSegment { id })?;
    Ok(HierarchySegment {
        id,
        name: row.name,
        color: row.color,
    })
}

fn from_row(conn: &Connection, row: table::HierarchyRow) -> Result<Hierarchy> {
    let all = segment_table::list_on(conn)?;
    let segments = row
        .segment_ids
        .iter()
        .map(|id| {
            all.iter()
                .find(|segment| segment.id == *id)
                .map(|segment| HierarchySegment {
                    id: *id,
                    name: segment.name.clone(),
                    color: segment.color.clone(),
                })
                .ok_or(Error::UnknownSegment { id: *id })
        })
        .collect::<Result<_>>()?;
    Ok(Hierarchy {
        id: row.id,
        name: row.name,
        segments,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn get_on(conn: &Connection, id: i64) -> Result<Hierarchy> {
    let row = table::get_on(conn, id)?.ok_or_else(|| Error::NotFound {
        what: "hierarchy",
        key: id.to_string(),
    })?;
    from_row(conn, row)
}

/// Every hierarchy, by name.
pub fn list(workspace: &Workspace) -> Result<Vec<Hierarchy>> {
    let conn = workspace.conn();
    table::list_on(conn)?
        .into_iter()
        .map(|row| from_row(conn, row))
        .collect()
}

/// One hierarchy.
pub fn get(workspace: &Workspace, id: i64) -> Result<Hierarchy> {
    get_on(workspace.conn(), id)
}

/// Checks a draft's name and segments: a name, segments that exist, none twice.
fn check_draft(conn: &Connection, draft: &HierarchyDraft) -> Result<()> {
    if draft.name.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "a hierarchy needs a name".to_owned(),
        ));
    }
    for (position, id) in draft.segments.iter().enumerate() {
        if segment_table::name_on(conn, *id)?.is_none() {
            return Err(Error::InvalidArgument(format!(
                "hierarchy “{}”: segment {id} does not exist",
                draft.name.trim()
            )));
        }
        if draft.segments[..position].contains(id) {
            let name = segment_table::name_on(conn, *id)?.unwrap_or_default();
            return Err(Error::InvalidArgument(format!(
                "hierarchy “{}”: segment “{name}” ({id}) is listed twice; a segment has one place in the order",
                draft.name.trim()
            )));
        }
    }
    Ok(())
}

/// Creates (no `id`) or replaces (with `id`) a hierarchy. Every segment in
/// it, and every segment whose rules test it, must still compile: a segment
/// in the hierarchy that tests the hierarchy itself is a cycle and refused.
pub fn save(workspace: &mut Workspace, draft: &HierarchyDraft) -> Result<Hierarchy> {
    check_draft(workspace.conn(), draft)?;
    let name = draft.name.trim();
    let tx = workspace.conn_mut_for_definitions().transaction()?;
    let id = match draft.id {
        Some(id) => {
            if !table::update_in(&tx, id, name, &draft.segments)? {
                return Err(Error::NotFound {
                    what: "hierarchy",
                    key: id.to_string(),
                });
            }
            id
        }
        None => table::insert_in(&tx, name, &draft.segments)?,
    };
    for segment in saved::list_on(&tx)? {
        if draft.segments.contains(&segment.id) || tests_hierarchy(&segment.rules, id) {
            compile::compile_segment(&tx, segment.id, &segment.rules).map_err(|error| {
                Error::InvalidArgument(format!(
                    "hierarchy “{name}” cannot be saved this way: segment “{}”: {}",
                    segment.name,
                    plain_message(&error)
                ))
            })?;
        }
    }
    let saved = get_on(&tx, id)?;
    tx.commit()?;
    Ok(saved)
}

/// An error's message without its kind prefix, for nesting in another.
fn plain_message(error: &Error) -> String {
    match error {
        Error::SegmentReferences { message, .. } => message.clone(),
        Error::InvalidRule { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Deletes a hierarchy, unless a segment's rules or a stream test it (the
/// message names them, as deleting a segment in use does).
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    let hierarchy = get(workspace, id)?;
    let mut users: Vec<String> = saved::list(workspace)?
        .into_iter()
        .filter(|segment| tests_hierarchy(&segment.rules, id))
        .map(|segment| format!("the segment “{}”", segment.name))
        .collect();
    for (name, definition) in stream_table::names_and_definitions_on(workspace.conn())? {
        let uses = serde_json::from_str::<Value>(&definition)
            .is_ok_and(|definition| value_tests_hierarchy(&definition, id));
        if uses {
            users.push(format!("the stream “{name}”"));
        }
    }
    if !users.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "hierarchy “{}” is used by {}: change those first",
            hierarchy.name,
            users.join(", ")
        )));
    }
    table::delete(workspace, id)?;
    Ok(())
}

/// The hierarchies that contain segment `id`, by name: deleting a segment
/// in a hierarchy is refused with their names.
pub(crate) fn containing(conn: &Connection, segment_id: i64) -> Result<Vec<String>> {
    Ok(table::containing_on(conn, segment_id)?
        .into_iter()
        .map(|(_, name)| name)
        .collect())
}

/// Whether a rule tree has a hierarchy rule on hierarchy `id`.
fn tests_hierarchy(group: &RuleGroup, id: i64) -> bool {
    serde_json::to_value(group).is_ok_and(|value| value_tests_hierarchy(&value, id))
}

/// Whether JSON (rules, a stream) has a hierarchy rule on hierarchy `id`.
fn value_tests_hierarchy(value: &Value, id: i64) -> bool {
    match value {
        Value::Object(object) => {
            let is_rule = object.get("field").and_then(Value::as_str) == Some("hierarchy")
                && object
                    .get("value")
                    .and_then(|v| v.get("hierarchy"))
                    .and_then(id_of)
                    == Some(id);
            is_rule
                || object
                    .values()
                    .any(|inner| value_tests_hierarchy(inner, id))
        }
        Value::Array(items) => items.iter().any(|inner| value_tests_hierarchy(inner, id)),
        _ => false,
    }
}

fn id_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A hierarchy rule read: which test, on which hierarchy and segment.
pub(crate) struct HierarchyRule {
    pub primary: bool,
    pub hierarchy: Hierarchy,
    pub segment: i64,
    /// The segments above `segment` in the order.
    pub earlier: Vec<i64>,
}

impl HierarchyRule {
    /// The rule in words: "Primary segment in “By persona” is “Executives”".
    pub fn description(&self) -> String {
        let name = self
            .hierarchy
            .segments
            .iter()
            .find(|s| s.id == self.segment)
            .map_or_else(String::new, |s| s.name.clone());
        if self.primary {
            format!("Primary segment in “{}” is “{name}”", self.hierarchy.name)
        } else {
            format!(
                "“{name}” is a secondary segment in “{}”",
                self.hierarchy.name
            )
        }
    }

    /// The same test as membership rules: primary is "in S and in none of
    /// the earlier ones", secondary "in S and in at least one earlier one"
    /// (nobody when S is first: a `not` group with no rules).
    pub fn expansion(&self) -> Result<RuleGroup> {
        let member =
            |id: i64, operator: &str| json!({"field":"segment","operator":operator,"value":id});
        let mut rules = vec![member(self.segment, "in")];
        if self.primary {
            rules.extend(self.earlier.iter().map(|id| member(*id, "notIn")));
        } else if self.earlier.is_empty() {
            rules.push(json!({"combinator":"and","not":true,"rules":[]}));
        } else {
            let earlier: Vec<Value> = self.earlier.iter().map(|id| member(*id, "in")).collect();
            rules.push(json!({"combinator":"or","rules":earlier}));
        }
        RuleGroup::from_value(&json!({"combinator":"and","rules":rules}))
    }
}

/// The operators of the hierarchy rule.
pub const HIERARCHY_OPERATORS: [&str; 2] = ["primaryIs", "secondaryIs"];

/// Reads a hierarchy rule (`field: "hierarchy"`) at `path`, checking that
/// the hierarchy exists and has the segment.
pub(crate) fn read_rule(conn: &Connection, rule: &Rule, path: &str) -> Result<HierarchyRule> {
    let invalid = |message: String| compile::invalid(path, "hierarchy", message);
    let primary = match rule.operator.as_str() {
        "primaryIs" => true,
        "secondaryIs" => false,
        other => {
            return Err(invalid(format!(
                "operator `{other}` does not apply to a hierarchy; use {}",
                HIERARCHY_OPERATORS.join(" or ")
            )))
        }
    };
    let ids = rule
        .value
        .get("hierarchy")
        .and_then(id_of)
        .zip(rule.value.get("segment").and_then(id_of));
    let Some((hierarchy_id, segment)) = ids else {
        return Err(invalid(
            "the value must be {\"hierarchy\": id, \"segment\": id}".to_owned(),
        ));
    };
    let hierarchy = match get_on(conn, hierarchy_id) {
        Err(Error::NotFound { .. }) => {
            return Err(invalid(format!("hierarchy {hierarchy_id} does not exist")))
        }
        other => other?,
    };
    let Some(position) = hierarchy.segments.iter().position(|s| s.id == segment) else {
        return Err(invalid(format!(
            "segment {segment} is not in hierarchy “{}”",
            hierarchy.name
        )));
    };
    let earlier = hierarchy.segments[..position]
        .iter()
        .map(|s| s.id)
        .collect();
    Ok(HierarchyRule {
        primary,
        hierarchy,
        segment,
        earlier,
    })
}

/// The counts of a saved hierarchy as of `as_of`.
pub fn assign(workspace: &Workspace, id: i64, as_of: i64) -> Result<Assignment> {
    let hierarchy = get(workspace, id)?;
    let ids: Vec<i64> = hierarchy.segments.iter().map(|s| s.id).collect();
    let mut assignment = assign_order(workspace, &ids, as_of)?;
    assignment.hierarchy_id = Some(id);
    Ok(assignment)
}

/// The counts of segments in this order, saved or not (the editor's live
/// counts while the user reorders).
pub fn assign_order(workspace: &Workspace, segment_ids: &[i64], as_of: i64) -> Result<Assignment> {
    let conn = workspace.conn();
    let segments: Vec<HierarchySegment> = segment_ids
        .iter()
        .map(|id| segment_of(conn, *id))
        .collect::<Result<_>>()?;
    with_segment_sets(workspace, segment_ids, as_of, |total, sets, _| {
        let mut taken = Bitset::empty(total);
        let mut rows = Vec::with_capacity(sets.len());
        for (segment, members) in segments.into_iter().zip(sets) {
            let mut secondary = members.clone();
            secondary.and_with(&taken);
            let members_count = members.count();
            let secondary_count = secondary.count();
            taken.or_with(members);
            rows.push(SegmentAssignment {
                segment,
                primary: members_count - secondary_count,
                secondary: secondary_count,
                members: members_count,
            });
        }
        Ok(Assignment {
            hierarchy_id: None,
            as_of,
            total: total as u64,
            none: total as u64 - taken.count(),
            note: segment_ids.is_empty().then(|| EMPTY_NOTE.to_owned()),
            segments: rows,
        })
    })
}

/// Every lead's primary and secondary segments in a saved hierarchy, by lead id.
pub fn lead_primaries(workspace: &Workspace, id: i64, as_of: i64) -> Result<Vec<LeadPrimary>> {
    let hierarchy = get(workspace, id)?;
    let ids: Vec<i64> = hierarchy.segments.iter().map(|s| s.id).collect();
    with_segment_sets(workspace, &ids, as_of, |total, sets, lead_id| {
        let mut leads: Vec<LeadPrimary> = (0..total)
            .map(|row| {
                let mut matched = sets
                    .iter()
                    .zip(&ids)
                    .filter(|(set, _)| set.get(row))
                    .map(|(_, id)| *id);
                LeadPrimary {
                    lead_id: lead_id(row),
                    primary: matched.next(),
                    secondary: matched.collect(),
                }
            })
            .collect();
        leads.sort_by_key(|lead| lead.lead_id);
        Ok(leads)
    })
}

/// Evaluates saved segments (each compiled as itself, so cycles are named)
/// and hands `work` the number of leads, their member sets in order and the
/// lead id of a row.
fn with_segment_sets<T>(
    workspace: &Workspace,
    segment_ids: &[i64],
    as_of: i64,
    work: impl FnOnce(usize, &[Bitset], &dyn Fn(usize) -> i64) -> Result<T>,
) -> Result<T> {
    let conn = workspace.conn();
    let conditions: Vec<compile::Condition> = segment_ids
        .iter()
        .map(|id| {
            let segment = saved::get(workspace, *id)?;
            compile::compile_segment(conn, *id, &segment.rules)
        })
        .collect::<Result<_>>()?;
    super::with_index(workspace, |index| {
        let mut fields = Vec::new();
        for condition in &conditions {
            super::index::fields_of(condition, &mut fields);
        }
        index.load_fields(conn, &fields)?;
        for condition in &conditions {
            index.prepare(conn, condition)?;
        }
        let sets = super::evaluate_in_parallel(index, &conditions, as_of);
        let index = &*index;
        work(index.len(), &sets, &|row| index.lead_id(row))
    })
}

/// Where lead `lead_id` sits in every hierarchy as of `as_of`, worked out
/// one segment at a time by the reference evaluator, with the explanation
/// of its primary segment.
pub fn placements(workspace: &Workspace, lead_id: i64, as_of: i64) -> Result<Vec<Placement>> {
    let conn = workspace.conn();
    let lead = reference::load_lead(conn, lead_id)?;
    let evaluator = reference::Reference::new(conn, as_of)?;
    let mut placements = Vec::new();
    for hierarchy in list(workspace)? {
        let mut primary = None;
        let mut secondary = Vec::new();
        let mut why = None;
        for segment in &hierarchy.segments {
            let rules = saved::get(workspace, segment.id)?.rules;
            let explanation = evaluator.explain(&rules, &lead)?;
            if !explanation.matched {
                continue;
            }
            if primary.is_none() {
                primary = Some(segment.clone());
                why = Some(explanation);
            } else {
                secondary.push(segment.clone());
            }
        }
        placements.push(Placement {
            hierarchy_id: hierarchy.id,
            hierarchy_name: hierarchy.name,
            primary,
            secondary,
            why,
        });
    }
    Ok(placements)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::segments::reference::{load_lead, Reference};
    use crate::segments::saved::SegmentDraft;

    const ANCHOR: i64 = 1_790_000_000;

    /// A 400-lead demo workspace (with its two saved hierarchies).
    fn demo() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join("h.leadstream")).unwrap();
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads: 400,
                events_per_lead: 8,
                seed: 11,
                anchor: ANCHOR,
            },
        )
        .unwrap();
        (dir, workspace)
    }

    fn segment_id(workspace: &Workspace, name: &str) -> i64 {
        saved::list(workspace)
            .unwrap()
            .into_iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no segment {name}"))
            .id
    }

    fn user_segment(workspace: &mut Workspace, name: &str, rules: Value) -> i64 {
        saved::create(
            workspace,
            &SegmentDraft {
                name: name.into(),
                description: String::new(),
                color: "#336699".into(),
                folder: String::new(),
                rules: RuleGroup::from_value(&rules).unwrap(),
            },
        )
        .unwrap()
        .id
    }

    fn hierarchy_rule(operator: &str, hierarchy: i64, segment: i64) -> Value {
        json!({"combinator":"and","rules":[{"field":"hierarchy","operator":operator,"value":{"hierarchy":hierarchy,"segment":segment}}]})
    }

    /// The members of every segment, from `segments::members` one segment at a time.
    fn reference_sets(workspace: &Workspace, ids: &[i64]) -> Vec<Vec<i64>> {
        ids.iter()
            .map(|id| {
                let rules = saved::get(workspace, *id).unwrap().rules;
                crate::segments::members(workspace, &rules, ANCHOR, 0, usize::MAX).unwrap()
            })
            .collect()
    }

    /// A mixed hierarchy (behaviour with relative spans, stages, personas)
    /// settles leads exactly as first-match over the exported members.
    #[test]
    fn assign_agrees_with_first_match_over_exported_members() {
        let (_dir, mut workspace) = demo();
        let names = [
            "Requested a demo",
            "Active prospects",
            "Decision stage",
            "Whitepaper downloaders",
            "Executive decision makers",
            "Lapsed leads",
            "Consideration stage",
        ];
        let ids: Vec<i64> = names.iter().map(|n| segment_id(&workspace, n)).collect();
        let saved = save(
            &mut workspace,
            &HierarchyDraft {
                id: None,
                name: "Mixed".into(),
                segments: ids.clone(),
            },
        )
        .unwrap();
        let sets = reference_sets(&workspace, &ids);
        let mut all: Vec<i64> = (1..=400).collect();
        all.sort();
        let mut primary = vec![0u64; ids.len()];
        let mut secondary = vec![0u64; ids.len()];
        let mut none = 0;
        let mut by_lead: HashMap<i64, (Option<i64>, Vec<i64>)> = HashMap::new();
        for lead in &all {
            let matched: Vec<usize> = (0..ids.len())
                .filter(|i| sets[*i].binary_search(lead).is_ok())
                .collect();
            match matched.split_first() {
                None => none += 1,
                Some((first, rest)) => {
                    primary[*first] += 1;
                    for i in rest {
                        secondary[*i] += 1;
                    }
                }
            }
            by_lead.insert(
                *lead,
                (
                    matched.first().map(|i| ids[*i]),
                    matched.iter().skip(1).map(|i| ids[*i]).collect(),
                ),
            );
        }
        let assignment = assign(&workspace, saved.id, ANCHOR).unwrap();
        assert_eq!(assignment.total, 400);
        assert_eq!(assignment.none, none);
        let got: Vec<(u64, u64)> = assignment
            .segments
            .iter()
            .map(|s| (s.primary, s.secondary))
            .collect();
        let want: Vec<(u64, u64)> = primary.into_iter().zip(secondary).collect();
        assert_eq!(got, want);
        assert!(got.iter().any(|(_, s)| *s > 0), "the mix overlaps");
        assert!(
            got.iter().all(|(p, _)| *p > 0),
            "every segment is someone's primary"
        );
        let leads = lead_primaries(&workspace, saved.id, ANCHOR).unwrap();
        assert_eq!(leads.len(), 400);
        for lead in leads {
            assert_eq!(
                (lead.primary, lead.secondary),
                by_lead[&lead.lead_id],
                "lead {}",
                lead.lead_id
            );
        }
    }

    /// The hierarchy rule, through the fast index, agrees with the one-lead
    /// reference evaluator and with `lead_primaries`, for every segment and lead.
    #[test]
    fn the_hierarchy_rule_agrees_with_the_reference_evaluator() {
        let (_dir, workspace) = demo();
        let engagement = list(&workspace)
            .unwrap()
            .into_iter()
            .find(|h| h.name == "By engagement")
            .unwrap();
        let leads = lead_primaries(&workspace, engagement.id, ANCHOR).unwrap();
        let evaluator = Reference::new(workspace.conn(), ANCHOR).unwrap();
        let records: Vec<_> = (1..=400)
            .map(|id| load_lead(workspace.conn(), id).unwrap())
            .collect();
        let mut secondaries = 0;
        for segment in &engagement.segments {
            for operator in HIERARCHY_OPERATORS {
                let rules =
                    RuleGroup::from_value(&hierarchy_rule(operator, engagement.id, segment.id))
                        .unwrap();
                let fast =
                    crate::segments::members(&workspace, &rules, ANCHOR, 0, usize::MAX).unwrap();
                let reference: Vec<i64> = records
                    .iter()
                    .filter(|lead| evaluator.holds(&rules, lead).unwrap())
                    .map(|lead| lead.id)
                    .collect();
                assert_eq!(fast, reference, "{operator} {}", segment.name);
                let expected: Vec<i64> = leads
                    .iter()
                    .filter(|lead| {
                        if operator == "primaryIs" {
                            lead.primary == Some(segment.id)
                        } else {
                            lead.secondary.contains(&segment.id)
                        }
                    })
                    .map(|lead| lead.lead_id)
                    .collect();
                assert_eq!(fast, expected, "{operator} {}", segment.name);
                if operator == "secondaryIs" {
                    secondaries += fast.len();
                }
            }
        }
        assert!(secondaries > 0, "the engagement segments overlap");
        // Explained in the hierarchy's words.
        let first = &engagement.segments[0];
        let rules =
            RuleGroup::from_value(&hierarchy_rule("primaryIs", engagement.id, first.id)).unwrap();
        let explanation = crate::segments::explain(&workspace, &rules, 1, ANCHOR).unwrap();
        assert_eq!(
            explanation.root.children[0].description,
            format!("Primary segment in “By engagement” is “{}”", first.name)
        );
    }

    #[test]
    fn the_demo_has_a_persona_hierarchy_and_every_lead_has_one_persona() {
        let (_dir, workspace) = demo();
        let persona = list(&workspace)
            .unwrap()
            .into_iter()
            .find(|h| h.name == "By persona")
            .unwrap();
        assert_eq!(persona.segments.len(), 4);
        let assignment = assign(&workspace, persona.id, ANCHOR).unwrap();
        let primaries: u64 = assignment.segments.iter().map(|s| s.primary).sum();
        assert_eq!(primaries + assignment.none, 400);
        assert!(assignment
            .segments
            .iter()
            .all(|s| s.secondary == 0 && s.primary > 0));
    }

    #[test]
    fn drafts_are_checked_and_an_empty_hierarchy_says_so() {
        let (_dir, mut workspace) = demo();
        let a = segment_id(&workspace, "Practitioners");
        let draft = |segments: Vec<i64>| HierarchyDraft {
            id: None,
            name: "Test".into(),
            segments,
        };
        let twice = save(&mut workspace, &draft(vec![a, a]))
            .unwrap_err()
            .to_string();
        assert!(twice.contains("listed twice"), "{twice}");
        let missing = save(&mut workspace, &draft(vec![a, 999_999]))
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("segment 999999 does not exist"),
            "{missing}"
        );
        let unnamed = save(
            &mut workspace,
            &HierarchyDraft {
                name: "  ".into(),
                ..draft(vec![])
            },
        )
        .unwrap_err()
        .to_string();
        assert!(unnamed.contains("needs a name"), "{unnamed}");
        let empty = save(&mut workspace, &draft(vec![])).unwrap();
        let assignment = assign(&workspace, empty.id, ANCHOR).unwrap();
        assert_eq!((assignment.none, assignment.total), (400, 400));
        assert_eq!(assignment.note.as_deref(), Some(EMPTY_NOTE));
        let renamed = save(
            &mut workspace,
            &HierarchyDraft {
                id: Some(empty.id),
                name: "Renamed".into(),
                segments: vec![a],
            },
        )
        .unwrap();
        assert_eq!(
            (renamed.name.as_str(), renamed.segments.len()),
            ("Renamed", 1)
        );
        delete(&mut workspace, empty.id).unwrap();
        assert!(get(&workspace, empty.id).is_err());
    }

    #[test]
    fn segments_and_hierarchies_in_use_are_not_deleted_and_cycles_are_refused() {
        let (_dir, mut workspace) = demo();
        let mine = user_segment(
            &mut workspace,
            "Germans",
            json!({"combinator":"and","rules":[{"field":"country","operator":"=","value":"Germany"}]}),
        );
        let execs = segment_id(&workspace, "Executive decision makers");
        let h = save(
            &mut workspace,
            &HierarchyDraft {
                id: None,
                name: "Home".into(),
                segments: vec![mine, execs],
            },
        )
        .unwrap();
        let refused = saved::delete(&mut workspace, mine).unwrap_err().to_string();
        assert!(
            refused.contains("used by the hierarchy “Home”"),
            "{refused}"
        );

        let tester = user_segment(
            &mut workspace,
            "Exec first",
            hierarchy_rule("secondaryIs", h.id, execs),
        );
        let refused = delete(&mut workspace, h.id).unwrap_err().to_string();
        assert!(refused.contains("the segment “Exec first”"), "{refused}");

        // Putting the segment that tests the hierarchy into it is a cycle.
        let cycle = save(
            &mut workspace,
            &HierarchyDraft {
                id: Some(h.id),
                name: "Home".into(),
                segments: vec![mine, execs, tester],
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            cycle.contains("is in hierarchy “Home” and cannot test it"),
            "{cycle}"
        );
        // Removing the tested segment from the hierarchy breaks the tester: refused.
        let broken = save(
            &mut workspace,
            &HierarchyDraft {
                id: Some(h.id),
                name: "Home".into(),
                segments: vec![mine],
            },
        )
        .unwrap_err()
        .to_string();
        assert!(broken.contains("is not in hierarchy “Home”"), "{broken}");
        // And editing a member segment to test its own hierarchy is refused too.
        let own = saved::update(
            &mut workspace,
            mine,
            &SegmentDraft {
                name: "Germans".into(),
                description: String::new(),
                color: "#336699".into(),
                folder: String::new(),
                rules: RuleGroup::from_value(&hierarchy_rule("primaryIs", h.id, execs)).unwrap(),
            },
        )
        .unwrap_err()
        .to_string();
        assert!(own.contains("cannot test it"), "{own}");
        let bad_value = crate::segments::validate(
            &workspace,
            &RuleGroup::from_value(&json!({"combinator":"and","rules":[{"field":"hierarchy","operator":"primaryIs","value":7}]})).unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(bad_value.contains("\"hierarchy\": id"), "{bad_value}");
    }

    #[test]
    fn placements_name_the_primary_with_its_reason_and_the_secondaries() {
        let (_dir, workspace) = demo();
        let engagement = list(&workspace)
            .unwrap()
            .into_iter()
            .find(|h| h.name == "By engagement")
            .unwrap();
        let leads = lead_primaries(&workspace, engagement.id, ANCHOR).unwrap();
        let lead = leads
            .iter()
            .find(|lead| !lead.secondary.is_empty())
            .expect("a lead with a secondary segment");
        let placements = placements(&workspace, lead.lead_id, ANCHOR).unwrap();
        let placed = placements
            .iter()
            .find(|p| p.hierarchy_id == engagement.id)
            .unwrap();
        assert_eq!(placed.primary.as_ref().map(|s| s.id), lead.primary);
        let secondary: Vec<i64> = placed.secondary.iter().map(|s| s.id).collect();
        assert_eq!(secondary, lead.secondary);
        let why = placed.why.as_ref().unwrap();
        assert!(why.matched && why.lead_id == lead.lead_id);
    }
}
