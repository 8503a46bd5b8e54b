//! `segment history` and `segment diff`: the recorded counts and who joined
//! or left, checked against an independent computation (`segment members`
//! as of each snapshot's instant), the CSV and JSON forms, the snapshot an
//! import adds and the reason it gives.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{ok, Sandbox};

/// The demo's "now": today, so that opening the workspace thins none of
/// its four weeks of history (older snapshots thin out to one a month).
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// `days` before today, as `YYYY-MM-DD`.
fn day(days: i64) -> String {
    (today() - chrono::Duration::days(days)).to_string()
}

/// Midnight UTC `days` before today, as the history writes it.
fn midnight(days: i64) -> String {
    format!("{}T00:00:00Z", day(days))
}

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "500", "--anchor", &day(0)]));
    sandbox
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// A demo segment whose members move as time passes (a relative window).
fn moving_segment(sandbox: &Sandbox) -> String {
    let list = json(&ok(sandbox.run(&["segment", "list", "--json"])));
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["segment"]["rules"].to_string().contains("inLast"))
        .map(|s| s["segment"]["id"].to_string())
        .expect("a demo segment with a relative window")
}

fn ids(leads: &Value) -> BTreeSet<i64> {
    leads
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lead_id"].as_i64().unwrap())
        .collect()
}

#[test]
fn the_demo_has_four_weeks_of_history_and_the_counts_are_the_members_of_each_day() {
    let sandbox = demo();
    let id = moving_segment(&sandbox);
    let history = json(&ok(sandbox.run(&["segment", "history", &id, "--json"])));
    let points = history["points"].as_array().unwrap();
    let demo: Vec<&Value> = points.iter().filter(|p| p["reason"] == "demo").collect();
    assert_eq!(demo.len(), 29);
    assert_eq!(demo[0]["taken_at"], midnight(28));
    assert_eq!(demo[28]["taken_at"], midnight(0));
    // The anchor's snapshot is today's: opening the workspace adds none.
    assert_eq!(points.len(), 29);
    for pair in demo.windows(2).step_by(9) {
        let before = sandbox.member_ids(&id, pair[0]["taken_at"].as_str().unwrap());
        let after = sandbox.member_ids(&id, pair[1]["taken_at"].as_str().unwrap());
        assert_eq!(pair[1]["count"], after.len());
        assert_eq!(pair[1]["joined"], after.difference(&before).count());
        assert_eq!(pair[1]["left"], before.difference(&after).count());
    }
    let text = ok(sandbox.run(&["segment", "history", &id]));
    assert!(text.contains(&format!("{} 00:00", day(28))), "{text}");
    assert!(text.lines().nth(1).unwrap().contains("Joined"), "{text}");
}

#[test]
fn a_diff_is_the_set_differences_of_the_members_at_the_two_snapshots() {
    let sandbox = demo();
    let id = moving_segment(&sandbox);
    let diff = json(&ok(sandbox.run(&[
        "segment",
        "diff",
        &id,
        "--from",
        &day(26),
        "--to",
        &day(2),
        "--format",
        "json",
    ])));
    // A bare date is the end of that day: the snapshot of its midnight.
    assert_eq!(diff["from"]["taken_at"], midnight(26));
    assert_eq!(diff["to"]["taken_at"], midnight(2));
    let before = sandbox.member_ids(&id, &midnight(26));
    let after = sandbox.member_ids(&id, &midnight(2));
    let joined = ids(&diff["joined"]);
    let left = ids(&diff["left"]);
    assert_eq!(joined, after.difference(&before).copied().collect());
    assert_eq!(left, before.difference(&after).copied().collect());
    assert!(!joined.is_empty() || !left.is_empty());
    for lead in diff["joined"]
        .as_array()
        .unwrap()
        .iter()
        .chain(diff["left"].as_array().unwrap())
    {
        assert_eq!(lead["reason"]["kind"], "time_passed", "{lead}");
    }

    let csv = ok(sandbox.run(&[
        "segment",
        "diff",
        &id,
        "--from",
        &day(26),
        "--to",
        &day(2),
        "--format",
        "csv",
    ]));
    assert_eq!(csv.lines().count(), 1 + joined.len() + left.len());
    assert!(csv.starts_with("change,lead_id,email,name,reason_kind,reason,details"));

    let text = ok(sandbox.run(&["segment", "diff", &id, "--from", &day(26), "--to", &day(2)]));
    assert!(
        text.contains(&format!("{} joined, {} left", joined.len(), left.len())),
        "{text}"
    );
    assert!(text.contains("time passed"), "{text}");
}

#[test]
fn a_diff_before_the_first_snapshot_is_refused_with_its_date() {
    let sandbox = demo();
    let id = moving_segment(&sandbox);
    let out = sandbox.run(&["segment", "diff", &id, "--from", &day(40), "--to", &day(2)]);
    assert_ne!(out.code, 0);
    let error = &out.stderr;
    assert!(
        error.contains(&format!("its first is of {}", midnight(28))),
        "{error}"
    );
}

#[test]
fn an_import_adds_a_snapshot_that_names_it_and_the_leads_it_added() {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["init"]));
    let rules = sandbox.path("iceland.json");
    std::fs::write(
        &rules,
        r#"{"combinator":"and","rules":[{"field":"country","operator":"=","value":"Iceland"}]}"#,
    )
    .unwrap();
    let id = ok(sandbox.run(&[
        "segment",
        "save",
        rules.to_str().unwrap(),
        "--name",
        "Iceland",
    ]))
    .trim()
    .to_owned();
    // The day's snapshot, then an import a second later.
    let history = json(&ok(sandbox.run(&["segment", "history", &id, "--json"])));
    let daily = history["points"][0]["taken_at"]
        .as_str()
        .unwrap()
        .to_owned();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let file = sandbox.path("reykjavik.csv");
    std::fs::write(
        &file,
        "Email,First name,Country\nsol@x.is,Sól,Iceland\nann@x.de,Ann,Germany\n",
    )
    .unwrap();
    ok(sandbox.run(&["import", "leads", file.to_str().unwrap()]));
    let history = json(&ok(sandbox.run(&["segment", "history", &id, "--json"])));
    let last = history["points"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["reason"], "import");
    assert_eq!(last["import"], "#1 “reykjavik.csv”");
    assert_eq!(
        (last["count"].as_u64(), last["joined"].as_u64()),
        (Some(1), Some(1))
    );
    let to = last["taken_at"].as_str().unwrap();
    let diff = json(&ok(sandbox.run(&[
        "segment", "diff", &id, "--from", &daily, "--to", to, "--format", "json",
    ])));
    assert_eq!(diff["joined"].as_array().unwrap().len(), 1);
    let sol = &diff["joined"][0];
    assert_eq!(sol["email"], "sol@x.is");
    assert_eq!(sol["reason"]["kind"], "added_by_import");
    assert!(
        sol["reason"]["summary"]
            .as_str()
            .unwrap()
            .contains("reykjavik.csv"),
        "{sol}"
    );

    let recorded = ok(sandbox.run(&["segment", "history", "--record"]));
    assert!(recorded.starts_with("Recorded "), "{recorded}");
}
