//! `quality duplicates` and `leads merge`: the demo's planted pairs are
//! found (and nothing else), a dry run changes nothing, a merge is listed in
//! `imports list`, and `imports undo` restores every lead exactly (compared
//! with `leads export --format json`, the scores aside: they are refreshed
//! against the clock after every change).

use serde_json::Value;

use crate::support::{ok, Sandbox};

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "400", "--anchor", "2026-06-01"]));
    sandbox
}

/// Every lead with every field, the computed scores aside.
fn export(sandbox: &Sandbox) -> Vec<Value> {
    let json = ok(sandbox.run(&["leads", "export", "--format", "json"]));
    let mut leads: Vec<Value> = serde_json::from_str(&json).unwrap();
    for lead in &mut leads {
        lead.as_object_mut()
            .unwrap()
            .retain(|key, _| !key.starts_with("score"));
    }
    leads
}

#[test]
fn duplicates_are_the_planted_pairs_with_their_evidence() {
    let sandbox = demo();
    let json = ok(sandbox.run(&["quality", "duplicates", "--json"]));
    let report: Value = serde_json::from_str(&json).unwrap();
    let mut pairs: Vec<(i64, i64, String)> = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair["first"]["id"].as_i64().unwrap(),
                pair["second"]["id"].as_i64().unwrap(),
                pair["evidence"][0]["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    pairs.sort();
    let expected: Vec<(i64, i64, String)> = [
        (101, 102, "email_provider"),
        (103, 104, "email_provider"),
        (105, 106, "phone"),
        (107, 108, "phone"),
        (109, 110, "name_company"),
        (111, 112, "name_company"),
    ]
    .iter()
    .map(|(a, b, kind)| (*a, *b, (*kind).to_owned()))
    .collect();
    assert_eq!(pairs, expected);
    assert_eq!(report["leads_checked"], 400);

    let strict = ok(sandbox.run(&["quality", "duplicates", "--min-confidence", "0.9", "--json"]));
    let strict: Value = serde_json::from_str(&strict).unwrap();
    // Gmail and Outlook addresses (0.95), phones with the same last name (0.9).
    assert_eq!(strict["pairs"].as_array().unwrap().len(), 4);

    let text = ok(sandbox.run(&["quality", "duplicates"]));
    assert!(
        text.starts_with("6 likely duplicate pairs among 400 leads"),
        "{text}"
    );
    assert!(text.contains("leads merge 101 102 --dry-run"), "{text}");
}

#[test]
fn a_merge_is_listed_and_its_undo_restores_the_leads_exactly() {
    let sandbox = demo();
    let before = export(&sandbox);
    let company_102 = before.iter().find(|l| l["id"] == 102).unwrap()["company"].clone();

    let preview = ok(sandbox.run(&[
        "leads",
        "merge",
        "101",
        "102",
        "--dry-run",
        "--pick",
        "company=102",
    ]));
    assert!(
        preview.contains("dry run: Merge 2 leads into Jane Doe <jane.doe@gmail.com>"),
        "{preview}"
    );
    assert!(preview.contains("(from #102, picked)"), "{preview}");
    assert_eq!(export(&sandbox), before, "a dry run changes nothing");

    let merged = ok(sandbox.run(&["leads", "merge", "101", "102", "--pick", "company=102"]));
    assert!(merged.contains("undo it with: imports undo 1"), "{merged}");
    let after = export(&sandbox);
    assert_eq!(after.len(), before.len() - 1);
    assert!(after.iter().all(|l| l["id"] != 102));
    let survivor = after.iter().find(|l| l["id"] == 101).unwrap();
    assert_eq!(survivor["company"], company_102);

    let listed = ok(sandbox.run(&["imports", "list"]));
    assert!(
        listed.lines().any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.get(2) == Some(&"merge") && line.contains("Merge 2 leads into Jane Doe")
        }),
        "{listed}"
    );

    ok(sandbox.run(&["imports", "undo", "1"]));
    assert_eq!(export(&sandbox), before);
}

#[test]
fn bad_merges_fail_with_a_plain_message() {
    let sandbox = demo();
    let missing = sandbox.run(&["leads", "merge", "101", "999999"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("999999"), "{}", missing.stderr);
    let bad_pick = sandbox.run(&["leads", "merge", "101", "102", "--pick", "company"]);
    assert_ne!(bad_pick.code, 0);
    assert!(bad_pick.stderr.contains("FIELD=ID"), "{}", bad_pick.stderr);
}
