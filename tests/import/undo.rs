//! Import history and undo: undo in any order is exact or refused with the
//! later import that depends on it; lead ids are never reused.

use leadstream_core::import::history;
use leadstream_core::Workspace;

use crate::{run, suggested, workspace, write};

/// `(first_name, plan_tier)` of the lead with this e-mail, if there is one.
fn lead(ws: &Workspace, email: &str) -> Option<(i64, Option<String>, Option<String>)> {
    ws.conn()
        .query_row(
            "SELECT l.id, l.first_name,
                    (SELECT cv.value FROM custom_values cv JOIN fields f ON f.id = cv.field_id
                      WHERE f.key = 'plan_tier' AND cv.lead_id = l.id)
               FROM leads l WHERE l.email_key = ?1",
            [email],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()
}

fn import(ws: &mut Workspace, dir: &std::path::Path, name: &str, content: &str) -> i64 {
    let file = write(dir, name, content);
    let spec = suggested(ws, &file, None);
    let report = run(ws, &file, &spec, false).unwrap();
    assert_eq!(report.counts.rejected, 0, "{:?}", report.rejections);
    report.import_id.unwrap()
}

#[test]
fn undo_in_another_order_does_not_corrupt_other_leads() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let a = import(
        &mut ws,
        dir.path(),
        "a.csv",
        "email,first_name,plan_tier\na@x.com,Ann,gold\n",
    );
    let b = import(
        &mut ws,
        dir.path(),
        "b.csv",
        "email,first_name,plan_tier\na@x.com,Anna,silver\n",
    );
    let ann = lead(&ws, "a@x.com").unwrap();
    assert_eq!(
        (ann.1.as_deref(), ann.2.as_deref()),
        (Some("Anna"), Some("silver"))
    );

    // B changed the lead A added: undoing A first is refused, naming B.
    let refused = history::undo(&mut ws, a).expect_err("undo A while B is applied");
    let message = refused.to_string();
    assert!(
        message.contains(&format!("import #{b} of b.csv")) && message.contains("undo"),
        "{message}"
    );
    assert_eq!(lead(&ws, "a@x.com"), Some(ann.clone()), "nothing changed");

    let _c = import(
        &mut ws,
        dir.path(),
        "c.csv",
        "email,first_name\nz@x.com,Zed\n",
    );
    let zed = lead(&ws, "z@x.com").unwrap();
    assert_eq!((zed.1.as_deref(), zed.2.as_deref()), (Some("Zed"), None));

    history::undo(&mut ws, b).unwrap();
    assert_eq!(lead(&ws, "z@x.com"), Some(zed.clone()), "Zed is untouched");
    let ann_again = lead(&ws, "a@x.com").unwrap();
    assert_eq!(
        (ann_again.1.as_deref(), ann_again.2.as_deref()),
        (Some("Ann"), Some("gold"))
    );
    history::undo(&mut ws, a).unwrap();
    assert_eq!(lead(&ws, "a@x.com"), None);
    assert_eq!(lead(&ws, "z@x.com"), Some(zed), "Zed is untouched");
}

#[test]
fn lead_ids_are_never_reused_after_an_undo() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, mut ws) = workspace();
    let a = import(
        &mut ws,
        dir.path(),
        "a.csv",
        "email,first_name\na@x.com,Ann\n",
    );
    let first_id = lead(&ws, "a@x.com").unwrap().0;
    history::undo(&mut ws, a).unwrap();
    import(
        &mut ws,
        dir.path(),
        "c.csv",
        "email,first_name\nz@x.com,Zed\n",
    );
    let zed_id = lead(&ws, "z@x.com").unwrap().0;
    assert!(
        zed_id > first_id,
        "a new lead gets a new id ({zed_id}), never the removed lead's ({first_id})"
    );
}
