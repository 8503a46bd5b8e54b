//! `segment ice`: the ranked table of every saved segment and stream, its
//! scores recomputed here from I, C and E under each formula; setting
//! scores re-ranks, out-of-range scores are refused with the value and the
//! range, the formula setting sticks (and `--formula` does not), deleting a
//! segment deletes its scores, and the suggestions' reach and e-mailable
//! counts agree with `segment members`.

use serde_json::Value;

use crate::support::{ok, Sandbox};

const ANCHOR: &str = "2026-06-01";
const AS_OF: &str = "2026-06-01T00:00:00Z";

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "500", "--anchor", ANCHOR]));
    sandbox
}

fn table(sandbox: &Sandbox, extra: &[&str]) -> Value {
    let mut args = vec!["segment", "ice", "--json", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(sandbox.run(&args))).unwrap()
}

fn rows(table: &Value) -> &Vec<Value> {
    table["rows"].as_array().unwrap()
}

fn row<'a>(table: &'a Value, kind: &str, id: i64) -> &'a Value {
    rows(table)
        .iter()
        .find(|r| r["kind"] == kind && r["id"] == id)
        .unwrap()
}

/// The score recomputed from the row's stored scores (ease, 10 = easiest).
fn expected_score(formula: &str, row: &Value) -> Option<f64> {
    let (i, c, e) = (
        row["impact"].as_f64()?,
        row["confidence"].as_f64()?,
        row["ease"].as_f64()?,
    );
    Some(match formula {
        "weighted" => i * c / (11.0 - e),
        "product" => i * c * e,
        "average" => (i + c + e) / 3.0,
        other => panic!("formula {other}"),
    })
}

/// Every segment and stream is listed; scored rows come first, ranked 1..n
/// by the score recomputed here (ties by name), the rest after, unranked.
fn check_ranking(table: &Value) {
    let formula = table["formula"].as_str().unwrap();
    let rows = rows(table);
    let scored: Vec<&Value> = rows.iter().filter(|r| !r["rank"].is_null()).collect();
    for (position, row) in scored.iter().enumerate() {
        assert_eq!(row["rank"], position as u64 + 1);
        let expected = expected_score(formula, row).unwrap();
        assert!(
            (row["score"].as_f64().unwrap() - expected).abs() < 1e-9,
            "{row}"
        );
        let e = row["e"].as_u64().unwrap();
        let ease = row["ease"].as_u64().unwrap();
        assert_eq!(
            e,
            if formula == "weighted" {
                11 - ease
            } else {
                ease
            }
        );
    }
    for pair in scored.windows(2) {
        let (a, b) = (
            pair[0]["score"].as_f64().unwrap(),
            pair[1]["score"].as_f64().unwrap(),
        );
        assert!(a > b || (a == b && pair[0]["name"].as_str() <= pair[1]["name"].as_str()));
    }
    let first_unscored = rows.iter().position(|r| r["rank"].is_null()).unwrap();
    assert_eq!(first_unscored, scored.len(), "unscored rows come last");
    assert!(rows[first_unscored..].iter().all(|r| r["score"].is_null()));
}

#[test]
fn the_ranked_table_lists_every_segment_and_stream_scored_by_the_formula() {
    let sandbox = demo();
    let segments: Vec<Value> =
        serde_json::from_str(&ok(sandbox.run(&["segment", "list", "--json"]))).unwrap();
    let table = table(&sandbox, &[]);
    assert_eq!(table["formula"], "weighted");
    assert_eq!(table["e_label"], "Effort (1 = little work)");
    let segment_rows = rows(&table)
        .iter()
        .filter(|r| r["kind"] == "segment")
        .count();
    assert_eq!(segment_rows, segments.len());
    assert!(rows(&table).iter().any(|r| r["kind"] == "stream"));
    let scored = rows(&table).iter().filter(|r| !r["rank"].is_null()).count();
    assert_eq!(scored, 7, "the demo scores six segments and one stream");
    check_ranking(&table);
    for formula in ["product", "average"] {
        let other = self::table(&sandbox, &["--formula", formula]);
        assert_eq!(other["formula"], formula);
        assert_eq!(other["e_label"], "Ease (10 = easiest)");
        check_ranking(&other);
    }
    // `--formula` is for that print only.
    assert_eq!(self::table(&sandbox, &[])["formula"], "weighted");
    let text = ok(sandbox.run(&["segment", "ice"]));
    assert!(text.starts_with("ICE ranking, formula weighted: Impact × Confidence / Effort"));
    assert!(text.contains("not scored"));
}

#[test]
fn setting_scores_re_ranks_and_out_of_range_scores_are_refused() {
    let sandbox = demo();
    let before = table(&sandbox, &[]);
    let last = rows(&before)
        .iter()
        .rfind(|r| !r["rank"].is_null())
        .unwrap()
        .clone();
    let id = last["id"].as_i64().unwrap().to_string();
    let kind_flag: &[&str] = if last["kind"] == "stream" {
        &["--stream"]
    } else {
        &[]
    };
    let mut args = vec![
        "segment",
        "ice",
        "set",
        id.as_str(),
        "--impact",
        "10",
        "--confidence",
        "10",
        "--effort",
        "1",
        "--note-impact",
        "raised in a test",
    ];
    args.extend_from_slice(kind_flag);
    let printed = ok(sandbox.run(&args));
    assert!(printed.contains("rank 1 of 7"), "{printed}");
    let after = table(&sandbox, &[]);
    let moved = row(
        &after,
        last["kind"].as_str().unwrap(),
        last["id"].as_i64().unwrap(),
    );
    assert_eq!(moved["rank"], 1);
    assert_eq!(moved["ease"], 10);
    assert_eq!(moved["note_impact"], "raised in a test");
    check_ranking(&after);

    for (flag, value) in [("--impact", "11"), ("--confidence", "0"), ("--ease", "-3")] {
        let out = sandbox.run(&["segment", "ice", "set", id.as_str(), flag, value]);
        assert_ne!(out.code, 0);
        assert!(
            out.stderr
                .contains(&format!("must be a whole number from 1 to 10, not {value}")),
            "{}",
            out.stderr
        );
    }
    let out = sandbox.run(&["segment", "ice", "set", "9999", "--impact", "3"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("9999"), "{}", out.stderr);

    ok(sandbox.run(&["segment", "ice", "formula", "average"]));
    let average = table(&sandbox, &[]);
    assert_eq!(average["formula"], "average");
    check_ranking(&average);
    let out = sandbox.run(&["segment", "ice", "formula", "sum"]);
    assert!(
        out.stderr.contains("use weighted, product or average"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_deleted_segment_takes_its_scores_with_it_and_the_csv_has_every_row() {
    let sandbox = demo();
    let rules = sandbox.path("rules.json");
    std::fs::write(
        &rules,
        r#"{"combinator":"and","rules":[{"field":"persona","operator":"=","value":"Practitioner"}]}"#,
    )
    .unwrap();
    let id = ok(sandbox.run(&[
        "segment",
        "save",
        "--name",
        "Practitioners",
        rules.to_str().unwrap(),
    ]));
    let id = id.trim();
    ok(sandbox.run(&[
        "segment",
        "ice",
        "set",
        id,
        "--impact",
        "4",
        "--confidence",
        "4",
        "--ease",
        "4",
        "--note",
        "whole row",
    ]));
    let csv = ok(sandbox.run(&["segment", "ice", "--csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), rows(&table(&sandbox, &[])).len() + 1);
    assert!(lines[0]
        .starts_with("Rank,Kind,Id,Name,Impact,Confidence,Effort (1 = little work),Score,Formula"));
    assert!(
        lines.iter().any(
            |l| l.contains(&format!(",segment,{id},Practitioners,4,4,7,"))
                && l.ends_with(",whole row")
        ),
        "{csv}"
    );
    ok(sandbox.run(&["segment", "delete", id]));
    let after = table(&sandbox, &[]);
    assert!(rows(&after)
        .iter()
        .all(|r| r["id"].as_i64() != id.parse().ok() || r["kind"] != "segment"));
    assert_eq!(
        rows(&after).iter().filter(|r| !r["rank"].is_null()).count(),
        7
    );
}

#[test]
fn suggestions_state_each_segments_reach_and_emailable_count_as_members_give_them() {
    let sandbox = demo();
    let table = table(&sandbox, &[]);
    let all = sandbox.member_ids(
        &{
            let path = sandbox.path("all.json");
            std::fs::write(&path, r#"{"combinator":"and","rules":[]}"#).unwrap();
            path.to_str().unwrap().to_owned()
        },
        AS_OF,
    );
    let suggestions = table["suggestions"].as_array().unwrap();
    assert_eq!(suggestions.len(), rows(&table).len());
    let mut checked = 0;
    for s in suggestions
        .iter()
        .filter(|s| s["kind"] == "segment")
        .take(6)
    {
        let id = s["id"].as_i64().unwrap().to_string();
        let members = sandbox.member_ids(&id, AS_OF);
        let reach = s["impact"]["reasons"][0].as_str().unwrap();
        let share = members.len() as f64 / all.len() as f64 * 100.0;
        let expected_share = if share > 0.0 && share < 1.0 {
            format!("{share:.1}%")
        } else {
            format!("{share:.0}%")
        };
        assert_eq!(
            reach,
            format!(
                "{} leads, {expected_share} of all leads",
                grouped(members.len())
            ),
            "segment {id}"
        );
        for key in ["impact", "confidence", "ease", "effort"] {
            let value = s[key]["value"].as_u64().unwrap();
            assert!((1..=10).contains(&value));
        }
        assert_eq!(
            s["ease"]["value"].as_u64().unwrap() + s["effort"]["value"].as_u64().unwrap(),
            11
        );
        checked += 1;
    }
    assert_eq!(checked, 6);
    let text = ok(sandbox.run(&["segment", "ice", "--suggest", "--as-of", AS_OF]));
    assert!(text.contains("suggested Impact"), "{text}");
    assert!(text.contains("suggested Effort"), "{text}");
}

fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
