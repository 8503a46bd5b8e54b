//! Marking addresses as not sendable: the leads whose address is invalid, a
//! role address (info@, sales@), at a disposable domain, or hard-bounced,
//! or leads the user picks, get `do_not_email = 1`, the admin suppression
//! flag (Pardot's "Do Not Email"); the lead's consent, `email_opt_in`, is
//! left alone. Leads already marked are not counted. One fix in the change
//! history, undoable like an import.
//!
//! What counts as invalid, a role address, disposable or hard-bounced is the
//! quality report's (`quality::report::emails`), so the report's counts and
//! what this marks are the same leads.

use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::import::history::ChangeKind;
use crate::quality::fixes::{self, FixOutcome};
use crate::quality::report::emails;
use crate::store::tables::field_values::{self, Sendability};
use crate::store::tables::quality as stored_quality;
use crate::{Error, Result, Workspace};

const SAMPLE_SIZE: usize = 20;

/// Why an address is not sendable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UnsendableReason {
    /// Not an e-mail address (syntax).
    Invalid,
    /// A role address: info@, sales@, support@...
    Role,
    /// At a disposable domain (mailinator.com...).
    Disposable,
    /// At least one hard bounce.
    HardBounce,
    /// Picked by the user.
    Chosen,
}

impl UnsendableReason {
    /// How the reason is named in titles and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            UnsendableReason::Invalid => "invalid",
            UnsendableReason::Role => "role",
            UnsendableReason::Disposable => "disposable",
            UnsendableReason::HardBounce => "hard-bounce",
            UnsendableReason::Chosen => "chosen",
        }
    }
}

/// What to mark: the leads with any of `reasons`, and the leads `lead_ids`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Unsendable {
    #[serde(default)]
    pub reasons: Vec<UnsendableReason>,
    #[serde(default)]
    #[ts(type = "Array<number>")]
    pub lead_ids: Vec<i64>,
}

/// How many leads one reason marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnsendableCount {
    pub reason: UnsendableReason,
    /// Leads not yet marked that this reason would mark.
    #[ts(type = "number")]
    pub leads: u64,
    /// Leads with this reason already marked.
    #[ts(type = "number")]
    pub already_marked: u64,
}

/// A lead the preview names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnsendableLead {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub reasons: Vec<UnsendableReason>,
}

/// What marking would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnsendablePreview {
    pub title: String,
    /// Leads that would be marked (not marked yet).
    #[ts(type = "number")]
    pub leads_to_mark: u64,
    /// Leads that match but are already marked.
    #[ts(type = "number")]
    pub already_marked: u64,
    pub by_reason: Vec<UnsendableCount>,
    /// The first leads to mark, by id.
    pub sample: Vec<UnsendableLead>,
}

/// The reasons among `asked` that lead `lead` has.
fn reasons_of(
    lead: &Sendability,
    asked: &BTreeSet<UnsendableReason>,
    hard_bounced: &HashSet<i64>,
    chosen: &HashSet<i64>,
) -> Vec<UnsendableReason> {
    let verdict = emails::check(lead.email.as_deref());
    asked
        .iter()
        .copied()
        .filter(|reason| match reason {
            UnsendableReason::Invalid => verdict.invalid,
            UnsendableReason::Role => verdict.role,
            UnsendableReason::Disposable => verdict.disposable,
            UnsendableReason::HardBounce => hard_bounced.contains(&lead.id),
            UnsendableReason::Chosen => chosen.contains(&lead.id),
        })
        .collect()
}

struct Matched {
    lead: Sendability,
    reasons: Vec<UnsendableReason>,
}

/// Every lead matching `what`, by id, with its reasons.
fn matching(conn: &Connection, what: &Unsendable) -> Result<Vec<Matched>> {
    let mut asked: BTreeSet<UnsendableReason> = what.reasons.iter().copied().collect();
    if !what.lead_ids.is_empty() {
        asked.insert(UnsendableReason::Chosen);
    }
    if asked.is_empty() {
        return Err(Error::InvalidArgument(
            "say which addresses to mark: a reason (invalid, role, disposable, hard-bounce) or leads"
                .into(),
        ));
    }
    let chosen: HashSet<i64> = what.lead_ids.iter().copied().collect();
    let hard_bounced: HashSet<i64> = if asked.contains(&UnsendableReason::HardBounce) {
        stored_quality::hard_bounced_leads(
            conn,
            emails::BOUNCE_EVENT_TYPES,
            emails::HARD_BOUNCE_EVENT_TYPES,
        )?
        .into_iter()
        .collect()
    } else {
        HashSet::new()
    };
    let leads = field_values::sendability(conn)?;
    let known: HashSet<i64> = leads.iter().map(|lead| lead.id).collect();
    if let Some(missing) = what.lead_ids.iter().find(|id| !known.contains(id)) {
        return Err(Error::NotFound {
            what: "lead",
            key: missing.to_string(),
        });
    }
    Ok(leads
        .into_iter()
        .filter_map(|lead| {
            let reasons = reasons_of(&lead, &asked, &hard_bounced, &chosen);
            (!reasons.is_empty()).then_some(Matched { lead, reasons })
        })
        .collect())
}

fn title_of(what: &Unsendable) -> String {
    let mut reasons: BTreeSet<UnsendableReason> = what.reasons.iter().copied().collect();
    if !what.lead_ids.is_empty() {
        reasons.insert(UnsendableReason::Chosen);
    }
    let names: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
    format!("Mark not sendable: {}", names.join(", "))
}

/// What marking `what` as not sendable would do now.
pub fn preview_unsendable(workspace: &Workspace, what: &Unsendable) -> Result<UnsendablePreview> {
    let conn = workspace.conn();
    let matched = matching(conn, what)?;
    let mut counts: HashMap<UnsendableReason, (u64, u64)> = HashMap::new();
    for found in &matched {
        for reason in &found.reasons {
            let entry = counts.entry(*reason).or_default();
            if found.lead.do_not_email {
                entry.1 += 1;
            } else {
                entry.0 += 1;
            }
        }
    }
    let mut by_reason: Vec<UnsendableCount> = counts
        .into_iter()
        .map(|(reason, (leads, already_marked))| UnsendableCount {
            reason,
            leads,
            already_marked,
        })
        .collect();
    by_reason.sort_by_key(|count| count.reason);
    let to_mark: Vec<&Matched> = matched.iter().filter(|m| !m.lead.do_not_email).collect();
    let sample_ids: Vec<i64> = to_mark
        .iter()
        .take(SAMPLE_SIZE)
        .map(|m| m.lead.id)
        .collect();
    let names: HashMap<i64, String> = field_values::lead_labels(conn, &sample_ids)?
        .into_iter()
        .map(|label| (label.id, label.name))
        .collect();
    let sample = to_mark
        .iter()
        .take(SAMPLE_SIZE)
        .map(|m| UnsendableLead {
            lead_id: m.lead.id,
            name: names.get(&m.lead.id).cloned().unwrap_or_default(),
            email: m.lead.email.clone(),
            reasons: m.reasons.clone(),
        })
        .collect();
    Ok(UnsendablePreview {
        title: title_of(what),
        leads_to_mark: to_mark.len() as u64,
        already_marked: (matched.len() - to_mark.len()) as u64,
        by_reason,
        sample,
    })
}

/// Marks the matching leads not yet marked as "do not email", as one fix
/// in the change history. The caller then runs
/// `workspace.after_data_change(DataChange::Import)`. Refused when no lead
/// would change.
///
/// The fix changes `do_not_email` and nothing else, so what the workspace
/// derived from everything else stays (see [`super::apply`]).
pub fn mark_unsendable(workspace: &mut Workspace, what: &Unsendable) -> Result<FixOutcome> {
    crate::segments::writing_fields(workspace, &[MARKED_FIELD], |conn| mark_on(conn, what))
}

/// The one field the fix writes.
const MARKED_FIELD: &str = "do_not_email";

/// [`mark_unsendable`] on the connection `conn`.
fn mark_on(conn: &mut Connection, what: &Unsendable) -> Result<FixOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let to_mark: Vec<i64> = matching(&tx, what)?
        .into_iter()
        .filter(|m| !m.lead.do_not_email)
        .map(|m| m.lead.id)
        .collect();
    if to_mark.is_empty() {
        return Err(Error::InvalidArgument(
            "no address to mark: every matching lead is already marked not sendable".into(),
        ));
    }
    let spec = serde_json::to_value(what)?;
    let mut fix = fixes::begin(&tx, ChangeKind::Unsendable, &title_of(what), spec)?;
    for lead_id in to_mark {
        fix.set_value(lead_id, MARKED_FIELD, &Value::Integer(1))?;
    }
    let outcome = fix.finish()?;
    tx.commit()?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::history;

    fn workspace() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(
                "INSERT INTO leads (id, email, created_at, updated_at, do_not_email, email_opt_in)
                 VALUES (1, 'ann@acme.example', 0, 0, 0, 1),
                        (2, 'info@acme.example', 0, 0, 0, 1),
                        (3, 'x@mailinator.com', 0, 0, NULL, NULL),
                        (4, 'not an address', 0, 0, 0, 1),
                        (5, 'Sales+eu@acme.example', 0, 0, 1, 1),
                        (6, 'bob@acme.example', 0, 0, 0, 1),
                        (7, NULL, 0, 0, 0, NULL);
                 INSERT INTO events (lead_id, type, occurred_at, properties)
                 VALUES (6, 'email_bounce', 0, '{\"bounce_type\":\"hard\"}'),
                        (1, 'email_bounce', 0, '{\"bounce_type\":\"soft\"}');",
            )
            .unwrap();
        ws
    }

    fn asking(reasons: &[UnsendableReason]) -> Unsendable {
        Unsendable {
            reasons: reasons.to_vec(),
            lead_ids: Vec::new(),
        }
    }

    #[test]
    fn each_reason_finds_its_leads() {
        let ws = workspace();
        let preview = preview_unsendable(
            &ws,
            &asking(&[
                UnsendableReason::Invalid,
                UnsendableReason::Role,
                UnsendableReason::Disposable,
                UnsendableReason::HardBounce,
            ]),
        )
        .unwrap();
        let ids: Vec<i64> = preview.sample.iter().map(|l| l.lead_id).collect();
        assert_eq!(ids, vec![2, 3, 4, 6]);
        assert_eq!((preview.leads_to_mark, preview.already_marked), (4, 1));
        let role = preview
            .by_reason
            .iter()
            .find(|c| c.reason == UnsendableReason::Role)
            .unwrap();
        assert_eq!((role.leads, role.already_marked), (1, 1));
    }

    #[test]
    fn marking_sets_do_not_email_only_and_undoes_exactly() {
        let mut ws = workspace();
        let outcome = mark_unsendable(&mut ws, &asking(&[UnsendableReason::Role])).unwrap();
        assert_eq!(outcome.leads_changed, 1);
        let flags = |ws: &Workspace| -> (Option<i64>, Option<i64>) {
            ws.conn()
                .query_row(
                    "SELECT do_not_email, email_opt_in FROM leads WHERE id = 2",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap()
        };
        assert_eq!(flags(&ws), (Some(1), Some(1)));
        let again = mark_unsendable(&mut ws, &asking(&[UnsendableReason::Role]));
        assert!(matches!(again, Err(Error::InvalidArgument(_))));
        history::undo(&mut ws, outcome.change_id).unwrap();
        assert_eq!(flags(&ws), (Some(0), Some(1)));
    }

    #[test]
    fn chosen_leads_are_marked_and_unknown_ones_refused() {
        let mut ws = workspace();
        let what = Unsendable {
            reasons: Vec::new(),
            lead_ids: vec![3],
        };
        assert_eq!(preview_unsendable(&ws, &what).unwrap().leads_to_mark, 1);
        let outcome = mark_unsendable(&mut ws, &what).unwrap();
        assert_eq!(outcome.title, "Mark not sendable: chosen");
        let unknown = Unsendable {
            reasons: Vec::new(),
            lead_ids: vec![99],
        };
        assert!(matches!(
            preview_unsendable(&ws, &unknown),
            Err(Error::NotFound { .. })
        ));
        assert!(preview_unsendable(&ws, &Unsendable::default()).is_err());
    }
}
