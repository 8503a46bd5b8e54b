//! The segments that matter in practice, as real rules over standard fields
//! and events: persona, buying stage, lifecycle, previous actions, entry path
//! and company size. Every workspace gets them as built-in segments, and the
//! builder offers them as templates to start from.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::rules::RuleGroup;

/// A ready-made segment definition.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentTemplate {
    /// A stable key, such as `persona-executive`.
    pub key: String,
    pub name: String,
    pub description: String,
    pub folder: String,
    pub color: String,
    pub rules: RuleGroup,
}

const NOT_CUSTOMER: &[&str] = &["Customer", "Former customer"];

/// Every template, grouped by folder in display order.
pub fn templates() -> Vec<SegmentTemplate> {
    let not_customer =
        json!({"field": "lifecycle_stage", "operator": "notIn", "value": NOT_CUSTOMER});
    let days = |n: u32| json!({"amount": n, "unit": "days"});
    let all = |rules: serde_json::Value| json!({"combinator": "and", "not": false, "rules": rules});
    let any = |rules: serde_json::Value| json!({"combinator": "or", "not": false, "rules": rules});
    let field = |key: &str, operator: &str, value: serde_json::Value| json!({"field": key, "operator": operator, "value": value});
    let event = |operator: &str, value: serde_json::Value| json!({"field": "event", "operator": operator, "value": value});
    let entries: Vec<(&str, &str, &str, &str, &str, serde_json::Value)> = vec![
        (
            "persona-executive",
            "Executive decision makers",
            "Persona",
            "#7c3aed",
            "Leaders who buy on ROI and strategy.",
            all(json!([field(
                "persona",
                "=",
                json!("Executive decision maker")
            )])),
        ),
        (
            "persona-technical",
            "Technical decision makers",
            "Persona",
            "#2563eb",
            "Engineers and IT leads who care about integration and security.",
            all(json!([field(
                "persona",
                "=",
                json!("Technical decision maker")
            )])),
        ),
        (
            "persona-financial",
            "Financial decision makers",
            "Persona",
            "#059669",
            "Finance leads who sign off on budget and cost.",
            all(json!([field(
                "persona",
                "=",
                json!("Financial decision maker")
            )])),
        ),
        (
            "persona-practitioner",
            "Practitioners",
            "Persona",
            "#0891b2",
            "Day-to-day users who champion a tool.",
            all(json!([field("persona", "=", json!("Practitioner"))])),
        ),
        (
            "stage-awareness",
            "Awareness stage",
            "Buying stage",
            "#f59e0b",
            "Prospects learning about the problem: send helpful content.",
            all(json!([
                field("buying_stage", "=", json!("Awareness")),
                not_customer
            ])),
        ),
        (
            "stage-consideration",
            "Consideration stage",
            "Buying stage",
            "#f97316",
            "Prospects comparing solutions: send case studies and a trial.",
            all(json!([
                field("buying_stage", "=", json!("Consideration")),
                not_customer
            ])),
        ),
        (
            "stage-decision",
            "Decision stage",
            "Buying stage",
            "#dc2626",
            "Prospects ready to choose: offer a demo.",
            all(json!([
                field("buying_stage", "=", json!("Decision")),
                not_customer
            ])),
        ),
        (
            "lifecycle-new-prospects",
            "New prospects",
            "Lifecycle",
            "#4f46e5",
            "Prospects created in the last 30 days.",
            all(json!([
                not_customer,
                field("created_at", "inLast", days(30))
            ])),
        ),
        (
            "lifecycle-customers",
            "Current customers",
            "Lifecycle",
            "#16a34a",
            "Leads whose lifecycle stage is Customer.",
            all(json!([field("lifecycle_stage", "=", json!("Customer"))])),
        ),
        (
            "lifecycle-former-customers",
            "Former customers",
            "Lifecycle",
            "#64748b",
            "Customers who left: candidates for win-back.",
            all(json!([field(
                "lifecycle_stage",
                "=",
                json!("Former customer")
            )])),
        ),
        (
            "actions-first-time-visitors",
            "First-time visitors",
            "Previous actions",
            "#0ea5e9",
            "Exactly one page view ever, and it was in the last 30 days.",
            all(json!([
                event(
                    "performed",
                    json!({"type": "page_view", "min": 1, "max": 1})
                ),
                event(
                    "performed",
                    json!({"type": "page_view", "inLast": days(30)})
                ),
            ])),
        ),
        (
            "actions-active-prospects",
            "Active prospects",
            "Previous actions",
            "#22c55e",
            "Prospects with three page views or an email click in the last 30 days.",
            all(json!([
                not_customer,
                any(json!([
                    event(
                        "performed",
                        json!({"type": "page_view", "min": 3, "inLast": days(30)})
                    ),
                    event(
                        "performed",
                        json!({"type": "email_click", "inLast": days(30)})
                    ),
                ])),
            ])),
        ),
        (
            "actions-lapsed-leads",
            "Lapsed leads",
            "Previous actions",
            "#a8a29e",
            "Prospects older than 90 days with no visit, open or click in the last 90 days.",
            all(json!([
                not_customer,
                field("created_at", "notInLast", days(90)),
                event(
                    "notPerformed",
                    json!({"type": "page_view", "inLast": days(90)})
                ),
                event(
                    "notPerformed",
                    json!({"type": "email_open", "inLast": days(90)})
                ),
                event(
                    "notPerformed",
                    json!({"type": "email_click", "inLast": days(90)})
                ),
            ])),
        ),
        (
            "actions-whitepaper-downloaders",
            "Whitepaper downloaders",
            "Previous actions",
            "#8b5cf6",
            "Downloaded a whitepaper at least once.",
            all(json!([event(
                "performed",
                json!({"type": "download", "where": all(json!([field("asset", "notNull", json!(null))]))})
            )])),
        ),
        (
            "actions-demo-requested",
            "Requested a demo",
            "Previous actions",
            "#e11d48",
            "Asked for a demo at least once.",
            all(json!([event("performed", json!({"type": "demo_request"}))])),
        ),
        (
            "entry-trade-show",
            "Trade-show contacts",
            "Entry path",
            "#d97706",
            "Met at a trade show: by source, entry point or a booth visit.",
            any(json!([
                field("lead_source", "=", json!("Trade show")),
                field("entry_point", "=", json!("Trade show")),
                event("performed", json!({"type": "trade_show_visit"})),
            ])),
        ),
        (
            "entry-whitepaper",
            "Came in through a whitepaper",
            "Entry path",
            "#7c3aed",
            "Entry point: whitepaper download.",
            all(json!([field(
                "entry_point",
                "=",
                json!("Whitepaper download")
            )])),
        ),
        (
            "entry-abandoned-cart",
            "Abandoned cart",
            "Entry path",
            "#ea580c",
            "Added to the cart in the last 30 days and bought nothing since.",
            all(json!([
                event("performed", json!({"type": "cart_add", "inLast": days(30)})),
                event(
                    "notPerformed",
                    json!({"type": "purchase", "inLast": days(30)})
                ),
            ])),
        ),
        (
            "size-enterprise",
            "Enterprise",
            "Company size",
            "#1d4ed8",
            "Companies with 1,000 employees or more.",
            all(json!([field("employees", ">=", json!(1000))])),
        ),
        (
            "size-smb",
            "Small and medium businesses",
            "Company size",
            "#0d9488",
            "Companies with fewer than 200 employees.",
            all(json!([field("employees", "<", json!(200))])),
        ),
    ];
    entries
        .into_iter()
        .map(
            |(key, name, folder, color, description, rules)| SegmentTemplate {
                key: key.to_owned(),
                name: name.to_owned(),
                description: description.to_owned(),
                folder: folder.to_owned(),
                color: color.to_owned(),
                rules: RuleGroup::from_value(&rules).expect("templates are well-formed"),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::{compile, count};
    use crate::Workspace;

    #[test]
    fn every_template_is_valid_and_keys_are_unique() {
        let workspace = Workspace::in_memory().unwrap();
        let all = templates();
        assert!(all.len() >= 20);
        let mut keys: Vec<&str> = all.iter().map(|t| t.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
        for template in &all {
            compile::compile(workspace.conn(), &template.rules)
                .unwrap_or_else(|e| panic!("{}: {e}", template.key));
        }
    }

    #[test]
    fn every_template_finds_leads_in_the_demo() {
        let mut workspace = Workspace::in_memory().unwrap();
        let anchor = 1_790_000_000;
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads: 2_000,
                events_per_lead: 10,
                seed: 7,
                anchor,
            },
        )
        .unwrap();
        let all = templates();
        let mut one_by_one = Vec::new();
        for template in &all {
            let n = count(&workspace, &template.rules, anchor).unwrap();
            assert!(n > 0 && n < 2_000, "{} matched {n} of 2000", template.key);
            one_by_one.push(n);
        }
        let rules: Vec<&RuleGroup> = all.iter().map(|t| &t.rules).collect();
        *workspace.segment_index.lock().unwrap() = None;
        assert_eq!(
            crate::segments::count_many(&workspace, &rules, anchor).unwrap(),
            one_by_one
        );
    }
}
