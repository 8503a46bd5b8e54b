//! Deterministic cases found by (or beside) the replay property test, each
//! checked against the same oracle: the undo of a merge among imports, event
//! imports and other merges, exact or refused.

use super::*;

/// Undoes `target` in `real` and checks the result against replaying
/// `applied` (the changes still applied, in order) on a fresh workspace.
fn undo_and_compare(real: &mut Sandbox, target: i64, applied: &[&Change]) {
    history::undo(&mut real.ws, target).unwrap();
    let mut replayed = Sandbox::new();
    for change in applied {
        replayed.replay(change);
    }
    assert_eq!(real.state(), replayed.state(), "after undoing {target}");
}

fn merge_all_from_survivor(survivor: &str, merged: &str) -> Change {
    Change::Merge {
        survivor: survivor.into(),
        merged: merged.into(),
        sources: BTreeMap::new(),
    }
}

/// The case the property test found (shrunk): an event the merge moved to
/// the survivor is deleted by the undo of its import, a later import's
/// event takes its id, and the undo of the merge moved that later event to
/// the merged lead.
#[test]
fn a_merge_undo_leaves_a_later_event_that_reused_a_moved_events_id() {
    let mut real = Sandbox::new();
    let leads = Change::Leads(
        "email,first_name,company,plan_tier\np1@x.example,,,\np2@x.example,,,\n".into(),
    );
    let first_events = Change::Events(
        "email,event,timestamp\np2@x.example,page_view,2026-03-01T10:00:00Z\n".into(),
    );
    let later_events = Change::Events(
        "email,event,timestamp\np1@x.example,page_view,2026-03-01T10:00:00Z\n".into(),
    );
    real.replay(&leads);
    real.replay(&first_events);
    let moved: i64 = real
        .ws
        .conn()
        .query_row("SELECT id FROM events", [], |r| r.get(0))
        .unwrap();
    let (p1, p2) = (real.id_of("p1@x.example"), real.id_of("p2@x.example"));
    let merge_id = merge(&mut real.ws, p1, &[p2], &Picks::new())
        .unwrap()
        .change_id;
    history::undo(&mut real.ws, 2).unwrap();
    real.replay(&later_events);
    let reused: i64 = real
        .ws
        .conn()
        .query_row("SELECT id FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        reused, moved,
        "the later event takes the deleted event's id"
    );
    undo_and_compare(&mut real, merge_id, &[&leads, &later_events]);
    assert_eq!(real.state()["p2@x.example"].1, Vec::new());
}

/// The brief's reading of the failure: a later events import adds to the
/// survivor an event equal to one the merge moved. Event imports do not
/// deduplicate, so both rows exist and the undo moves back only its own.
#[test]
fn a_merge_undo_keeps_a_later_event_equal_to_a_moved_one_on_the_survivor() {
    let mut real = Sandbox::new();
    let leads = Change::Leads(
        "email,first_name,company,plan_tier\np1@x.example,,,\np2@x.example,,,\n".into(),
    );
    let first_events = Change::Events(
        "email,event,timestamp\np2@x.example,page_view,2026-03-01T10:00:00Z\n".into(),
    );
    let later_events = Change::Events(
        "email,event,timestamp\np1@x.example,page_view,2026-03-01T10:00:00Z\n".into(),
    );
    real.replay(&leads);
    real.replay(&first_events);
    let (p1, p2) = (real.id_of("p1@x.example"), real.id_of("p2@x.example"));
    let merge_id = merge(&mut real.ws, p1, &[p2], &Picks::new())
        .unwrap()
        .change_id;
    real.replay(&later_events);
    assert_eq!(real.state()["p1@x.example"].1.len(), 2);
    undo_and_compare(&mut real, merge_id, &[&leads, &first_events, &later_events]);
}

/// Sibling: the undo of the events import whose event the merge moved
/// (after the merge) deletes it from the survivor; the merge's undo later
/// has nothing to move back.
#[test]
fn undoing_an_import_whose_events_a_merge_moved_then_the_merge_is_exact() {
    let mut real = Sandbox::new();
    let leads = Change::Leads(
        "email,first_name,company,plan_tier\np1@x.example,,,\np2@x.example,,,\n".into(),
    );
    let events =
        Change::Events("email,event,timestamp\np2@x.example,page_view,2026-03-01T10:00:00Z\np1@x.example,download,2026-03-02T10:00:00Z\n".into());
    real.replay(&leads);
    real.replay(&events);
    let merge_change = merge_all_from_survivor("p1@x.example", "p2@x.example");
    real.replay(&merge_change);
    undo_and_compare(&mut real, 2, &[&leads, &merge_change]);
    undo_and_compare(&mut real, 3, &[&leads]);
}

fn refusal(real: &mut Sandbox, target: i64) -> String {
    let before = real.tables();
    match history::undo(&mut real.ws, target) {
        Err(Error::UndoRefused { reason, .. }) => {
            assert_eq!(real.tables(), before, "a refused undo changed something");
            reason
        }
        other => panic!("undo {target} was not refused: {other:?}"),
    }
}

/// Sibling: a later leads import that changes, on the survivor, a value the
/// merge took from the merged lead builds on the merge (refused, naming
/// it); one that changes a value the merge left alone does not.
#[test]
fn a_later_import_that_changed_a_value_the_merge_set_blocks_its_undo() {
    let mut real = Sandbox::new();
    let leads = Change::Leads(
        "email,first_name,company,plan_tier\np1@x.example,Ann,,\np2@x.example,,Acme,gold\n".into(),
    );
    real.replay(&leads);
    let merge_change = merge_all_from_survivor("p1@x.example", "p2@x.example");
    let merge_change = match merge_change {
        Change::Merge {
            survivor, merged, ..
        } => Change::Merge {
            sources: [("company".to_owned(), merged.clone())].into(),
            survivor,
            merged,
        },
        other => other,
    };
    real.replay(&merge_change);
    let company =
        Change::Leads("email,first_name,company,plan_tier\np1@x.example,Ann,Globex,\n".into());
    real.replay(&company);
    let reason = refusal(&mut real, 2);
    assert!(reason.contains("import #3"), "{reason}");
    undo_and_compare(&mut real, 3, &[&leads, &merge_change]);
    let name = Change::Leads("email,first_name,company,plan_tier\np1@x.example,Bo,,\n".into());
    real.replay(&name);
    undo_and_compare(&mut real, 2, &[&leads, &name]);
}

/// Sibling: a later merge into the same survivor. It blocks the undo of the
/// first when it set a value the first set; otherwise both undo exactly, in
/// either order.
#[test]
fn a_later_merge_into_the_same_survivor_blocks_only_where_it_overwrote() {
    let mut real = Sandbox::new();
    let leads = Change::Leads(
        "email,first_name,company,plan_tier\np1@x.example,,,\np2@x.example,,Acme,\np3@x.example,Cy,Globex,gold\n"
            .into(),
    );
    real.replay(&leads);
    let from = |merged: &str, keys: &[&str]| Change::Merge {
        survivor: "p1@x.example".into(),
        merged: merged.into(),
        // What the merge decided for every compared field, as the property
        // test records it: the survivor's own value where not taken.
        sources: FIELDS
            .iter()
            .map(|k| {
                let from = if keys.contains(k) {
                    merged
                } else {
                    "p1@x.example"
                };
                ((*k).to_owned(), from.to_owned())
            })
            .collect(),
    };
    let first = from("p2@x.example", &["company"]);
    real.replay(&first);
    let overwriting = from("p3@x.example", &["company", "first_name"]);
    real.replay(&overwriting);
    let reason = refusal(&mut real, 2);
    assert!(reason.contains("fix #3"), "{reason}");
    undo_and_compare(&mut real, 3, &[&leads, &first]);
    let beside = from("p3@x.example", &["first_name", "plan_tier"]);
    real.replay(&beside);
    undo_and_compare(&mut real, 2, &[&leads, &beside]);
}

/// Sibling: when the merge gave the survivor the merged lead's e-mail
/// address, a later import may have found the survivor by it (without the
/// merge it would have found the merged lead): the merge's undo is refused
/// while such an import changed the survivor or added events to it.
#[test]
fn a_later_import_that_found_the_survivor_by_its_given_address_blocks_the_undo() {
    let mut real = Sandbox::new();
    real.import(
        ImportKind::Leads,
        "email,first_name,company,plan_tier\np1@x.example,Ann,,\np2@x.example,,,\n",
    );
    let (p1, p2) = (real.id_of("p1@x.example"), real.id_of("p2@x.example"));
    // The survivor has no address (as a lead imported by external id).
    real.ws
        .conn()
        .execute(
            "UPDATE leads SET email = NULL, email_key = NULL WHERE id = ?1",
            [p1],
        )
        .unwrap();
    let merge_id = merge(&mut real.ws, p1, &[p2], &Picks::new())
        .unwrap()
        .change_id;
    assert_eq!(real.id_of("p2@x.example"), p1);
    let events = real.import(
        ImportKind::Events,
        "email,event,timestamp\np2@x.example,page_view,2026-03-01T10:00:00Z\n",
    );
    let reason = refusal(&mut real, merge_id);
    assert!(reason.contains(&format!("import #{events}")), "{reason}");
    let update = real.import(
        ImportKind::Leads,
        "email,first_name,company,plan_tier\np2@x.example,,Acme,\n",
    );
    let reason = refusal(&mut real, merge_id);
    assert!(reason.contains(&format!("import #{update}")), "{reason}");
    history::undo(&mut real.ws, update).unwrap();
    history::undo(&mut real.ws, events).unwrap();
    history::undo(&mut real.ws, merge_id).unwrap();
    assert_eq!(real.id_of("p2@x.example"), p2);
    let survivor_email: Option<String> = real
        .ws
        .conn()
        .query_row("SELECT email FROM leads WHERE id = ?1", [p1], |r| r.get(0))
        .unwrap();
    assert_eq!(survivor_email, None);
}
