//! The segments that matter in practice, as real rules over standard fields
//! and events: persona, buying stage, lifecycle, previous actions, entry path
//! and company size, and the lead score groups (bands and grades of the
//! active scoring model, stored as computed fields). They are data, one JSON file per folder under
//! `templates/`, built into the binary. Every workspace gets them as built-in
//! segments, and the builder offers them as templates to start from.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rules::RuleGroup;
use crate::{Error, Result};

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

/// The template files (name, text), folders in display order.
const TEMPLATE_FILES: [(&str, &str); 7] = [
    ("persona.json", include_str!("templates/persona.json")),
    (
        "buying-stage.json",
        include_str!("templates/buying-stage.json"),
    ),
    ("lifecycle.json", include_str!("templates/lifecycle.json")),
    (
        "previous-actions.json",
        include_str!("templates/previous-actions.json"),
    ),
    ("entry-path.json", include_str!("templates/entry-path.json")),
    (
        "company-size.json",
        include_str!("templates/company-size.json"),
    ),
    ("lead-score.json", include_str!("templates/lead-score.json")),
];

/// One template file: a folder and its templates in display order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    folder: String,
    templates: Vec<TemplateEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateEntry {
    key: String,
    name: String,
    description: String,
    color: String,
    rules: serde_json::Value,
}

/// The templates of one file; errors name the file and the template.
fn parse_template_file(file_name: &str, text: &str) -> Result<Vec<SegmentTemplate>> {
    let file: TemplateFile = serde_json::from_str(text)
        .map_err(|e| Error::InvalidArgument(format!("segment template file {file_name}: {e}")))?;
    file.templates
        .into_iter()
        .map(|entry| {
            let rules = RuleGroup::from_value(&entry.rules).map_err(|e| {
                Error::InvalidArgument(format!(
                    "segment template {} in {file_name}: {e}",
                    entry.key
                ))
            })?;
            Ok(SegmentTemplate {
                key: entry.key,
                name: entry.name,
                description: entry.description,
                folder: file.folder.clone(),
                color: entry.color,
                rules,
            })
        })
        .collect()
}

/// Every template file parsed once. The files are built in and checked by
/// the unit tests below, so a file that does not parse (which those tests
/// refuse) contributes no templates rather than stopping the app.
static TEMPLATES: LazyLock<Vec<SegmentTemplate>> = LazyLock::new(|| {
    TEMPLATE_FILES
        .iter()
        .flat_map(|(file_name, text)| parse_template_file(file_name, text).unwrap_or_default())
        .collect()
});

/// Every template, grouped by folder in display order.
pub fn templates() -> Vec<SegmentTemplate> {
    TEMPLATES.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::{compile, count};
    use crate::Workspace;

    #[test]
    fn every_template_file_parses() {
        let mut total = 0;
        for (file_name, text) in TEMPLATE_FILES {
            let parsed =
                parse_template_file(file_name, text).unwrap_or_else(|e| panic!("{file_name}: {e}"));
            assert!(!parsed.is_empty(), "{file_name} holds no templates");
            total += parsed.len();
        }
        assert_eq!(templates().len(), total);
        let error = parse_template_file(
            "bad.json",
            r##"{"folder":"F","templates":[{"key":"k","name":"n","description":"","color":"#000000","rules":{"combinator":"xor","rules":[]}}]}"##,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("template k in bad.json") && error.contains("xor"),
            "{error}"
        );
    }

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
        workspace.clear_derived();
        assert_eq!(
            crate::segments::count_many(&workspace, &rules, anchor).unwrap(),
            one_by_one
        );
    }
}
