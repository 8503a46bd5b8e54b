//! Tests of the audience exports: layouts, normalisation and hashes against
//! published examples, exclusions against raw SQL on a demo workspace.

use super::*;
use crate::demo::{self, DemoSpec};

fn demo_workspace() -> Workspace {
    let mut ws = Workspace::in_memory().unwrap();
    demo::generate(
        &mut ws,
        &DemoSpec {
            leads: 500,
            events_per_lead: 3,
            seed: 42,
            anchor: 1_790_000_000,
        },
    )
    .unwrap();
    ws
}

fn everyone() -> RuleGroup {
    RuleGroup::from_json(r#"{"combinator":"and","rules":[]}"#).unwrap()
}

fn export(ws: &Workspace, platform: AudiencePlatform) -> (AudienceExportSummary, Vec<Vec<String>>) {
    let mut bytes = Vec::new();
    let summary = export_audience(ws, &everyone(), 1_790_000_000, platform, &mut bytes).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (summary, rows)
}

fn raw_count(ws: &Workspace, sql: &str) -> u64 {
    ws.conn()
        .query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

#[test]
fn published_examples_hash_as_documented() {
    // TikTok's customer-file guide: "janedoe@gmail.com" hashes to d611…c69;
    // the same rule (trim, lower case, SHA-256 hex) as Google, Meta and
    // LinkedIn document for e-mail addresses.
    let normalised = email("  JaneDoe@Gmail.com ").unwrap();
    assert_eq!(normalised, "janedoe@gmail.com");
    assert_eq!(
        sha256_hex(&normalised),
        "d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69"
    );
    // X Ads API's user-data guide: "adsapi" (lower-cased, trimmed) hashes to 49e0…70d.
    assert_eq!(
        sha256_hex(&name_lowercase(" AdsAPI ").unwrap()),
        "49e0be2aeccfb51a8dee4c945c8a70a9ac500cf6f5cb08112575f74db9b1470d"
    );
}

#[test]
fn each_platform_writes_its_documented_header() {
    let ws = demo_workspace();
    for (platform, header) in [
        (
            AudiencePlatform::GoogleAds,
            "Email,Phone,First Name,Last Name,Country,Zip",
        ),
        (AudiencePlatform::Meta, "email,phone,fn,ln,ct,st,country"),
        (
            AudiencePlatform::Linkedin,
            "email,firstname,lastname,jobtitle,employeecompany,country",
        ),
    ] {
        let (_, rows) = export(&ws, platform);
        assert_eq!(rows[0].join(","), header, "{platform:?}");
        assert!(rows.len() > 1);
        assert!(rows[1..].iter().all(|r| r.len() == platform.header().len()));
    }
}

/// The first written lead's raw values, read with SQL.
fn first_eligible(ws: &Workspace) -> (String, String, String, String, String, String) {
    ws.conn()
        .query_row(
            "SELECT email, phone, first_name, last_name, city, region FROM leads
              WHERE ads_opt_in = 1 AND coalesce(do_not_sell, 0) = 0 AND email IS NOT NULL
                AND country = 'United States'
              ORDER BY id LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap()
}

#[test]
fn google_and_meta_rows_hash_the_normalised_values() {
    let ws = demo_workspace();
    let (mail, phone, first, last, city, region) = first_eligible(&ws);
    let e164 = phone_e164(&phone, Some("US")).unwrap();
    let (_, google) = export(&ws, AudiencePlatform::GoogleAds);
    let expected_email = sha256_hex(&mail.trim().to_lowercase());
    let row = google.iter().find(|r| r[0] == expected_email).unwrap();
    assert_eq!(row[1], sha256_hex(&e164));
    assert!(e164.starts_with("+1"));
    assert_eq!(row[2], sha256_hex(&first.to_lowercase()));
    assert_eq!(row[3], sha256_hex(&last.to_lowercase()));
    assert_eq!(row[4], "US");
    let (_, meta) = export(&ws, AudiencePlatform::Meta);
    let row = meta.iter().find(|r| r[0] == expected_email).unwrap();
    assert_eq!(row[1], sha256_hex(e164.trim_start_matches('+')));
    let letters = |s: &str| -> String {
        s.to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    assert_eq!(row[2], sha256_hex(&letters(&first)));
    assert_eq!(row[4], sha256_hex(&letters(&city)));
    let state = match region.as_str() {
        "California" => "ca",
        "New York" => "ny",
        "Texas" => "tx",
        other => panic!("unexpected US region {other}"),
    };
    assert_eq!(row[5], sha256_hex(state));
    assert_eq!(row[6], sha256_hex("us"));
    assert!(row.iter().all(|cell| cell.len() == 64
        && cell
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())));
}

#[test]
fn linkedin_hashes_only_the_email_and_writes_the_rest_as_its_template_asks() {
    let ws = demo_workspace();
    let (mail, _, first, last, _, _) = first_eligible(&ws);
    let (_, rows) = export(&ws, AudiencePlatform::Linkedin);
    let row = rows
        .iter()
        .find(|r| r[0] == sha256_hex(&mail.to_lowercase()))
        .unwrap();
    assert_eq!(row[1], first);
    assert_eq!(row[2], last);
    assert_eq!(row[5], "US");
}

#[test]
fn exclusions_are_counted_against_raw_sql() {
    let mut ws = demo_workspace();
    // A lead with consent but nothing to match on.
    ws.conn_mut().unwrap()
        .execute_batch(
            "UPDATE leads SET email = NULL, email_key = NULL, phone = NULL, company = NULL, ads_opt_in = 1, do_not_sell = 0 WHERE id = 5",
        )
        .unwrap();
    let do_not_sell = raw_count(&ws, "SELECT count(*) FROM leads WHERE do_not_sell = 1");
    let no_consent = raw_count(
        &ws,
        "SELECT count(*) FROM leads WHERE coalesce(do_not_sell, 0) = 0 AND coalesce(ads_opt_in, 0) = 0",
    );
    let eligible = raw_count(
        &ws,
        "SELECT count(*) FROM leads WHERE ads_opt_in = 1 AND coalesce(do_not_sell, 0) = 0",
    );
    let eligible_without_email = raw_count(
        &ws,
        "SELECT count(*) FROM leads WHERE ads_opt_in = 1 AND coalesce(do_not_sell, 0) = 0
           AND coalesce(email, '') = ''",
    );
    for platform in AudiencePlatform::ALL {
        let (summary, rows) = export(&ws, platform);
        let count = |reason| {
            summary
                .left_out
                .iter()
                .find(|c| c.reason == reason)
                .map_or(0, |c| c.leads)
        };
        assert_eq!(
            summary.members,
            raw_count(&ws, "SELECT count(*) FROM leads")
        );
        assert_eq!(
            count(AudienceExclusion::DoNotSell),
            do_not_sell,
            "{platform:?}"
        );
        assert_eq!(
            count(AudienceExclusion::NoAdsConsent),
            no_consent,
            "{platform:?}"
        );
        let no_identifier = count(AudienceExclusion::NoIdentifier);
        assert!(
            no_identifier >= 1 && no_identifier <= eligible_without_email,
            "{platform:?}"
        );
        assert_eq!(summary.written + no_identifier, eligible);
        assert_eq!(rows.len() as u64 - 1, summary.written);
        assert!(
            summary.message.contains("do not sell"),
            "{}",
            summary.message
        );
    }
}

#[test]
fn a_file_export_is_written_whole_and_audited_without_a_person() {
    let mut ws = demo_workspace();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("meta.csv");
    let summary = export_audience_file(
        &mut ws,
        &everyone(),
        1_790_000_000,
        AudiencePlatform::Meta,
        &path,
        "segment “Everyone”",
    )
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count() as u64, summary.written + 1);
    let detail: String = ws
        .conn()
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["what"], "audience meta of segment “Everyone”");
    assert_eq!(detail["rows"], summary.written);
    assert_eq!(detail["file"], path.display().to_string());
    assert!(!text.contains('@'));
}
