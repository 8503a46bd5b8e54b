//! `plan`, `streams` and `content`: the planner's CSV and JSON against the
//! leads the CLI exports, stream files, and bad input.

use std::collections::{HashMap, HashSet};

use crate::support::Sandbox;

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

fn ok(out: crate::support::Output) -> String {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out.stdout
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
        zero.stderr.contains("plan 1 to 3,660 days"),
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
