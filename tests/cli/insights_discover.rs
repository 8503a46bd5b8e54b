//! `insights crosstab` and `insights discover`: the JSON against the
//! segment counts the CLI itself gives, the text forms, and bad dimensions.

use crate::support::{ok, Sandbox};

const ANCHOR: &str = "2026-06-01";
const FROM: &str = "2026-03-01";

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "demo",
        "--leads",
        "2000",
        "--events-per-lead",
        "8",
        "--anchor",
        ANCHOR,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

fn count(sandbox: &Sandbox, rules: &serde_json::Value) -> u64 {
    let path = sandbox.path("rules.json");
    std::fs::write(&path, rules.to_string()).unwrap();
    let text = ok(sandbox.run(&["segment", "count", path.to_str().unwrap(), "--as-of", FROM]));
    text.trim().parse().unwrap()
}

#[test]
fn crosstab_cells_count_like_their_rule_groups() {
    let sandbox = demo();
    let json: serde_json::Value = serde_json::from_str(&ok(sandbox.run(&[
        "insights",
        "crosstab",
        "--rows",
        "field:persona",
        "--columns",
        "field:employees",
        "--from",
        FROM,
        "--to",
        ANCHOR,
        "--json",
    ])))
    .unwrap();
    let rows = json["rows"].as_array().unwrap();
    let columns = json["columns"].as_array().unwrap();
    assert!(rows.len() > 1 && columns.len() > 1);
    for (r, row) in rows.iter().enumerate().take(2) {
        for (c, column) in columns.iter().enumerate().take(3) {
            let both =
                serde_json::json!({"combinator": "and", "rules": [row["rules"], column["rules"]]});
            assert_eq!(
                json["cells"][r][c]["trials"].as_u64().unwrap(),
                count(&sandbox, &both),
                "{} × {}",
                row["label"],
                column["label"]
            );
        }
    }
    let text = ok(sandbox.run(&[
        "insights",
        "crosstab",
        "--rows",
        "field:persona",
        "--columns",
        "field:email_opt_in",
        "--from",
        FROM,
        "--to",
        ANCHOR,
    ]));
    assert!(text.contains("Total"), "{text}");
    assert!(text.contains("Yes"), "{text}");
}

#[test]
fn discover_proposals_count_as_saved_segments() {
    let sandbox = demo();
    let json: serde_json::Value = serde_json::from_str(&ok(sandbox.run(&[
        "insights", "discover", "--from", FROM, "--to", ANCHOR, "--json",
    ])))
    .unwrap();
    let baseline = json["baseline"]["rate"].as_f64().unwrap();
    let proposals = json["proposals"].as_array().unwrap();
    assert!(!proposals.is_empty(), "{json}");
    for proposal in proposals {
        assert!(proposal["conversion"]["low"].as_f64().unwrap() > baseline);
        assert_eq!(
            count(&sandbox, &proposal["rules"]),
            proposal["conversion"]["trials"].as_u64().unwrap()
        );
    }
    let text = ok(sandbox.run(&["insights", "discover", "--from", FROM, "--to", ANCHOR]));
    assert!(text.starts_with("Baseline: "), "{text}");
    assert!(text.contains("1. "), "{text}");
}

#[test]
fn bad_dimensions_and_depths_are_refused_in_plain_words() {
    let sandbox = demo();
    let out = sandbox.run(&[
        "insights",
        "crosstab",
        "--rows",
        "persona",
        "--columns",
        "field:industry",
        "--from",
        FROM,
        "--to",
        ANCHOR,
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("write `field:KEY`"), "{}", out.stderr);
    let out = sandbox.run(&[
        "insights",
        "crosstab",
        "--rows",
        "field:shoe_size",
        "--columns",
        "field:industry",
        "--from",
        FROM,
        "--to",
        ANCHOR,
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("shoe_size"), "{}", out.stderr);
    let out = sandbox.run(&[
        "insights", "discover", "--from", FROM, "--to", ANCHOR, "--depth", "9",
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("1 to 4"), "{}", out.stderr);
}
