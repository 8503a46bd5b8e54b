//! `plan`, `streams` and `content`: the planner's CSV and JSON against the
//! leads the CLI exports, stream files, and bad input.

use std::collections::{HashMap, HashSet};

use crate::support::{ok, Sandbox};

const FROM: &str = "2026-06-01";

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "demo",
        "--leads",
        "800",
        "--events-per-lead",
        "6",
        "--anchor",
        FROM,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .map(str::to_owned)
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[test]
fn the_plan_never_mails_suppressed_leads_and_is_deterministic() {
    let sandbox = demo();
    let csv = ok(sandbox.run(&["plan", "--from", FROM, "--days", "60"]));
    let sends = csv_rows(&csv);
    assert!(sends.len() > 100, "{} sends", sends.len());
    assert_eq!(
        csv.lines().next().unwrap(),
        "email,send_at_utc,send_at_local,timezone,stream,step,content,subject,link"
    );
    // Leads that must get nothing, from the CLI's own export.
    let leads = csv_rows(&ok(sandbox.run(&["leads", "export"])));
    let blocked: HashSet<String> = leads
        .iter()
        .filter(|l| l["do_not_email"] == "true" || l["email_opt_in"] != "true")
        .map(|l| l["email"].clone())
        .collect();
    assert!(!blocked.is_empty());
    for send in &sends {
        assert!(!send["email"].is_empty());
        assert!(
            !blocked.contains(&send["email"]),
            "{} is suppressed",
            send["email"]
        );
        // 09:00–17:00 on a weekday, local time (the default window).
        let local = chrono::DateTime::parse_from_rfc3339(&send["send_at_local"]).unwrap();
        use chrono::{Datelike, Timelike};
        assert!((9..17).contains(&local.hour()), "{}", send["send_at_local"]);
        assert!(
            local.weekday().number_from_monday() <= 5,
            "{}",
            send["send_at_local"]
        );
    }
    assert_eq!(
        ok(sandbox.run(&["plan", "--from", FROM, "--days", "60"])),
        csv,
        "same inputs, same plan"
    );

    let json: serde_json::Value = serde_json::from_str(&ok(
        sandbox.run(&["plan", "--from", FROM, "--days", "60", "--format", "json"])
    ))
    .unwrap();
    assert_eq!(json["sends"].as_array().unwrap().len(), sends.len());
    assert_eq!(
        json["plan"]["sends"].as_u64().unwrap() as usize,
        sends.len()
    );
    let per_day: u64 = json["plan"]["per_day"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["sends"].as_u64().unwrap())
        .sum();
    assert_eq!(per_day as usize, sends.len());
    let suppressed: u64 = json["plan"]["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    let entered: u64 = json["plan"]["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["leads"].as_u64().unwrap())
        .sum();
    assert_eq!(
        entered + suppressed,
        json["plan"]["eligible"].as_u64().unwrap()
    );

    let summary = ok(sandbox.run(&["plan", "--from", FROM, "--days", "60", "--summary"]));
    assert!(summary.contains("eligible leads"), "{summary}");
    assert!(summary.contains("no email opt-in"), "{summary}");
}

#[test]
fn a_stream_file_plans_like_the_saved_stream() {
    let sandbox = demo();
    let list = ok(sandbox.run(&["streams", "list"]));
    assert_eq!(
        list.lines().filter(|l| l.contains(" active ")).count(),
        3,
        "{list}"
    );
    let exported = ok(sandbox.run(&["streams", "export", "3"]));
    let file = sandbox.path("decision.json");
    std::fs::write(&file, &exported).unwrap();
    let by_id = ok(sandbox.run(&["plan", "--stream", "3", "--from", FROM, "--days", "30"]));
    let by_file = ok(sandbox.run(&[
        "plan",
        "--stream",
        file.to_str().unwrap(),
        "--from",
        FROM,
        "--days",
        "30",
    ]));
    assert!(by_id.lines().count() > 1);
    assert_eq!(by_file, by_id);

    let imported = ok(sandbox.run(&["streams", "import", file.to_str().unwrap()]));
    let id = imported.trim();
    let list = ok(sandbox.run(&["streams", "list"]));
    let line = list
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{id} ")))
        .unwrap();
    assert!(line.contains("inactive"), "{line}");
}

#[test]
fn a_journey_explains_each_step() {
    let sandbox = demo();
    let csv = ok(sandbox.run(&["plan", "--stream", "4", "--from", FROM, "--days", "60"]));
    let email = csv_rows(&csv)[0]["email"].clone();
    let leads = csv_rows(&ok(sandbox.run(&["leads", "export"])));
    let id = &leads.iter().find(|l| l["email"] == email).unwrap()["id"];
    let journey = ok(sandbox.run(&[
        "plan", "--stream", "4", "--from", FROM, "--days", "60", "--lead", id,
    ]));
    assert!(
        journey.contains("enters “Executives: the ROI story”"),
        "{journey}"
    );
    assert!(
        journey.contains("Send “The ROI of lead nurturing”"),
        "{journey}"
    );
    assert!(journey.contains("Wait 7 days"), "{journey}");
}

#[test]
fn bad_plans_say_what_is_wrong() {
    let sandbox = demo();
    let missing = sandbox.run(&["plan", "--stream", "999", "--from", FROM]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("stream 999 does not exist"),
        "{}",
        missing.stderr
    );
    let zero = sandbox.run(&["plan", "--from", FROM, "--days", "0"]);
    assert_eq!(zero.code, 1);
    assert!(
        zero.stderr
            .contains("the number of days to plan must be 1 to 3,660 days, not 0"),
        "{}",
        zero.stderr
    );
    let file = sandbox.path("broken.json");
    std::fs::write(&file, "{\"format\": \"leadstream-stream\", ").unwrap();
    let broken = sandbox.run(&["plan", "--stream", file.to_str().unwrap(), "--from", FROM]);
    assert_eq!(broken.code, 1);
    assert!(
        broken.stderr.contains("broken.json")
            && broken.stderr.contains("not a Leadstream stream file"),
        "{}",
        broken.stderr
    );
    let content = ok(sandbox.run(&["content", "list"]));
    assert!(content.contains("Book a demo"), "{content}");
}

/// Runs raw SQL on the sandbox's workspace, as an older version or a user
/// with an SQLite shell might.
fn raw_sql(sandbox: &Sandbox, sql: &str) {
    let workspace = leadstream_core::Workspace::open(sandbox.db()).unwrap();
    workspace.conn().execute_batch(sql).unwrap();
}

#[test]
fn plan_from_the_end_of_time_is_refused_not_a_panic() {
    let sandbox = demo();
    for from in ["+262143-12-30", "+262142-12-30", "1899-12-31", "someday"] {
        let out = sandbox.run(&["plan", "--from", from, "--days", "30"]);
        assert_eq!(out.code, 1, "{from}: {}", out.stderr);
        assert!(
            out.stderr.contains(
                "the plan's first day (--from) must be a date from 1900-01-01 to 2199-12-31"
            ),
            "{from}: {}",
            out.stderr
        );
    }
    let out = sandbox.run(&["plan", "--from", FROM, "--as-of", "+262142-12-30"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the as-of instant must be a date from 1900-01-01 to 2199-12-31"),
        "{}",
        out.stderr
    );
}

#[test]
fn plan_refuses_a_huge_frequency_cap_stored_by_raw_sql() {
    let sandbox = demo();
    raw_sql(
        &sandbox,
        r#"INSERT OR REPLACE INTO settings (key, value) VALUES ('planner_settings',
           '{"send_window":{"weekdays":[1,2,3,4,5],"from_hour":9,"to_hour":17},
             "default_timezone":"UTC","frequency_cap":{"max":2,"per_days":100000000},
             "quiet_dates":[],"require_opt_in":false,"seed":1}')"#,
    );
    let out = sandbox.run(&["plan", "--from", FROM, "--days", "30"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("frequency cap (days) must be 1 to 365 days, not 100,000,000"),
        "{}",
        out.stderr
    );
    // A stored value that does not even fit its type names the setting.
    raw_sql(
        &sandbox,
        r#"UPDATE settings SET value = replace(value, '"from_hour":9', '"from_hour":-3')
           WHERE key = 'planner_settings'"#,
    );
    let out = sandbox.run(&["plan", "--from", FROM, "--days", "30"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("planner settings stored in this workspace cannot be read")
            && out.stderr.contains("send_window.from_hour"),
        "{}",
        out.stderr
    );
}

#[test]
fn plan_skips_a_stream_whose_segment_was_deleted() {
    let sandbox = demo();
    let rules = sandbox.path("germans.json");
    std::fs::write(
        &rules,
        r#"{"combinator": "and", "rules": [{"field": "country", "operator": "=", "value": "Germany"}]}"#,
    )
    .unwrap();
    let segment = ok(sandbox.run(&[
        "segment",
        "save",
        rules.to_str().unwrap(),
        "--name",
        "Germans",
    ]));
    let segment = segment.trim();
    let mut file: serde_json::Value =
        serde_json::from_str(&ok(sandbox.run(&["streams", "export", "3"]))).unwrap();
    file["stream"]["name"] = "Germans only".into();
    file["stream"]["definition"]["entry_segments"] =
        serde_json::json!([segment.parse::<i64>().unwrap()]);
    let path = sandbox.path("germans-stream.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let stream = ok(sandbox.run(&["streams", "import", path.to_str().unwrap()]));
    let stream = stream.trim();
    // An older version, or raw SQL, activated it and deleted its segment.
    raw_sql(
        &sandbox,
        &format!(
            "UPDATE streams SET is_active = 1 WHERE id = {stream};
             DELETE FROM segments WHERE id = {segment};"
        ),
    );
    let problem = format!("entry segment #{segment} no longer exists");

    let summary = ok(sandbox.run(&["plan", "--from", FROM, "--days", "30", "--summary"]));
    assert!(
        summary.contains("Not planned") && summary.contains(&problem),
        "{summary}"
    );
    let planned: Vec<&str> = summary
        .lines()
        .filter(|l| l.trim_start().starts_with("stream ") && l.contains(" sends"))
        .collect();
    assert_eq!(planned.len(), 3, "the three demo streams: {summary}");
    assert!(
        !planned.iter().any(|l| l.contains("Germans only")),
        "{summary}"
    );

    let out = sandbox.run(&["plan", "--from", FROM, "--days", "30"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(csv_rows(&out.stdout).len() > 10);
    assert!(
        out.stderr.contains(&format!(
            "stream {stream} “Germans only” was not planned: {problem}"
        )),
        "{}",
        out.stderr
    );
    // Named on its own, it cannot be planned, and the error says why.
    let alone = sandbox.run(&["plan", "--stream", stream, "--from", FROM]);
    assert_eq!(alone.code, 1);
    assert!(
        alone.stderr.contains("“Germans only” cannot be planned")
            && alone.stderr.contains(&problem),
        "{}",
        alone.stderr
    );
}

#[test]
fn streams_import_that_fails_half_way_adds_nothing() {
    let sandbox = demo();
    let mut file: serde_json::Value =
        serde_json::from_str(&ok(sandbox.run(&["streams", "export", "3"]))).unwrap();
    let content = file["content"].as_array_mut().unwrap();
    let mut fresh = content[0].clone();
    fresh["id"] = 9_001.into();
    fresh["title"] = "A brand-new guide".into();
    let mut broken = fresh.clone();
    broken["id"] = 9_002.into();
    broken["title"] = "A guide with no subject".into();
    broken["subject"] = "".into();
    content.push(fresh);
    content.push(broken);
    let path = sandbox.path("half-way.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let library = ok(sandbox.run(&["content", "list"]));
    let streams = ok(sandbox.run(&["streams", "list"]));
    let out = sandbox.run(&["streams", "import", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("half-way.json") && out.stderr.contains("needs a subject line"),
        "{}",
        out.stderr
    );
    assert_eq!(ok(sandbox.run(&["content", "list"])), library);
    assert_eq!(ok(sandbox.run(&["streams", "list"])), streams);
}
