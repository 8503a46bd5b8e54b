//! `hierarchy save|list|show|assign|delete` and the hierarchy part of
//! `segment explain`, on a generated demo.

use serde_json::Value;

use crate::support::Sandbox;

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["demo", "--leads", "600", "--anchor", "2026-06-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

fn json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let out = sandbox.run(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn assign_counts_add_up_and_match_segment_counts() {
    let sandbox = demo();
    let list = json(&sandbox, &["hierarchy", "list", "--json"]);
    let engagement = list
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "By engagement")
        .unwrap();
    let id = engagement["id"].to_string();
    let args = [
        "hierarchy",
        "assign",
        &id,
        "--as-of",
        "2026-06-01",
        "--json",
    ];
    let assignment = json(&sandbox, &args);
    let mut primaries = 0;
    for row in assignment["segments"].as_array().unwrap() {
        let segment = row["segment"]["id"].to_string();
        let count = sandbox.run(&["segment", "count", &segment, "--as-of", "2026-06-01"]);
        assert_eq!(count.stdout.trim(), row["members"].to_string());
        assert_eq!(
            row["members"].as_u64().unwrap(),
            row["primary"].as_u64().unwrap() + row["secondary"].as_u64().unwrap()
        );
        primaries += row["primary"].as_u64().unwrap();
    }
    assert_eq!(primaries + assignment["none"].as_u64().unwrap(), 600);

    let leads = sandbox.run(&[
        "hierarchy",
        "assign",
        &id,
        "--as-of",
        "2026-06-01",
        "--leads",
    ]);
    let lines: Vec<&str> = leads.stdout.lines().collect();
    assert_eq!(lines[0], "lead_id,primary,secondary");
    assert_eq!(lines.len(), 601);
    let in_none = lines[1..]
        .iter()
        .filter(|l| l.split(',').nth(1) == Some(""))
        .count();
    assert_eq!(in_none as u64, assignment["none"].as_u64().unwrap());

    let explained = sandbox.run(&[
        "segment",
        "explain",
        "1",
        "--lead",
        "2",
        "--as-of",
        "2026-06-01",
    ]);
    assert!(
        explained.stdout.contains("Hierarchies:"),
        "{}",
        explained.stdout
    );
    assert!(
        explained.stdout.contains("By persona: primary"),
        "{}",
        explained.stdout
    );
}

#[test]
fn save_show_reorder_and_delete() {
    let sandbox = demo();
    let file = sandbox.path("h.json");
    std::fs::write(&file, r#"{"name":"Stages","segments":[7,6,5]}"#).unwrap();
    let saved = sandbox.run(&["hierarchy", "save", file.to_str().unwrap()]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let id = saved.stdout.trim().to_owned();
    let shown = json(&sandbox, &["hierarchy", "show", &id, "--json"]);
    let order: Vec<i64> = shown["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![7, 6, 5]);
    std::fs::write(
        &file,
        format!(r#"{{"id":{id},"name":"Stages","segments":[5,7]}}"#),
    )
    .unwrap();
    assert_eq!(
        sandbox
            .run(&["hierarchy", "save", file.to_str().unwrap()])
            .stdout
            .trim(),
        id
    );
    assert!(sandbox
        .run(&["hierarchy", "show", &id])
        .stdout
        .contains("2. "));

    std::fs::write(&file, r#"{"name":"Twice","segments":[5,5]}"#).unwrap();
    let twice = sandbox.run(&["hierarchy", "save", file.to_str().unwrap()]);
    assert_eq!(twice.code, 1);
    assert!(twice.stderr.contains("listed twice"), "{}", twice.stderr);

    let deleted = sandbox.run(&["hierarchy", "delete", &id]);
    assert!(
        deleted.stdout.contains("Deleted hierarchy"),
        "{}",
        deleted.stdout
    );
    assert_eq!(sandbox.run(&["hierarchy", "show", &id]).code, 1);
}
