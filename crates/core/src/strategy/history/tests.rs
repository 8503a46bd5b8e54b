//! Tests of the segment history: snapshots against the segment evaluator,
//! thinning on record, diffs' invariants (property test) and their reasons
//! after real imports and undos.

// The whole module is test code (declared `#[cfg(test)]` in mod.rs); the
// marker below tells the layer check so: tests may use the demo generator.
#[cfg(test)]
mod on_demo_workspaces {
    use std::path::Path;

    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    use super::super::*;
    use crate::segments::saved::SegmentDraft;
    use crate::store::tables::history as table;
    use crate::time::SECONDS_PER_DAY as DAY;

    /// 2026-09-21, as the demo tests use it.
    const ANCHOR: i64 = 1_790_000_000;

    fn demo(leads: u32) -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        crate::demo::generate(
            &mut ws,
            &crate::demo::DemoSpec {
                leads,
                events_per_lead: 10,
                seed: 7,
                anchor: ANCHOR,
            },
        )
        .unwrap();
        ws
    }

    /// The members of a saved segment as of `at`, from the segment evaluator.
    fn members(ws: &Workspace, rules: &RuleGroup, at: i64) -> RoaringBitmap {
        segments::members(ws, rules, at, 0, usize::MAX)
            .unwrap()
            .into_iter()
            .map(|id| id as u32)
            .collect()
    }

    #[test]
    fn every_snapshot_holds_the_members_the_evaluator_finds() {
        let ws = demo(400);
        // The demo backfilled four weeks of daily snapshots and the anchor's.
        for segment in saved::list(&ws).unwrap() {
            let rows = table::list_of_segment(&ws, segment.id).unwrap();
            assert_eq!(rows.len(), 29, "{}", segment.name);
            for row in rows.iter().step_by(7) {
                let stored =
                    deserialize(&table::members_of(&ws, row.id).unwrap().unwrap()).unwrap();
                assert_eq!(
                    stored,
                    members(&ws, &segment.rules, row.taken_at),
                    "{}",
                    segment.name
                );
                assert_eq!(row.member_count, Some(stored.len()));
                assert_eq!(row.reason, "demo");
            }
        }
    }

    #[test]
    fn the_history_counts_who_joined_and_left_between_snapshots() {
        let ws = demo(400);
        let segment = saved::list(&ws)
            .unwrap()
            .into_iter()
            .find(|s| s.rules.to_json().contains("inLast"))
            .expect("a demo segment with a relative window");
        let history = history(&ws, segment.id).unwrap();
        let rows = table::list_of_segment(&ws, segment.id).unwrap();
        assert_eq!(history.points.len(), rows.len());
        let mut moved = 0;
        for (pair, point) in rows.windows(2).zip(&history.points[1..]) {
            let before = members(&ws, &segment.rules, pair[0].taken_at);
            let after = members(&ws, &segment.rules, pair[1].taken_at);
            assert_eq!(point.joined, Some((&after - &before).len()));
            assert_eq!(point.left, Some((&before - &after).len()));
            assert_eq!(point.count, Some(after.len()));
            moved += point.joined.unwrap_or(0) + point.left.unwrap_or(0);
        }
        assert!(
            moved > 0,
            "time passing moves leads in and out of {}",
            segment.name
        );
        assert!(history.points[0].joined.is_none());
    }

    #[test]
    fn the_daily_snapshot_is_taken_once_a_day() {
        let mut ws = Workspace::in_memory().unwrap();
        assert!(daily_due(&ws).unwrap());
        assert!(record_daily_if_due(&mut ws).unwrap());
        assert!(!daily_due(&ws).unwrap());
        assert!(!record_daily_if_due(&mut ws).unwrap());
        let segment = saved::list(&ws).unwrap()[0].id;
        let rows = table::list_of_segment(&ws, segment).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].reason, "daily");
        // A segment saved since is recorded on the next opening, alone.
        let everyone = saved::create(
            &mut ws,
            &SegmentDraft {
                name: "Everyone".into(),
                description: String::new(),
                color: "#0f766e".into(),
                folder: String::new(),
                rules: RuleGroup::everyone(),
            },
        )
        .unwrap();
        assert!(record_daily_if_due(&mut ws).unwrap());
        assert_eq!(table::list_of_segment(&ws, everyone.id).unwrap().len(), 1);
        assert_eq!(table::list_of_segment(&ws, segment).unwrap().len(), 1);
    }

    #[test]
    fn recording_thins_older_snapshots() {
        let mut ws = Workspace::in_memory().unwrap();
        let now = ANCHOR;
        // Four snapshots a day for 60 days.
        for day in (1..=60).rev() {
            for hour in [0, 6, 12, 18] {
                let at = now - day * DAY + hour * 3600;
                record(&mut ws, at, at, SnapshotReason::Daily, None).unwrap();
            }
        }
        let summary = record(&mut ws, now, now, SnapshotReason::Daily, None).unwrap();
        assert!(summary.recorded > 0);
        let segment = saved::list(&ws).unwrap()[0].id;
        let rows = table::list_of_segment(&ws, segment).unwrap();
        let times: Vec<(i64, i64)> = rows.iter().map(|r| (r.id, r.taken_at)).collect();
        assert!(thinning::to_thin(&times, now).is_empty());
        // 7 days of 4, then one a day to 30 days, then weekly.
        let recent = rows.iter().filter(|r| now - r.taken_at < 7 * DAY).count();
        assert_eq!(recent, 6 * 4 + 1 + 3, "the last seven days are kept whole");
        assert!(rows.len() < 60, "kept {}", rows.len());
    }

    #[test]
    fn a_segment_whose_rules_no_longer_compile_is_skipped_and_says_so() {
        let mut ws = Workspace::in_memory().unwrap();
        let broken = saved::list(&ws).unwrap()[0].id;
        ws.conn()
            .execute(
                "UPDATE segments SET rules = ?1 WHERE id = ?2",
                (
                    r#"{"combinator":"and","rules":[{"field":"no_such_field","operator":"=","value":"x"}]}"#,
                    broken,
                ),
            )
            .unwrap();
        ws.clear_derived();
        let summary = record(&mut ws, ANCHOR, ANCHOR, SnapshotReason::Daily, None).unwrap();
        assert_eq!(summary.skipped, 1);
        assert!(summary.recorded >= 1);
        let point = &history(&ws, broken).unwrap().points[0];
        assert_eq!(point.count, None);
        assert!(
            point
                .problem
                .as_deref()
                .unwrap_or("")
                .contains("no_such_field"),
            "{point:?}"
        );
    }

    #[test]
    fn lead_ids_beyond_u32_are_refused_clearly() {
        assert_eq!(lead_id_u32(7).unwrap(), 7);
        let refused = lead_id_u32(1 << 33).unwrap_err().to_string();
        assert!(refused.contains("8589934592"), "{refused}");
    }

    /// The property of the issue: every lead of a diff is in exactly one of
    /// joined and left, the counts agree with the two snapshots, and joined and
    /// left are the snapshots' set differences.
    #[test]
    fn diffs_are_the_set_differences_of_their_snapshots() {
        let ws = std::cell::RefCell::new(demo(120));
        let segment = saved::list(&ws.borrow()).unwrap()[1].clone();
        let rules = segment.rules.to_json();
        let mut runner = TestRunner::new(Config::with_cases(48));
        let ids = proptest::collection::btree_set(1u32..=130, 0..80);
        runner
            .run(&(ids.clone(), ids), |(old, new)| {
                let old: RoaringBitmap = old.into_iter().collect();
                let new: RoaringBitmap = new.into_iter().collect();
                let (a, b) = (serialize(&old).unwrap(), serialize(&new).unwrap());
                let from = ANCHOR + 10 * DAY;
                let rows = [
                    snapshot_row(segment.id, &rules, from, &a, old.len()),
                    snapshot_row(segment.id, &rules, from + DAY, &b, new.len()),
                ];
                let mut ws = ws.borrow_mut();
                table::write_and_thin(&mut ws, &rows, from + DAY, |_| vec![]).unwrap();
                let diff = diff(&ws, segment.id, from + 3600, from + DAY + 3600).unwrap();
                ws.conn()
                    .execute("DELETE FROM segment_snapshots WHERE taken_at >= ?1", [from])
                    .unwrap();
                let joined: RoaringBitmap = diff.joined.iter().map(|l| l.lead_id as u32).collect();
                let left: RoaringBitmap = diff.left.iter().map(|l| l.lead_id as u32).collect();
                prop_assert_eq!(joined.len() as usize, diff.joined.len(), "no lead twice");
                prop_assert!(joined.is_disjoint(&left));
                prop_assert_eq!(&joined, &(&new - &old));
                prop_assert_eq!(&left, &(&old - &new));
                prop_assert_eq!(
                    diff.to.count as i64 - diff.from.count as i64,
                    joined.len() as i64 - left.len() as i64
                );
                for lead in diff.joined.iter().chain(&diff.left) {
                    prop_assert_eq!(lead.exists, lead.lead_id <= 120);
                    if !lead.exists {
                        prop_assert_eq!(lead.reason.kind, ReasonKind::Removed);
                    }
                }
                Ok(())
            })
            .unwrap();
    }

    fn snapshot_row<'a>(
        segment_id: i64,
        rules: &'a str,
        taken_at: i64,
        members: &'a [u8],
        count: u64,
    ) -> table::NewSnapshot<'a> {
        table::NewSnapshot {
            segment_id,
            taken_at,
            reason: "daily",
            import_id: None,
            member_count: Some(count),
            rules,
            members: Some(members),
            problem: None,
        }
    }

    fn import(ws: &mut Workspace, dir: &Path, name: &str, csv: &str) -> i64 {
        let path = dir.join(name);
        std::fs::write(&path, csv).unwrap();
        let import_id = crate::import::apply::suggested::import_id_as_suggested(ws, &path);
        ws.after_data_change(crate::DataChange::Import);
        import_id
    }

    #[test]
    fn a_diff_names_the_import_that_added_a_lead_or_changed_a_field_and_the_undo() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::in_memory().unwrap();
        import(
            &mut ws,
            dir.path(),
            "first.csv",
            "Email,Country\na@x.io,France\nb@x.io,Germany\n",
        );
        let germany = saved::create(
            &mut ws,
            &SegmentDraft {
                name: "Germany".into(),
                description: String::new(),
                color: "#0f766e".into(),
                folder: String::new(),
                rules: RuleGroup::from_json(
                    r#"{"combinator":"and","rules":[{"field":"country","operator":"=","value":"Germany"}]}"#,
                )
                .unwrap(),
            },
        )
        .unwrap();
        // Instants are whole seconds: the snapshots and the imports each get their own.
        let pause = || std::thread::sleep(std::time::Duration::from_millis(1100));
        pause();
        let before = crate::time::now();
        record(&mut ws, before, before, SnapshotReason::Daily, None).unwrap();
        pause();
        let second = import(
            &mut ws,
            dir.path(),
            "second.csv",
            "Email,Country\na@x.io,Germany\nc@x.io,Germany\n",
        );
        let after_import = crate::time::now();
        pause();
        let diff = diff(&ws, germany.id, before, after_import).unwrap();
        assert_eq!(diff.to.reason, "import");
        assert_eq!((diff.from.count, diff.to.count), (1, 3));
        assert!(diff.left.is_empty());
        let reasons: Vec<(String, ReasonKind, String)> = diff
            .joined
            .iter()
            .map(|l| {
                (
                    l.email.clone().unwrap(),
                    l.reason.kind,
                    l.reason.summary.clone(),
                )
            })
            .collect();
        assert_eq!(reasons[0].0, "a@x.io");
        assert_eq!(reasons[0].1, ReasonKind::FieldChanged);
        assert!(
            reasons[0].2.contains("“France” to “Germany”") && reasons[0].2.contains("second.csv"),
            "{reasons:?}"
        );
        assert_eq!(reasons[1].0, "c@x.io");
        assert_eq!(reasons[1].1, ReasonKind::AddedByImport);
        assert!(
            reasons[1].2.contains(&format!("#{second} “second.csv”")),
            "{reasons:?}"
        );

        crate::import::history::undo(&mut ws, second).unwrap();
        ws.after_data_change(crate::DataChange::Undo);
        let undone = super::super::diff(&ws, germany.id, after_import, crate::time::now()).unwrap();
        assert_eq!(undone.to.reason, "undo");
        let c = undone
            .left
            .iter()
            .find(|l| !l.exists)
            .expect("c left the workspace");
        assert_eq!(c.reason.kind, ReasonKind::Removed);
        assert!(c.reason.summary.contains("second.csv"), "{:?}", c.reason);
        // a's country went back to France: the undo is the likely reason.
        let a = undone
            .left
            .iter()
            .find(|l| l.email.as_deref() == Some("a@x.io"))
            .expect("a left with its old country");
        assert_eq!(a.reason.kind, ReasonKind::Unknown);
        assert!(
            a.reason.summary.contains("probably the undo of import")
                && a.reason.summary.contains("second.csv"),
            "{:?}",
            a.reason
        );
    }

    #[test]
    fn a_diff_names_the_behaviour_that_aged_out() {
        let ws = demo(400);
        let segment = saved::list(&ws)
            .unwrap()
            .into_iter()
            .find(|s| s.rules.to_json().contains("inLast"))
            .unwrap();
        let diff = diff(&ws, segment.id, ANCHOR - 27 * DAY, ANCHOR).unwrap();
        let moved: Vec<&DiffLead> = diff.joined.iter().chain(&diff.left).collect();
        assert!(!moved.is_empty());
        for lead in moved {
            assert_eq!(lead.reason.kind, ReasonKind::TimePassed, "{lead:?}");
            assert!(lead.reason.summary.contains("time passed"), "{lead:?}");
        }
        // The events behind the flips: one that aged out for a lead that
        // left, one that came into the window for a lead that joined.
        assert!(
            diff.left
                .iter()
                .any(|l| l.reason.summary.contains(" aged out")),
            "{:?}",
            diff.left.first()
        );
        assert!(
            diff.joined
                .iter()
                .any(|l| l.reason.summary.contains(" came into the window")),
            "{:?}",
            diff.joined.first()
        );
    }

    #[test]
    fn a_diff_before_the_first_snapshot_is_refused_with_its_date() {
        let ws = demo(100);
        let segment = saved::list(&ws).unwrap()[0].id;
        let refused = diff(&ws, segment, ANCHOR - 60 * DAY, ANCHOR)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("its first is of 2026-08-24"), "{refused}");
        assert!(diff(&ws, segment, ANCHOR, ANCHOR - DAY).is_err());
        assert_eq!(
            diff_bound("2026-09-21").unwrap(),
            ANCHOR - ANCHOR % DAY + DAY - 1
        );
    }

    #[test]
    fn the_csv_has_one_row_per_lead_with_its_reason() {
        let ws = demo(400);
        let segment = saved::list(&ws)
            .unwrap()
            .into_iter()
            .find(|s| s.rules.to_json().contains("inLast"))
            .unwrap();
        let diff = diff(&ws, segment.id, ANCHOR - 20 * DAY, ANCHOR).unwrap();
        let mut out = Vec::new();
        write_diff_csv(&diff, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "change,lead_id,email,name,reason_kind,reason,details"
        );
        assert_eq!(lines.len(), 1 + diff.joined.len() + diff.left.len());
        assert!(lines[1..].iter().all(|l| l.contains("time_passed")));
    }
}
