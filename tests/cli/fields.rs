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
        23 + 5,
        "23 standard fields and 5 demo custom fields"
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
    assert_eq!(lines.len(), 1 + 23);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("annual_revenue") && l.contains("firmographic")));
}
