//! Model-based property test of import and undo: random sequences of lead
//! imports (insert, update, fill, skip, merge, dry runs), event imports and
//! undos in any order, checked after every step against a plain in-memory
//! model of what the workspace must hold, and of which undos are refused.
//!
//! Two oracles: the model (leads with their exact ids, fields, events and
//! the counts of every import), and snapshots: once every import from #n on
//! is undone, the workspace (update times and undo records included) is
//! exactly what it was before import #n, if no older import was undone since.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use leadstream_core::fields::{self, Category, FieldType, NewField, Origin};
use leadstream_core::import::history;
use leadstream_core::import::spec::{
    ColumnTarget, ImportCounts, ImportKind, ImportSpec, MatchKey, OnMatch, UnknownLeads,
};
use leadstream_core::Workspace;
use proptest::prelude::*;
use rusqlite::types::Value;

use crate::{run, suggested, workspace, write};

const EMAILS: [&str; 3] = ["a@x.com", "b@x.com", "c@x.com"];
const FIRST_NAMES: [&str; 3] = ["Ann", "Bo", "Cy"];
const COMPANIES: [&str; 2] = ["Acme", "Globex"];
const TIERS: [&str; 2] = ["gold", "silver"];
/// A type with no letters or digits: the row is rejected.
const EVENT_TYPES: [&str; 3] = ["page_view", "download", "---"];

/// The lead fields a lead file sets, in file order after the e-mail.
const FIELDS: [&str; 3] = ["first_name", "company", "plan_tier"];

#[derive(Debug, Clone)]
struct LeadRow {
    email: usize,
    values: [Option<&'static str>; 3],
}

#[derive(Debug, Clone)]
struct EventRow {
    email: usize,
    event_type: &'static str,
    day: u32,
}

#[derive(Debug, Clone)]
enum Op {
    Leads {
        policy: OnMatch,
        dry_run: bool,
        rows: Vec<LeadRow>,
    },
    Events {
        rows: Vec<EventRow>,
    },
    /// Undo an import still applied (mostly), or any import ever made.
    Undo {
        pick: prop::sample::Index,
        applied_only: bool,
    },
}

fn lead_row() -> impl Strategy<Value = LeadRow> {
    (
        0..EMAILS.len(),
        prop::option::of(prop::sample::select(&FIRST_NAMES[..])),
        prop::option::of(prop::sample::select(&COMPANIES[..])),
        prop::option::of(prop::sample::select(&TIERS[..])),
    )
        .prop_map(|(email, first_name, company, tier)| LeadRow {
            email,
            values: [first_name, company, tier],
        })
}

fn event_row() -> impl Strategy<Value = EventRow> {
    (
        0..EMAILS.len(),
        prop::sample::select(&EVENT_TYPES[..]),
        1..4u32,
    )
        .prop_map(|(email, event_type, day)| EventRow {
            email,
            event_type,
            day,
        })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (
            prop::sample::select(vec![OnMatch::Update, OnMatch::Fill, OnMatch::Skip]),
            prop::bool::weighted(0.15),
            prop::collection::vec(lead_row(), 1..5),
        )
            .prop_map(|(policy, dry_run, rows)| Op::Leads { policy, dry_run, rows }),
        2 => prop::collection::vec(event_row(), 1..4).prop_map(|rows| Op::Events { rows }),
        4 => (any::<prop::sample::Index>(), prop::bool::weighted(0.85))
            .prop_map(|(pick, applied_only)| Op::Undo { pick, applied_only }),
    ]
}

#[derive(Debug, Clone, PartialEq)]
struct ModelLead {
    email: String,
    values: [Option<String>; 3],
    added_by: i64,
}

/// An event as compared: (lead, type, day of March 2026, import).
type ObservedEvent = (i64, String, u32, i64);

#[derive(Debug, Default)]
struct ModelImport {
    file_name: String,
    undone: bool,
    added: BTreeSet<i64>,
    /// (lead, field index) → the value before this import (the first one).
    changes: BTreeMap<(i64, usize), Option<String>>,
}

/// What the workspace must hold: leads by id, events, and every import.
#[derive(Debug, Default)]
struct Model {
    leads: BTreeMap<i64, ModelLead>,
    /// (lead, type, day, import)
    events: Vec<(i64, &'static str, u32, i64)>,
    /// The id the next new lead gets: ids are never reused.
    next_lead_id: i64,
    /// Import #n is `imports[n - 1]`.
    imports: Vec<ModelImport>,
}

impl Model {
    fn find(&self, email: &str) -> Option<i64> {
        self.leads
            .iter()
            .find(|(_, lead)| lead.email == email)
            .map(|(id, _)| *id)
    }

    fn add_lead(&mut self, email: &str, values: [Option<&str>; 3], by: i64) {
        self.next_lead_id += 1;
        self.leads.insert(
            self.next_lead_id,
            ModelLead {
                email: email.to_owned(),
                values: values.map(|v| v.map(str::to_owned)),
                added_by: by,
            },
        );
    }

    fn import_leads(&mut self, name: &str, policy: OnMatch, rows: &[LeadRow]) -> ImportCounts {
        let id = self.imports.len() as i64 + 1;
        let mut record = ModelImport {
            file_name: name.to_owned(),
            ..ModelImport::default()
        };
        let mut counts = ImportCounts {
            rows: rows.len() as u64,
            ..ImportCounts::default()
        };
        let mut touched = BTreeSet::new();
        for row in rows {
            let email = EMAILS[row.email];
            let Some(lead_id) = self.find(email) else {
                self.add_lead(email, row.values, id);
                record.added.insert(self.next_lead_id);
                counts.inserted += 1;
                continue;
            };
            let lead = self.leads.get_mut(&lead_id).unwrap();
            let added_here = lead.added_by == id;
            let duplicate = added_here || !touched.insert(lead_id);
            if policy != OnMatch::Skip {
                for (field, new) in row.values.iter().enumerate() {
                    let Some(new) = new else { continue };
                    let old = &lead.values[field];
                    let writes = match policy {
                        OnMatch::Update => old.as_deref() != Some(*new),
                        _ => old.is_none(),
                    };
                    if writes {
                        if !added_here {
                            record
                                .changes
                                .entry((lead_id, field))
                                .or_insert_with(|| old.clone());
                        }
                        lead.values[field] = Some((*new).to_owned());
                    }
                }
            }
            match (duplicate, policy) {
                (true, _) => counts.merged += 1,
                (false, OnMatch::Skip) => counts.skipped += 1,
                (false, _) => counts.updated += 1,
            }
        }
        self.imports.push(record);
        counts
    }

    fn import_events(&mut self, name: &str, rows: &[EventRow]) -> ImportCounts {
        let id = self.imports.len() as i64 + 1;
        let mut record = ModelImport {
            file_name: name.to_owned(),
            ..ModelImport::default()
        };
        let mut counts = ImportCounts {
            rows: rows.len() as u64,
            ..ImportCounts::default()
        };
        for row in rows {
            if row.event_type == "---" {
                counts.rejected += 1;
                continue;
            }
            let email = EMAILS[row.email];
            let lead_id = match self.find(email) {
                Some(lead_id) => lead_id,
                None => {
                    self.add_lead(email, [None; 3], id);
                    record.added.insert(self.next_lead_id);
                    counts.leads_created += 1;
                    self.next_lead_id
                }
            };
            self.events.push((lead_id, row.event_type, row.day, id));
            counts.inserted += 1;
        }
        self.imports.push(record);
        counts
    }

    /// The imports an undo of `id` waits for, or why there is no undo.
    fn undo(&mut self, id: i64) -> Result<(u64, u64, u64), Vec<i64>> {
        let index = id as usize - 1;
        let Some(target) = self.imports.get(index).filter(|i| !i.undone) else {
            return Err(Vec::new());
        };
        let mut blockers = BTreeSet::new();
        for (other_index, other) in self.imports.iter().enumerate() {
            let other_id = other_index as i64 + 1;
            if other.undone || other_id == id {
                continue;
            }
            let changed_added = other
                .changes
                .keys()
                .any(|(lead, _)| target.added.contains(lead));
            let events_on_added = self
                .events
                .iter()
                .any(|(lead, _, _, by)| *by == other_id && target.added.contains(lead));
            let same_values = other_id > id
                && other
                    .changes
                    .keys()
                    .any(|key| target.changes.contains_key(key));
            if changed_added || events_on_added || same_values {
                blockers.insert(other_id);
            }
        }
        if !blockers.is_empty() {
            return Err(blockers.into_iter().collect());
        }
        let target = &mut self.imports[index];
        target.undone = true;
        let added = std::mem::take(&mut target.added);
        let changes = std::mem::take(&mut target.changes);
        let events_before = self.events.len();
        self.events.retain(|(_, _, _, by)| *by != id);
        let events_removed = (events_before - self.events.len()) as u64;
        for lead in &added {
            self.leads.remove(lead);
        }
        for ((lead, field), old) in &changes {
            self.leads.get_mut(lead).unwrap().values[*field] = old.clone();
        }
        Ok((added.len() as u64, events_removed, changes.len() as u64))
    }
}

/// The workspace as the model sees it.
fn observed(ws: &Workspace) -> (BTreeMap<i64, ModelLead>, Vec<ObservedEvent>) {
    let leads = ws
        .conn()
        .prepare(
            "SELECT l.id, l.email_key, l.first_name, l.company,
                    (SELECT cv.value FROM custom_values cv JOIN fields f ON f.id = cv.field_id
                      WHERE f.key = 'plan_tier' AND cv.lead_id = l.id),
                    l.import_id
             FROM leads l ORDER BY l.id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                ModelLead {
                    email: r.get(1)?,
                    values: [r.get(2)?, r.get(3)?, r.get(4)?],
                    added_by: r.get(5)?,
                },
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut events: Vec<ObservedEvent> = ws
        .conn()
        .prepare("SELECT lead_id, type, occurred_at, import_id FROM events")
        .unwrap()
        .query_map([], |r| {
            let at: i64 = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, day_of(at), r.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    events.sort();
    (leads, events)
}

fn day_of(seconds: i64) -> u32 {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| chrono::Datelike::day(&t))
        .unwrap_or(0)
}

/// Everything an undo must put back exactly, row for row.
fn snapshot(ws: &Workspace) -> Vec<Vec<Vec<Value>>> {
    [
        "SELECT * FROM leads ORDER BY id",
        "SELECT * FROM custom_values ORDER BY field_id, lead_id",
        "SELECT * FROM events ORDER BY id",
        "SELECT * FROM import_changes ORDER BY import_id, lead_id, field_key",
    ]
    .iter()
    .map(|sql| {
        let mut statement = ws.conn().prepare(sql).unwrap();
        let width = statement.column_count();
        statement
            .query_map([], |r| (0..width).map(|i| r.get(i)).collect())
            .unwrap()
            .map(Result::unwrap)
            .collect()
    })
    .collect()
}

fn lead_file(dir: &Path, name: &str, rows: &[LeadRow]) -> std::path::PathBuf {
    let mut text = String::from("email,first_name,company,plan_tier\n");
    for row in rows {
        let cells: Vec<&str> = row.values.iter().map(|v| v.unwrap_or("")).collect();
        text.push_str(&format!("{},{}\n", EMAILS[row.email], cells.join(",")));
    }
    write(dir, name, &text)
}

fn event_file(dir: &Path, name: &str, rows: &[EventRow]) -> std::path::PathBuf {
    let mut text = String::from("email,event,timestamp\n");
    for row in rows {
        text.push_str(&format!(
            "{},{},2026-03-0{}T10:00:00Z\n",
            EMAILS[row.email], row.event_type, row.day
        ));
    }
    write(dir, name, &text)
}

fn spec(ws: &Workspace, file: &Path, kind: ImportKind, policy: OnMatch) -> ImportSpec {
    let mut spec = suggested(ws, file, Some(kind));
    let targets = match kind {
        ImportKind::Leads => FIELDS
            .iter()
            .map(|key| ColumnTarget::Field {
                key: (*key).to_owned(),
            })
            .collect::<Vec<_>>(),
        ImportKind::Events => vec![ColumnTarget::EventType, ColumnTarget::EventTime],
    };
    spec.columns[0].target = match kind {
        ImportKind::Leads => ColumnTarget::Field {
            key: "email".into(),
        },
        ImportKind::Events => ColumnTarget::EventLeadEmail,
    };
    for (column, target) in spec.columns[1..].iter_mut().zip(targets) {
        column.target = target;
    }
    spec.match_key = MatchKey::Email;
    spec.on_match = policy;
    spec.null_tokens.clear();
    spec.unknown_leads = UnknownLeads::Create;
    spec
}

fn check_sequence(ops: &[Op]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    fields::add_custom(
        ws.conn(),
        &NewField {
            key: "plan_tier",
            label: "Plan tier",
            field_type: FieldType::Text,
            origin: Origin::Explicit,
            category: Category::Firmographic,
        },
    )
    .unwrap();
    let mut model = Model::default();
    // Import #n: the workspace before it, while that is still what undoing
    // every import from #n on must give back.
    let mut before: BTreeMap<i64, Option<Vec<Vec<Vec<Value>>>>> = BTreeMap::new();
    for (step, op) in ops.iter().enumerate() {
        let name = format!("step{step}.csv");
        match op {
            Op::Leads {
                policy,
                dry_run,
                rows,
            } => {
                let file = lead_file(dir.path(), &name, rows);
                let spec = spec(&ws, &file, ImportKind::Leads, *policy);
                let state = snapshot(&ws);
                let report = run(&mut ws, &file, &spec, *dry_run).unwrap();
                if *dry_run {
                    let mut scratch = Model {
                        leads: model.leads.clone(),
                        next_lead_id: model.next_lead_id,
                        imports: (0..model.imports.len())
                            .map(|_| ModelImport::default())
                            .collect(),
                        events: Vec::new(),
                    };
                    let expected = scratch.import_leads(&name, *policy, rows);
                    prop_assert_eq!(&report.counts, &expected, "dry run, step {}", step);
                    prop_assert_eq!(&snapshot(&ws), &state, "a dry run changes nothing");
                } else {
                    let expected = model.import_leads(&name, *policy, rows);
                    prop_assert_eq!(&report.counts, &expected, "step {}", step);
                    prop_assert_eq!(report.import_id, Some(model.imports.len() as i64));
                    before.insert(model.imports.len() as i64, Some(state));
                }
            }
            Op::Events { rows } => {
                let file = event_file(dir.path(), &name, rows);
                let spec = spec(&ws, &file, ImportKind::Events, OnMatch::Update);
                let state = snapshot(&ws);
                let report = run(&mut ws, &file, &spec, false).unwrap();
                let expected = model.import_events(&name, rows);
                prop_assert_eq!(&report.counts, &expected, "step {}", step);
                before.insert(model.imports.len() as i64, Some(state));
            }
            Op::Undo { pick, applied_only } => {
                let applied: Vec<i64> = (1..=model.imports.len() as i64)
                    .filter(|id| !model.imports[*id as usize - 1].undone)
                    .collect();
                let id = if *applied_only && !applied.is_empty() {
                    applied[pick.index(applied.len())]
                } else {
                    // Also undone imports and, before the first, one that does not exist.
                    pick.index(model.imports.len().max(1)) as i64 + 1
                };
                let state = snapshot(&ws);
                let result = history::undo(&mut ws, id);
                match (model.undo(id), result) {
                    (Ok((leads, events, values)), Ok(summary)) => {
                        prop_assert_eq!(
                            (
                                summary.leads_removed,
                                summary.events_removed,
                                summary.values_restored
                            ),
                            (leads, events, values),
                            "undo #{}, step {}",
                            id,
                            step
                        );
                        // Older snapshots still hold this import's work.
                        for (_, snapshot) in before.range_mut(id + 1..) {
                            *snapshot = None;
                        }
                    }
                    (Err(blockers), Err(error)) => {
                        let message = error.to_string();
                        for blocker in &blockers {
                            let file = &model.imports[*blocker as usize - 1].file_name;
                            let named = format!("import #{blocker} of {file} on ");
                            prop_assert!(
                                message.contains(&named),
                                "undo #{} names {}: {}",
                                id,
                                named,
                                message
                            );
                        }
                        prop_assert!(
                            message.contains("undo") || message.contains("does not exist")
                        );
                        prop_assert_eq!(&snapshot(&ws), &state, "a refused undo changes nothing");
                    }
                    (expected, actual) => {
                        return Err(TestCaseError::fail(format!(
                            "undo #{id} at step {step}: the model says {expected:?}, the workspace {:?}",
                            actual.map_err(|e| e.to_string())
                        )));
                    }
                }
            }
        }
        let (leads, events) = observed(&ws);
        prop_assert_eq!(&leads, &model.leads, "leads after step {}: {:?}", step, op);
        let mut expected_events: Vec<ObservedEvent> = model
            .events
            .iter()
            .map(|(lead, kind, day, by)| (*lead, (*kind).to_owned(), *day, *by))
            .collect();
        expected_events.sort();
        prop_assert_eq!(&events, &expected_events, "events after step {}", step);
        // Every import from #first on is undone: the workspace is what it was.
        let first_undone_run = (1..=model.imports.len() as i64)
            .rev()
            .take_while(|id| model.imports[*id as usize - 1].undone)
            .last();
        if let Some(first) = first_undone_run {
            if let Some(Some(expected)) = before.get(&first) {
                prop_assert_eq!(&snapshot(&ws), expected, "undone back to #{}", first);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn import_and_undo_in_any_order_match_the_model(ops in prop::collection::vec(op(), 1..20)) {
        check_sequence(&ops)?;
    }
}
