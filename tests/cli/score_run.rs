//! `score run` on a generated demo: the stored scores and band counts agree
//! with `segment count` on the score band and with the exported leads; an
//! import and an undo re-run the scores, as of the end of today, leaving the
//! leads the import did not touch as they were; a column mapped to a computed
//! score field is refused.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::Sandbox;

const AS_OF: &str = "2026-06-01";

fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["demo", "--leads", "600", "--anchor", AS_OF]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    sandbox
}

fn json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let out = sandbox.run(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// Every lead's exported fields, by lead id.
fn exported(sandbox: &Sandbox) -> BTreeMap<i64, Value> {
    json(sandbox, &["leads", "export", "--format", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|lead| (lead["id"].as_i64().unwrap(), lead.clone()))
        .collect()
}

#[test]
fn run_stores_bands_that_segments_count() {
    let sandbox = demo();
    let summary = json(&sandbox, &["score", "run", "--as-of", AS_OF, "--json"]);
    assert_eq!(summary["model_name"], "Demo scoring");
    assert_eq!(summary["leads"], 600);
    let leads = exported(&sandbox);
    let mut in_bands = 0;
    for band in summary["bands"].as_array().unwrap() {
        let name = band["name"].as_str().unwrap();
        let stored = leads.values().filter(|l| l["score_band"] == name).count() as u64;
        assert_eq!(band["leads"].as_u64().unwrap(), stored, "{name}");
        let rules = sandbox.path(&format!("{name}.json"));
        std::fs::write(
            &rules,
            format!(
                r#"{{"combinator":"and","rules":[{{"field":"score_band","operator":"=","value":"{name}"}}]}}"#
            ),
        )
        .unwrap();
        let count = sandbox.run(&[
            "segment",
            "count",
            rules.to_str().unwrap(),
            "--as-of",
            AS_OF,
        ]);
        assert_eq!(count.code, 0, "{}", count.stderr);
        assert_eq!(count.stdout.trim(), stored.to_string(), "{name}");
        in_bands += stored;
    }
    assert_eq!(in_bands, 600);
    for lead in leads.values() {
        let (fit, engagement, total) = (
            lead["score_fit"].as_f64().unwrap(),
            lead["score_engagement"].as_f64().unwrap(),
            lead["score_total"].as_f64().unwrap(),
        );
        assert!((fit + engagement - total).abs() < 1e-9, "{lead}");
        let grade = lead["score_grade"].as_str().unwrap();
        assert!(grade.len() == 2, "{grade}");
    }
    // The built-in "Score band: hot" segment counts the same leads.
    let hot = leads.values().filter(|l| l["score_band"] == "hot").count();
    let segments = json(&sandbox, &["segment", "list", "--json"]);
    let builtin = segments
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["segment"]["name"] == "Score band: hot")
        .expect("the built-in score band segment");
    let id = builtin["segment"]["id"].to_string();
    let count = sandbox.run(&["segment", "count", &id, "--as-of", AS_OF]);
    assert_eq!(count.stdout.trim(), hot.to_string());

    let text = sandbox.run(&["score", "run", "--as-of", AS_OF]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .starts_with("scored 600 leads with “Demo scoring” as of 2026-06-01T00:00:00+00:00"),
        "{}",
        text.stdout
    );
    let bad = sandbox.run(&["score", "run", "--as-of", "yesterday-ish"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("not an as-of date"), "{}", bad.stderr);
}

#[test]
fn imports_and_undos_rescore_and_computed_fields_are_not_import_targets() {
    let sandbox = demo();
    let file = sandbox.path("new-leads.csv");
    std::fs::write(
        &file,
        "Email,Persona,Employees,Industry\n\
         ceo@acme.example,Executive decision maker,500,Software\n\
         intern@small.example,Practitioner,5,Retail\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = sandbox.run(&["import", "leads", file, "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let leads = exported(&sandbox);
    let ceo = leads
        .values()
        .find(|l| l["email"] == "ceo@acme.example")
        .unwrap();
    // Persona 15 + 201 employees or more 10 + target industry 10.
    assert_eq!(ceo["score_fit"].as_f64(), Some(35.0), "{ceo}");
    assert_eq!(ceo["score_grade"], "A4");
    assert_eq!(ceo["score_band"], "warm");
    let intern = leads
        .values()
        .find(|l| l["email"] == "intern@small.example")
        .unwrap();
    assert_eq!(intern["score_total"].as_f64(), Some(0.0), "{intern}");
    assert_eq!(intern["score_band"], "cold");

    let imports = json(&sandbox, &["imports", "list", "--json"]);
    let id = imports.as_array().unwrap()[0]["id"].to_string();
    let undo = sandbox.run(&["imports", "undo", &id]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    assert_eq!(exported(&sandbox).len(), 600);

    let crm = sandbox.path("crm.csv");
    std::fs::write(&crm, "Email,Lead Score,Band\na@x.example,88,hot\n").unwrap();
    let refused = sandbox.run(&[
        "import",
        "leads",
        crm.to_str().unwrap(),
        "--map",
        "Band=score_band",
    ]);
    assert_ne!(refused.code, 0);
    assert!(
        refused
            .stderr
            .contains("column “Band” is mapped to “Score band” (`score_band`)"),
        "{}",
        refused.stderr
    );
    // Without the explicit mapping, the CRM's score keeps a field of its own.
    let out = sandbox.run(&["import", "leads", crm.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lead = exported(&sandbox)
        .into_values()
        .find(|l| l["email"] == "a@x.example")
        .unwrap();
    assert_ne!(lead["score_band"], "hot", "{lead}");
    assert_ne!(lead["score_total"].as_f64(), Some(88.0), "{lead}");
}

/// The UTC day number of now.
fn utc_day() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    now.as_secs() / 86_400
}

/// Every lead's five stored score values, by lead id.
fn stored_scores(sandbox: &Sandbox) -> BTreeMap<i64, Vec<Value>> {
    exported(sandbox)
        .into_iter()
        .map(|(id, lead)| {
            let values = [
                "score_fit",
                "score_engagement",
                "score_total",
                "score_grade",
                "score_band",
            ]
            .iter()
            .map(|field| lead[field].clone())
            .collect();
            (id, values)
        })
        .collect()
}

#[test]
fn scores_are_as_of_the_end_of_today_and_an_import_leaves_the_other_leads_as_they_were() {
    let sandbox = demo();
    // Retried once if the UTC day turns while it runs: the scores of a new
    // day are as of a new instant.
    for attempt in 1..=2 {
        let file = sandbox.path("one-lead.csv");
        let row = format!("Email,Persona\nnew{attempt}@acme.example,Executive decision maker\n");
        std::fs::write(&file, row).unwrap();
        let day = utc_day();
        let summary = json(&sandbox, &["score", "run", "--json"]);
        let as_of = summary["as_of"].as_u64().unwrap();
        assert_eq!(
            as_of % 86_400,
            86_399,
            "the last second of a day: {summary}"
        );
        let before = stored_scores(&sandbox);
        let out = sandbox.run(&["import", "leads", file.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let after = stored_scores(&sandbox);
        if utc_day() != day || as_of / 86_400 != day {
            assert_eq!(attempt, 1, "the day turned twice");
            continue;
        }
        assert_eq!(after.len(), before.len() + 1);
        for (id, scores) in &before {
            assert_eq!(
                &after[id], scores,
                "lead {id}: the import's re-run left it as it was"
            );
        }
        break;
    }
}
