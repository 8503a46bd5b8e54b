//! `import leads`, `import events` and `imports list|undo` through the binary.

use crate::support::{repo_root, Output, Sandbox};

/// The `--json` report of a successful import.
fn json_report(out: &Output) -> serde_json::Value {
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(out.stdout.trim()).unwrap()
}

fn fixture(relative: &str) -> String {
    repo_root()
        .join("tests/fixtures")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn json_output_has_the_documented_counts() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let file = fixture("e2e/hubspot-contacts.csv");
    let out = sandbox.run(&["import", "leads", &file, "--json"]);
    let report = json_report(&out);
    assert_eq!(report["rows"], 6);
    assert_eq!(report["inserted"], 3);
    assert_eq!(report["updated"], 0);
    assert_eq!(report["merged"], 1);
    assert_eq!(report["rejected"], 2);
    let rejected = report["rejected_file"].as_str().unwrap();
    let text = std::fs::read_to_string(rejected).unwrap();
    assert!(text.starts_with("line,reason,Record ID"), "{text}");
    assert!(text.contains("not-an-email"));
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "3");
}

#[test]
fn dry_run_changes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let file = fixture("leads/salesforce-dataloader-samples/accountData.csv");
    let out = sandbox.run(&["import", "leads", &file, "--dry-run", "--json"]);
    let report = json_report(&out);
    assert_eq!(report["dry_run"], true);
    assert!(report["inserted"].as_u64().unwrap() > 100);
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "0");
    assert_eq!(sandbox.run(&["imports", "list"]).stdout, "");
}

#[test]
fn key_map_null_token_and_on_match_options() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.csv");
    std::fs::write(
        &first,
        "CRM Id;Mail;Firma;Stage\n7;ann@example.com;Acme;n/a\n8;bob@example.com;n/a;Lead\n",
    )
    .unwrap();
    let first = first.to_str().unwrap();
    let out = sandbox.run(&[
        "import",
        "leads",
        first,
        "--key",
        "CRM Id",
        "--map",
        "Mail=email",
        "--map",
        "Firma=company",
        "--map",
        "Stage=lifecycle_stage",
        "--null-token",
        "n/a",
        "--delimiter",
        ";",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let csv_out = sandbox.run(&["leads", "export"]).stdout;
    assert!(csv_out.contains("7,ann@example.com"), "{csv_out}");
    assert!(!csv_out.contains("n/a"), "n/a was treated as empty");

    let second = dir.path().join("b.csv");
    std::fs::write(
        &second,
        "CRM Id;Mail;Firma;Stage\n7;ann@example.com;Globex;MQL\n",
    )
    .unwrap();
    let second = second.to_str().unwrap();
    let common = [
        "--key",
        "CRM Id",
        "--map",
        "Mail=email",
        "--map",
        "Firma=company",
        "--map",
        "Stage=lifecycle_stage",
        "--json",
    ];
    let mut fill = vec!["import", "leads", second, "--on-match", "fill"];
    fill.extend(common);
    let report = json_report(&sandbox.run(&fill));
    assert_eq!(report["updated"], 1);
    let exported = sandbox.run(&["leads", "export"]).stdout;
    assert!(exported.contains("Acme"), "fill keeps the company");
    assert!(exported.contains("MQL"), "fill sets the empty stage");
    let mut skip = vec!["import", "leads", second, "--on-match", "skip"];
    skip.extend(common);
    let report = json_report(&sandbox.run(&skip));
    assert_eq!(report["skipped"], 1);
}

#[test]
fn imports_list_and_undo() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let file = fixture("e2e/hubspot-contacts.csv");
    sandbox.run(&["import", "leads", &file]);
    let list = sandbox.run(&["imports", "list"]).stdout;
    assert!(
        list.contains("hubspot-contacts.csv") && list.contains("inserted 3"),
        "{list}"
    );
    let undo = sandbox.run(&["imports", "undo", "1"]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    assert!(undo.stdout.contains("removed 3 leads"));
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "0");
    let again = sandbox.run(&["imports", "undo", "1"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already undone"));
}

#[test]
fn undo_can_remove_the_fields_the_import_created() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leads.csv");
    std::fs::write(
        &file,
        "email,Favourite Colour\nann@example.com,teal\nbob@example.com,red\n",
    )
    .unwrap();
    let imported = sandbox.run(&["import", "leads", file.to_str().unwrap()]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let fields = sandbox.run(&["fields"]).stdout;
    assert!(fields.contains("Favourite Colour"), "{fields}");

    let undo = sandbox.run(&["imports", "undo", "1", "--remove-fields"]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    assert!(undo.stdout.contains("removed 2 leads"), "{}", undo.stdout);
    assert!(
        undo.stdout.contains("removed field Favourite Colour"),
        "{}",
        undo.stdout
    );
    let fields = sandbox.run(&["fields"]).stdout;
    assert!(!fields.contains("Favourite Colour"), "{fields}");
}

#[test]
fn events_import_creates_unknown_leads_by_default() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    std::fs::write(
        &file,
        "email,event,timestamp,url\nann@example.com,page_view,2026-03-01T10:00:00Z,/pricing\n",
    )
    .unwrap();
    let out = sandbox.run(&["import", "events", file.to_str().unwrap(), "--json"]);
    let report = json_report(&out);
    assert_eq!(report["inserted"], 1);
    assert_eq!(report["leads_created"], 1);
    let rejecting = sandbox.run(&[
        "import",
        "events",
        file.to_str().unwrap(),
        "--unknown-leads",
        "reject",
        "--json",
    ]);
    let report = json_report(&rejecting);
    assert_eq!(report["inserted"], 1, "the lead exists now");
}

#[test]
fn unreadable_files_exit_1_with_the_reason() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let out = sandbox.run(&["import", "leads", empty.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("empty.csv") && out.stderr.contains("empty"),
        "{}",
        out.stderr
    );
    let utf32 = fixture("quirks/salesforce-dataloader-fixtures/csvtext_BOM_UTF32LE.csv");
    let out = sandbox.run(&["import", "leads", &utf32]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("byte-order mark"), "{}", out.stderr);
    let missing = sandbox.run(&["import", "leads", "/no/such/file.csv"]);
    assert_eq!(missing.code, 1);
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "0");
}

#[test]
fn imports_undo_out_of_order_is_refused_naming_the_later_import() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.csv");
    std::fs::write(&first, "email,first_name\na@x.com,Ann\n").unwrap();
    let second = dir.path().join("b.csv");
    std::fs::write(&second, "email,first_name\na@x.com,Anna\n").unwrap();
    for file in [&first, &second] {
        let out = sandbox.run(&["import", "leads", file.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let refused = sandbox.run(&["imports", "undo", "1"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("import #1 of a.csv cannot be undone: import #2 of b.csv on ")
            && refused
                .stderr
                .contains("changed 1 of the leads it added; undo it first"),
        "{}",
        refused.stderr
    );
    assert!(sandbox.run(&["leads", "export"]).stdout.contains("Anna"));
    for id in ["2", "1"] {
        let out = sandbox.run(&["imports", "undo", id]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "0");
}
