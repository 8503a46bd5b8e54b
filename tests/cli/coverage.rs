//! `insights coverage`: its buckets and `--leads` lists against the members
//! the CLI exports per saved segment, the thresholds taken from options, and
//! the text report.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::{ok, Sandbox};

const AS_OF: &str = "2026-06-01";

/// A small demo workspace with three segments of its own, two of them
/// near-duplicates; returns the sandbox and the segments' rule files.
fn demo() -> (Sandbox, Vec<String>) {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&[
        "demo",
        "--leads",
        "600",
        "--events-per-lead",
        "6",
        "--anchor",
        AS_OF,
    ]));
    let rules = [
        (
            "Executives",
            r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Executive decision maker"}]}"#,
        ),
        (
            "Executives with a score",
            r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Executive decision maker"},{"field":"score","operator":">=","value":-1000}]}"#,
        ),
        (
            "Germany",
            r#"{"combinator":"and","rules":[{"field":"country","operator":"=","value":"Germany"}]}"#,
        ),
    ];
    let mut files = Vec::new();
    for (name, json) in rules {
        let path = sandbox.path(&format!("{name}.json"));
        std::fs::write(&path, json).unwrap();
        let file = path.to_str().unwrap().to_owned();
        ok(sandbox.run(&["segment", "save", "--name", name, &file]));
        files.push(file);
    }
    (sandbox, files)
}

fn bucket(sandbox: &Sandbox, name: &str, more_than: &str) -> BTreeSet<i64> {
    ok(sandbox.run(&[
        "insights",
        "coverage",
        "--as-of",
        AS_OF,
        "--more-than",
        more_than,
        "--leads",
        name,
    ]))
    .lines()
    .map(|line| line.parse().unwrap())
    .collect()
}

#[test]
fn buckets_agree_with_the_exported_members() {
    let (sandbox, files) = demo();
    let sets: Vec<BTreeSet<i64>> = files.iter().map(|f| sandbox.member_ids(f, AS_OF)).collect();
    let export = ok(sandbox.run(&["leads", "export", "--format", "json"]));
    let leads: Vec<serde_json::Value> = serde_json::from_str(&export).unwrap();
    let mut times: BTreeMap<i64, usize> = BTreeMap::new();
    for lead in &leads {
        let id = lead["id"].as_i64().unwrap();
        times.insert(id, sets.iter().filter(|s| s.contains(&id)).count());
    }
    let expect = |test: &dyn Fn(usize) -> bool| -> BTreeSet<i64> {
        times
            .iter()
            .filter(|(_, &n)| test(n))
            .map(|(&id, _)| id)
            .collect()
    };
    let json = ok(sandbox.run(&[
        "insights",
        "coverage",
        "--as-of",
        AS_OF,
        "--more-than",
        "1",
        "--json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let none = expect(&|n| n == 0);
    let one = expect(&|n| n == 1);
    let many = expect(&|n| n > 1);
    assert_eq!(report["total_leads"], 600);
    assert_eq!(report["in_none"], none.len());
    assert_eq!(report["in_one"], one.len());
    assert_eq!(report["in_more_than"], many.len());
    assert_eq!(bucket(&sandbox, "none", "1"), none);
    assert_eq!(bucket(&sandbox, "one", "1"), one);
    assert_eq!(bucket(&sandbox, "more-than", "1"), many);
    let pairs = report["near_duplicates"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0]["first"]["name"], "Executives");
    assert_eq!(pairs[0]["second"]["name"], "Executives with a score");
    assert_eq!(pairs[0]["both"], sets[0].intersection(&sets[1]).count());
}

#[test]
fn thresholds_come_from_options_and_the_text_report_names_unused_types() {
    let (sandbox, _) = demo();
    let json = ok(sandbox.run(&[
        "insights",
        "coverage",
        "--as-of",
        AS_OF,
        "--too-small",
        "1000",
        "--too-large",
        "10",
        "--json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["settings"]["too_small"], 1000);
    assert_eq!(
        report["too_small"].as_array().unwrap().len(),
        3,
        "every segment is under 1,000 leads"
    );
    assert!(!report["too_large"].as_array().unwrap().is_empty());
    assert_eq!(report["settings"]["include_builtins"], false);
    let with_builtins = ok(sandbox.run(&[
        "insights",
        "coverage",
        "--as-of",
        AS_OF,
        "--builtins",
        "--json",
    ]));
    let with_builtins: serde_json::Value = serde_json::from_str(&with_builtins).unwrap();
    assert!(with_builtins["segments"].as_array().unwrap().len() > 3);
    let text = ok(sandbox.run(&["insights", "coverage", "--as-of", AS_OF]));
    assert!(
        text.contains("600 leads, 3 saved segments (built-ins left out)"),
        "{text}"
    );
    assert!(text.contains("In more than 3"), "{text}");
    assert!(text.contains("Technographic  NOT USED"), "{text}");
    assert!(
        text.contains("Psychographic  used by Executives, Executives with a score"),
        "{text}"
    );
    let refused = sandbox.run(&["insights", "coverage", "--more-than", "0"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("more than"), "{}", refused.stderr);
}
