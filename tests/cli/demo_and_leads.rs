//! `init`, `demo`, `leads count`, `leads export` and `leads search`.

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

/// `leads search` finds what the app's quick search finds: accents and
/// case ignored, in name, e-mail and company, counted in full and listed by
/// id up to the limit; a second process finds the same from the keys the
/// first one stored when it closed.
#[test]
fn search_finds_leads_by_name_email_or_company_ignoring_accents() {
    let sandbox = Sandbox::new();
    let csv = sandbox.path("people.csv");
    std::fs::write(
        &csv,
        "Email,First Name,Last Name,Company\n\
         bea@example.com,Bea,Müller,Pébéo\n\
         otto@muller.de,Otto,Weg,Straße AG\n\
         jo@example.com,Jo,Smith,Mullerhaus\n\
         ann@example.com,Ann,Lee,Tab\tCo\n",
    )
    .unwrap();
    assert_eq!(sandbox.run(&["init"]).code, 0);
    let import = sandbox.run(&["import", "leads", csv.to_str().unwrap()]);
    assert_eq!(import.code, 0, "{}", import.stderr);

    let all = sandbox.run(&["leads", "search", "MULLER"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(
        all.stdout,
        "3 leads match\n\
         1\tBea\tMüller\tbea@example.com\tPébéo\n\
         2\tOtto\tWeg\totto@muller.de\tStraße AG\n\
         3\tJo\tSmith\tjo@example.com\tMullerhaus\n"
    );
    let first = sandbox.run(&["leads", "search", "müller", "--limit", "1"]);
    assert_eq!(
        first.stdout.lines().collect::<Vec<_>>(),
        ["3 leads match", "1\tBea\tMüller\tbea@example.com\tPébéo"]
    );
    let one = sandbox.run(&["leads", "search", "pebeo"]);
    assert!(
        one.stdout.starts_with("1 lead matches\n1\t"),
        "{}",
        one.stdout
    );
    let tab = sandbox.run(&["leads", "search", "ann@"]);
    assert_eq!(
        tab.stdout,
        "1 lead matches\n4\tAnn\tLee\tann@example.com\tTab Co\n"
    );
    let none = sandbox.run(&["leads", "search", "zzzz"]);
    assert_eq!((none.code, none.stdout.as_str()), (0, "0 leads match\n"));

    let timed = sandbox.run(&["leads", "search", "muller", "--repeat", "3"]);
    assert_eq!(timed.stdout, all.stdout, "the same on every run");
    assert_eq!(timed.stderr.matches(" ms\n").count(), 3, "{}", timed.stderr);
}

/// Writes a CSV with an Email column and `extra` more columns (`Extra 1`,
/// `Extra 2`, ...), one row per email; cell `i` of a row is `value i`.
fn wide_csv(sandbox: &Sandbox, emails: &[&str], extra: usize) -> String {
    let mut text = String::from("Email");
    for column in 1..=extra {
        text.push_str(&format!(",Extra {column}"));
    }
    text.push('\n');
    for email in emails {
        text.push_str(email);
        for column in 1..=extra {
            text.push_str(&format!(",value {column}"));
        }
        text.push('\n');
    }
    let path = sandbox.path("wide.csv");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Checks that `leads export` (CSV and JSON) and the lead detail work and
/// carry every custom field; returns the number of exported leads.
fn export_and_detail_work(sandbox: &Sandbox, custom_fields: usize) -> usize {
    let csv_out = sandbox.run(&["leads", "export", "--format", "csv"]);
    assert_eq!(csv_out.code, 0, "CSV export: {}", csv_out.stderr);
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.len(),
        2 + 30 + custom_fields,
        "id, external_id, fields"
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();

    let json_out = sandbox.run(&["leads", "export", "--format", "json"]);
    assert_eq!(json_out.code, 0, "JSON export: {}", json_out.stderr);
    let json: Vec<serde_json::Value> = serde_json::from_str(&json_out.stdout).unwrap();
    assert_eq!(json.len(), records.len());

    let workspace = leadstream_core::Workspace::open(sandbox.db()).unwrap();
    let fields = leadstream_core::fields::list(workspace.conn()).unwrap();
    assert_eq!(fields.len(), 30 + custom_fields);
    if let Some(first) = json.first() {
        let id = first["id"].as_i64().unwrap();
        let detail = leadstream_core::leads::detail(&workspace, id).unwrap();
        assert_eq!(detail.fields.len(), 30 + custom_fields);
    }
    records.len()
}

#[test]
fn wide_file_does_not_break_lead_export() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let file = wide_csv(&sandbox, &["ann@example.com", "bo@example.com"], 2_000);
    let import = sandbox.run(&["import", "leads", &file, "--json"]);
    assert_eq!(import.code, 0, "{}", import.stderr);

    assert_eq!(export_and_detail_work(&sandbox, 2_000), 2);
    let csv_out = sandbox.run(&["leads", "export"]).stdout;
    let mut reader = csv::Reader::from_reader(csv_out.as_bytes());
    let header = reader.headers().unwrap().clone();
    let last = header.iter().position(|h| h == "extra_2000").unwrap();
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(&record[last], "value 2000");
    let json: Vec<serde_json::Value> =
        serde_json::from_str(&sandbox.run(&["leads", "export", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json[1]["extra_1999"], "value 1999");
    let workspace = leadstream_core::Workspace::open(sandbox.db()).unwrap();
    let detail = leadstream_core::leads::detail(&workspace, 1).unwrap();
    let value = detail
        .fields
        .iter()
        .find(|f| f.field.key == "extra_1234")
        .and_then(|f| f.value.clone());
    assert_eq!(
        value,
        Some(leadstream_core::leads::CellValue::Text("value 1234".into()))
    );
}

#[test]
fn wide_file_does_not_break_lead_export_after_undo() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let narrow = sandbox.path("narrow.csv");
    std::fs::write(&narrow, "Email,First Name\ncy@example.com,Cy\n").unwrap();
    let out = sandbox.run(&["import", "leads", narrow.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = wide_csv(&sandbox, &["ann@example.com", "cy@example.com"], 2_000);
    let import = sandbox.run(&["import", "leads", &file, "--json"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    let undo = sandbox.run(&["imports", "undo", "2"]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);

    let fields = leadstream_core::fields::list(
        leadstream_core::Workspace::open(sandbox.db())
            .unwrap()
            .conn(),
    )
    .unwrap();
    let custom = fields.iter().filter(|f| !f.is_standard).count();
    assert_eq!(export_and_detail_work(&sandbox, custom), 1);
}
