//! `quality report`: on a demo, every planted problem is reported and the
//! counts equal an independent computation from `leads export`; a fresh
//! import makes leads whose activity is older than their last import; the
//! text report has its sections; a bad option is refused plainly.

use std::collections::HashMap;

use serde_json::Value;

use crate::support::{ok, Sandbox};

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "500", "--anchor", "2026-06-01"]));
    sandbox
}

fn report(sandbox: &Sandbox) -> Value {
    serde_json::from_str(&ok(sandbox.run(&["quality", "report", "--json"]))).unwrap()
}

fn ids(list: &Value) -> Vec<i64> {
    list["lead_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

fn is_filled(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) => !text.trim().is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => true,
    }
}

#[test]
fn the_demo_report_finds_what_was_planted_and_agrees_with_the_export() {
    let sandbox = demo();
    let report = report(&sandbox);
    let leads: Vec<Value> =
        serde_json::from_str(&ok(sandbox.run(&["leads", "export", "--format", "json"]))).unwrap();
    assert_eq!(report["total_leads"], 500);

    // Completeness of every exported field, counted from the export.
    let mut checked = 0;
    for category in report["completeness"].as_array().unwrap() {
        for field in category["fields"].as_array().unwrap() {
            let key = field["key"].as_str().unwrap();
            if !leads[0].as_object().unwrap().contains_key(key) {
                continue;
            }
            let filled = leads.iter().filter(|lead| is_filled(&lead[key])).count();
            assert_eq!(field["filled"], filled, "{key}");
            assert_eq!(field["empty"], 500 - filled, "{key}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} fields checked");

    let budget = report["mostly_empty"]
        .as_array()
        .unwrap()
        .iter()
        .find(|impact| impact["key"] == "budget")
        .expect("budget is mostly empty");
    let message = budget["message"].as_str().unwrap();
    assert!(message.starts_with("budget is empty for 6"), "{message}");

    let emails = &report["emails"];
    let missing: Vec<i64> = leads
        .iter()
        .filter(|lead| !is_filled(&lead["email"]))
        .map(|lead| lead["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids(&emails["missing"]), missing);
    assert_eq!(ids(&emails["invalid"]), vec![121, 122, 123]);
    assert_eq!(ids(&emails["role"]), vec![124, 125, 126]);
    assert_eq!(ids(&emails["disposable"]), vec![127, 128]);
    assert_eq!(ids(&emails["hard_bounced"]), vec![129, 130, 131]);
    assert_eq!(ids(&report["phones"]["invalid"]), vec![141, 142, 143]);

    // Countries: every variant's count is the export's count of that value.
    let mut by_value: HashMap<&str, u64> = HashMap::new();
    for lead in &leads {
        if let Some(country) = lead["country"].as_str() {
            *by_value.entry(country).or_default() += 1;
        }
    }
    let variants = report["countries"]["variants"].as_array().unwrap();
    let found: HashMap<&str, u64> = variants
        .iter()
        .map(|v| (v["value"].as_str().unwrap(), v["count"].as_u64().unwrap()))
        .collect();
    let planted = HashMap::from([
        ("USA", 6),
        ("U.S.", 3),
        ("United States of America", 3),
        ("UK", 3),
        ("Great Britain", 2),
        ("Deutschland", 3),
    ]);
    assert_eq!(found, planted);
    for (value, count) in &found {
        assert_eq!(by_value[value], *count, "{value}");
    }
    assert!(report["countries"]["unrecognised"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn an_import_makes_leads_whose_activity_is_older_than_it() {
    let sandbox = demo();
    let before = report(&sandbox);
    assert_eq!(before["stale"]["activity_before_import"]["total"], 0);
    let csv = sandbox.path("update.csv");
    std::fs::write(
        &csv,
        "email,city\nnew.person@acme.example,Lyon\nother.person@acme.example,Nice\n",
    )
    .unwrap();
    ok(sandbox.run(&["import", "leads", csv.to_str().unwrap()]));
    let after = report(&sandbox);
    let stale = &after["stale"]["activity_before_import"];
    assert_eq!(
        stale["total"], 2,
        "the two new leads have no activity since"
    );
    assert_eq!(ids(stale), vec![501, 502]);
}

#[test]
fn the_text_report_has_its_sections_and_bad_options_are_refused() {
    let sandbox = demo();
    let text = ok(sandbox.run(&["quality", "report", "--stale-months", "3"]));
    for section in [
        "Quality report: 500 leads",
        "Completeness by segmentation type",
        "Needs based",
        "budget is empty for",
        "E-mails",
        "invalid syntax",
        "Phones",
        "Countries",
        "USA",
        "Stale leads",
        "no activity for 3 months",
    ] {
        assert!(text.contains(section), "{section} in:\n{text}");
    }
    let refused = sandbox.run(&["quality", "report", "--stale-months", "0"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("stale months must be 1 to 120"),
        "{}",
        refused.stderr
    );
}
