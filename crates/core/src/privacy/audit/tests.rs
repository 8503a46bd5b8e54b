//! Tests of the audit log's list, summaries and export, and the check that
//! no audited action writes a person in clear.

use std::path::Path;

use super::*;
// The whole module is test code (declared `#[cfg(test)]` in its parent);
// the marker below tells the layer check so: tests may use the demo generator.
#[cfg(test)]
use crate::demo::{self, DemoSpec};

fn demo_workspace(dir: &Path) -> Workspace {
    let mut ws = Workspace::create(dir.join("audit.leadstream")).unwrap();
    let spec = DemoSpec {
        leads: 300,
        events_per_lead: 4,
        seed: 5,
        anchor: 1_780_000_000,
    };
    demo::generate(&mut ws, &spec).unwrap();
    ws
}

fn import(ws: &mut Workspace, path: &Path) -> i64 {
    crate::import::apply::suggested::import_id_as_suggested(ws, path)
}

fn people(ws: &Workspace) -> Vec<String> {
    let mut statement = ws
        .conn()
        .prepare(
            "SELECT email FROM leads WHERE email IS NOT NULL
             UNION SELECT phone FROM leads WHERE phone IS NOT NULL
             UNION SELECT first_name || ' ' || last_name FROM leads
                   WHERE first_name IS NOT NULL AND last_name IS NOT NULL
             UNION SELECT last_name FROM leads WHERE length(last_name) >= 6",
        )
        .unwrap();
    let rows = statement.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn summaries_say_what_happened_in_a_marketers_words() {
    let import = serde_json::json!({"import_id": 3, "file": "leads.csv",
        "counts": {"rows": 1234, "inserted": 1200, "updated": 30, "skipped": 0,
                   "merged": 0, "rejected": 4, "leads_created": 0}});
    assert_eq!(
        summary("import", &import),
        "Imported leads.csv: 1,200 added, 30 updated, 4 rejected"
    );
    let merge = serde_json::json!({"kind": "merge", "leads_merged": 1, "title": "Merge 2 leads"});
    assert_eq!(summary("fix", &merge), "Merged 2 leads");
    let export = serde_json::json!({"what": "segment members", "rows": 2391,
        "file": "/home/ana/segment.csv"});
    assert_eq!(
        summary("export", &export),
        "Exported 2,391 rows (segment members) to /home/ana/segment.csv"
    );
    assert_eq!(
        summary("erase", &serde_json::json!({"lead_id": 4711})),
        "Erased lead 4711"
    );
    assert_eq!(
        summary(
            "retention_run",
            &serde_json::json!({"deleted": 12, "months": 24})
        ),
        "Retention run: deleted 12, months 24"
    );
    assert_eq!(
        summary(
            "restore",
            &serde_json::json!({"backup": "b1", "leads_before": 1, "leads_after": 5})
        ),
        "Restored the backup b1: 1 lead before, 5 after"
    );
}

#[test]
fn the_list_is_newest_first_filtered_paged_and_exported_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = demo_workspace(dir.path());
    let csv = dir.path().join("more.csv");
    std::fs::write(
        &csv,
        "email,first_name\nnew1@x.example,Ann\nnew2@x.example,Bo\n",
    )
    .unwrap();
    import(&mut ws, &csv);
    crate::privacy::backups::create_now(&mut ws, None).unwrap();
    let all = list(&ws, &AuditFilter::default(), 100, 0).unwrap();
    assert!(all.total >= 2);
    assert_eq!(all.entries[0].action, "backup");
    assert!(all.entries.windows(2).all(|w| w[0].id > w[1].id));
    assert!(all.actions.contains(&"import".to_owned()));
    let imports = AuditFilter {
        action: Some("import".into()),
        ..Default::default()
    };
    let page = list(&ws, &imports, 1, 0).unwrap();
    assert_eq!(page.entries.len(), 1);
    assert!(page.entries[0]
        .summary
        .starts_with("Imported more.csv: 2 added"));
    let future = AuditFilter {
        since: Some(chrono::Utc::now().timestamp() + 3600),
        ..Default::default()
    };
    assert_eq!(list(&ws, &future, 10, 0).unwrap().total, 0);

    let out = dir.path().join("audit.csv");
    let written = export(
        &mut ws,
        &AuditFilter::default(),
        AuditExportFormat::Csv,
        &out,
    )
    .unwrap();
    assert_eq!(written, all.total);
    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec!["id", "occurred_at", "action", "summary", "detail"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len() as u64, written);
    assert_eq!(&rows[0][2], "backup");
    // The export itself is in the log now.
    let newest = list(&ws, &AuditFilter::default(), 1, 0).unwrap().entries;
    assert_eq!(newest[0].action, "export");
    assert_eq!(newest[0].detail["rows"], written);
    let json = dir.path().join("audit.json");
    let written = export(&mut ws, &imports, AuditExportFormat::Json, &json).unwrap();
    let parsed: Vec<AuditEntry> =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(parsed.len() as u64, written);
    assert!(parsed.iter().all(|e| e.action == "import"));
}

#[test]
fn no_audited_action_writes_a_person_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = demo_workspace(dir.path());
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "email,first_name,last_name,phone\n\
         zelda.quixote@example.org,Zelda,Quixotesque,+44 20 7946 0958\n\
         not-an-email,Broken,Rowington,\n",
    )
    .unwrap();
    let import_id = import(&mut ws, &csv);
    let everyone = people(&ws);
    assert!(everyone.iter().any(|p| p == "zelda.quixote@example.org"));
    // Every audited action: import (above), undo, merge, a fix's undo,
    // backup, restore, settings, an export, a deleted field.
    crate::import::history::undo(&mut ws, import_id).unwrap();
    let planted = crate::demo::planted(300).expect("the demo plants duplicates");
    let pair = &planted.duplicate_pairs[0];
    let merged =
        crate::quality::merge::merge(&mut ws, pair.first, &[pair.second], &Default::default())
            .unwrap();
    crate::import::history::undo(&mut ws, merged.change_id).unwrap();
    let backup = crate::privacy::backups::create_now(&mut ws, None).unwrap();
    crate::store::backup::set_keep(&mut ws, 7).unwrap();
    crate::privacy::backups::restore(&mut ws, &backup.id).unwrap();
    export(
        &mut ws,
        &AuditFilter::default(),
        AuditExportFormat::Csv,
        &dir.path().join("log.csv"),
    )
    .unwrap();
    let mut statement = ws
        .conn()
        .prepare("SELECT action || ' ' || detail FROM audit_log")
        .unwrap();
    let log: Vec<String> = statement
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let actions: std::collections::BTreeSet<&str> =
        log.iter().filter_map(|l| l.split(' ').next()).collect();
    for action in [
        "import",
        "undo_import",
        "fix",
        "backup",
        "restore",
        "settings",
        "export",
    ] {
        assert!(
            actions.contains(action),
            "{action} missing from {actions:?}"
        );
    }
    let text = log.join("\n").to_lowercase();
    for person in everyone {
        assert!(
            !text.contains(&person.to_lowercase()),
            "the audit log holds {person:?} in clear"
        );
    }
}
