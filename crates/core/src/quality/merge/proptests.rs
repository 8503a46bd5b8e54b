//! Property test of merges and their undo among imports and normalisations:
//! random sequences of small lead imports (CSV text through the import),
//! event imports, merges of random pairs (with random picks),
//! normalisations (a fix setting one value) and undos of random changes.
//!
//! The oracle replays: after every successful undo, the workspace (leads by
//! e-mail with all their values, custom values included, and each lead's
//! events) equals a fresh workspace into which the changes still applied
//! were replayed from scratch, in order. A merge is replayed as what it
//! decided: each field taken from the same lead (by e-mail) as the first
//! time. A refused undo changes nothing at all (every table compared). And
//! undos must succeed in a good share of the attempts, so that refusals
//! cannot make the property hold vacuously.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rusqlite::types::Value;

use super::*;
use crate::fields::{Category, NewField, Origin};
use crate::import::apply::{run_import, ImportControl};
use crate::import::history;
use crate::import::inspect::inspect;
use crate::import::spec::{ColumnTarget, ImportKind, MatchKey, OnMatch, UnknownLeads};

const NAMES: [&str; 3] = ["Ann", "Bo", "Cy"];
const COMPANIES: [&str; 3] = ["Acme", "Globex", "Initech"];
const TIERS: [&str; 2] = ["gold", "silver"];
const EVENT_TYPES: [&str; 2] = ["page_view", "download"];
/// The fields the test writes and compares (`plan_tier` is custom).
const FIELDS: [&str; 3] = ["first_name", "company", "plan_tier"];

#[derive(Debug, Clone)]
enum Op {
    /// New leads, one per row: (name, company, tier), each maybe empty.
    Leads(Vec<[Option<usize>; 3]>),
    /// Events on existing leads: (lead pick, type, day).
    Events(Vec<(prop::sample::Index, usize, u32)>),
    Merge {
        survivor: prop::sample::Index,
        merged: prop::sample::Index,
        /// Per field, maybe pick the merged lead's value (true) or the
        /// survivor's (false).
        picks: [Option<bool>; 3],
    },
    Normalise {
        lead: prop::sample::Index,
        field: usize,
        value: Option<usize>,
    },
    Undo(prop::sample::Index),
}

fn op() -> impl Strategy<Value = Op> {
    let value = || prop::option::of(0..3usize);
    prop_oneof![
        3 => prop::collection::vec([value(), value(), prop::option::of(0..2usize)], 1..4)
            .prop_map(Op::Leads),
        2 => prop::collection::vec((any::<prop::sample::Index>(), 0..2usize, 1..5u32), 1..4)
            .prop_map(Op::Events),
        3 => (
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
            [prop::option::of(any::<bool>()), prop::option::of(any::<bool>()), prop::option::of(any::<bool>())],
        )
            .prop_map(|(survivor, merged, picks)| Op::Merge { survivor, merged, picks }),
        2 => (any::<prop::sample::Index>(), 0..3usize, prop::option::of(0..2usize))
            .prop_map(|(lead, field, value)| Op::Normalise { lead, field, value }),
        4 => any::<prop::sample::Index>().prop_map(Op::Undo),
    ]
}

/// A change as it is replayed: leads and events by e-mail.
#[derive(Debug, Clone)]
enum Change {
    Leads(String),
    Events(String),
    Merge {
        survivor: String,
        merged: String,
        /// Field key → the e-mail of the lead whose value was taken.
        sources: BTreeMap<String, String>,
    },
    Normalise {
        email: String,
        field: &'static str,
        value: Value,
    },
    /// A normalisation that found the value already as asked: it changed
    /// nothing, so nothing depends on it and nothing is replayed.
    Nothing,
}

/// Leads by e-mail: the compared values and the lead's events (type, time).
type State = BTreeMap<String, (Vec<Value>, Vec<(String, i64)>)>;

struct Sandbox {
    dir: tempfile::TempDir,
    ws: Workspace,
    files: u32,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(dir.path().join("model.leadstream")).unwrap();
        fields::add_custom(
            ws.conn(),
            &NewField {
                key: "plan_tier",
                label: "Plan tier",
                field_type: fields::FieldType::Text,
                origin: Origin::Explicit,
                category: Category::Firmographic,
            },
        )
        .unwrap();
        Sandbox { dir, ws, files: 0 }
    }

    fn id_of(&self, email: &str) -> i64 {
        self.ws
            .conn()
            .query_row("SELECT id FROM leads WHERE email = ?1", [email], |r| {
                r.get(0)
            })
            .unwrap()
    }

    fn emails(&self) -> Vec<String> {
        let mut statement = self
            .ws
            .conn()
            .prepare("SELECT email FROM leads ORDER BY id")
            .unwrap();
        statement
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn import(&mut self, kind: ImportKind, text: &str) -> i64 {
        self.files += 1;
        let path = self.dir.path().join(format!("file{}.csv", self.files));
        std::fs::write(&path, text).unwrap();
        let spec = spec_for(&self.ws, &path, kind);
        let cancel = AtomicBool::new(false);
        let mut progress = |_: &_| {};
        run_import(
            &mut self.ws,
            &path,
            &spec,
            false,
            ImportControl {
                cancel: &cancel,
                progress: &mut progress,
            },
        )
        .unwrap();
        history::list(&self.ws).unwrap()[0].id
    }

    /// Returns the fix's id and whether it changed the value.
    fn normalise(&mut self, email: &str, field: &str, value: &Value) -> (i64, bool) {
        let lead = self.id_of(email);
        let tx = self.ws.conn_mut().unwrap().transaction().unwrap();
        let mut fix = fixes::begin(
            &tx,
            ChangeKind::Normalise,
            "Normalise",
            serde_json::json!({}),
        )
        .unwrap();
        let changed = fix.set_value(lead, field, value).unwrap();
        let id = fix.finish().unwrap().change_id;
        tx.commit().unwrap();
        (id, changed)
    }

    /// Replays a change.
    fn replay(&mut self, change: &Change) {
        match change {
            Change::Nothing => {}
            Change::Leads(text) => {
                self.import(ImportKind::Leads, text);
            }
            Change::Events(text) => {
                self.import(ImportKind::Events, text);
            }
            Change::Normalise {
                email,
                field,
                value,
            } => {
                self.normalise(email, field, value);
            }
            Change::Merge {
                survivor,
                merged,
                sources,
            } => {
                let picks: Picks = sources
                    .iter()
                    .map(|(key, email)| (key.clone(), self.id_of(email)))
                    .collect();
                let (survivor, merged) = (self.id_of(survivor), self.id_of(merged));
                merge(&mut self.ws, survivor, &[merged], &picks).unwrap();
            }
        }
    }

    /// Leads by e-mail: the compared fields and their events (type, time).
    fn state(&self) -> State {
        let mut state = BTreeMap::new();
        for email in self.emails() {
            let id = self.id_of(&email);
            let tx = self.ws.conn().unchecked_transaction().unwrap();
            let values = FIELDS
                .iter()
                .map(|key| {
                    let field = merge_fields(&tx)
                        .unwrap()
                        .into_iter()
                        .find(|f| f.key == *key)
                        .unwrap();
                    value_of(&tx, &field, id).unwrap()
                })
                .collect();
            drop(tx);
            let mut statement = self
                .ws
                .conn()
                .prepare("SELECT type, occurred_at FROM events WHERE lead_id = ?1")
                .unwrap();
            let mut events: Vec<(String, i64)> = statement
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            events.sort();
            state.insert(email, (values, events));
        }
        state
    }

    /// Every row of every table a change touches.
    fn tables(&self) -> Vec<Vec<Vec<Value>>> {
        [
            "SELECT * FROM leads ORDER BY id",
            "SELECT * FROM custom_values ORDER BY field_id, lead_id",
            "SELECT * FROM events ORDER BY id",
            "SELECT * FROM import_changes ORDER BY import_id, lead_id, field_key",
            "SELECT * FROM lead_merges ORDER BY fix_id, merged_id",
            "SELECT id, undone_at FROM imports ORDER BY id",
        ]
        .iter()
        .map(|sql| {
            let mut statement = self.ws.conn().prepare(sql).unwrap();
            let width = statement.column_count();
            statement
                .query_map([], |r| (0..width).map(|i| r.get(i)).collect())
                .unwrap()
                .map(Result::unwrap)
                .collect()
        })
        .collect()
    }
}

fn spec_for(ws: &Workspace, path: &Path, kind: ImportKind) -> crate::import::spec::ImportSpec {
    let inspection = inspect(ws, path, None, Some(kind)).unwrap();
    let mut spec = crate::import::spec::ImportSpec {
        kind,
        format: inspection.format,
        columns: inspection.columns.into_iter().map(|c| c.mapping).collect(),
        match_key: MatchKey::Email,
        on_match: OnMatch::Update,
        null_tokens: Vec::new(),
        unknown_leads: UnknownLeads::Create,
    };
    let targets: Vec<ColumnTarget> = match kind {
        ImportKind::Leads => std::iter::once("email")
            .chain(FIELDS)
            .map(|key| ColumnTarget::Field { key: key.into() })
            .collect(),
        ImportKind::Events => vec![
            ColumnTarget::EventLeadEmail,
            ColumnTarget::EventType,
            ColumnTarget::EventTime,
        ],
    };
    for (column, target) in spec.columns.iter_mut().zip(targets) {
        column.target = target;
    }
    spec
}

/// How the run went, over all cases.
#[derive(Default)]
struct Tally {
    undos: Cell<u32>,
    undone: Cell<u32>,
    merges_undone: Cell<u32>,
}

fn run_case(ops: &[Op], tally: &Tally) -> std::result::Result<(), TestCaseError> {
    let mut real = Sandbox::new();
    // Change id → the change, for every change made (undone or not).
    let mut changes: BTreeMap<i64, Change> = BTreeMap::new();
    let mut applied: Vec<i64> = Vec::new();
    let mut next_email = 0;
    for op in ops {
        let emails = real.emails();
        match op {
            Op::Leads(rows) => {
                let mut text = String::from("email,first_name,company,plan_tier\n");
                for [name, company, tier] in rows {
                    next_email += 1;
                    text.push_str(&format!(
                        "p{next_email}@x.example,{},{},{}\n",
                        name.map_or("", |i| NAMES[i]),
                        company.map_or("", |i| COMPANIES[i]),
                        tier.map_or("", |i| TIERS[i]),
                    ));
                }
                let id = real.import(ImportKind::Leads, &text);
                changes.insert(id, Change::Leads(text));
                applied.push(id);
            }
            Op::Events(rows) => {
                if emails.is_empty() {
                    continue;
                }
                let mut text = String::from("email,event,timestamp\n");
                for (lead, kind, day) in rows {
                    text.push_str(&format!(
                        "{},{},2026-03-0{day}T10:00:00Z\n",
                        lead.get(&emails),
                        EVENT_TYPES[*kind]
                    ));
                }
                let id = real.import(ImportKind::Events, &text);
                changes.insert(id, Change::Events(text));
                applied.push(id);
            }
            Op::Normalise { lead, field, value } => {
                if emails.is_empty() {
                    continue;
                }
                let email = lead.get(&emails).clone();
                let field = FIELDS[*field];
                let value = match value {
                    Some(i) => Value::Text(["Acme Inc", "Zed"][*i].into()),
                    None => Value::Null,
                };
                let (id, changed) = real.normalise(&email, field, &value);
                let change = if changed {
                    Change::Normalise {
                        email,
                        field,
                        value,
                    }
                } else {
                    Change::Nothing
                };
                changes.insert(id, change);
                applied.push(id);
            }
            Op::Merge {
                survivor,
                merged,
                picks,
            } => {
                if emails.len() < 2 {
                    continue;
                }
                let survivor_email = survivor.get(&emails).clone();
                let mut merged_email = merged.get(&emails).clone();
                if merged_email == survivor_email {
                    let at = emails.iter().position(|e| *e == survivor_email).unwrap();
                    merged_email = emails[(at + 1) % emails.len()].clone();
                }
                let (survivor_id, merged_id) =
                    (real.id_of(&survivor_email), real.id_of(&merged_email));
                let chosen: Picks = FIELDS
                    .iter()
                    .zip(picks)
                    .filter_map(|(key, pick)| {
                        pick.map(|m| ((*key).to_owned(), if m { merged_id } else { survivor_id }))
                    })
                    .collect();
                let preview = preview(&real.ws, survivor_id, &[merged_id], &chosen).unwrap();
                // What the merge decided, by e-mail: a field nobody had a
                // value for is the survivor's (it keeps whatever it has).
                let sources: BTreeMap<String, String> = preview
                    .fields
                    .iter()
                    .filter(|f| f.pickable)
                    .map(|f| {
                        let from = match f.chosen_lead {
                            Some(id) if id == merged_id => merged_email.clone(),
                            _ => survivor_email.clone(),
                        };
                        (f.key.clone(), from)
                    })
                    .collect();
                let outcome = merge(&mut real.ws, survivor_id, &[merged_id], &chosen).unwrap();
                changes.insert(
                    outcome.change_id,
                    Change::Merge {
                        survivor: survivor_email,
                        merged: merged_email,
                        sources,
                    },
                );
                applied.push(outcome.change_id);
            }
            Op::Undo(pick) => {
                if applied.is_empty() {
                    continue;
                }
                let target = *pick.get(&applied);
                tally.undos.set(tally.undos.get() + 1);
                let before = real.tables();
                match history::undo(&mut real.ws, target) {
                    Err(Error::UndoRefused { .. }) => {
                        prop_assert_eq!(
                            real.tables(),
                            before,
                            "a refused undo of {} changed something",
                            target
                        );
                    }
                    Err(other) => {
                        return Err(TestCaseError::fail(format!("undo {target}: {other}")))
                    }
                    Ok(_) => {
                        tally.undone.set(tally.undone.get() + 1);
                        if matches!(changes.get(&target), Some(Change::Merge { .. })) {
                            tally.merges_undone.set(tally.merges_undone.get() + 1);
                        }
                        applied.retain(|id| *id != target);
                        let mut replayed = Sandbox::new();
                        for id in &applied {
                            replayed.replay(&changes[id]);
                        }
                        prop_assert_eq!(
                            real.state(),
                            replayed.state(),
                            "after undoing {} of {:?}",
                            target,
                            changes
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

#[test]
fn undo_in_any_order_equals_replaying_the_changes_still_applied() {
    let tally = Tally::default();
    let mut runner = TestRunner::new(Config {
        cases: 160,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(op(), 6..20), |ops| {
            run_case(&ops, &tally)
        })
        .unwrap();
    let (undos, undone) = (tally.undos.get(), tally.undone.get());
    eprintln!(
        "{undone} of {undos} undos succeeded, {} of them of merges",
        tally.merges_undone.get()
    );
    assert!(undos > 50, "only {undos} undos were tried");
    assert!(
        undone * 10 >= undos * 4,
        "only {undone} of {undos} undos succeeded: refusals make the property vacuous"
    );
    assert!(
        tally.merges_undone.get() >= 10,
        "only {} merges were undone",
        tally.merges_undone.get()
    );
}

#[cfg(test)]
mod regressions;
