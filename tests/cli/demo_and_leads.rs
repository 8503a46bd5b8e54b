//! `init`, `demo`, `leads count` and `leads export`.

use crate::support::Sandbox;

#[test]
fn init_creates_an_empty_workspace() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(sandbox.db().is_file());
    assert_eq!(sandbox.run(&["leads", "count"]).stdout, "0\n");
}

#[test]
fn demo_generates_the_requested_size_deterministically() {
    let a = Sandbox::new();
    let out = a.run(&[
        "demo",
        "--leads",
        "400",
        "--events-per-lead",
        "5",
        "--anchor",
        "2026-06-01",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("generated 400 leads"),
        "{}",
        out.stdout
    );
    assert_eq!(a.run(&["leads", "count"]).stdout.trim(), "400");

    let b = Sandbox::new();
    b.run(&[
        "demo",
        "--leads",
        "400",
        "--events-per-lead",
        "5",
        "--anchor",
        "2026-06-01",
    ]);
    let export_a = a.run(&["leads", "export", "--format", "csv"]).stdout;
    let export_b = b.run(&["leads", "export", "--format", "csv"]).stdout;
    assert_eq!(
        export_a, export_b,
        "same seed, size and anchor give the same data"
    );
    assert_eq!(export_a.lines().count(), 401);
}

#[test]
fn demo_refuses_a_workspace_that_already_has_leads() {
    let sandbox = Sandbox::new();
    sandbox.run(&["demo", "--leads", "10"]);
    let again = sandbox.run(&["demo", "--leads", "10"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("already holds leads"),
        "{}",
        again.stderr
    );
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "10");
}

#[test]
fn export_csv_and_json_agree() {
    let sandbox = Sandbox::new();
    sandbox.run(&["demo", "--leads", "50", "--anchor", "2026-06-01"]);
    let csv_text = sandbox.run(&["leads", "export", "--format", "csv"]).stdout;
    let json_text = sandbox.run(&["leads", "export", "--format", "json"]).stdout;
    let json: Vec<serde_json::Value> = serde_json::from_str(&json_text).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 50);
    assert_eq!(json.len(), 50);
    let email_column = header.iter().position(|h| h == "email").unwrap();
    for (record, object) in records.iter().zip(&json) {
        let email = object["email"].as_str().unwrap_or("");
        assert_eq!(&record[email_column], email);
    }
    assert!(
        header.iter().any(|h| h == "technologies"),
        "custom fields are exported"
    );
}
