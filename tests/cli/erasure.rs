//! `person export` and `person erase`, black-box (issue 15): after an
//! erasure the person's e-mail, phone and name are nowhere in the bytes of
//! the workspace file, its WAL, its backups or the rejected-rows files the
//! app wrote; a later import of a file holding them skips them and says so.

use std::path::Path;

use serde_json::Value;

use crate::support::{ok, Sandbox};

const EMAIL: &str = "zebulon.q@erase-me.example";
const NAME: &str = "Quixotic-Vandersloot";
const FIRST: &str = "Zebulon";
const PHONE: &str = "+44 20 7946 0958";

fn write(sandbox: &Sandbox, name: &str, text: &str) -> String {
    let path = sandbox.path(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Every file under `dir` (recursively) whose raw bytes hold `needle`.
fn files_holding(dir: &Path, needle: &[u8], skip: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if skip.contains(&name.as_str()) {
            continue;
        }
        if path.is_dir() {
            found.extend(files_holding(&path, needle, skip));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle) {
                found.push(path.to_string_lossy().into_owned());
            }
        }
    }
    found
}

#[test]
fn an_erased_person_is_nowhere_in_the_bytes_and_a_reimport_skips_them() {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "300", "--anchor", "2026-06-01"]));
    let header = "Email,First name,Last name,Phone,Company,Employees\n";
    let added = write(
        &sandbox,
        "added.csv",
        &format!("{header}{EMAIL},{FIRST},{NAME},{PHONE},Initech,12\n"),
    );
    ok(sandbox.run(&["import", "leads", &added]));
    let events = write(
        &sandbox,
        "events.csv",
        // The page's address names them: the segment index's part of
        // `url`, which the erasure carries, must drop it.
        &format!("Email,Event,Time,url\n{EMAIL},page_view,2026-05-01T10:00:00Z,/thanks/{NAME}\n"),
    );
    ok(sandbox.run(&["import", "events", &events]));
    // A second file whose row of theirs is rejected (and another's too).
    let rejected = write(
        &sandbox,
        "rejected.csv",
        &format!(
            "{header}{},{FIRST},{NAME},{PHONE},Initech,many\nother.person@x.example,Other,Person,,Acme,lots\n",
            EMAIL.to_uppercase()
        ),
    );
    let report: Value =
        serde_json::from_str(&ok(sandbox.run(&["import", "leads", &rejected, "--json"]))).unwrap();
    assert_eq!(report["rejected"], 2);
    let rejected_file = report["rejected_file"].as_str().unwrap().to_owned();
    assert!(std::fs::read_to_string(&rejected_file)
        .unwrap()
        .contains(NAME));

    // A backup taken earlier: a whole copy of the workspace.
    let db = sandbox.db();
    let backups = db.with_file_name(format!(
        "{}-backups",
        db.file_name().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&backups).unwrap();
    std::fs::copy(&db, backups.join("20260101T000000.000Z-manual.leadstream")).unwrap();

    // The access export names them, and is audited without naming them.
    let export: Value =
        serde_json::from_str(&ok(sandbox.run(&["person", "export", EMAIL]))).unwrap();
    let lead_id = export["lead_id"].as_i64().unwrap();
    assert_eq!(export["events"].as_array().unwrap().len(), 1);
    assert!(export["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["key"] == "last_name" && f["value"] == NAME));
    assert!(!export["changes"].as_array().unwrap().is_empty());

    // The quick search stores its keys in the file when it closes, and the
    // score runs after the imports stored the segment index's parts: the
    // erasure carries them (the keys stored again without the person) or
    // deletes them, and none may keep the person.
    assert!(ok(sandbox.run(&["leads", "search", NAME])).contains(EMAIL));
    assert!(ok(sandbox.run(&["leads", "search", "Initech"])).contains(EMAIL));

    // Without a terminal and without --yes, nothing happens.
    let refused = sandbox.run(&["person", "erase", EMAIL]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);

    let erased: Value = serde_json::from_str(&ok(sandbox.run(&[
        "person",
        "erase",
        &lead_id.to_string(),
        "--yes",
        "--json",
    ])))
    .unwrap();
    assert_eq!(erased["events"], 1);
    // Every backup in the folder: the manual copy, those taken before the
    // imports into a workspace with leads, and the one before the erasure.
    let backup_count = std::fs::read_dir(&backups)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "leadstream")
        })
        .count();
    assert!(backup_count >= 2, "{backup_count} backups");
    assert_eq!(
        erased["backups_erased"].as_array().unwrap().len(),
        backup_count
    );
    assert_eq!(
        erased["rejected_files_rewritten"].as_array().unwrap().len(),
        1
    );
    let hash = erased["suppression_hash"].as_str().unwrap().to_owned();

    // The raw bytes: the workspace folder holds them only in the user's own
    // input files.
    let inputs = ["added.csv", "events.csv", "rejected.csv"];
    let folder = db.parent().unwrap();
    // The folded name: the search keys and the segment index hold values so.
    let folded = NAME.to_lowercase();
    for needle in [EMAIL, NAME, &folded, PHONE, "7946 0958"] {
        assert_eq!(
            files_holding(folder, needle.as_bytes(), &inputs),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    assert!(files_holding(folder, b"other.person@x.example", &inputs).contains(&rejected_file));
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    if wal.exists() {
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    }

    // The search no longer finds them.
    assert!(!ok(sandbox.run(&["leads", "search", NAME])).contains(EMAIL));
    assert!(!ok(sandbox.run(&["leads", "search", "Initech"])).contains(EMAIL));

    // The audit entry names the lead id and the hash, never the person.
    let audit = ok(sandbox.run(&["person", "export", "1", "--format", "csv"]));
    assert!(!audit.contains(EMAIL));
    assert!(sandbox
        .run(&["person", "export", EMAIL])
        .stderr
        .contains("does not exist"));
    let _ = hash;

    // A re-import of a file that holds them skips them and says so.
    let again = sandbox.run(&["import", "leads", &rejected]);
    let text = ok(again);
    assert!(text.contains("1 skipped: erased on 20"), "{text}");
    let json: Value =
        serde_json::from_str(&ok(sandbox.run(&["import", "leads", &added, "--json"]))).unwrap();
    assert_eq!(
        (json["inserted"].as_u64(), json["suppressed"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(json["skipped"], 1);
    let events_again: Value =
        serde_json::from_str(&ok(sandbox.run(&["import", "events", &events, "--json"]))).unwrap();
    assert_eq!(
        (
            events_again["inserted"].as_u64(),
            events_again["suppressed"].as_u64()
        ),
        (Some(0), Some(1))
    );
    for needle in [EMAIL, NAME] {
        let holding = files_holding(folder, needle.as_bytes(), &inputs);
        assert_eq!(
            holding,
            Vec::<String>::new(),
            "{needle} after the re-import"
        );
    }
}

#[test]
fn retention_dry_run_counts_what_the_run_then_deletes() {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "300", "--anchor", "2024-01-01"]));
    let preview: Value = serde_json::from_str(&ok(sandbox.run(&[
        "retention",
        "run",
        "--inactive-months",
        "12",
        "--dry-run",
        "--json",
    ])))
    .unwrap();
    let count = preview["count"].as_u64().unwrap();
    assert!(count > 0, "{preview}");
    let run: Value = serde_json::from_str(&ok(sandbox.run(&[
        "retention",
        "run",
        "--inactive-months",
        "12",
        "--json",
    ])))
    .unwrap();
    assert_eq!(run["leads"].as_u64(), Some(count));
    let after: Value = serde_json::from_str(&ok(sandbox.run(&[
        "retention",
        "run",
        "--inactive-months",
        "12",
        "--dry-run",
        "--json",
    ])))
    .unwrap();
    assert_eq!(after["count"], 0);
}
