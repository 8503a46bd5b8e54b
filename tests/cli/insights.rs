//! `insights performance` and `insights actions`: tables, JSON that agrees
//! with the table, segments by name or id, sorting, outcomes and errors.

use crate::support::Sandbox;

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["demo", "--leads", "600", "--anchor", "2026-06-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

const PERIOD: [&str; 4] = ["--from", "2026-03-04", "--to", "2026-06-01"];

fn json(sandbox: &Sandbox, args: &[&str]) -> serde_json::Value {
    let out = sandbox.run(args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn performance_ranks_every_saved_segment_against_all_leads() {
    let sandbox = demo();
    let mut args = vec!["insights", "performance"];
    args.extend(PERIOD);
    let table = sandbox.run(&args);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.starts_with("Segment"), "{}", table.stdout);
    assert!(table.stdout.contains("All leads"), "{}", table.stdout);
    args.push("--json");
    let report = json(&sandbox, &args);
    let all = &report["all_leads"]["conversion"];
    assert_eq!(all["trials"], 600);
    assert!(all["successes"].as_u64().unwrap() > 0, "{all}");
    let rows = report["segments"].as_array().unwrap();
    assert_eq!(rows.len(), 23, "the built-in segments (three score groups)");
    let rates: Vec<f64> = rows
        .iter()
        .map(|r| r["conversion"]["rate"].as_f64().unwrap())
        .collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "{rates:?}");
    for row in rows {
        let name = row["name"].as_str().unwrap();
        assert!(
            name.chars().count() > 27 || table.stdout.contains(name),
            "{name} is in the table"
        );
    }
}

#[test]
fn performance_takes_segments_by_name_or_id_and_sorts() {
    let sandbox = demo();
    let mut args = vec![
        "insights",
        "performance",
        "current customers",
        "5",
        "--sort",
        "members",
        "--json",
    ];
    args.extend(PERIOD);
    let report = json(&sandbox, &args);
    let rows = report["segments"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0]["conversion"]["trials"].as_u64() >= rows[1]["conversion"]["trials"].as_u64());
    let out = sandbox.run(&[
        "insights",
        "performance",
        "no such segment",
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no saved segment"), "{}", out.stderr);
    let out = sandbox.run(&[
        "insights",
        "performance",
        "--sort",
        "height",
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("unknown sort"), "{}", out.stderr);
    let out = sandbox.run(&[
        "insights",
        "performance",
        "--from",
        "2026-02-01",
        "--to",
        "2026-01-01",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("put the earlier date first"),
        "{}",
        out.stderr
    );
}

#[test]
fn actions_leave_the_outcome_out_and_rank_by_lift() {
    let sandbox = demo();
    let mut args = vec!["insights", "actions", "--json"];
    args.extend(PERIOD);
    let report = json(&sandbox, &args);
    let actions = report["actions"].as_array().unwrap();
    assert!(!actions.is_empty());
    assert!(actions.iter().all(|a| a["event_type"] != "purchase"));
    let lifts: Vec<f64> = actions
        .iter()
        .map(|a| a["lift"].as_f64().unwrap_or(0.0))
        .collect();
    assert!(lifts.windows(2).all(|w| w[0] >= w[1]), "{lifts:?}");
    args.extend(["--outcome", "demo_request"]);
    let demo_requests = json(&sandbox, &args);
    let kinds: Vec<&str> = demo_requests["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["event_type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"purchase") && !kinds.contains(&"demo_request"),
        "{kinds:?}"
    );
    let mut table_args = vec!["insights", "actions"];
    table_args.extend(PERIOD);
    let table = sandbox.run(&table_args);
    assert!(table.stdout.starts_with("All leads:"), "{}", table.stdout);
}
