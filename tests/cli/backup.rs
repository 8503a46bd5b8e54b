//! `backup create|list|restore|keep`: a backup taken from the CLI is listed
//! with its lead count, an import takes one before it changes the data, and
//! a restore (refused without --yes) brings back exactly the leads of the
//! backup, compared with `leads export`.

use serde_json::Value;

use crate::support::{ok, Sandbox};

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    ok(sandbox.run(&["demo", "--leads", "300", "--anchor", "2026-06-01"]));
    sandbox
}

fn backups(sandbox: &Sandbox) -> Vec<Value> {
    let json: Value =
        serde_json::from_str(&ok(sandbox.run(&["backup", "list", "--json"]))).unwrap();
    json["backups"].as_array().unwrap().clone()
}

fn lead_ids_and_emails(sandbox: &Sandbox) -> Vec<(i64, String)> {
    let json = ok(sandbox.run(&["leads", "export", "--format", "json"]));
    let leads: Vec<Value> = serde_json::from_str(&json).unwrap();
    leads
        .iter()
        .map(|l| {
            (
                l["id"].as_i64().unwrap(),
                l["email"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn create_lists_and_a_restore_brings_the_leads_back() {
    let sandbox = demo();
    let before = lead_ids_and_emails(&sandbox);
    let id = ok(sandbox.run(&["backup", "create", "--reason", "before test"]));
    let id = id.trim();
    assert!(id.ends_with("-before-test"), "{id}");
    let listed = backups(&sandbox);
    let mine = listed.iter().find(|b| b["id"] == id).unwrap();
    assert_eq!(mine["leads"].as_u64().unwrap(), before.len() as u64);
    assert!(mine["size_bytes"].as_u64().unwrap() > 0);
    let text = ok(sandbox.run(&["backup", "list"]));
    assert!(text.contains(id) && text.contains("before-test"), "{text}");

    // An import into a workspace with leads takes a backup first.
    let csv = sandbox.path("two.csv");
    std::fs::write(
        &csv,
        "email,first_name\nnew.one@x.example,Ann\nnew.two@x.example,Bo\n",
    )
    .unwrap();
    ok(sandbox.run(&["import", "leads", csv.to_str().unwrap()]));
    let after_import = backups(&sandbox);
    assert_eq!(after_import[0]["reason"], "before-import");
    assert_eq!(lead_ids_and_emails(&sandbox).len(), before.len() + 2);

    // Without --yes, nothing changes and the plan is told.
    let refused = sandbox.run(&["backup", "restore", id]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(refused
        .stderr
        .contains("a backup of the current state is taken first"));
    assert_eq!(lead_ids_and_emails(&sandbox).len(), before.len() + 2);

    let restored = ok(sandbox.run(&["backup", "restore", id, "--yes"]));
    assert!(restored.contains("Restored"), "{restored}");
    assert_eq!(lead_ids_and_emails(&sandbox), before);
    assert_eq!(backups(&sandbox)[0]["reason"], "before-restore");

    let missing = sandbox.run(&["backup", "restore", "no-such", "--yes"]);
    assert_ne!(missing.code, 0);
    assert!(
        missing.stderr.contains("backup no-such does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn keep_prunes_the_oldest_backups() {
    let sandbox = demo();
    assert_eq!(ok(sandbox.run(&["backup", "keep"])).trim(), "10");
    for _ in 0..3 {
        ok(sandbox.run(&["backup", "create"]));
    }
    assert_eq!(ok(sandbox.run(&["backup", "keep", "2"])).trim(), "2");
    assert_eq!(backups(&sandbox).len(), 2);
    let refused = sandbox.run(&["backup", "keep", "0"]);
    assert_ne!(refused.code, 0);
}

#[test]
fn a_damaged_backup_is_refused_and_the_workspace_is_untouched() {
    let sandbox = demo();
    let id = ok(sandbox.run(&["backup", "create"])).trim().to_owned();
    let before = lead_ids_and_emails(&sandbox);
    let folder = sandbox.path("test.leadstream-backups");
    let file = folder.join(format!("{id}.leadstream"));
    let mut bytes = std::fs::read(&file).unwrap();
    let end = bytes.len() / 2;
    bytes[4096..end].fill(0x5a);
    std::fs::write(&file, bytes).unwrap();
    let refused = sandbox.run(&["backup", "restore", &id, "--yes"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("cannot be restored"),
        "{}",
        refused.stderr
    );
    assert_eq!(lead_ids_and_emails(&sandbox), before);
}
