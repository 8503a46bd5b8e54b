//! Tests of duplicate detection: each kind of pair, evidence merged across
//! blocks, the block cap, and the demo's planted pairs found exactly.

use std::collections::BTreeSet;

use super::*;
// The whole module is test code (declared `#[cfg(test)]` in its parent);
// the marker below tells the layer check so: tests may use the demo generator.
#[cfg(test)]
use crate::demo::{self, DemoSpec};

fn workspace_with(leads: &[(i64, &str, &str, &str, &str, &str, &str)]) -> Workspace {
    let ws = Workspace::in_memory().unwrap();
    for (id, first, last, email, phone, company, country) in leads {
        let none_if_empty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        ws.conn()
            .execute(
                "INSERT INTO leads (id, first_name, last_name, email, email_key, phone, company,
                                    country, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, lower(?4), ?5, ?6, ?7, 0, 0)",
                rusqlite::params![
                    id,
                    none_if_empty(first),
                    none_if_empty(last),
                    none_if_empty(email),
                    none_if_empty(phone),
                    none_if_empty(company),
                    none_if_empty(country)
                ],
            )
            .unwrap();
    }
    ws
}

fn kinds(pair: &DuplicatePair) -> Vec<EvidenceKind> {
    pair.evidence.iter().map(|e| e.kind).collect()
}

#[test]
fn each_kind_of_pair_is_found_with_its_confidence() {
    let ws = workspace_with(&[
        (1, "Jane", "Doe", "jane.doe@gmail.com", "", "", ""),
        (2, "J", "D", "janedoe+news@googlemail.com", "", "", ""),
        (
            3,
            "Chris",
            "Patel",
            "c@a.example",
            "+1 415 234 5678",
            "",
            "",
        ),
        (
            4,
            "Christopher",
            "Patel",
            "c@b.example",
            "(415) 234-5678",
            "",
            "USA",
        ),
        (5, "Sam", "Lee", "s@c.example", "+44 20 7946 0123", "", ""),
        (6, "Kim", "Park", "k@d.example", "020 7946 0123", "", "UK"),
        (
            7,
            "Priya",
            "Raman",
            "p1@oceanic.example",
            "",
            "Oceanic GmbH",
            "",
        ),
        (
            8,
            "PRIYA",
            "Ramán",
            "p2@oceanic.example",
            "",
            "oceanic gmbh",
            "",
        ),
        (9, "Ann", "Vo", "a@x.example", "", "Acme", ""),
        (10, "Ann", "Vo", "a@y.example", "", "Acme", ""),
        (11, "Ann", "Vo", "a@z.example", "", "Globex", ""),
    ]);
    let report = find(&ws, &DuplicateOptions::default()).unwrap();
    let found: Vec<(i64, i64, Vec<EvidenceKind>, f64)> = report
        .pairs
        .iter()
        .map(|p| (p.first.id, p.second.id, kinds(p), p.confidence))
        .collect();
    assert_eq!(
        found,
        vec![
            (1, 2, vec![EvidenceKind::EmailProvider], 0.95),
            (3, 4, vec![EvidenceKind::Phone], 0.9),
            (7, 8, vec![EvidenceKind::NameCompany], 0.85),
            (5, 6, vec![EvidenceKind::Phone], 0.8),
            (9, 10, vec![EvidenceKind::NameCompany], 0.75),
        ]
    );
    assert_eq!(report.leads_checked, 11);
    assert!(report.pairs[0].evidence[0].detail.contains("Gmail"));
}

#[test]
fn evidence_from_several_blocks_is_combined() {
    let ws = workspace_with(&[
        (
            1,
            "Jane",
            "Doe",
            "jane.doe@gmail.com",
            "+1 415 234 5678",
            "Acme",
            "",
        ),
        (
            2,
            "Jane",
            "Doe",
            "janedoe@gmail.com",
            "+1 415 234 5678",
            "Acme",
            "",
        ),
    ]);
    let report = find(&ws, &DuplicateOptions::default()).unwrap();
    assert_eq!(report.pairs.len(), 1);
    let pair = &report.pairs[0];
    assert_eq!(
        kinds(pair),
        vec![
            EvidenceKind::EmailProvider,
            EvidenceKind::Phone,
            EvidenceKind::NameCompany
        ]
    );
    // 1 - 0.05 * 0.1 * 0.15 (the same domain: gmail.com)
    assert!((pair.confidence - (1.0 - 0.05 * 0.1 * 0.15)).abs() < 1e-4);
}

#[test]
fn the_minimum_confidence_filters_and_is_checked() {
    let ws = workspace_with(&[
        (1, "Ann", "Vo", "a@x.example", "", "Acme", ""),
        (2, "Ann", "Vo", "a@y.example", "", "Acme", ""),
        (3, "Jane", "Doe", "jane.doe@gmail.com", "", "", ""),
        (4, "Jane", "Doe", "janedoe@gmail.com", "", "", ""),
    ]);
    let strict = find(
        &ws,
        &DuplicateOptions {
            min_confidence: 0.9,
            limit: None,
        },
    )
    .unwrap();
    assert_eq!(strict.pairs.len(), 1);
    assert_eq!(strict.total_pairs, 1);
    assert_eq!(strict.pairs[0].first.id, 3);
    // A limit keeps the most confident, and counts them all.
    let first = find(
        &ws,
        &DuplicateOptions {
            min_confidence: 0.0,
            limit: Some(1),
        },
    )
    .unwrap();
    assert_eq!((first.pairs.len(), first.total_pairs), (1, 2));
    assert_eq!(first.pairs[0].first.id, 3);
    assert!(find(
        &ws,
        &DuplicateOptions {
            min_confidence: 1.5,
            limit: None,
        }
    )
    .is_err());
}

#[test]
fn a_block_above_the_cap_is_skipped_not_expanded() {
    let switchboard: Vec<(i64, String)> = (1..=(MAX_BLOCK_SIZE as i64 + 1))
        .map(|id| (id, format!("person{id}@acme.example")))
        .collect();
    let rows: Vec<(i64, &str, &str, &str, &str, &str, &str)> = switchboard
        .iter()
        .map(|(id, email)| (*id, "P", "Q", email.as_str(), "+1 415 234 5678", "", ""))
        .collect();
    let ws = workspace_with(&rows);
    let report = find(&ws, &DuplicateOptions::default()).unwrap();
    assert!(report.pairs.is_empty());
    assert_eq!(
        report.skipped_blocks,
        vec![SkippedBlock {
            kind: EvidenceKind::Phone,
            key: "+14152345678".into(),
            size: MAX_BLOCK_SIZE as u64 + 1,
        }]
    );
}

#[test]
fn the_demo_holds_exactly_its_planted_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::create(dir.path().join("demo.leadstream")).unwrap();
    let spec = DemoSpec {
        leads: 1_500,
        events_per_lead: 2,
        seed: 7,
        anchor: 1_780_000_000,
    };
    demo::generate(&mut ws, &spec).unwrap();
    let planted = demo::planted(spec.leads).unwrap().duplicate_pairs;
    let report = find(&ws, &DuplicateOptions::default()).unwrap();
    let found: BTreeSet<(i64, i64, Vec<&str>)> = report
        .pairs
        .iter()
        .map(|p| {
            (
                p.first.id,
                p.second.id,
                p.evidence.iter().map(|e| e.kind.as_str()).collect(),
            )
        })
        .collect();
    let expected: BTreeSet<(i64, i64, Vec<&str>)> = planted
        .iter()
        .map(|p| (p.first, p.second, vec![p.evidence]))
        .collect();
    assert_eq!(found, expected);
    assert!(report.skipped_blocks.is_empty());
}
