//! Ready-made nurture: a content library that covers every persona and
//! buying stage, and stream templates (one per buying stage, executive and
//! technical decision makers, former-customer win-back) built on the
//! built-in segments. The demo workspace gets the library and three active
//! streams.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::content::{self, ContentDraft, ContentKind, LifecycleFit};
use super::model::{
    self, NodeAction, Reentry, StreamDefinition, StreamDraft, StreamEdge, StreamNode,
    WaitCondition, WaitUnit,
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
pub fn demo_library(conn: &Connection) -> Result<()> {
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
            conn,
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

/// Builds a flow from steps laid out top to bottom; `Branch` steps are given
/// with their `no` path as a separate chain.
struct Flow {
    nodes: Vec<StreamNode>,
    edges: Vec<StreamEdge>,
}

impl Flow {
    fn new() -> Self {
        Flow {
            nodes: vec![StreamNode {
                id: "entry".into(),
                action: NodeAction::Entry,
                x: 250.0,
                y: 0.0,
            }],
            edges: Vec::new(),
        }
    }

    fn add(&mut self, id: &str, action: NodeAction, column: f64, row: usize) -> &mut Self {
        self.nodes.push(StreamNode {
            id: id.into(),
            action,
            x: 250.0 + column * 300.0,
            y: row as f64 * 110.0,
        });
        self
    }

    fn link(&mut self, source: &str, target: &str, handle: Option<&str>) -> &mut Self {
        self.edges.push(StreamEdge {
            id: format!("{source}->{target}"),
            source: source.into(),
            target: target.into(),
            handle: handle.map(str::to_owned),
        });
        self
    }

    /// A straight chain: entry → steps… → exit.
    fn chain(steps: Vec<(&str, NodeAction)>) -> Self {
        let mut flow = Flow::new();
        let mut previous = "entry".to_owned();
        for (row, (id, action)) in steps.into_iter().enumerate() {
            flow.add(id, action, 0.0, row + 1);
            flow.link(&previous.clone(), id, None);
            previous = id.to_owned();
        }
        flow
    }
}

fn segment_id(conn: &Connection, name: &str) -> Result<i64> {
    saved::list(conn)?
        .into_iter()
        .find(|s| s.is_builtin && s.name == name)
        .map(|s| s.id)
        .ok_or_else(|| Error::InvalidArgument(format!("built-in segment “{name}” is missing")))
}

fn content_id(conn: &Connection, title: &str) -> Result<i64> {
    content::list(conn)?
        .into_iter()
        .find(|i| i.title == title)
        .map(|i| i.id)
        .ok_or_else(|| {
            Error::InvalidArgument(format!("content “{title}” is missing from the library"))
        })
}

fn send(conn: &Connection, title: &str) -> Result<NodeAction> {
    Ok(NodeAction::Send {
        content_id: content_id(conn, title)?,
    })
}

fn wait(days: u32) -> NodeAction {
    NodeAction::Wait {
        amount: days,
        unit: WaitUnit::Days,
    }
}

fn goal(json: serde_json::Value) -> Option<RuleGroup> {
    Some(RuleGroup::from_value(&json).expect("template goals are well-formed"))
}

fn lifecycle_is(value: &str) -> serde_json::Value {
    json!({"combinator": "or", "rules": [
        {"field": "lifecycle_stage", "operator": "=", "value": value},
        {"field": "event", "operator": "performed", "value": {"type": "demo_request", "inLast": {"amount": 7, "unit": "days"}}}
    ]})
}

/// The stream templates, built on this workspace's built-in segments and a
/// content library holding the demo titles ([`demo_library`]).
pub fn stream_templates(conn: &Connection) -> Result<Vec<StreamTemplate>> {
    let definition = |segments: Vec<i64>, exit_goal, flow: Flow, reentry| StreamDefinition {
        entry_segments: segments,
        reentry,
        exit_goal,
        active_from: None,
        active_until: None,
        nodes: flow.nodes,
        edges: flow.edges,
    };
    let engaged = |days: u32| {
        RuleGroup::from_value(&json!({"combinator": "and", "rules": [
            {"field": "event", "operator": "performed",
             "value": {"type": "email_click", "inLast": {"amount": days, "unit": "days"}}}]}))
        .expect("well-formed")
    };

    // Awareness: helpful content, then move engaged leads to consideration.
    let mut awareness = Flow::chain(vec![
        ("blog", send(conn, "Segmentation basics")?),
        ("wait1", wait(4)),
        ("report", send(conn, "State of B2B Marketing 2026")?),
        ("wait2", wait(7)),
        (
            "engaged",
            NodeAction::Branch {
                rules: engaged(14),
                rate: Some(0.15),
            },
        ),
    ]);
    awareness
        .add(
            "promote",
            NodeAction::UpdateField {
                field: "buying_stage".into(),
                value: json!("Consideration"),
            },
            -0.5,
            6,
        )
        .add("roi", send(conn, "The ROI of lead nurturing")?, 0.5, 6)
        .add("exit", NodeAction::Exit, 0.0, 7)
        .link("engaged", "promote", Some("yes"))
        .link("engaged", "roi", Some("no"))
        .link("promote", "exit", None)
        .link("roi", "exit", None);

    // Consideration: proof, a webinar, a trial; then hand over to decision.
    let mut consideration = Flow::chain(vec![
        ("case", send(conn, "Case study: Northwind doubled MQLs")?),
        ("wait1", wait(5)),
        (
            "webinar",
            send(conn, "Live webinar: segments that convert")?,
        ),
        ("wait2", wait(7)),
        ("trial", send(conn, "Start your free trial")?),
        (
            "opened",
            NodeAction::WaitUntil {
                until: WaitCondition::Event {
                    event_type: "trial_start".into(),
                    timeout_days: 10,
                    rate: Some(0.1),
                },
            },
        ),
    ]);
    consideration
        .add(
            "promote",
            NodeAction::UpdateField {
                field: "buying_stage".into(),
                value: json!("Decision"),
            },
            -0.5,
            7,
        )
        .add(
            "cost",
            send(conn, "Case study: Contoso cut CAC by 30%")?,
            0.5,
            7,
        )
        .add("exit", NodeAction::Exit, 0.0, 8)
        .link("opened", "promote", Some("event"))
        .link("opened", "cost", Some("timeout"))
        .link("promote", "exit", None)
        .link("cost", "exit", None);

    // Decision: a demo by persona, then an offer.
    let mut decision = Flow::new();
    decision
        .add(
            "persona",
            NodeAction::Branch {
                rules: RuleGroup::from_value(&json!({"combinator": "and", "rules": [
                {"field": "persona", "operator": "=", "value": EXEC}]}))
                .expect("well-formed"),
                rate: None,
            },
            0.0,
            1,
        )
        .add("briefing", send(conn, "Executive briefing")?, -0.5, 2)
        .add("demo", send(conn, "Book a demo")?, 0.5, 2)
        .add("wait1", wait(5), 0.0, 3)
        .add(
            "window",
            NodeAction::WaitUntil {
                until: WaitCondition::Window {
                    weekdays: vec![2, 3, 4],
                    from_hour: 9,
                    to_hour: 11,
                },
            },
            0.0,
            4,
        )
        .add("offer", send(conn, "First-year discount")?, 0.0, 5)
        .add("exit", NodeAction::Exit, 0.0, 6)
        .link("entry", "persona", None)
        .link("persona", "briefing", Some("yes"))
        .link("persona", "demo", Some("no"))
        .link("briefing", "wait1", None)
        .link("demo", "wait1", None)
        .link("wait1", "window", None)
        .link("window", "offer", None)
        .link("offer", "exit", None);

    let executive = Flow::chain(vec![
        ("roi", send(conn, "The ROI of lead nurturing")?),
        ("wait1", wait(7)),
        ("case", send(conn, "Case study: Contoso cut CAC by 30%")?),
        ("wait2", wait(7)),
        ("business", send(conn, "Business case template")?),
        ("wait3", wait(5)),
        ("briefing", send(conn, "Executive briefing")?),
        ("exit", NodeAction::Exit),
    ]);

    let mut technical = Flow::chain(vec![
        ("integration", send(conn, "Integration playbook")?),
        ("wait1", wait(5)),
        ("security", send(conn, "Security & compliance guide")?),
        ("wait2", wait(7)),
        (
            "split",
            NodeAction::Split {
                percentages: vec![50, 50],
            },
        ),
    ]);
    technical
        .add(
            "webinar",
            send(conn, "Live webinar: segments that convert")?,
            -0.5,
            6,
        )
        .add("trial", send(conn, "Start your free trial")?, 0.5, 6)
        .add("wait3", wait(7), 0.0, 7)
        .add("deep", send(conn, "Architecture deep dive")?, 0.0, 8)
        .add("exit", NodeAction::Exit, 0.0, 9)
        .link("split", "webinar", Some("0"))
        .link("split", "trial", Some("1"))
        .link("webinar", "wait3", None)
        .link("trial", "wait3", None)
        .link("wait3", "deep", None)
        .link("deep", "exit", None);

    let winback = Flow::chain(vec![
        ("news", send(conn, "What's new since you left")?),
        ("wait1", wait(14)),
        ("offer", send(conn, "Come back offer")?),
        ("wait2", wait(30)),
        ("newsletter", send(conn, "Monthly newsletter")?),
        ("exit", NodeAction::Exit),
    ]);

    let prospects_done = goal(lifecycle_is("Customer"));
    Ok(vec![
        StreamTemplate {
            key: "stage-awareness".into(),
            name: "Awareness: helpful content".into(),
            description: "Educational content; engaged leads move on to consideration.".into(),
            priority: 10,
            definition: definition(
                vec![segment_id(conn, "Awareness stage")?],
                prospects_done.clone(),
                awareness,
                Reentry::AfterDays { days: 90 },
            ),
        },
        StreamTemplate {
            key: "stage-consideration".into(),
            name: "Consideration: proof and a trial".into(),
            description: "Case studies, a webinar and a trial invitation.".into(),
            priority: 20,
            definition: definition(
                vec![segment_id(conn, "Consideration stage")?],
                prospects_done.clone(),
                consideration,
                Reentry::Once,
            ),
        },
        StreamTemplate {
            key: "stage-decision".into(),
            name: "Decision: demo and offer".into(),
            description:
                "A demo invitation by persona, then a first-year offer in a mid-week morning."
                    .into(),
            priority: 30,
            definition: definition(
                vec![segment_id(conn, "Decision stage")?],
                goal(lifecycle_is("Customer")),
                decision,
                Reentry::Once,
            ),
        },
        StreamTemplate {
            key: "persona-executive".into(),
            name: "Executives: the ROI story".into(),
            description: "ROI, a cost case study, a business case and a briefing.".into(),
            priority: 25,
            definition: definition(
                vec![segment_id(conn, "Executive decision makers")?],
                prospects_done.clone(),
                executive,
                Reentry::Once,
            ),
        },
        StreamTemplate {
            key: "persona-technical".into(),
            name: "Technical buyers: integration detail".into(),
            description: "Integration and security, then a webinar or a trial (an A/B split)."
                .into(),
            priority: 24,
            definition: definition(
                vec![segment_id(conn, "Technical decision makers")?],
                prospects_done,
                technical,
                Reentry::Once,
            ),
        },
        StreamTemplate {
            key: "lifecycle-winback".into(),
            name: "Former customers: win-back".into(),
            description: "What changed, a come-back offer, then the newsletter.".into(),
            priority: 15,
            definition: definition(
                vec![segment_id(conn, "Former customers")?],
                goal(json!({"combinator": "and", "rules": [
                {"field": "lifecycle_stage", "operator": "=", "value": "Customer"}]})),
                winback,
                Reentry::AfterDays { days: 180 },
            ),
        },
    ])
}

/// The templates the demo workspace starts with, active.
pub const DEMO_ACTIVE: &[&str] = &["stage-decision", "persona-executive", "lifecycle-winback"];

/// Fills a workspace with the demo library and all stream templates, the
/// [`DEMO_ACTIVE`] ones active.
pub fn install_demo_nurture(workspace: &Workspace) -> Result<()> {
    demo_library(workspace.conn())?;
    for template in stream_templates(workspace.conn())? {
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
        let workspace = Workspace::in_memory().unwrap();
        demo_library(workspace.conn()).unwrap();
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
}
