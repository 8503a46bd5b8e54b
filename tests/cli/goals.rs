//! `goal add|list|show|progress|delete` and `review due|record|cadence|list`
//! on a demo workspace: baselines and progress checked against `segment
//! members`, refusals that say which value is wrong, the demo's goals and
//! reviews, and a recorded review leaving the due list.

use serde_json::Value;

use crate::support::{ok, Sandbox};

const ANCHOR: &str = "2026-06-01";

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "500", "--anchor", ANCHOR]));
    sandbox
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn first_segment(sandbox: &Sandbox) -> i64 {
    let list = json(&ok(sandbox.run(&["segment", "list", "--json"])));
    let first = list.as_array().unwrap().iter().find(|s| {
        let s = s.get("segment").unwrap_or(s);
        s["name"].as_str().is_some()
    });
    let first = first.unwrap();
    first.get("segment").unwrap_or(first)["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn a_size_goal_measures_members_at_its_start_and_at_any_date() {
    let sandbox = demo();
    let id = first_segment(&sandbox);
    let at_start = sandbox.member_ids(&id.to_string(), ANCHOR).len() as f64;
    let goal = json(&ok(sandbox.run(&[
        "goal",
        "add",
        "--segment",
        &id.to_string(),
        "--metric",
        "size",
        "--target",
        &(at_start + 40.0).to_string(),
        "--start",
        ANCHOR,
        "--deadline",
        "2026-09-01",
        "--objective",
        "personalised-communication",
        "--json",
    ])));
    assert_eq!(goal["baseline"].as_f64().unwrap(), at_start);
    assert_eq!(goal["objective_label"], "Personalised communication");
    let goal_id = goal["id"].as_i64().unwrap().to_string();
    let progress = json(&ok(sandbox.run(&[
        "goal",
        "progress",
        &goal_id,
        "--as-of",
        "2026-06-15",
        "--json",
    ])));
    let members = sandbox.member_ids(&id.to_string(), "2026-06-15").len() as f64;
    assert_eq!(progress["current"].as_f64().unwrap(), members);
    // The line: 14 of 92 days from the baseline to the target.
    let expected = at_start + 40.0 * 14.0 / 92.0;
    assert!((progress["expected"].as_f64().unwrap() - expected).abs() < 1e-6);
    let trajectory = progress["trajectory"].as_array().unwrap();
    assert_eq!(trajectory.len(), 12);
    assert_eq!(trajectory[0]["date"], ANCHOR);
    assert_eq!(trajectory[11]["date"], "2026-06-15");
    let text = ok(sandbox.run(&["goal", "progress", &goal_id, "--as-of", "2026-06-15"]));
    assert!(text.contains("status"), "{text}");
    let list = json(&ok(sandbox.run(&["goal", "list", "--json"])));
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["goal"]["id"].as_i64().map(|v| v.to_string()) == Some(goal_id.clone())));
    assert!(ok(sandbox.run(&["goal", "show", &goal_id])).contains("Personalised communication"));
    ok(sandbox.run(&["goal", "delete", &goal_id]));
    let gone = sandbox.run(&["goal", "show", &goal_id]);
    assert_ne!(gone.code, 0);
}

#[test]
fn impossible_goals_are_refused_saying_which_value_and_why() {
    let sandbox = demo();
    let id = first_segment(&sandbox).to_string();
    let refused = |args: &[&str]| {
        let mut full = vec!["goal", "add", "--segment", &id];
        full.extend_from_slice(args);
        let out = sandbox.run(&full);
        assert_ne!(out.code, 0, "{args:?} should be refused");
        out.stderr
    };
    let rate = refused(&[
        "--metric",
        "conversion-rate",
        "--target",
        "120",
        "--deadline",
        "2027-01-01",
    ]);
    assert!(rate.contains("target 120 is not a rate"), "{rate}");
    let dates = refused(&[
        "--metric",
        "size",
        "--target",
        "5",
        "--start",
        "2026-06-01",
        "--deadline",
        "2026-05-01",
    ]);
    assert!(
        dates.contains("deadline 2026-05-01 is not after its start 2026-06-01"),
        "{dates}"
    );
    let metric = refused(&[
        "--metric",
        "revenue",
        "--target",
        "5",
        "--deadline",
        "2027-01-01",
    ]);
    assert!(
        metric.contains("`revenue` is not a goal metric"),
        "{metric}"
    );
    let negative = refused(&[
        "--metric",
        "size",
        "--target",
        "-3",
        "--deadline",
        "2027-01-01",
    ]);
    assert!(negative.contains("not a count"), "{negative}");
}

#[test]
fn the_demo_has_two_goals_and_reviews_due_and_a_review_takes_one_off_the_list() {
    let sandbox = demo();
    let goals = json(&ok(sandbox.run(&["goal", "list", "--json"])));
    assert_eq!(goals.as_array().unwrap().len(), 2);
    let due = json(&ok(
        sandbox.run(&["review", "due", "--as-of", ANCHOR, "--json"])
    ));
    let due_ids: Vec<i64> = due["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["segment_id"].as_i64().unwrap())
        .collect();
    assert_eq!(due_ids.len(), 3, "{due}");
    let first = &due["due"][0];
    assert_eq!(first["overdue"], true);
    // "then" is the stored numbers of the last review.
    assert_eq!(first["then"], first["last_review"]["numbers"]);
    let id = due_ids[0].to_string();
    ok(sandbox.run(&[
        "review",
        "record",
        &id,
        "--decision",
        "keep",
        "--note",
        "checked",
    ]));
    let now = json(&ok(sandbox.run(&["review", "due", "--json"])));
    assert!(!now["due"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["segment_id"].as_i64().map(|v| v.to_string()) == Some(id.clone())));
    let reviews = json(&ok(sandbox.run(&["review", "list", &id, "--json"])));
    assert_eq!(reviews[0]["note"], "checked");
    assert_eq!(reviews[0]["decision"], "keep");
    ok(sandbox.run(&["review", "cadence", &id, "--never"]));
    let far = json(&ok(sandbox.run(&[
        "review",
        "due",
        "--as-of",
        "2030-01-01",
        "--json",
    ])));
    assert!(!far["due"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["segment_id"].as_i64().map(|v| v.to_string()) == Some(id.clone())));
    let bad = sandbox.run(&["review", "cadence", &id, "--days", "0"]);
    assert!(bad.stderr.contains("out of range"), "{}", bad.stderr);
    let text = ok(sandbox.run(&["review", "due", "--as-of", ANCHOR]));
    assert!(text.contains("OVERDUE"), "{text}");
}
