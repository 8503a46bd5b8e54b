//! `segment members --for google-ads|meta|linkedin`: audiences for ad
//! platforms (layout, hashes, left-out counts against raw SQL, audit entry),
//! and `--for email` honouring a withdrawn consent.

use leadstream_core::privacy::consent::{self, ConsentChannel, ConsentStatement, ConsentStatus};
use leadstream_core::Workspace;

use crate::support::{ok, Sandbox};

const AS_OF: &str = "2026-09-21";

fn demo() -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&[
        "demo",
        "--leads",
        "400",
        "--events-per-lead",
        "3",
        "--anchor",
        AS_OF,
    ]));
    let rules = sandbox.path("everyone.json");
    std::fs::write(&rules, r#"{"combinator":"and","rules":[]}"#).unwrap();
    (sandbox, rules.to_str().unwrap().to_owned())
}

fn raw_count(sandbox: &Sandbox, sql: &str) -> u64 {
    let ws = Workspace::open(sandbox.db()).unwrap();
    ws.conn()
        .query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

#[test]
fn a_meta_audience_has_its_layout_hashes_and_left_out_counts() {
    let (sandbox, rules) = demo();
    let file = sandbox.path("meta.csv");
    let out = sandbox.run(&[
        "segment",
        "members",
        &rules,
        "--as-of",
        AS_OF,
        "--for",
        "meta",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("email,phone,fn,ln,ct,st,country"));
    let rows: Vec<&str> = lines.collect();
    assert!(!text.contains('@'), "no address in clear");
    for row in &rows {
        let first = row.split(',').next().unwrap();
        assert!(
            first.is_empty() || (first.len() == 64 && first.chars().all(|c| c.is_ascii_hexdigit()))
        );
    }
    let eligible = raw_count(
        &sandbox,
        "SELECT count(*) FROM leads WHERE ads_opt_in = 1 AND coalesce(do_not_sell, 0) = 0",
    );
    let do_not_sell = raw_count(&sandbox, "SELECT count(*) FROM leads WHERE do_not_sell = 1");
    let no_consent = raw_count(
        &sandbox,
        "SELECT count(*) FROM leads WHERE coalesce(do_not_sell, 0) = 0 AND coalesce(ads_opt_in, 0) = 0",
    );
    assert!(rows.len() as u64 <= eligible && rows.len() as u64 + 10 >= eligible);
    assert!(
        out.stderr
            .contains(&format!("Exported {} people for Meta", rows.len())),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("{no_consent} without advertising consent")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("{do_not_sell} do not sell")),
        "{}",
        out.stderr
    );
    let detail = {
        let ws = Workspace::open(sandbox.db()).unwrap();
        ws.conn()
            .query_row(
                "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get::<_, String>(0),
            )
            .unwrap()
    };
    assert!(detail.contains("audience meta of rules from"), "{detail}");
    assert!(
        detail.contains(&format!("\"rows\":{}", rows.len())),
        "{detail}"
    );
}

#[test]
fn google_and_linkedin_audiences_write_their_headers_to_stdout() {
    let (sandbox, rules) = demo();
    let google = ok(sandbox.run(&["segment", "members", &rules, "--for", "google-ads"]));
    assert!(google.starts_with("Email,Phone,First Name,Last Name,Country,Zip\n"));
    let linkedin = ok(sandbox.run(&["segment", "members", &rules, "--for", "linkedin"]));
    assert!(linkedin.starts_with("email,firstname,lastname,jobtitle,employeecompany,country\n"));
}

#[test]
fn a_withdrawn_email_consent_removes_the_lead_from_the_email_export() {
    let (sandbox, rules) = demo();
    let before = ok(sandbox.run(&[
        "segment", "members", &rules, "--for", "email", "--fields", "email",
    ]));
    let email = before.lines().nth(1).unwrap().trim().to_owned();
    {
        let mut ws = Workspace::open(sandbox.db()).unwrap();
        let lead: i64 = ws
            .conn()
            .query_row("SELECT id FROM leads WHERE email = ?1", [&email], |r| {
                r.get(0)
            })
            .unwrap();
        consent::record(
            &mut ws,
            lead,
            &ConsentStatement {
                channel: ConsentChannel::Email,
                status: ConsentStatus::Withdrawn,
                lawful_basis: None,
                source: "Phone call".into(),
                recorded_at: None,
            },
        )
        .unwrap();
    }
    let after = ok(sandbox.run(&[
        "segment", "members", &rules, "--for", "email", "--fields", "email",
    ]));
    assert_eq!(after.lines().count() + 1, before.lines().count());
    assert!(!after.lines().any(|l| l.trim() == email));
}
