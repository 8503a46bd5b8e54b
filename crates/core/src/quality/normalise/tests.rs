//! Tests of the normalisations: each kind of mapping, undo in any order, an
//! undo refused after a later import, and a differential check on the demo
//! workspace against the planted problems and values read straight from SQL.

// The whole module is test code (declared `#[cfg(test)]` in normalise.rs);
// the marker below tells the layer check so: tests may use the demo generator.
#[cfg(test)]
mod on_workspaces {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::super::*;
    use crate::import::history;

    fn workspace(rows: &str) -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(&format!(
                "INSERT INTO leads (id, email, email_key, country, phone, industry, created_at, updated_at)
                 VALUES {rows}"
            ))
            .unwrap();
        ws
    }

    fn column(ws: &Workspace, column: &str) -> Vec<Option<String>> {
        ws.conn()
            .prepare(&format!("SELECT {column} FROM leads ORDER BY id"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn countries() -> Workspace {
        workspace(
            "(1, 'a@x.io', 'a@x.io', 'USA', '(415) 555-2671', 'Software', 0, 0),
             (2, 'b@x.io', 'b@x.io', 'U.S.', '+1 415 555 2672', 'software ', 0, 0),
             (3, 'c@x.io', 'c@x.io', 'United States', '+14155552673', 'Software', 0, 0),
             (4, 'd@x.io', 'd@x.io', 'Deutschland', '030 901820', 'Health-care', 0, 0),
             (5, 'e@x.io', 'e@x.io', 'Atlantis', 'n/a', 'Healthcare', 0, 0),
             (6, 'f@x.io', 'f@x.io', 'UK', '030 901820', 'HEALTHCARE', 0, 0)",
        )
    }

    fn mapping(from: &str, to: &str, region: Option<&str>) -> ValueMapping {
        ValueMapping {
            from: from.into(),
            to: to.into(),
            region: region.map(str::to_owned),
        }
    }

    #[test]
    fn countries_map_to_their_one_name_and_unknown_ones_stay() {
        let ws = countries();
        let plan = suggest(&ws, "country").unwrap();
        let pairs: Vec<(&str, &str, u64)> = plan
            .suggestions
            .iter()
            .map(|s| (s.from.as_str(), s.to.as_str(), s.leads))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("Deutschland", "Germany", 1),
                ("UK", "United Kingdom", 1),
                ("U.S.", "United States", 1),
                ("USA", "United States", 1),
            ]
        );
        assert_eq!(plan.leads_to_change, 4);
        assert_eq!(plan.untouched[0].value, "Atlantis");
        assert_eq!((plan.untouched_values, plan.untouched_leads), (1, 1));
    }

    #[test]
    fn phones_map_per_country_and_invalid_ones_stay() {
        let ws = countries();
        let plan = suggest(&ws, "phone").unwrap();
        let pairs: BTreeMap<(String, Option<String>), String> = plan
            .suggestions
            .iter()
            .map(|s| ((s.from.clone(), s.region.clone()), s.to.clone()))
            .collect();
        assert_eq!(
            pairs[&("(415) 555-2671".to_owned(), Some("US".to_owned()))],
            "+14155552671"
        );
        // The same text is a different number in Germany and in the UK.
        assert_eq!(
            pairs[&("030 901820".to_owned(), Some("DE".to_owned()))],
            "+4930901820"
        );
        assert!(!pairs.contains_key(&("+14155552673".to_owned(), Some("US".to_owned()))));
        let untouched: Vec<&str> = plan.untouched.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(untouched, vec!["030 901820", "n/a"]);

        let mut ws = ws;
        let only_germany = Normalisation {
            field: "phone".into(),
            mappings: vec![mapping("030 901820", "+4930901820", Some("DE"))],
        };
        assert_eq!(preview(&ws, &only_germany).unwrap().leads_changing, 1);
        apply(&mut ws, &only_germany).unwrap();
        let phones = column(&ws, "phone");
        assert_eq!(phones[3].as_deref(), Some("+4930901820"));
        assert_eq!(phones[5].as_deref(), Some("030 901820"));
    }

    #[test]
    fn spellings_meet_on_their_key_and_the_most_common_wins() {
        let counts = vec![
            ("Software".to_owned(), 2),
            ("software ".to_owned(), 1),
            ("Health-care".to_owned(), 1),
            ("Healthcare".to_owned(), 1),
            ("HEALTHCARE".to_owned(), 1),
            ("Retail".to_owned(), 5),
        ];
        let mut suggestions = spelling_suggestions(&counts);
        sort_suggestions(&mut suggestions);
        let pairs: Vec<(&str, &str)> = suggestions
            .iter()
            .map(|s| (s.from.as_str(), s.to.as_str()))
            .collect();
        // A tie of one lead each: the longest ("Health-care"), then the
        // first alphabetically.
        assert_eq!(
            pairs,
            vec![
                ("HEALTHCARE", "Health-care"),
                ("Healthcare", "Health-care"),
                ("software ", "Software"),
            ]
        );
        assert_eq!(
            spelling_key("Jürgen  Müller"),
            spelling_key("jurgen-muller")
        );
        let ws = countries();
        let found = spelling_fields(&ws).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].field.as_str(), found[0].groups, found[0].leads),
            ("industry", 2, 3)
        );
    }

    #[test]
    fn mappings_are_checked() {
        let ws = countries();
        let twice = Normalisation {
            field: "country".into(),
            mappings: vec![
                mapping("USA", "United States", None),
                mapping("USA", "US", None),
            ],
        };
        assert!(matches!(
            preview(&ws, &twice),
            Err(Error::InvalidArgument(_))
        ));
        let empty = Normalisation {
            field: "country".into(),
            mappings: vec![mapping("USA", " ", None)],
        };
        assert!(preview(&ws, &empty).is_err());
        assert!(suggest(&ws, "email").is_err());
        assert!(suggest(&ws, "employees").is_err());
        assert!(matches!(
            suggest(&ws, "nope"),
            Err(Error::UnknownField { .. })
        ));
        let mut ws = ws;
        let nothing = Normalisation {
            field: "country".into(),
            mappings: vec![mapping("Narnia", "Nowhere", None)],
        };
        assert!(apply(&mut ws, &nothing).is_err());
    }

    #[test]
    fn undo_is_exact_in_any_order() {
        let mut ws = countries();
        let before = (column(&ws, "country"), column(&ws, "phone"));
        let country_plan = suggest(&ws, "country").unwrap();
        let country_fix = apply(&mut ws, &confirm_all(&country_plan)).unwrap();
        assert_eq!(country_fix.title, "Normalise country");
        assert_eq!(country_fix.leads_changed, 4);
        let phone_plan = suggest(&ws, "phone").unwrap();
        let phone_fix = apply(&mut ws, &confirm_all(&phone_plan)).unwrap();
        assert_eq!(phone_fix.leads_changed, 3, "{phone_plan:?}");
        assert_eq!(column(&ws, "country")[0].as_deref(), Some("United States"));

        // The country fix first, though the phone fix came after it.
        history::undo(&mut ws, country_fix.change_id).unwrap();
        assert_eq!(column(&ws, "country"), before.0);
        assert_ne!(column(&ws, "phone"), before.1);
        history::undo(&mut ws, phone_fix.change_id).unwrap();
        assert_eq!((column(&ws, "country"), column(&ws, "phone")), before);
        let listed = history::list(&ws).unwrap();
        assert!(listed.iter().all(|record| record.undone_at.is_some()));
        assert_eq!(listed[0].kind, ChangeKind::Normalise);
    }

    /// A fix changes one field of existing leads. The derived parts that
    /// read other fields or events stay in the file (the quick search's
    /// keys too, since neither field is one of theirs), that field's column
    /// goes, and the index in memory is carried over without it: a change
    /// made behind the store's back to another field is not seen (a rebuilt
    /// index would see it), the fixed field's new values are. After the
    /// change behind its back is undone, every count is what a rebuild from
    /// SQL gives.
    #[test]
    fn a_fix_keeps_the_derived_parts_that_read_none_of_its_field() {
        use crate::segments::rules::RuleGroup;
        use crate::store::tables::derived_cache;
        let mut ws = countries();
        ws.conn()
            .execute_batch(
                "INSERT INTO events (lead_id, type, occurred_at) VALUES
                 (1, 'page_view', 100), (4, 'page_view', 200), (6, 'download', 300)",
            )
            .unwrap();
        let rule = |field: &str, value: &str| {
            serde_json::from_value::<RuleGroup>(serde_json::json!({"combinator": "and", "rules": [
                {"field": field, "operator": "=", "value": value}]}))
            .unwrap()
        };
        let sets = [
            rule("country", "United States"),
            rule("industry", "Software"),
            rule("do_not_email", "true"),
            serde_json::from_value::<RuleGroup>(serde_json::json!({"combinator": "and", "rules": [
                {"field": "event", "operator": "performed", "value": {"type": "page_view"}}]}))
            .unwrap(),
        ];
        let counts = |ws: &Workspace| {
            let refs: Vec<&RuleGroup> = sets.iter().collect();
            crate::segments::count_many(ws, &refs, i64::MAX / 2).unwrap()
        };
        let from_sql = |ws: &Workspace| {
            ws.clear_derived();
            ws.conn().execute("DELETE FROM derived_cache", []).unwrap();
            counts(ws)
        };
        let names = |ws: &Workspace| derived_cache::part_names(ws.conn());
        let without = |names: &[String], gone: &[&str]| -> Vec<String> {
            names
                .iter()
                .filter(|n| !gone.contains(&n.as_str()))
                .cloned()
                .collect()
        };
        assert_eq!(counts(&ws), [1, 3, 0, 2]);
        // The quick search's keys, as a workspace stores them on closing.
        let query = crate::leads::LeadQuery {
            offset: 0,
            limit: 10,
            columns: vec!["email".into()],
            sort: None,
            search: "a@x".into(),
            search_custom_fields: false,
        };
        assert_eq!(crate::leads::page(&ws, &query).unwrap().total, Some(1));
        crate::leads::store_search_keys_on_close(&ws);
        let before = names(&ws);
        for part in [
            "search/v3/keys/1",
            "search/v3/keys/2",
            "segment-index/v1/lead-ids",
            "segment-index/v1/field/country",
            "segment-index/v1/field/industry",
            "segment-index/v1/field/do_not_email",
            "segment-index/v1/events/page_view",
        ] {
            assert!(before.iter().any(|n| n == part), "{part}: {before:?}");
        }

        let all = confirm_all(&suggest(&ws, "country").unwrap());
        let country_fix = apply(&mut ws, &all).unwrap();
        let after = names(&ws);
        assert_eq!(after, without(&before, &["segment-index/v1/field/country"]));
        ws.conn()
            .execute("UPDATE leads SET industry = 'Software' WHERE id = 4", [])
            .unwrap();
        assert_eq!(counts(&ws), [3, 3, 0, 2], "carried: industry as it was");
        ws.conn()
            .execute("UPDATE leads SET industry = 'Health-care' WHERE id = 4", [])
            .unwrap();
        assert_eq!(counts(&ws), from_sql(&ws));

        counts(&ws);
        let before = names(&ws);
        let marked = unsendable::mark_unsendable(
            &mut ws,
            &unsendable::Unsendable {
                reasons: Vec::new(),
                lead_ids: vec![2, 5],
            },
        )
        .unwrap();
        assert_eq!(marked.leads_changed, 2);
        assert_eq!(
            names(&ws),
            without(&before, &["segment-index/v1/field/do_not_email"])
        );
        assert_eq!(counts(&ws), [3, 3, 2, 2]);
        assert_eq!(counts(&ws), from_sql(&ws));

        // Its undo keeps what the fix kept.
        counts(&ws);
        let before = names(&ws);
        let undone = crate::quality::fixes::undo_change(&mut ws, marked.change_id, false).unwrap();
        assert_eq!(undone.values_restored, 2);
        assert_eq!(
            names(&ws),
            without(&before, &["segment-index/v1/field/do_not_email"])
        );
        assert_eq!(counts(&ws), [3, 3, 0, 2]);
        assert_eq!(counts(&ws), from_sql(&ws));

        // Keeping the parts of another field than the fix wrote is refused,
        // and nothing is undone.
        let refused = crate::segments::writing_fields(&mut ws, &["industry"], |conn| {
            history::undo_fix_on(conn, country_fix.change_id, &["industry"])
        });
        assert!(
            matches!(refused, Err(Error::InvalidArgument(ref m)) if m.contains("not a fix of industry")),
            "{refused:?}"
        );
        assert_eq!(counts(&ws), [3, 3, 0, 2]);
        let undone =
            crate::quality::fixes::undo_change(&mut ws, country_fix.change_id, false).unwrap();
        assert_eq!(undone.values_restored, 4);
        assert_eq!(counts(&ws), [1, 3, 0, 2]);
        assert_eq!(counts(&ws), from_sql(&ws));
    }

    fn import(ws: &mut Workspace, dir: &Path, name: &str, csv: &str) -> i64 {
        let path = dir.join(name);
        std::fs::write(&path, csv).unwrap();
        crate::import::apply::suggested::import_id_as_suggested(ws, &path)
    }

    #[test]
    fn a_later_import_of_a_normalised_value_makes_the_undo_refuse_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = Workspace::in_memory().unwrap();
        import(
            &mut ws,
            dir.path(),
            "first.csv",
            "Email,Country\na@x.io,USA\nb@x.io,Deutschland\n",
        );
        let all = confirm_all(&suggest(&ws, "country").unwrap());
        let fix = apply(&mut ws, &all).unwrap();
        assert_eq!(fix.leads_changed, 2);
        import(
            &mut ws,
            dir.path(),
            "second.csv",
            "Email,Country\na@x.io,Canada\n",
        );
        let refused = history::undo(&mut ws, fix.change_id)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("second.csv"), "{refused}");
        assert_eq!(column(&ws, "country")[1].as_deref(), Some("Germany"));
    }

    #[test]
    fn custom_text_fields_are_normalised_and_undone() {
        let mut ws = Workspace::in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        import(
            &mut ws,
            dir.path(),
            "leads.csv",
            "Email,Plan\na@x.io,Pro\nb@x.io,pro\nc@x.io,Pro\nd@x.io,PRO \n",
        );
        let key = fields::list(ws.conn())
            .unwrap()
            .into_iter()
            .find(|f| !f.is_standard && f.label == "Plan")
            .unwrap()
            .key;
        let plan = suggest(&ws, &key).unwrap();
        assert_eq!(plan.kind, NormalisationKind::Spelling);
        assert_eq!(plan.leads_to_change, 2);
        let fix = apply(&mut ws, &confirm_all(&plan)).unwrap();
        assert_eq!(fix.title, "Normalise Plan");
        let counts = field_values::value_counts(
            ws.conn(),
            FieldSource::Custom(fields::resolve(ws.conn(), &key).unwrap().id),
        )
        .unwrap();
        assert_eq!(counts, vec![("Pro".to_owned(), 4)]);
        history::undo(&mut ws, fix.change_id).unwrap();
        assert!(suggest(&ws, &key).unwrap().leads_to_change == 2);
    }

    /// Differential: on the demo workspace, the country plan's counts equal
    /// a GROUP BY straight from SQL, and cover the planted variants; after
    /// applying it, every country value is one name.
    #[test]
    fn the_demo_countries_match_sql_and_the_planted_variants() {
        let mut ws = Workspace::in_memory().unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 400,
            events_per_lead: 2,
            seed: 7,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut ws, &spec).unwrap();
        let planted = crate::demo::planted(spec.leads).unwrap();
        let plan = suggest(&ws, "country").unwrap();
        for (variant, leads) in &planted.country_variants {
            let suggested = plan
                .suggestions
                .iter()
                .find(|s| s.from == *variant)
                .unwrap();
            assert_eq!(suggested.leads, *leads as u64, "{variant}");
        }
        for suggestion in &plan.suggestions {
            let in_sql: i64 = ws
                .conn()
                .query_row(
                    "SELECT COUNT(*) FROM leads WHERE country = ?1",
                    [&suggestion.from],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(suggestion.leads, in_sql as u64, "{}", suggestion.from);
        }
        let industry = suggest(&ws, "industry").unwrap();
        assert_eq!(
            industry.leads_to_change,
            planted.industry_spellings.len() as u64
        );
        let phones = suggest(&ws, "phone").unwrap();
        let invalid: u64 = phones.untouched_leads;
        assert_eq!(invalid, planted.invalid_phones.len() as u64);

        apply(&mut ws, &confirm_all(&plan)).unwrap();
        assert_eq!(suggest(&ws, "country").unwrap().suggestions, Vec::new());
    }
}
