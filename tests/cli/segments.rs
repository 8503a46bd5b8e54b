//! `segment count|members|explain|save|list`, checked against the leads the
//! CLI itself exports and against each other.

use std::collections::BTreeSet;

use crate::support::{ok, Sandbox};

const AS_OF: &str = "2026-06-01";

/// A sandbox holding a small deterministic demo workspace.
fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "demo",
        "--leads",
        "600",
        "--events-per-lead",
        "6",
        "--anchor",
        AS_OF,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

fn write_rules(sandbox: &Sandbox, name: &str, json: &str) -> String {
    let path = sandbox.path(name);
    std::fs::write(&path, json).unwrap();
    path.to_str().unwrap().to_owned()
}

const GERMAN_TECH: &str = r#"{"combinator":"and","rules":[
    {"field":"country","operator":"=","value":" GERMANY "},
    {"field":"persona","operator":"!=","value":"Practitioner"}
]}"#;

#[test]
fn count_agrees_with_the_exported_leads() {
    let sandbox = demo();
    let rules = write_rules(&sandbox, "r.json", GERMAN_TECH);
    let count: usize = ok(sandbox.run(&["segment", "count", &rules, "--as-of", AS_OF]))
        .trim()
        .parse()
        .unwrap();
    // The oracle: every lead, exported, filtered here by the documented semantics.
    let export = ok(sandbox.run(&["leads", "export"]));
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (country, persona, id) = (column("country"), column("persona"), column("id"));
    let expected: BTreeSet<i64> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| {
            r[country].trim().to_lowercase() == "germany"
                && r[persona].trim().to_lowercase() != "practitioner"
        })
        .map(|r| r[id].parse().unwrap())
        .collect();
    assert!(count > 0);
    assert_eq!(count, expected.len());
    assert_eq!(sandbox.member_ids(&rules, AS_OF), expected);
}

#[test]
fn saved_segments_count_the_same_as_their_rules_and_list_with_counts() {
    let sandbox = demo();
    let rules = write_rules(&sandbox, "r.json", GERMAN_TECH);
    let from_file = ok(sandbox.run(&["segment", "count", &rules, "--as-of", AS_OF]));
    let id = ok(sandbox.run(&[
        "segment",
        "save",
        &rules,
        "--name",
        "German buyers",
        "--folder",
        "Regions",
        "--color",
        "#aa0000",
    ]));
    let id = id.trim();
    assert_eq!(
        ok(sandbox.run(&["segment", "count", id, "--as-of", AS_OF])),
        from_file
    );

    let list = ok(sandbox.run(&["segment", "list", "--as-of", AS_OF]));
    let line = list
        .lines()
        .find(|l| l.contains("German buyers"))
        .expect("listed");
    assert!(line.contains(from_file.trim()), "{line}");
    assert!(
        list.contains("(built in)"),
        "built-in segments are listed too"
    );

    // A segment that refers to the saved one counts the same; making the
    // saved one refer back is refused and changes nothing.
    let wrapper = write_rules(
        &sandbox,
        "w.json",
        &format!(
            r#"{{"combinator":"and","rules":[{{"field":"segment","operator":"in","value":{id}}}]}}"#
        ),
    );
    assert_eq!(
        ok(sandbox.run(&["segment", "count", &wrapper, "--as-of", AS_OF])),
        from_file
    );
    let wrapper_id = ok(sandbox.run(&["segment", "save", &wrapper, "--name", "Wrapper"]));
    let back = write_rules(
        &sandbox,
        "back.json",
        &format!(
            r#"{{"combinator":"and","rules":[{{"field":"segment","operator":"notIn","value":{}}}]}}"#,
            wrapper_id.trim()
        ),
    );
    let refused = sandbox.run(&["segment", "save", &back, "--name", "Loop", "--id", id]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("refers back to itself"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        ok(sandbox.run(&["segment", "count", id, "--as-of", AS_OF])),
        from_file
    );
}

#[test]
fn not_performed_is_the_complement_of_performed() {
    let sandbox = demo();
    let value = r#"{"type":"page_view","min":2,"inLast":{"amount":60,"unit":"days"},"where":{"combinator":"or","rules":[{"field":"url","operator":"beginsWith","value":"/BLOG"},{"field":"url","operator":"=","value":"/pricing"}]}}"#;
    let performed = write_rules(
        &sandbox,
        "p.json",
        &format!(
            r#"{{"combinator":"and","rules":[{{"field":"event","operator":"performed","value":{value}}}]}}"#
        ),
    );
    let not_performed = write_rules(
        &sandbox,
        "n.json",
        &format!(
            r#"{{"combinator":"and","rules":[{{"field":"event","operator":"notPerformed","value":{value}}}]}}"#
        ),
    );
    let yes = sandbox.member_ids(&performed, AS_OF);
    let no = sandbox.member_ids(&not_performed, AS_OF);
    assert!(!yes.is_empty() && !no.is_empty());
    assert!(yes.is_disjoint(&no));
    assert_eq!(yes.len() + no.len(), 600);
}

#[test]
fn explain_agrees_with_membership() {
    let sandbox = demo();
    let rules = write_rules(&sandbox, "r.json", GERMAN_TECH);
    let members = sandbox.member_ids(&rules, AS_OF);
    let inside = *members.iter().next().unwrap();
    let text = ok(sandbox.run(&[
        "segment",
        "explain",
        &rules,
        "--lead",
        &inside.to_string(),
        "--as-of",
        AS_OF,
    ]));
    assert!(text.contains("is IN the segment"), "{text}");
    assert!(text.contains("✓ Country is GERMANY  [Germany]"), "{text}");
    for lead in 1..=40i64 {
        let json = ok(sandbox.run(&[
            "segment",
            "explain",
            &rules,
            "--lead",
            &lead.to_string(),
            "--as-of",
            AS_OF,
            "--json",
        ]));
        let explanation: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            explanation["matched"].as_bool().unwrap(),
            members.contains(&lead),
            "lead {lead}"
        );
        assert_eq!(explanation["root"]["children"].as_array().unwrap().len(), 2);
    }
    let missing = sandbox.run(&["segment", "explain", &rules, "--lead", "999999"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("lead 999999 does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn as_of_moves_relative_dates() {
    let sandbox = demo();
    let rules = write_rules(
        &sandbox,
        "r.json",
        r#"{"combinator":"and","rules":[{"field":"created_at","operator":"inLast","value":{"amount":30,"unit":"days"}}]}"#,
    );
    let now: u64 = ok(sandbox.run(&["segment", "count", &rules, "--as-of", AS_OF]))
        .trim()
        .parse()
        .unwrap();
    let later: u64 = ok(sandbox.run(&[
        "segment",
        "count",
        &rules,
        "--as-of",
        "2030-01-01T00:00:00Z",
    ]))
    .trim()
    .parse()
    .unwrap();
    assert!(now > 0);
    assert_eq!(later, 0);
    let bad = sandbox.run(&["segment", "count", &rules, "--as-of", "next tuesday"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("not an as-of date"), "{}", bad.stderr);
}

#[test]
fn invalid_rules_say_what_and_where() {
    let sandbox = demo();
    let cases = [
        (
            r#"{"combinator":"and","rules":[{"combinator":"or","rules":[{"field":"shoe_size","operator":"=","value":"9"}]}]}"#,
            vec!["root.rules[0].rules[0]", "shoe_size", "no such field"],
        ),
        (
            r#"{"combinator":"and","rules":[{"field":"employees","operator":"beginsWith","value":"9"}]}"#,
            vec![
                "root.rules[0]",
                "employees",
                "does not apply to a number field",
            ],
        ),
        (
            r#"{"combinator":"and","rules":[{"field":"created_at","operator":">","value":"yesterday"}]}"#,
            vec!["created_at", "`yesterday` is not a date"],
        ),
        (
            r#"{"combinator":"and","rules":[{"field":"segment","operator":"in","value":424242}]}"#,
            vec!["segment 424242 does not exist"],
        ),
        (
            r#"{"combinator":"and","rules":[{"field":"employees","operator":">=","value":"1e999"}]}"#,
            vec!["root.rules[0]", "`1e999` is too large to be a number"],
        ),
        (
            "{\"combinator\":\"and\",\n\"rules\": [",
            vec!["r.json", "not valid JSON", "line 2"],
        ),
    ];
    for (json, wanted) in cases {
        let rules = write_rules(&sandbox, "r.json", json);
        let out = sandbox.run(&["segment", "count", &rules]);
        assert_eq!(out.code, 1, "{json}");
        for part in wanted {
            assert!(
                out.stderr.contains(part),
                "`{part}` missing from: {}",
                out.stderr
            );
        }
    }
}

#[test]
fn member_export_is_safe_and_importable() {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["init"]));
    let csv_path = sandbox.path("leads.csv");
    std::fs::write(&csv_path, "Email,First Name,Last Name,Company\nann@example.com,=HYPERLINK(\"http://x\"),Ng,@Acme\nbo@example.com,Bo,+1,Beta\n").unwrap();
    ok(sandbox.run(&["import", "leads", csv_path.to_str().unwrap()]));
    let rules = write_rules(&sandbox, "all.json", r#"{"combinator":"and","rules":[]}"#);
    let csv = ok(sandbox.run(&["segment", "members", &rules, "--include-unconsented"]));
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("Email,First name,Last name,Company"));
    assert_eq!(
        lines.next(),
        Some(r#"ann@example.com,"'=HYPERLINK(""http://x"")",Ng,'@Acme"#)
    );
    assert_eq!(lines.next(), Some("bo@example.com,Bo,'+1,Beta"));
    let unknown = sandbox.run(&["segment", "members", &rules, "--fields", "email,shoe_size"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("shoe_size"), "{}", unknown.stderr);
}

#[test]
fn rules_can_come_from_stdin() {
    let sandbox = demo();
    let rules = write_rules(&sandbox, "r.json", GERMAN_TECH);
    let from_file = ok(sandbox.run(&["segment", "count", &rules, "--as-of", AS_OF]));
    let db = sandbox.db();
    let mut child = std::process::Command::new(crate::support::leadstream_binary())
        .args([
            "--db",
            db.to_str().unwrap(),
            "segment",
            "count",
            "-",
            "--as-of",
            AS_OF,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(GERMAN_TECH.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), from_file);
}

#[test]
fn deleting_a_segment_that_streams_enter_from_is_refused_with_their_names() {
    let sandbox = demo();
    let rules = write_rules(&sandbox, "r.json", GERMAN_TECH);
    let id = ok(sandbox.run(&["segment", "save", &rules, "--name", "German buyers"]));
    let id: i64 = id.trim().parse().unwrap();
    let unused = ok(sandbox.run(&["segment", "save", &rules, "--name", "Unused"]));
    // Two streams enter from the new segment: copies of a demo stream.
    let exported = ok(sandbox.run(&["streams", "export", "3"]));
    for name in ["Decision nurture", "Win-back"] {
        let mut file: serde_json::Value = serde_json::from_str(&exported).unwrap();
        file["stream"]["name"] = name.into();
        file["stream"]["definition"]["entry_segments"] = serde_json::json!([id]);
        let path = sandbox.path(&format!("{name}.json"));
        std::fs::write(&path, file.to_string()).unwrap();
        ok(sandbox.run(&["streams", "import", path.to_str().unwrap()]));
    }

    let refused = sandbox.run(&["segment", "delete", &id.to_string()]);
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    assert!(
        refused
            .stderr
            .contains("used by the streams “Decision nurture” and “Win-back”: remove it from their entry first"),
        "{}",
        refused.stderr
    );
    // The segment is still there and counts as before; planning still works.
    let list = ok(sandbox.run(&["segment", "list", "--as-of", AS_OF]));
    assert!(list.contains("German buyers"), "{list}");
    ok(sandbox.run(&["plan", "--from", AS_OF, "--days", "7", "--summary"]));

    let deleted = ok(sandbox.run(&["segment", "delete", unused.trim()]));
    assert!(deleted.contains("Unused"), "{deleted}");
    let list = ok(sandbox.run(&["segment", "list", "--as-of", AS_OF]));
    assert!(!list.contains("Unused"), "{list}");
}
