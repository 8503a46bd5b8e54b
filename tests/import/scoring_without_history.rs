//! A CRM export with its own outcome and no timeline (X Education's
//! `Converted` column): a scoring model evaluated against that field, on the
//! held-out half of the leads, tells converters apart.

use leadstream_core::import::spec::{ColumnTarget, MatchKey};
use leadstream_core::scoring::{evaluate, field_outcome, EvaluateRequest, ModelDefinition};

use crate::{required_shared, run, suggested, workspace};

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "needs ../shared/data/leads/x-education/Leads.csv (unlicensed, never copied)"
)]
fn a_model_evaluated_against_x_educations_converted_field_beats_chance() {
    let path = required_shared("leads/x-education/Leads.csv");
    let (_dir, mut ws) = workspace();
    let mut spec = suggested(&ws, &path, None);
    for column in &mut spec.columns {
        if column.header == "Prospect ID" {
            column.target = ColumnTarget::Field {
                key: "external_id".into(),
            };
        }
    }
    spec.match_key = MatchKey::ExternalId;
    run(&mut ws, &path, &spec, false).unwrap();
    let key_of = |header: &str| {
        spec.columns
            .iter()
            .find(|c| c.header == header)
            .and_then(|c| match &c.target {
                ColumnTarget::Field { key } | ColumnTarget::NewField { key, .. } => {
                    Some(key.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("{header} is imported as a field"))
    };
    let (origin, time, converted) = (
        key_of("Lead Origin"),
        key_of("Total Time Spent on Website"),
        key_of("Converted"),
    );
    // Fit from what the CRM knows: the form that brought the lead, and
    // the time spent on the site (X Education's strongest signals).
    let model: ModelDefinition = serde_json::from_value(serde_json::json!({
        "rules": [
            {"label": "Lead Add Form", "kind": "fit", "points": 40,
             "when": {"combinator": "and", "rules": [{"field": origin, "operator": "=", "value": "Lead Add Form"}]}},
            {"label": "Long visits", "kind": "fit", "points": 30,
             "when": {"combinator": "and", "rules": [{"field": time, "operator": ">=", "value": 600}]}}
        ],
        "decay": {"kind": "none"},
        "fit_grades": [30, 20, 10],
        "engagement_grades": [40, 20, 5],
        "bands": [{"name": "hot", "min": 40}, {"name": "warm", "min": 20}, {"name": "cold"}]
    }))
    .unwrap();
    let request = EvaluateRequest {
        outcome_rules: field_outcome(&ws, &converted).unwrap(),
        as_of: None,
        holdout: true,
    };
    let evaluation = evaluate(&ws, &model, &request).unwrap();
    let report = &evaluation.report;
    // About half of the 9,240 leads are held out.
    assert!(
        (4_000..5_300).contains(&report.population.trials),
        "{:?}",
        report.population
    );
    let auc = report.auc.unwrap();
    let hot = &report.bands[0];
    eprintln!(
        "X Education, held-out half of {} leads: AUC {auc:.3}; band {} converts at {:.1}% ({:.2}× the {:.1}% of all)",
        report.population.trials,
        hot.band,
        hot.rate.rate * 100.0,
        hot.lift.unwrap_or(0.0),
        report.population.rate * 100.0
    );
    assert!(auc > 0.7, "AUC {auc}");
    assert!(hot.lift.unwrap() > 1.5, "{hot:?}");
}
