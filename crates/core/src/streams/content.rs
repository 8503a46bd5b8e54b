//! The content library: the emails a stream can send, each tagged with the
//! personas, buying stages and lifecycles it suits. Also the persona × stage
//! coverage matrix and content suggestions for a stream.

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::tables::content::{self as table, ContentColumns, ContentRow};
use crate::text::fold_key;
use crate::{Error, Result, Workspace};

/// What kind of content an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ContentKind {
    BlogPost,
    Guide,
    Whitepaper,
    CaseStudy,
    Webinar,
    FreeTrial,
    DemoInvitation,
    DiscountOffer,
    Newsletter,
    WinBack,
    /// The first email after a lead arrives or signs up.
    Welcome,
    /// Getting a new customer started: set-up, first steps.
    Onboarding,
}

/// Where in the customer lifecycle a lead is, for content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LifecycleFit {
    Prospect,
    Customer,
    FormerCustomer,
}

impl LifecycleFit {
    /// The lifecycle of a lead from its `lifecycle_stage` value.
    pub fn of_stage(stage: &str) -> LifecycleFit {
        match fold_key(stage).as_str() {
            "customer" => LifecycleFit::Customer,
            "former customer" | "former_customer" | "churned" => LifecycleFit::FormerCustomer,
            _ => LifecycleFit::Prospect,
        }
    }
}

/// One item of the content library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContentItem {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub kind: ContentKind,
    pub subject: String,
    pub link: String,
    pub body: String,
    /// Persona values it suits (empty: any).
    pub personas: Vec<String>,
    /// Buying stages it suits (empty: any).
    pub stages: Vec<String>,
    /// Lifecycles it suits (empty: any).
    pub lifecycles: Vec<LifecycleFit>,
}

/// A content item without its id, for saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContentDraft {
    pub title: String,
    pub kind: ContentKind,
    pub subject: String,
    pub link: String,
    pub body: String,
    pub personas: Vec<String>,
    pub stages: Vec<String>,
    pub lifecycles: Vec<LifecycleFit>,
}

/// A JSON column's text as `T`, failing as a conversion of column `index`.
fn json_column<T: serde::de::DeserializeOwned>(text: &str, index: usize) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn from_row(row: ContentRow) -> rusqlite::Result<ContentItem> {
    Ok(ContentItem {
        id: row.id,
        kind: serde_json::from_value(serde_json::Value::String(row.kind)).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?,
        personas: json_column(&row.personas, 6)?,
        stages: json_column(&row.stages, 7)?,
        lifecycles: json_column(&row.lifecycles, 8)?,
        title: row.title,
        subject: row.subject,
        link: row.link,
        body: row.body,
    })
}

/// Every content item, by title.
pub fn list(workspace: &Workspace) -> Result<Vec<ContentItem>> {
    let items = table::list(workspace)?.into_iter().map(from_row);
    Ok(items.collect::<rusqlite::Result<_>>()?)
}

/// One content item.
pub fn get(workspace: &Workspace, id: i64) -> Result<ContentItem> {
    let row = table::get(workspace, id)?.ok_or_else(|| Error::NotFound {
        what: "content item",
        key: id.to_string(),
    })?;
    Ok(from_row(row)?)
}

fn check(draft: &ContentDraft) -> Result<()> {
    if draft.title.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "a content item needs a title".into(),
        ));
    }
    if draft.subject.trim().is_empty() {
        return Err(Error::InvalidArgument(format!(
            "“{}” needs a subject line",
            draft.title.trim()
        )));
    }
    Ok(())
}

/// Adds an item (`id` None) or replaces one; returns it.
pub fn save(
    workspace: &mut Workspace,
    id: Option<i64>,
    draft: &ContentDraft,
) -> Result<ContentItem> {
    check(draft)?;
    let text = DraftText::of(draft)?;
    let columns = text.columns(draft);
    let id = match id {
        Some(id) => {
            get(workspace, id)?;
            table::update(workspace, id, &columns)?;
            id
        }
        None => table::insert(workspace, &columns)?,
    };
    get(workspace, id)
}

/// Adds an item inside `tx` (a stream import adds its content with the
/// stream, or nothing); returns its id.
pub(crate) fn insert_in(tx: &Transaction<'_>, draft: &ContentDraft) -> Result<i64> {
    check(draft)?;
    let text = DraftText::of(draft)?;
    table::insert_in(tx, &text.columns(draft))
}

/// A draft's columns stored as text: its kind and its tags as JSON.
struct DraftText {
    kind: String,
    personas: String,
    stages: String,
    lifecycles: String,
}

impl DraftText {
    fn of(draft: &ContentDraft) -> Result<DraftText> {
        Ok(DraftText {
            kind: crate::fields::enum_text(&draft.kind),
            personas: serde_json::to_string(&draft.personas)?,
            stages: serde_json::to_string(&draft.stages)?,
            lifecycles: serde_json::to_string(&draft.lifecycles)?,
        })
    }

    fn columns<'a>(&'a self, draft: &'a ContentDraft) -> ContentColumns<'a> {
        ContentColumns {
            title: draft.title.trim(),
            kind: &self.kind,
            subject: draft.subject.trim(),
            link: draft.link.trim(),
            body: draft.body.trim(),
            personas: &self.personas,
            stages: &self.stages,
            lifecycles: &self.lifecycles,
        }
    }
}

/// Deletes an item; refused while a stream sends it.
pub fn delete(workspace: &mut Workspace, id: i64) -> Result<()> {
    let item = get(workspace, id)?;
    let users: Vec<String> = super::model::list(workspace)?
        .into_iter()
        .filter(|stream| stream.definition.content_ids().contains(&id))
        .map(|stream| format!("“{}”", stream.name))
        .collect();
    if !users.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "“{}” is sent by {}; change those streams first",
            item.title,
            users.join(", ")
        )));
    }
    table::delete(workspace, id)?;
    Ok(())
}

/// Does a list of tags suit a value? An empty list suits anything.
pub(crate) fn suits(tags: &[String], value: &str) -> bool {
    tags.is_empty() || tags.iter().any(|tag| fold_key(tag) == fold_key(value))
}

/// One cell of the persona × stage matrix.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MatrixCell {
    pub persona: String,
    pub stage: String,
    /// Prospect content written for this buying stage that suits this
    /// persona (tagged with it, or with no persona).
    pub items: u32,
}

/// How many items cover each persona × stage cell: items tagged with the
/// stage, suiting the persona and prospects. Content with no stage (a
/// newsletter) or only for customers covers no buying-stage cell, so gaps
/// show. Personas and stages are the values seen in the workspace's leads,
/// plus any used as tags.
pub fn matrix(workspace: &Workspace) -> Result<Vec<MatrixCell>> {
    let items = list(workspace)?;
    let seen = |key: &str| -> Result<Vec<String>> {
        Ok(crate::segments::field_values(workspace, key, 50)?
            .into_iter()
            .map(|v| v.value)
            .collect())
    };
    let mut personas = seen("persona")?;
    let mut stages = seen("buying_stage")?;
    for item in &items {
        for persona in &item.personas {
            if !personas.iter().any(|p| fold_key(p) == fold_key(persona)) {
                personas.push(persona.clone());
            }
        }
        for stage in &item.stages {
            if !stages.iter().any(|s| fold_key(s) == fold_key(stage)) {
                stages.push(stage.clone());
            }
        }
    }
    personas.sort();
    stages.sort_by_key(|stage| stage_order(stage));
    let mut cells = Vec::with_capacity(personas.len() * stages.len());
    for persona in &personas {
        for stage in &stages {
            let covering = items
                .iter()
                .filter(|item| {
                    !item.stages.is_empty()
                        && suits(&item.stages, stage)
                        && suits(&item.personas, persona)
                        && (item.lifecycles.is_empty()
                            || item.lifecycles.contains(&LifecycleFit::Prospect))
                })
                .count();
            cells.push(MatrixCell {
                persona: persona.clone(),
                stage: stage.clone(),
                items: covering as u32,
            });
        }
    }
    Ok(cells)
}

/// Awareness, Consideration, Decision first, in funnel order; others after.
pub(crate) fn stage_order(stage: &str) -> (u8, String) {
    let key = fold_key(stage);
    let rank = match key.as_str() {
        "awareness" => 0,
        "consideration" => 1,
        "decision" => 2,
        _ => 3,
    };
    (rank, key)
}

/// What a stream's audience is, as far as its entry segments say: the
/// personas, stages and lifecycles their rules require (empty: any).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Audience {
    pub personas: Vec<String>,
    pub stages: Vec<String>,
    pub lifecycles: Vec<LifecycleFit>,
}

impl Audience {
    /// Does `item` suit this audience? Every tag dimension the audience
    /// names must overlap the item's (an untagged item suits anyone).
    pub fn suits(&self, item: &ContentItem) -> bool {
        let overlap = |wanted: &[String], tags: &[String]| {
            wanted.is_empty() || tags.is_empty() || wanted.iter().any(|w| suits(tags, w))
        };
        overlap(&self.personas, &item.personas)
            && overlap(&self.stages, &item.stages)
            && (self.lifecycles.is_empty()
                || item.lifecycles.is_empty()
                || self.lifecycles.iter().any(|l| item.lifecycles.contains(l)))
    }

    /// How well `item` fits: 3 per matching tagged dimension, 1 per untagged one.
    pub fn score(&self, item: &ContentItem) -> u32 {
        let dimension =
            |wanted: &[String], tags: &[String]| match (wanted.is_empty(), tags.is_empty()) {
                (_, true) => 1,
                (true, false) => 1,
                (false, false) if wanted.iter().any(|w| suits(tags, w)) => 3,
                _ => 0,
            };
        let lifecycle = match (self.lifecycles.is_empty(), item.lifecycles.is_empty()) {
            (_, true) | (true, false) => 1,
            _ if self.lifecycles.iter().any(|l| item.lifecycles.contains(l)) => 3,
            _ => 0,
        };
        dimension(&self.personas, &item.personas)
            + dimension(&self.stages, &item.stages)
            + lifecycle
    }
}

/// A content item for a stream's Send step, and whether it suits the
/// stream's audience.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContentSuggestion {
    pub item: ContentItem,
    pub suits: bool,
}

/// The library ordered for a stream: items that suit its audience first,
/// best fit first, then the rest.
pub fn suggestions(workspace: &Workspace, audience: &Audience) -> Result<Vec<ContentSuggestion>> {
    Ok(ordered_for(workspace, audience)?
        .into_iter()
        .map(|item| ContentSuggestion {
            suits: audience.suits(&item),
            item,
        })
        .collect())
}

fn ordered_for(workspace: &Workspace, audience: &Audience) -> Result<Vec<ContentItem>> {
    let mut items = list(workspace)?;
    items.sort_by_key(|item| {
        (
            !audience.suits(item),
            std::cmp::Reverse(audience.score(item)),
            item.title.clone(),
        )
    });
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn draft(title: &str, personas: &[&str], stages: &[&str]) -> ContentDraft {
        ContentDraft {
            title: title.into(),
            kind: ContentKind::Guide,
            subject: format!("{title}!"),
            link: "https://example.com".into(),
            body: String::new(),
            personas: personas.iter().map(|s| s.to_string()).collect(),
            stages: stages.iter().map(|s| s.to_string()).collect(),
            lifecycles: vec![LifecycleFit::Prospect],
        }
    }

    #[test]
    fn saves_lists_and_checks_items() {
        let mut workspace = Workspace::in_memory().unwrap();
        let item = save(
            &mut workspace,
            None,
            &draft("ROI guide", &["Executive decision maker"], &["Decision"]),
        )
        .unwrap();
        assert_eq!(get(&workspace, item.id).unwrap(), item);
        let renamed = save(
            &mut workspace,
            Some(item.id),
            &draft("ROI playbook", &[], &[]),
        )
        .unwrap();
        assert_eq!(renamed.title, "ROI playbook");
        assert_eq!(list(&workspace).unwrap().len(), 1);
        let mut untitled = draft(" ", &[], &[]);
        assert!(save(&mut workspace, None, &untitled).is_err());
        untitled.title = "x".into();
        untitled.subject = " ".into();
        assert!(save(&mut workspace, None, &untitled)
            .unwrap_err()
            .to_string()
            .contains("subject"));
        delete(&mut workspace, item.id).unwrap();
        assert!(list(&workspace).unwrap().is_empty());
    }

    #[test]
    fn matrix_shows_gaps() {
        let mut workspace = Workspace::in_memory().unwrap();
        save(
            &mut workspace,
            None,
            &draft("A", &["Executive decision maker"], &["Decision"]),
        )
        .unwrap();
        save(
            &mut workspace,
            None,
            &draft(
                "B",
                &["Executive decision maker", "Financial decision maker"],
                &["Awareness"],
            ),
        )
        .unwrap();
        let cells = matrix(&workspace).unwrap();
        let cell = |p: &str, s: &str| {
            cells
                .iter()
                .find(|c| c.persona == p && c.stage == s)
                .unwrap()
                .items
        };
        assert_eq!(cell("Executive decision maker", "Decision"), 1);
        assert_eq!(cell("Financial decision maker", "Decision"), 0);
        assert_eq!(cell("Financial decision maker", "Awareness"), 1);
        // Funnel order.
        assert_eq!(cells[0].stage, "Awareness");
    }

    #[test]
    fn suggestions_put_suitable_items_first() {
        let mut workspace = Workspace::in_memory().unwrap();
        save(
            &mut workspace,
            None,
            &draft("Awareness blog", &[], &["Awareness"]),
        )
        .unwrap();
        save(
            &mut workspace,
            None,
            &draft(
                "Exec decision",
                &["Executive decision maker"],
                &["Decision"],
            ),
        )
        .unwrap();
        save(&mut workspace, None, &draft("Anyone", &[], &[])).unwrap();
        let audience = Audience {
            personas: vec!["executive decision maker".into()],
            stages: vec!["Decision".into()],
            lifecycles: vec![],
        };
        let suggested = suggestions(&workspace, &audience).unwrap();
        let titles: Vec<&str> = suggested.iter().map(|s| s.item.title.as_str()).collect();
        assert_eq!(titles, vec!["Exec decision", "Anyone", "Awareness blog"]);
        let suits: Vec<bool> = suggested.iter().map(|s| s.suits).collect();
        assert_eq!(suits, vec![true, true, false]);
        assert_eq!(
            LifecycleFit::of_stage("Former customer"),
            LifecycleFit::FormerCustomer
        );
    }
}
