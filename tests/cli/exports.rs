//! `segment members` for email tools (consent) and exports written to a
//! file with `--output` (all or nothing).

use crate::support::{Output, Sandbox};

fn ok(out: Output) -> Output {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out
}

/// Four leads: Ann may be emailed; Bo opted out; Cy has no opt-in recorded;
/// Di opted in but is marked "do not email".
fn workspace_with_consent_mix() -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["init"]));
    let csv_path = sandbox.path("leads.csv");
    std::fs::write(
        &csv_path,
        "Email,First Name,Email Opt In,Do Not Email\n\
         ann@example.com,Ann,yes,no\n\
         bo@example.com,Bo,no,no\n\
         cy@example.com,Cy,,\n\
         di@example.com,Di,yes,yes\n",
    )
    .unwrap();
    ok(sandbox.run(&["import", "leads", csv_path.to_str().unwrap()]));
    let rules = sandbox.path("everyone.json");
    std::fs::write(&rules, r#"{"combinator":"and","rules":[]}"#).unwrap();
    let rules = rules.to_str().unwrap().to_owned();
    (sandbox, rules)
}

fn emails(csv_text: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader.records().map(|r| r.unwrap()[0].to_owned()).collect()
}

#[test]
fn member_export_leaves_out_leads_without_consent() {
    let (sandbox, rules) = workspace_with_consent_mix();
    let out = ok(sandbox.run(&["segment", "members", &rules]));
    assert_eq!(emails(&out.stdout), ["ann@example.com"]);
    for part in [
        "1 of 4",
        "left out 3",
        "1 marked “do not email”",
        "2 without email opt-in",
    ] {
        assert!(
            out.stderr.contains(part),
            "`{part}` missing: {}",
            out.stderr
        );
    }
    let json = ok(sandbox.run(&["segment", "members", &rules, "--format", "json"]));
    let members: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["email"], "ann@example.com");
}

#[test]
fn member_export_includes_leads_without_consent_only_when_asked() {
    let (sandbox, rules) = workspace_with_consent_mix();
    let out = ok(sandbox.run(&["segment", "members", &rules, "--include-unconsented"]));
    assert_eq!(
        emails(&out.stdout),
        [
            "ann@example.com",
            "bo@example.com",
            "cy@example.com",
            "di@example.com"
        ]
    );
    for part in ["4 leads", "including 3", "1 marked “do not email”"] {
        assert!(
            out.stderr.contains(part),
            "`{part}` missing: {}",
            out.stderr
        );
    }
}

#[test]
fn failed_export_leaves_the_existing_file_alone() {
    let (sandbox, rules) = workspace_with_consent_mix();
    let target = sandbox.path("members.csv");
    std::fs::write(&target, "the previous export\n").unwrap();
    let target_arg = target.to_str().unwrap();

    let unknown_field = sandbox.run(&[
        "segment",
        "members",
        &rules,
        "--fields",
        "email,shoe_size",
        "--output",
        target_arg,
    ]);
    assert_eq!(unknown_field.code, 1);
    assert!(
        unknown_field.stderr.contains("shoe_size"),
        "{}",
        unknown_field.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "the previous export\n"
    );

    let unknown_segment = sandbox.run(&["segment", "members", "999", "--output", target_arg]);
    assert_eq!(unknown_segment.code, 1);
    assert!(
        unknown_segment.stderr.contains("999"),
        "{}",
        unknown_segment.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "the previous export\n"
    );

    let leftovers: Vec<_> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("tmp") || name.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let out = ok(sandbox.run(&["segment", "members", &rules, "--output", target_arg]));
    assert_eq!(out.stdout, "", "the export goes to the file");
    assert_eq!(
        emails(&std::fs::read_to_string(&target).unwrap()),
        ["ann@example.com"]
    );
}

#[test]
fn lead_export_writes_its_output_file_whole() {
    let (sandbox, _) = workspace_with_consent_mix();
    let target = sandbox.path("leads.json");
    std::fs::write(&target, "old").unwrap();
    let target_arg = target.to_str().unwrap();
    let out = ok(sandbox.run(&[
        "leads", "export", "--format", "json", "--output", target_arg,
    ]));
    assert_eq!(out.stdout, "");
    let leads: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(leads.len(), 4);
    let missing_folder = sandbox.path("no/such/folder/leads.csv");
    let failed = sandbox.run(&[
        "leads",
        "export",
        "--output",
        missing_folder.to_str().unwrap(),
    ]);
    assert_eq!(failed.code, 1);
    assert!(
        failed.stderr.contains("no/such/folder"),
        "{}",
        failed.stderr
    );
}
