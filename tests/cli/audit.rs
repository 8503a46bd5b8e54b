//! `audit list` and `audit export`: imports, backups, restores, settings and
//! exports are in the log newest first with their summaries; the filter by
//! action works; the export writes every entry and is itself audited.

use serde_json::Value;

use crate::support::{ok, Sandbox};

fn entries(sandbox: &Sandbox, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "list", "--json"];
    all.extend_from_slice(args);
    let json: Value = serde_json::from_str(&ok(sandbox.run(&all))).unwrap();
    json["entries"].as_array().unwrap().clone()
}

#[test]
fn the_log_lists_what_happened_and_exports_it() {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["init"]));
    let csv = sandbox.path("leads.csv");
    std::fs::write(
        &csv,
        "email,first_name\nann@x.example,Ann\nbo@x.example,Bo\nbad,Cy\n",
    )
    .unwrap();
    ok(sandbox.run(&["import", "leads", csv.to_str().unwrap()]));
    let exported = sandbox.path("all.csv");
    ok(sandbox.run(&["leads", "export", "--output", exported.to_str().unwrap()]));
    ok(sandbox.run(&["backup", "keep", "4"]));

    let listed = entries(&sandbox, &[]);
    let actions: Vec<&str> = listed
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..3],
        ["settings", "export", "import"],
        "{actions:?}"
    );
    assert!(listed[2]["summary"]
        .as_str()
        .unwrap()
        .starts_with("Imported leads.csv: 2 added, 0 updated, 1 rejected"));
    let export_summary = listed[1]["summary"].as_str().unwrap();
    assert!(
        export_summary.starts_with("Exported 2 rows (leads) to /"),
        "{export_summary}"
    );
    assert!(export_summary.ends_with("all.csv"));
    assert_eq!(listed[0]["summary"], "Changed the setting backup_keep");

    let imports = entries(&sandbox, &["--action", "import"]);
    assert_eq!(imports.len(), 1);
    assert!(entries(&sandbox, &["--since", "2999-01-01"]).is_empty());
    assert_eq!(entries(&sandbox, &["--limit", "1"]).len(), 1);
    let text = ok(sandbox.run(&["audit", "list"]));
    assert!(text.contains("Imported leads.csv"), "{text}");
    // Nobody in clear.
    assert!(!text.contains("ann@x.example"));

    let out = sandbox.path("audit.json");
    let written = ok(sandbox.run(&[
        "audit",
        "export",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]));
    let file: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written.trim(), file.len().to_string());
    assert_eq!(file.len(), listed.len());
    let after = entries(&sandbox, &["--limit", "1"]);
    assert_eq!(after[0]["action"], "export");
    assert_eq!(after[0]["detail"]["what"], "audit log");

    let csv_out = sandbox.path("audit.csv");
    ok(sandbox.run(&[
        "audit",
        "export",
        "--format",
        "csv",
        "--out",
        csv_out.to_str().unwrap(),
    ]));
    let mut reader = csv::Reader::from_path(&csv_out).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["id", "occurred_at", "action", "summary", "detail"]
    );
    assert_eq!(reader.records().count(), listed.len() + 1);
}
