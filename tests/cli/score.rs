//! `score model|explain|backtest|evaluate|suggest`: models round-trip
//! through their file format; every number is checked against an
//! independent computation: the segment members of each rule (`segment
//! members`) and of behaviour counts, not the scoring engine.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::support::{ok, Sandbox};

const ANCHOR: &str = "2026-06-01";
const AS_OF: &str = "2026-05-01T00:00:00Z";

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "500", "--anchor", ANCHOR]));
    sandbox
}

fn rules(rule: Value) -> Value {
    json!({"combinator": "and", "rules": [rule]})
}

/// Two fit rules and two engagement rules, without decay or cap, so that
/// each rule's points are `points × count` and checkable by segment counts.
fn model() -> Value {
    json!({
        "name": "Checkable",
        "definition": {
            "rules": [
                {"label": "Executive", "kind": "fit", "points": 20,
                 "when": rules(json!({"field": "persona", "operator": "=", "value": "Executive decision maker"}))},
                {"label": "Large company", "kind": "fit", "points": -7,
                 "when": rules(json!({"field": "employees", "operator": ">=", "value": 1000}))},
                {"label": "Download", "kind": "engagement", "points": 5,
                 "each": {"type": "download"}},
                {"label": "Demo request", "kind": "engagement", "points": 30,
                 "each": {"type": "demo_request"}}
            ],
            "decay": {"kind": "none"},
            "fit_grades": [30, 20, 10],
            "engagement_grades": [40, 20, 5],
            "bands": [{"name": "hot", "min": 40}, {"name": "warm", "min": 10}, {"name": "cold"}]
        }
    })
}

fn write(sandbox: &Sandbox, name: &str, value: &Value) -> String {
    let path = sandbox.path(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Saves the model and returns its id.
fn save(sandbox: &Sandbox, model: &Value, file: &str) -> String {
    let path = write(sandbox, file, model);
    ok(sandbox.run(&["score", "model", "save", &path]))
        .trim()
        .to_owned()
}

fn json_of(sandbox: &Sandbox, args: &[&str]) -> Value {
    serde_json::from_str(&ok(sandbox.run(args))).unwrap()
}

#[test]
fn models_round_trip_and_one_is_active() {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["init"]));
    let out = sandbox.run(&["score", "explain", "--lead", "1"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("no scoring model is active")
            && out.stderr.contains("score model activate ID"),
        "{}",
        out.stderr
    );
    let id = save(&sandbox, &model(), "model.json");
    // `show` prints a model file that saves back to the same model.
    let shown: Value = json_of(&sandbox, &["score", "model", "show", &id]);
    assert_eq!(shown["name"], "Checkable");
    assert_eq!(
        shown["definition"]["rules"].as_array().unwrap().len(),
        model()["definition"]["rules"].as_array().unwrap().len()
    );
    let path = write(&sandbox, "copy.json", &shown);
    let out = sandbox.run(&["score", "model", "save", &path]);
    assert!(
        out.stderr.contains("already named “Checkable”"),
        "{}",
        out.stderr
    );
    let copy = ok(sandbox.run(&["score", "model", "save", &path, "--name", "Copy"]))
        .trim()
        .to_owned();
    assert_ne!(copy, id);
    let again: Value = json_of(&sandbox, &["score", "model", "show", &copy]);
    assert_eq!(again["definition"], shown["definition"]);
    assert_eq!(again["name"], "Copy");
    // A bare definition needs --name.
    let bare = write(&sandbox, "bare.json", &model()["definition"]);
    let out = sandbox.run(&["score", "model", "save", &bare]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("--name"), "{}", out.stderr);
    ok(sandbox.run(&[
        "score", "model", "save", &bare, "--name", "Bare", "--id", &copy,
    ]));
    ok(sandbox.run(&["score", "model", "activate", &copy]));
    let list = json_of(&sandbox, &["score", "model", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"].to_string(), copy, "the active model first");
    assert_eq!(list[0]["name"], "Bare");
    assert_eq!(list[0]["is_active"], true);
    let table = ok(sandbox.run(&["score", "model", "list"]));
    assert!(
        table.contains("Bare") && table.contains("Checkable"),
        "{table}"
    );
    ok(sandbox.run(&["score", "model", "delete", &id]));
    let out = sandbox.run(&["score", "model", "show", &id]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    // A rule that does not compile is named, and nothing is saved.
    let mut broken = model();
    broken["definition"]["rules"][0]["when"] =
        rules(json!({"field": "no_such_field", "operator": "=", "value": "x"}));
    let path = write(&sandbox, "broken.json", &broken);
    let out = sandbox.run(&["score", "model", "save", &path]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("scoring rule 1 (“Executive”)"),
        "{}",
        out.stderr
    );
}

/// The leads that did `event_type` exactly `n` times by AS_OF.
fn did_exactly(sandbox: &Sandbox, event_type: &str, n: u64) -> BTreeSet<i64> {
    let rule = rules(json!({"field": "event", "operator": "performed",
                            "value": {"type": event_type, "min": n, "max": n}}));
    let path = write(sandbox, &format!("{event_type}-{n}.json"), &rule);
    sandbox.member_ids(&path, AS_OF)
}

#[test]
fn explain_gives_each_rule_the_points_its_segment_members_earn() {
    let sandbox = demo();
    let id = save(&sandbox, &model(), "model.json");
    let definition = &model()["definition"];
    let fit_members: Vec<BTreeSet<i64>> = (0..2)
        .map(|i| {
            let path = write(
                &sandbox,
                &format!("rule{i}.json"),
                &definition["rules"][i]["when"],
            );
            sandbox.member_ids(&path, AS_OF)
        })
        .collect();
    let executives = fit_members[0].iter().take(6).copied();
    let others = (1..=500).filter(|id| !fit_members[0].contains(id)).take(6);
    for lead in executives.chain(others) {
        let lead_text = lead.to_string();
        let explanation = json_of(
            &sandbox,
            &[
                "score", "explain", "--lead", &lead_text, "--model", &id, "--as-of", AS_OF,
                "--json",
            ],
        );
        let points_of = |label: &str| {
            explanation["rules"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["label"] == label)
                .map_or(0.0, |r| r["points"].as_f64().unwrap())
        };
        let mut expected_total = 0.0;
        for (i, (label, points)) in [("Executive", 20.0), ("Large company", -7.0)]
            .iter()
            .enumerate()
        {
            let expected = if fit_members[i].contains(&lead) {
                *points
            } else {
                0.0
            };
            assert_eq!(points_of(label), expected, "lead {lead} {label}");
            expected_total += expected;
        }
        for (label, event_type, points) in [
            ("Download", "download", 5.0),
            ("Demo request", "demo_request", 30.0),
        ] {
            let got = points_of(label);
            let n = (got / points).round() as u64;
            assert_eq!(got, n as f64 * points, "lead {lead} {label}");
            assert!(
                did_exactly(&sandbox, event_type, n).contains(&lead),
                "lead {lead} did {event_type} {n} times"
            );
            expected_total += got;
        }
        assert_eq!(
            explanation["score"]["total"].as_f64().unwrap(),
            expected_total
        );
        let text = ok(sandbox.run(&[
            "score", "explain", "--lead", &lead_text, "--model", &id, "--as-of", AS_OF,
        ]));
        assert!(
            text.contains(&format!("Lead {lead} under model {id}")),
            "{text}"
        );
    }
}

#[test]
fn backtest_scores_the_leads_known_at_t_and_compares_two_models() {
    let sandbox = demo();
    let a = save(&sandbox, &model(), "a.json");
    let mut other = model();
    other["name"] = json!("Fit only");
    other["definition"]["rules"]
        .as_array_mut()
        .unwrap()
        .truncate(2);
    let b = save(&sandbox, &other, "b.json");
    ok(sandbox.run(&["score", "model", "activate", &a]));
    let at = "2026-03-01";
    let single = json_of(
        &sandbox,
        &["score", "backtest", "--at", at, "--window", "60", "--json"],
    );
    assert_eq!(single["model_id"].to_string(), a);
    // The population: created before T, minus who purchased before T.
    let created = write(
        &sandbox,
        "created.json",
        &rules(json!({"field": "created_at", "operator": "<", "value": "2026-03-01T00:00:00Z"})),
    );
    let bought = write(
        &sandbox,
        "bought.json",
        &rules(json!({"field": "event", "operator": "performed", "value": {"type": "purchase"}})),
    );
    let before_t = "2026-02-28T23:59:59Z";
    let known: BTreeSet<i64> = sandbox.member_ids(&created, before_t);
    let expected: BTreeSet<i64> = known
        .difference(&sandbox.member_ids(&bought, before_t))
        .copied()
        .collect();
    let population = &single["report"]["population"];
    assert_eq!(
        population["trials"].as_u64().unwrap(),
        expected.len() as u64
    );
    // Converted in the window: bought by T + 60 days, among them.
    let by_end = sandbox.member_ids(&bought, "2026-04-29T23:59:59Z");
    let converted = expected.intersection(&by_end).count() as u64;
    assert_eq!(population["successes"].as_u64().unwrap(), converted);
    let deciles = single["report"]["deciles"].as_array().unwrap();
    assert_eq!(deciles.len(), 10);
    let last_gain = deciles[9]["cumulative_share"].as_f64().unwrap();
    assert!((last_gain - 1.0).abs() < 1e-9 || converted == 0);
    // Two models: an array in JSON, side by side in text.
    let both = json_of(
        &sandbox,
        &[
            "score", "backtest", "--at", at, "--window", "60", "--model", &a, "--model", &b,
            "--json",
        ],
    );
    let both = both.as_array().unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(both[0]["report"], single["report"]);
    assert_eq!(both[1]["model_name"], "Fit only");
    assert_eq!(
        both[1]["report"]["population"],
        single["report"]["population"]
    );
    let text = ok(sandbox.run(&[
        "score", "backtest", "--at", at, "--window", "60", "--model", &a, "--model", &b,
    ]));
    let header = text.lines().find(|l| l.contains("Checkable")).unwrap();
    assert!(header.contains("Fit only"), "side by side: {text}");
    assert!(text.contains("ROC AUC"), "{text}");
    // A window past the data's last purchase says so.
    let late = ok(sandbox.run(&["score", "backtest", "--at", "2026-05-15", "--window", "60"]));
    assert!(late.contains("before the window ends"), "{late}");
    assert!(!text.contains("before the window ends"), "{text}");
}

#[test]
fn evaluate_counts_the_outcome_fields_members_and_holds_out_half() {
    let sandbox = demo();
    let id = save(&sandbox, &model(), "model.json");
    let customers =
        rules(json!({"field": "lifecycle_stage", "operator": "=", "value": "Customer"}));
    let path = write(&sandbox, "customers.json", &customers);
    let members = sandbox.member_ids(&path, AS_OF);
    let args = [
        "score",
        "evaluate",
        "--outcome-field",
        "lifecycle_stage=Customer",
        "--model",
        &id,
        "--as-of",
        AS_OF,
        "--json",
    ];
    let all = json_of(&sandbox, &args);
    assert_eq!(all["report"]["population"]["trials"], 500);
    assert_eq!(
        all["report"]["population"]["successes"].as_u64().unwrap(),
        members.len() as u64
    );
    let by_rules = json_of(
        &sandbox,
        &[
            "score",
            "evaluate",
            "--outcome-rules",
            &path,
            "--model",
            &id,
            "--as-of",
            AS_OF,
            "--json",
        ],
    );
    assert_eq!(by_rules["report"], all["report"]);
    let mut held = args.to_vec();
    held.push("--holdout");
    let half = json_of(&sandbox, &held);
    assert_eq!(half["held_out"], true);
    let trials = half["report"]["population"]["trials"].as_u64().unwrap();
    assert!((200..300).contains(&trials), "{trials}");
    let out = sandbox.run(&[
        "score",
        "evaluate",
        "--outcome-field",
        "persona",
        "--model",
        &id,
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("persona=Customer"), "{}", out.stderr);
}

#[test]
fn suggestions_count_the_leads_their_rules_select() {
    let sandbox = demo();
    let found = json_of(
        &sandbox,
        &[
            "score",
            "suggest",
            "--outcome-field",
            "lifecycle_stage=Customer",
            "--as-of",
            AS_OF,
            "--json",
        ],
    );
    let suggestions = found["suggestions"].as_array().unwrap();
    assert!(
        suggestions.iter().any(|s| s["distinguishable"] == true),
        "{found}"
    );
    let population = found["training"]["trials"].as_u64().unwrap()
        + found["held_out"]["trials"].as_u64().unwrap();
    assert_eq!(population, 500);
    for (i, suggestion) in suggestions.iter().take(8).enumerate() {
        let rule = &suggestion["rule"];
        assert_eq!(rule["points"], suggestion["points"]);
        let points = suggestion["points"].as_f64().unwrap();
        assert!(points.abs() <= 50.0 && points % 5.0 == 0.0, "{points}");
        let path = write(&sandbox, &format!("s{i}.json"), &rule["when"]);
        let with = sandbox.member_ids(&path, AS_OF).len() as u64;
        let counted = suggestion["training"]["with"]["trials"].as_u64().unwrap()
            + suggestion["held_out"]["with"]["trials"].as_u64().unwrap();
        assert_eq!(counted, with, "{}", suggestion["label"]);
    }
    // A suggested rule can go straight into a model.
    let mut with_suggestion = model();
    with_suggestion["definition"]["rules"]
        .as_array_mut()
        .unwrap()
        .push(suggestions[0]["rule"].clone());
    save(&sandbox, &with_suggestion, "suggested.json");
    let text = ok(sandbox.run(&["score", "suggest", "--at", "2026-03-01", "--window", "60"]));
    assert!(text.contains("Suggested points (not applied)"), "{text}");
    assert!(text.contains("Left out: lifecycle_stage"), "{text}");
    let out = sandbox.run(&["score", "suggest"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("--outcome-field"), "{}", out.stderr);
}
