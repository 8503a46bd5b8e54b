//! `fields` and `fields --json`.

use crate::support::Sandbox;

#[test]
fn fields_json_lists_every_field_with_its_metadata() {
    let sandbox = Sandbox::new();
    sandbox.run(&["demo", "--leads", "5"]);
    let out = sandbox.run(&["fields", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fields: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        fields.len(),
        30 + 5,
        "30 standard fields (5 of them computed scores) and 5 demo custom fields"
    );
    let by_key = |key: &str| fields.iter().find(|f| f["key"] == key).unwrap().clone();
    let email = by_key("email");
    assert_eq!(email["label"], "Email");
    assert_eq!(email["type"], "text");
    assert_eq!(email["category"], "demographic");
    assert_eq!(email["origin"], "explicit");
    assert_eq!(by_key("technologies")["type"], "list");
    assert_eq!(by_key("technologies")["category"], "technographic");
    assert_eq!(by_key("budget")["category"], "needs_based");
    assert_eq!(by_key("score")["origin"], "implicit");
    assert_eq!(by_key("score")["is_computed"], false, "a CRM's own score");
    assert_eq!(by_key("score_total")["label"], "Lead score");
    assert_eq!(by_key("score_total")["is_computed"], true);
    for field in &fields {
        for property in ["key", "label", "type", "category", "origin"] {
            assert!(field[property].is_string(), "{field} has {property}");
        }
    }
}

#[test]
fn fields_table_has_a_header_and_a_row_per_field() {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let out = sandbox.run(&["fields"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("key"));
    assert_eq!(lines.len(), 1 + 30);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("annual_revenue") && l.contains("firmographic")));
}

/// A workspace with three leads imported from a CSV with a custom `Shoe
/// Size` column (two values) and a `Favourite Colour` column (one value).
fn workspace_with_custom_fields() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.run(&["init"]);
    let csv_path = sandbox.path("leads.csv");
    std::fs::write(
        &csv_path,
        "Email,Shoe Size,Favourite Colour\nann@example.com,38,teal\nbo@example.com,44,\ncy@example.com,,\n",
    )
    .unwrap();
    let out = sandbox.run(&["import", "leads", csv_path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

fn field_keys(sandbox: &Sandbox) -> Vec<String> {
    let out = sandbox.run(&["fields", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fields: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    fields
        .iter()
        .map(|f| f["key"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn custom_field_can_be_deleted_with_its_values() {
    let sandbox = workspace_with_custom_fields();
    assert!(field_keys(&sandbox).contains(&"shoe_size".to_owned()));
    let out = sandbox.run(&["fields", "delete", "shoe_size"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("shoe_size"), "{}", out.stdout);
    assert!(out.stdout.contains("2 values"), "{}", out.stdout);
    let keys = field_keys(&sandbox);
    assert!(!keys.contains(&"shoe_size".to_owned()));
    assert!(keys.contains(&"favourite_colour".to_owned()));

    let export = sandbox.run(&["leads", "export"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let header = export.stdout.lines().next().unwrap().to_owned();
    assert!(!header.contains("shoe_size"), "{header}");
    assert!(header.contains("favourite_colour"), "{header}");

    // The import that brought the field can still be undone.
    let undo = sandbox.run(&["imports", "undo", "1"]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    assert_eq!(sandbox.run(&["leads", "count"]).stdout.trim(), "0");
}

#[test]
fn standard_fields_cannot_be_deleted() {
    let sandbox = workspace_with_custom_fields();
    let out = sandbox.run(&["fields", "delete", "email"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("standard field"), "{}", out.stderr);
    assert!(field_keys(&sandbox).contains(&"email".to_owned()));
    let unknown = sandbox.run(&["fields", "delete", "no_such_field"]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("no_such_field"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn field_used_by_a_saved_segment_cannot_be_deleted() {
    let sandbox = workspace_with_custom_fields();
    let rules = sandbox.path("rules.json");
    std::fs::write(
        &rules,
        r#"{"combinator":"and","rules":[{"combinator":"or","rules":[
            {"field":"shoe_size","operator":">","value":40}]}]}"#,
    )
    .unwrap();
    let saved = sandbox.run(&[
        "segment",
        "save",
        rules.to_str().unwrap(),
        "--name",
        "Big feet",
    ]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let out = sandbox.run(&["fields", "delete", "shoe_size"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Big feet"), "{}", out.stderr);
    assert!(out.stderr.contains("shoe_size"), "{}", out.stderr);
    assert!(field_keys(&sandbox).contains(&"shoe_size".to_owned()));
    let export = sandbox.run(&["leads", "export", "--format", "json"]);
    let leads: Vec<serde_json::Value> = serde_json::from_str(&export.stdout).unwrap();
    assert_eq!(leads[0]["shoe_size"], 38.0, "the values are kept");
}
