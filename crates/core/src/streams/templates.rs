//! Ready-made nurture: a content library that covers every persona and
//! buying stage, and stream templates (one per buying stage, executive and
//! technical decision makers, former-customer win-back) built on the
//! built-in segments, written as JSON data files under `templates/`. The
//! demo workspace gets the library and three active streams.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::content::{self, ContentDraft, ContentKind, LifecycleFit};
use super::model::{
    self, NodeAction, Reentry, StreamDefinition, StreamDraft, StreamEdge, StreamNode,
};
use crate::segments::{saved, RuleGroup};
use crate::{Error, Result, Workspace};

const EXEC: &str = "Executive decision maker";
const TECH: &str = "Technical decision maker";
const FIN: &str = "Financial decision maker";
const PRACT: &str = "Practitioner";

/// The demo content library: (title, kind, subject, personas, stages, lifecycles).
type LibraryEntry = (
    &'static str,
    ContentKind,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [LifecycleFit],
);

const PROSPECT: &[LifecycleFit] = &[LifecycleFit::Prospect];

const LIBRARY: &[LibraryEntry] = &[
    (
        "Segmentation basics",
        ContentKind::BlogPost,
        "5 segments every B2B marketer needs",
        &[],
        &["Awareness"],
        PROSPECT,
    ),
    (
        "State of B2B Marketing 2026",
        ContentKind::Whitepaper,
        "Your copy of the State of B2B Marketing 2026",
        &[],
        &["Awareness"],
        PROSPECT,
    ),
    (
        "Nurture email teardown",
        ContentKind::BlogPost,
        "What the best nurture emails have in common",
        &[PRACT, TECH],
        &["Awareness"],
        PROSPECT,
    ),
    (
        "The ROI of lead nurturing",
        ContentKind::Guide,
        "What nurturing is worth, in numbers",
        &[EXEC, FIN],
        &["Awareness", "Consideration"],
        PROSPECT,
    ),
    (
        "Integration playbook",
        ContentKind::Guide,
        "How Leadstream fits your stack",
        &[TECH],
        &["Consideration"],
        PROSPECT,
    ),
    (
        "Security & compliance guide",
        ContentKind::Whitepaper,
        "Security questions, answered",
        &[TECH, FIN],
        &["Consideration"],
        PROSPECT,
    ),
    (
        "Case study: Northwind doubled MQLs",
        ContentKind::CaseStudy,
        "How Northwind doubled its MQLs in a quarter",
        &[EXEC, PRACT],
        &["Consideration"],
        PROSPECT,
    ),
    (
        "Case study: Contoso cut CAC by 30%",
        ContentKind::CaseStudy,
        "Contoso's 30% lower acquisition cost",
        &[FIN, EXEC],
        &["Consideration"],
        PROSPECT,
    ),
    (
        "Live webinar: segments that convert",
        ContentKind::Webinar,
        "Join us live: segments that convert",
        &[PRACT, TECH],
        &["Consideration"],
        PROSPECT,
    ),
    (
        "Start your free trial",
        ContentKind::FreeTrial,
        "Try it free for 14 days",
        &[PRACT, TECH],
        &["Consideration", "Decision"],
        PROSPECT,
    ),
    (
        "Book a demo",
        ContentKind::DemoInvitation,
        "See it on your own data: book a demo",
        &[EXEC, TECH, PRACT],
        &["Decision"],
        PROSPECT,
    ),
    (
        "Executive briefing",
        ContentKind::DemoInvitation,
        "A 20-minute briefing for your leadership team",
        &[EXEC],
        &["Decision"],
        PROSPECT,
    ),
    (
        "Architecture deep dive",
        ContentKind::DemoInvitation,
        "A technical deep dive with our engineers",
        &[TECH],
        &["Decision"],
        PROSPECT,
    ),
    (
        "Business case template",
        ContentKind::Guide,
        "Build the business case in an afternoon",
        &[EXEC],
        &["Decision"],
        PROSPECT,
    ),
    (
        "First-year discount",
        ContentKind::DiscountOffer,
        "20% off your first year, this month",
        &[PRACT, TECH, EXEC],
        &["Decision"],
        PROSPECT,
    ),
    (
        "Monthly newsletter",
        ContentKind::Newsletter,
        "This month in B2B marketing",
        &[],
        &[],
        &[],
    ),
    (
        "Customer tips: advanced segments",
        ContentKind::Guide,
        "Three advanced segments to try this week",
        &[],
        &[],
        &[LifecycleFit::Customer],
    ),
    (
        "Welcome: what to expect from us",
        ContentKind::Welcome,
        "Welcome! Here is what you will get from us",
        &[],
        &[],
        PROSPECT,
    ),
    (
        "Getting started: your first week",
        ContentKind::Onboarding,
        "Your first week: three steps to your first segment",
        &[],
        &[],
        &[LifecycleFit::Customer],
    ),
    (
        "Onboarding: connect your CRM",
        ContentKind::Onboarding,
        "Bring your CRM leads in, in ten minutes",
        &[],
        &[],
        &[LifecycleFit::Customer],
    ),
    (
        "What's new since you left",
        ContentKind::WinBack,
        "A lot has changed since you left",
        &[],
        &[],
        &[LifecycleFit::FormerCustomer],
    ),
    (
        "Come back offer",
        ContentKind::WinBack,
        "Come back: three months on us",
        &[],
        &[],
        &[LifecycleFit::FormerCustomer],
    ),
];

/// Adds the demo content library to a workspace.
pub fn demo_library(workspace: &mut Workspace) -> Result<()> {
    for (title, kind, subject, personas, stages, lifecycles) in LIBRARY {
        let slug: String = title
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        content::save(
            workspace,
            None,
            &ContentDraft {
                title: (*title).into(),
                kind: *kind,
                subject: (*subject).into(),
                link: format!("https://example.com/{slug}"),
                body: String::new(),
                personas: personas.iter().map(|s| s.to_string()).collect(),
                stages: stages.iter().map(|s| s.to_string()).collect(),
                lifecycles: lifecycles.to_vec(),
            },
        )?;
    }
    Ok(())
}

/// A ready-made stream.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StreamTemplate {
    pub key: String,
    pub name: String,
    pub description: String,
    pub priority: i32,
    pub definition: StreamDefinition,
}

fn segment_id(workspace: &Workspace, name: &str) -> Result<i64> {
    saved::list(workspace)?
        .into_iter()
        .find(|s| s.is_builtin && s.name == name)
        .map(|s| s.id)
        .ok_or_else(|| Error::NotFound {
            what: "built-in segment",
            key: format!("“{name}”"),
        })
}

fn content_id(workspace: &Workspace, title: &str) -> Result<i64> {
    content::list(workspace)?
        .into_iter()
        .find(|i| i.title == title)
        .map(|i| i.id)
        .ok_or_else(|| Error::NotFound {
            what: "content item",
            key: format!("“{title}” of the library"),
        })
}

/// The stream templates as data, one JSON file each under `templates/`:
/// a [`StreamTemplate`] whose entry segments are built-in segments named by
/// name and whose Send steps name their content by title (`"content"`).
const TEMPLATE_FILES: &[(&str, &str)] = &[
    (
        "stage-awareness",
        include_str!("templates/stage-awareness.json"),
    ),
    (
        "stage-consideration",
        include_str!("templates/stage-consideration.json"),
    ),
    (
        "stage-decision",
        include_str!("templates/stage-decision.json"),
    ),
    (
        "persona-executive",
        include_str!("templates/persona-executive.json"),
    ),
    (
        "persona-technical",
        include_str!("templates/persona-technical.json"),
    ),
    (
        "lifecycle-winback",
        include_str!("templates/lifecycle-winback.json"),
    ),
    (
        "lifecycle-welcome",
        include_str!("templates/lifecycle-welcome.json"),
    ),
    (
        "lifecycle-onboarding",
        include_str!("templates/lifecycle-onboarding.json"),
    ),
];

/// A template file as written: names where the workspace has ids.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    key: String,
    name: String,
    description: String,
    priority: i32,
    /// Built-in segments, by name.
    entry_segments: Vec<String>,
    reentry: Reentry,
    #[serde(default)]
    exit_goal: Option<RuleGroup>,
    nodes: Vec<TemplateNode>,
    edges: Vec<StreamEdge>,
}

/// A node as written: a Send step's action names its content by title.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateNode {
    id: String,
    action: serde_json::Value,
    x: f64,
    y: f64,
}

/// Reads one template file (`file` names it in errors).
fn parse_template(file: &str, json: &str) -> Result<TemplateFile> {
    serde_json::from_str(json)
        .map_err(|e| Error::InvalidArgument(format!("stream template {file}: {e}")))
}

/// A template's node with its content title resolved to this library's id.
fn resolve_node(workspace: &Workspace, node: TemplateNode) -> Result<StreamNode> {
    let mut action = node.action;
    if let Some(fields) = action.as_object_mut() {
        if let Some(title) = fields.remove("content") {
            let title = title.as_str().unwrap_or_default();
            fields.insert("content_id".into(), json!(content_id(workspace, title)?));
        }
    }
    let action: NodeAction = serde_json::from_value(action)
        .map_err(|e| Error::InvalidArgument(format!("stream template node {}: {e}", node.id)))?;
    Ok(StreamNode {
        id: node.id,
        action,
        x: node.x,
        y: node.y,
    })
}

/// A template file on this workspace's built-in segments and library.
fn resolve_template(workspace: &Workspace, file: TemplateFile) -> Result<StreamTemplate> {
    let entry_segments = file
        .entry_segments
        .iter()
        .map(|name| segment_id(workspace, name))
        .collect::<Result<_>>()?;
    let nodes = file
        .nodes
        .into_iter()
        .map(|node| resolve_node(workspace, node))
        .collect::<Result<_>>()?;
    Ok(StreamTemplate {
        key: file.key,
        name: file.name,
        description: file.description,
        priority: file.priority,
        definition: StreamDefinition {
            entry_segments,
            reentry: file.reentry,
            exit_goal: file.exit_goal,
            active_from: None,
            active_until: None,
            nodes,
            edges: file.edges,
        },
    })
}

/// The stream templates, built on this workspace's built-in segments and a
/// content library holding the demo titles ([`demo_library`]).
pub fn stream_templates(workspace: &Workspace) -> Result<Vec<StreamTemplate>> {
    TEMPLATE_FILES
        .iter()
        .map(|(file, json)| resolve_template(workspace, parse_template(file, json)?))
        .collect()
}

/// The templates the demo workspace starts with, active.
pub const DEMO_ACTIVE: &[&str] = &["stage-decision", "persona-executive", "lifecycle-winback"];

/// Fills a workspace with the demo library and all stream templates, the
/// [`DEMO_ACTIVE`] ones active.
pub fn install_demo_nurture(workspace: &mut Workspace) -> Result<()> {
    demo_library(workspace)?;
    for template in stream_templates(workspace)? {
        model::save(
            workspace,
            None,
            &StreamDraft {
                name: template.name,
                priority: template.priority,
                is_active: DEMO_ACTIVE.contains(&template.key.as_str()),
                definition: template.definition,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_library_has_a_visible_gap() {
        let mut workspace = Workspace::in_memory().unwrap();
        demo_library(&mut workspace).unwrap();
        let cells = content::matrix(&workspace).unwrap();
        let cell = |persona: &str, stage: &str| {
            cells
                .iter()
                .find(|c| c.persona == persona && c.stage == stage)
                .map(|c| c.items)
                .unwrap()
        };
        assert_eq!(cell(FIN, "Decision"), 0);
        assert!(cell(EXEC, "Decision") >= 3);
        assert!(cell(FIN, "Awareness") >= 2);
    }

    #[test]
    fn the_library_and_templates_welcome_new_leads_and_onboard_new_customers() {
        let mut workspace = Workspace::in_memory().unwrap();
        demo_library(&mut workspace).unwrap();
        let kinds: Vec<ContentKind> = content::list(&workspace)
            .unwrap()
            .iter()
            .map(|c| c.kind)
            .collect();
        assert!(kinds.contains(&ContentKind::Welcome));
        assert!(kinds.contains(&ContentKind::Onboarding));
        let keys: Vec<String> = stream_templates(&workspace)
            .unwrap()
            .into_iter()
            .map(|t| t.key)
            .collect();
        assert!(keys.contains(&"lifecycle-welcome".to_owned()), "{keys:?}");
        assert!(
            keys.contains(&"lifecycle-onboarding".to_owned()),
            "{keys:?}"
        );
        assert_eq!(
            serde_json::to_string(&ContentKind::Onboarding).unwrap(),
            "\"onboarding\""
        );
    }

    #[test]
    fn every_template_file_parses_and_has_no_problems() {
        let mut workspace = Workspace::in_memory().unwrap();
        demo_library(&mut workspace).unwrap();
        for (file, json) in TEMPLATE_FILES {
            let parsed = parse_template(file, json).unwrap();
            assert_eq!(&parsed.key, file);
            let template = resolve_template(&workspace, parsed).unwrap();
            let candidate = model::Stream {
                id: 0,
                name: template.name.clone(),
                priority: template.priority,
                is_active: true,
                definition: template.definition,
            };
            let found = model::problems(&workspace, &candidate).unwrap();
            assert_eq!(found, Vec::new(), "{file}");
        }
    }

    #[test]
    fn a_template_naming_a_missing_title_is_an_error() {
        let workspace = Workspace::in_memory().unwrap();
        let (file, json) = TEMPLATE_FILES[0];
        let parsed = parse_template(file, json).unwrap();
        let error = resolve_template(&workspace, parsed).unwrap_err();
        assert!(
            error.to_string().contains("of the library does not exist"),
            "{error}"
        );
        assert!(parse_template("broken", "{").is_err());
    }
}
