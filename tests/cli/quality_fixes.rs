//! `fix normalise|unsendable` and fixes in `imports list|undo`: every count
//! is checked against the segment engine's members (`segment members` with
//! a rule on the value), not the normalisation's own reads, and an undo puts
//! every value back.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::support::{ok, Sandbox};

const AS_OF: &str = "2026-06-01";

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "500", "--anchor", AS_OF]));
    sandbox
}

/// The leads whose `field` equals `value`, by the segment engine.
fn holding(sandbox: &Sandbox, field: &str, value: Value) -> BTreeSet<i64> {
    let rules = json!({"combinator": "and",
        "rules": [{"field": field, "operator": "=", "value": value}]});
    let path = sandbox.path("rule.json");
    std::fs::write(&path, rules.to_string()).unwrap();
    sandbox.member_ids(path.to_str().unwrap(), AS_OF)
}

fn json_of(sandbox: &Sandbox, args: &[&str]) -> Value {
    serde_json::from_str(&ok(sandbox.run(args))).unwrap()
}

#[test]
fn a_country_dry_run_counts_what_the_segments_count_and_changes_nothing() {
    let sandbox = demo();
    let preview = json_of(
        &sandbox,
        &["fix", "normalise", "country", "--dry-run", "--json"],
    );
    let mappings = preview["mappings"].as_array().unwrap();
    let froms: BTreeSet<&str> = mappings
        .iter()
        .map(|m| m["from"].as_str().unwrap())
        .collect();
    for planted in [
        "USA",
        "U.S.",
        "United States of America",
        "UK",
        "Great Britain",
        "Deutschland",
    ] {
        assert!(froms.contains(planted), "{planted} missing: {froms:?}");
    }
    let mut total = 0;
    for mapping in mappings {
        let from = mapping["from"].as_str().unwrap();
        let leads = holding(&sandbox, "country", json!(from)).len() as u64;
        assert_eq!(mapping["leads"].as_u64().unwrap(), leads, "{from}");
        total += leads;
    }
    assert_eq!(preview["leads_changing"].as_u64().unwrap(), total);
    assert_eq!(holding(&sandbox, "country", json!("USA")).len(), 6);
    let text = ok(sandbox.run(&["fix", "normalise", "country", "--dry-run"]));
    assert!(
        text.contains("\"USA\" -> \"United States\"  6 leads"),
        "{text}"
    );
}

#[test]
fn a_normalisation_is_listed_and_undone_exactly() {
    let sandbox = demo();
    let usa = holding(&sandbox, "country", json!("USA"));
    let united_states = holding(&sandbox, "country", json!("United States"));
    let applied = json_of(
        &sandbox,
        &[
            "fix",
            "normalise",
            "country",
            "--map",
            "USA=United States",
            "--json",
        ],
    );
    assert_eq!(applied["leads_changed"].as_u64().unwrap(), usa.len() as u64);
    assert_eq!(applied["kind"], "normalise");
    let after = holding(&sandbox, "country", json!("United States"));
    assert_eq!(after, united_states.union(&usa).copied().collect());
    assert!(holding(&sandbox, "country", json!("USA")).is_empty());
    // Only the mapped spelling changed.
    assert_eq!(holding(&sandbox, "country", json!("U.S.")).len(), 3);

    let id = applied["change_id"].as_i64().unwrap().to_string();
    let list = ok(sandbox.run(&["imports", "list"]));
    assert!(
        list.contains("normalise  Normalise country  leads changed 6"),
        "{list}"
    );
    let listed: Value = json_of(&sandbox, &["imports", "list", "--json"]);
    assert_eq!(listed[0]["kind"], "normalise");
    assert_eq!(listed[0]["file_name"], "Normalise country");

    let undo = ok(sandbox.run(&["imports", "undo", &id]));
    assert_eq!(
        undo.trim(),
        format!("undid fix {id} (Normalise country): restored 6 values")
    );
    assert_eq!(holding(&sandbox, "country", json!("USA")), usa);
    assert_eq!(
        holding(&sandbox, "country", json!("United States")),
        united_states
    );
}

#[test]
fn normalisations_undo_in_any_order() {
    let sandbox = demo();
    let before_countries = ok(sandbox.run(&["fix", "normalise", "country", "--dry-run", "--json"]));
    let country = json_of(&sandbox, &["fix", "normalise", "country", "--json"]);
    let phone = json_of(&sandbox, &["fix", "normalise", "phone", "--json"]);
    assert!(phone["leads_changed"].as_u64().unwrap() > 400);
    let after_phone = json_of(
        &sandbox,
        &["fix", "normalise", "phone", "--dry-run", "--json"],
    );
    assert_eq!(after_phone["leads_changing"], 0);
    ok(sandbox.run(&["imports", "undo", &country["change_id"].to_string()]));
    assert_eq!(
        ok(sandbox.run(&["fix", "normalise", "country", "--dry-run", "--json"])),
        before_countries
    );
    ok(sandbox.run(&["imports", "undo", &phone["change_id"].to_string()]));
    let phones_back = json_of(
        &sandbox,
        &["fix", "normalise", "phone", "--dry-run", "--json"],
    );
    assert_eq!(phones_back["leads_changing"], phone["leads_changed"]);
}

#[test]
fn spellings_of_a_field_are_normalised() {
    let sandbox = demo();
    let preview = json_of(
        &sandbox,
        &["fix", "normalise", "industry", "--dry-run", "--json"],
    );
    assert_eq!(preview["leads_changing"], 8);
    let software = holding(&sandbox, "industry", json!("Software"));
    ok(sandbox.run(&["fix", "normalise", "industry"]));
    // The rule's `=` folds case, so the count of "Software" leads is the
    // same; the stored spellings are now one.
    assert_eq!(holding(&sandbox, "industry", json!("Software")), software);
    let again = json_of(
        &sandbox,
        &["fix", "normalise", "industry", "--dry-run", "--json"],
    );
    assert_eq!(again["leads_changing"], 0);
}

#[test]
fn addresses_are_marked_not_sendable_and_consent_is_left_alone() {
    let sandbox = demo();
    let opted_in = holding(&sandbox, "email_opt_in", json!(true));
    let marked_before = holding(&sandbox, "do_not_email", json!(true));
    let preview = json_of(
        &sandbox,
        &[
            "fix",
            "unsendable",
            "--reason",
            "role",
            "--reason",
            "disposable",
            "--dry-run",
            "--json",
        ],
    );
    let sample: BTreeSet<i64> = preview["sample"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lead_id"].as_i64().unwrap())
        .collect();
    let planted: BTreeSet<i64> = [124, 125, 126, 127, 128]
        .into_iter()
        .filter(|id| !marked_before.contains(id))
        .collect();
    assert_eq!(sample, planted);
    let applied = json_of(
        &sandbox,
        &[
            "fix",
            "unsendable",
            "--reason",
            "role",
            "--reason",
            "disposable",
            "--json",
        ],
    );
    assert_eq!(applied["kind"], "unsendable");
    let marked = holding(&sandbox, "do_not_email", json!(true));
    assert_eq!(marked, marked_before.union(&planted).copied().collect());
    assert_eq!(holding(&sandbox, "email_opt_in", json!(true)), opted_in);
    let refused = sandbox.run(&["fix", "unsendable", "--reason", "role"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("already marked"),
        "{}",
        refused.stderr
    );
    ok(sandbox.run(&["imports", "undo", &applied["change_id"].to_string()]));
    assert_eq!(
        holding(&sandbox, "do_not_email", json!(true)),
        marked_before
    );
}

#[test]
fn bad_requests_are_refused_plainly() {
    let sandbox = demo();
    let out = sandbox.run(&["fix", "normalise", "country", "--map", "USA"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("FROM=TO"), "{}", out.stderr);
    let out = sandbox.run(&["fix", "normalise", "employees", "--dry-run"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("not a text field"), "{}", out.stderr);
    let out = sandbox.run(&["fix", "unsendable", "--dry-run"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("reason"), "{}", out.stderr);
}
