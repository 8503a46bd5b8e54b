//! ICE prioritisation of segments and streams: each saved segment and
//! stream scored 1-10 on Impact, Confidence and Ease (a note per score and
//! one for the row), the workspace's formula, the ranked table (scored
//! targets by score, ties by name; unscored ones after, by name), its CSV,
//! and suggestions from the data ([`suggest`]). Semantics:
//! docs/strategy-ice.md.
//!
//! Ease is stored as ease (10 = the easiest) whatever the formula, so a
//! change of formula never turns an easy segment into a hard one: the
//! weighted formula (Impact × Confidence / Effort) reads and shows it as
//! effort, `11 - ease` (1 = little work).

pub mod suggest;

use std::io::Write;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::export::SafeCsvWriter;
use crate::segments::saved;
use crate::store::settings;
use crate::store::tables::ice::{self as table, IceRow as StoredRow};
use crate::streams::model as streams;
use crate::text::fold_key;
use crate::{Error, Result, Workspace};

pub use suggest::{suggestions, IceSuggestion, TargetSuggestions};

/// The settings key of the workspace's formula.
pub const FORMULA_SETTING: &str = "ice_formula";

/// How the three scores combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IceFormula {
    /// Impact × Confidence / Effort, effort = 11 − ease (the guide's form).
    #[default]
    Weighted,
    /// Impact × Confidence × Ease.
    Product,
    /// (Impact + Confidence + Ease) / 3.
    Average,
}

impl IceFormula {
    pub const ALL: [IceFormula; 3] = [
        IceFormula::Weighted,
        IceFormula::Product,
        IceFormula::Average,
    ];

    /// Reads `weighted`, `product` or `average`.
    pub fn parse(text: &str) -> Result<IceFormula> {
        match text.trim().to_ascii_lowercase().as_str() {
            "weighted" => Ok(IceFormula::Weighted),
            "product" => Ok(IceFormula::Product),
            "average" => Ok(IceFormula::Average),
            other => Err(Error::InvalidArgument(format!(
                "unknown ICE formula `{other}`: use weighted, product or average"
            ))),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            IceFormula::Weighted => "weighted",
            IceFormula::Product => "product",
            IceFormula::Average => "average",
        }
    }

    /// The formula in words, as the table's heading shows it.
    pub fn describe(self) -> &'static str {
        match self {
            IceFormula::Weighted => "Impact × Confidence / Effort",
            IceFormula::Product => "Impact × Confidence × Ease",
            IceFormula::Average => "(Impact + Confidence + Ease) / 3",
        }
    }

    /// Whether E reads as effort (higher = more work) under this formula.
    pub fn e_is_effort(self) -> bool {
        self == IceFormula::Weighted
    }

    /// The E column's label, saying which way it runs.
    pub fn e_label(self) -> &'static str {
        if self.e_is_effort() {
            "Effort (1 = little work)"
        } else {
            "Ease (10 = easiest)"
        }
    }

    /// E as this formula shows it, from the stored ease.
    pub fn shown_e(self, ease: u8) -> u8 {
        if self.e_is_effort() {
            11 - ease.clamp(1, 10)
        } else {
            ease
        }
    }

    /// The score of a fully scored target (each score 1-10; `ease` as ease).
    pub fn score(self, impact: u8, confidence: u8, ease: u8) -> f64 {
        let (i, c, e) = (f64::from(impact), f64::from(confidence), f64::from(ease));
        match self {
            IceFormula::Weighted => i * c / (11.0 - e),
            IceFormula::Product => i * c * e,
            IceFormula::Average => (i + c + e) / 3.0,
        }
    }
}

/// What is scored: a saved segment or a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TargetKind {
    Segment,
    Stream,
}

impl TargetKind {
    pub fn key(self) -> &'static str {
        match self {
            TargetKind::Segment => "segment",
            TargetKind::Stream => "stream",
        }
    }

    fn of_key(key: &str) -> Option<TargetKind> {
        match key {
            "segment" => Some(TargetKind::Segment),
            "stream" => Some(TargetKind::Stream),
            _ => None,
        }
    }
}

/// One row of the ranked table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IceRow {
    /// 1 for the best; `None` while not fully scored.
    pub rank: Option<u32>,
    pub kind: TargetKind,
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub impact: Option<u8>,
    pub confidence: Option<u8>,
    /// Stored ease (10 = the easiest).
    pub ease: Option<u8>,
    /// E as the formula shows it: effort (11 − ease) under weighted, else ease.
    pub e: Option<u8>,
    pub note_impact: String,
    pub note_confidence: String,
    pub note_ease: String,
    /// A note for the whole row.
    pub note: String,
    /// The formula's score once all three are set.
    pub score: Option<f64>,
}

/// The ranked table under one formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IceTable {
    pub formula: IceFormula,
    /// The formula in words.
    pub formula_text: String,
    /// Whether E is effort (1 = little work) rather than ease.
    pub e_is_effort: bool,
    pub e_label: String,
    pub rows: Vec<IceRow>,
}

/// A change to a target's scores: `None` keeps what is there. Give E either
/// as `ease` (10 = the easiest) or as `effort` (10 = the most work).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IceUpdate {
    #[ts(optional)]
    pub impact: Option<u8>,
    #[ts(optional)]
    pub confidence: Option<u8>,
    #[ts(optional)]
    pub ease: Option<u8>,
    #[ts(optional)]
    pub effort: Option<u8>,
    #[ts(optional)]
    pub note_impact: Option<String>,
    #[ts(optional)]
    pub note_confidence: Option<String>,
    #[ts(optional)]
    pub note_ease: Option<String>,
    #[ts(optional)]
    pub note: Option<String>,
}

/// The workspace's formula (weighted until set).
pub fn formula(workspace: &Workspace) -> Result<IceFormula> {
    // A value that no longer parses falls back to the default.
    Ok(settings::get_text(workspace, FORMULA_SETTING)?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

/// Sets the workspace's formula.
pub fn set_formula(workspace: &mut Workspace, formula: IceFormula) -> Result<()> {
    settings::set(workspace, FORMULA_SETTING, &formula)
}

/// Checks one score: a whole number from 1 to 10.
fn check_score(name: &str, value: Option<u8>) -> Result<Option<u8>> {
    match value {
        Some(v) if !(1..=10).contains(&v) => Err(Error::OutOfRange {
            setting: name.to_owned(),
            allowed: "a whole number from 1 to 10".to_owned(),
            found: v.to_string(),
        }),
        other => Ok(other),
    }
}

/// The name of target `kind`/`id`, or `NotFound`.
fn target_name(workspace: &Workspace, kind: TargetKind, id: i64) -> Result<String> {
    match kind {
        TargetKind::Segment => Ok(saved::get(workspace, id)?.name),
        TargetKind::Stream => Ok(streams::get(workspace, id)?.name),
    }
}

/// Applies `update` to the scores of target `kind`/`id` (which must exist)
/// and returns the table under the workspace's formula.
pub fn set_scores(
    workspace: &mut Workspace,
    kind: TargetKind,
    id: i64,
    update: &IceUpdate,
) -> Result<IceTable> {
    target_name(workspace, kind, id)?;
    let impact = check_score("Impact", update.impact)?;
    let confidence = check_score("Confidence", update.confidence)?;
    let ease = check_score("Ease", update.ease)?;
    let effort = check_score("Effort", update.effort)?;
    if ease.is_some() && effort.is_some() {
        return Err(Error::InvalidArgument(
            "give E either as ease or as effort, not both".to_owned(),
        ));
    }
    let ease = ease.or(effort.map(|effort| 11 - effort));
    let mut row = table::get(workspace, kind.key(), id)?.unwrap_or(StoredRow {
        kind: kind.key().to_owned(),
        target_id: id,
        ..StoredRow::default()
    });
    row.impact = impact.or(row.impact);
    row.confidence = confidence.or(row.confidence);
    row.ease = ease.or(row.ease);
    let keep = |new: &Option<String>, old: &mut String| {
        if let Some(text) = new {
            *old = text.trim().to_owned();
        }
    };
    keep(&update.note_impact, &mut row.note_impact);
    keep(&update.note_confidence, &mut row.note_confidence);
    keep(&update.note_ease, &mut row.note_ease);
    keep(&update.note, &mut row.note);
    row.updated_at = crate::time::now();
    table::put(workspace, &row)?;
    let formula = formula(workspace)?;
    ranked_table(workspace, formula)
}

/// Clears the scores and notes of target `kind`/`id`; whether it had any.
pub fn clear_scores(workspace: &mut Workspace, kind: TargetKind, id: i64) -> Result<bool> {
    target_name(workspace, kind, id)?;
    table::delete(workspace, kind.key(), id)
}

/// The ranked table of every saved segment and stream under `formula`.
pub fn ranked_table(workspace: &Workspace, formula: IceFormula) -> Result<IceTable> {
    let stored = table::list(workspace)?;
    let find = |kind: TargetKind, id: i64| {
        stored
            .iter()
            .find(|row| TargetKind::of_key(&row.kind) == Some(kind) && row.target_id == id)
    };
    let mut rows = Vec::new();
    let targets = saved::list(workspace)?
        .into_iter()
        .map(|s| (TargetKind::Segment, s.id, s.name))
        .chain(
            streams::list(workspace)?
                .into_iter()
                .map(|s| (TargetKind::Stream, s.id, s.name)),
        );
    for (kind, id, name) in targets {
        let scores = find(kind, id);
        rows.push(row_of(kind, id, name, scores, formula));
    }
    rank(&mut rows);
    Ok(IceTable {
        formula,
        formula_text: formula.describe().to_owned(),
        e_is_effort: formula.e_is_effort(),
        e_label: formula.e_label().to_owned(),
        rows,
    })
}

fn row_of(
    kind: TargetKind,
    id: i64,
    name: String,
    stored: Option<&StoredRow>,
    formula: IceFormula,
) -> IceRow {
    let get = |f: fn(&StoredRow) -> Option<u8>| stored.and_then(f);
    let text = |f: fn(&StoredRow) -> &String| stored.map(|r| f(r).clone()).unwrap_or_default();
    let (impact, confidence, ease) = (get(|r| r.impact), get(|r| r.confidence), get(|r| r.ease));
    let score = match (impact, confidence, ease) {
        (Some(i), Some(c), Some(e)) => Some(formula.score(i, c, e)),
        _ => None,
    };
    IceRow {
        rank: None,
        kind,
        id,
        name,
        impact,
        confidence,
        ease,
        e: ease.map(|e| formula.shown_e(e)),
        note_impact: text(|r| &r.note_impact),
        note_confidence: text(|r| &r.note_confidence),
        note_ease: text(|r| &r.note_ease),
        note: text(|r| &r.note),
        score,
    }
}

/// Orders `rows` (scores already computed): scored rows by score, highest
/// first, ties by name (case and accents aside), then kind and id; unscored
/// rows after them by name. Numbers the scored rows 1, 2, …. The order is
/// total, so the same rows always come out the same way.
pub fn rank(rows: &mut [IceRow]) {
    rows.sort_by(|a, b| {
        let by_score = match (a.score, b.score) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_score
            .then_with(|| fold_key(&a.name).cmp(&fold_key(&b.name)))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.id.cmp(&b.id))
    });
    for (position, row) in rows.iter_mut().enumerate() {
        row.rank = row.score.map(|_| position as u32 + 1);
    }
}

/// A score as the table prints it: up to two decimals, no trailing zeros.
pub fn format_score(score: f64) -> String {
    let text = format!("{score:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Writes `table` as CSV: rank, kind, id, name, the three scores (E as the
/// formula reads it, its header saying which way it runs), the score, the
/// formula, and the notes. Returns the number of rows.
pub fn write_csv(table: &IceTable, out: impl Write) -> Result<u64> {
    let mut writer = SafeCsvWriter::new(out);
    let e_header = table.e_label.as_str();
    let e_note = if table.e_is_effort {
        "Effort note"
    } else {
        "Ease note"
    };
    writer.write_row([
        "Rank",
        "Kind",
        "Id",
        "Name",
        "Impact",
        "Confidence",
        e_header,
        "Score",
        "Formula",
        "Impact note",
        "Confidence note",
        e_note,
        "Note",
    ])?;
    let number = |n: Option<u8>| n.map(|n| n.to_string()).unwrap_or_default();
    for row in &table.rows {
        writer.write_row([
            row.rank.map(|r| r.to_string()).unwrap_or_default(),
            row.kind.key().to_owned(),
            row.id.to_string(),
            row.name.clone(),
            number(row.impact),
            number(row.confidence),
            number(row.e),
            row.score.map(format_score).unwrap_or_default(),
            table.formula_text.clone(),
            row.note_impact.clone(),
            row.note_confidence.clone(),
            row.note_ease.clone(),
            row.note.clone(),
        ])?;
    }
    writer.finish()?;
    Ok(table.rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::saved::SegmentDraft;
    use proptest::prelude::*;

    #[test]
    fn each_formula_computes_its_score_and_says_which_way_e_runs() {
        // I = 8, C = 5, ease 7 (effort 4).
        assert_eq!(IceFormula::Weighted.score(8, 5, 7), 10.0);
        assert_eq!(IceFormula::Product.score(8, 5, 7), 280.0);
        assert!((IceFormula::Average.score(8, 5, 7) - 20.0 / 3.0).abs() < 1e-12);
        assert_eq!(IceFormula::Weighted.shown_e(7), 4);
        assert_eq!(IceFormula::Product.shown_e(7), 7);
        assert_eq!(IceFormula::Weighted.e_label(), "Effort (1 = little work)");
        assert_eq!(IceFormula::Average.e_label(), "Ease (10 = easiest)");
        for f in IceFormula::ALL {
            assert_eq!(IceFormula::parse(f.key()).unwrap(), f);
        }
        assert!(IceFormula::parse("sum").is_err());
    }

    #[test]
    fn scores_print_with_at_most_two_decimals() {
        assert_eq!(format_score(10.0), "10");
        assert_eq!(format_score(6.666_666), "6.67");
        assert_eq!(format_score(2.5), "2.5");
    }

    fn row(name: &str, id: i64, scores: Option<(u8, u8, u8)>, formula: IceFormula) -> IceRow {
        let stored = scores.map(|(i, c, e)| StoredRow {
            kind: "segment".into(),
            target_id: id,
            impact: Some(i),
            confidence: Some(c),
            ease: Some(e),
            ..StoredRow::default()
        });
        row_of(
            TargetKind::Segment,
            id,
            name.into(),
            stored.as_ref(),
            formula,
        )
    }

    #[test]
    fn ranking_is_by_score_then_name_with_unscored_rows_last() {
        let f = IceFormula::Product;
        let mut rows = vec![
            row("zeta", 1, None, f),
            row("Beta", 2, Some((2, 2, 2)), f),
            row("alpha", 3, Some((2, 2, 2)), f),
            row("gamma", 4, Some((9, 9, 9)), f),
            row("Aardvark", 5, None, f),
        ];
        rank(&mut rows);
        let order: Vec<(&str, Option<u32>)> =
            rows.iter().map(|r| (r.name.as_str(), r.rank)).collect();
        assert_eq!(
            order,
            vec![
                ("gamma", Some(1)),
                ("alpha", Some(2)),
                ("Beta", Some(3)),
                ("Aardvark", None),
                ("zeta", None)
            ]
        );
    }

    fn scores() -> impl Strategy<Value = Vec<(u8, u8, u8)>> {
        prop::collection::vec((1u8..=10, 1u8..=10, 1u8..=10), 1..12)
    }

    fn rank_of(all: &[(u8, u8, u8)], formula: IceFormula, target: usize) -> u32 {
        let mut rows: Vec<IceRow> = all
            .iter()
            .enumerate()
            .map(|(i, s)| row(&format!("s{i:02}"), i as i64, Some(*s), formula))
            .collect();
        rank(&mut rows);
        rows.iter()
            .find(|r| r.id == target as i64)
            .and_then(|r| r.rank)
            .unwrap()
    }

    proptest! {
        #[test]
        fn raising_impact_or_confidence_never_lowers_the_rank(
            all in scores(), pick in 0usize..12, which in 0usize..2, formula in 0usize..3
        ) {
            let formula = IceFormula::ALL[formula];
            let target = pick % all.len();
            let before = rank_of(&all, formula, target);
            let mut raised = all.clone();
            let score = &mut raised[target];
            if which == 0 { score.0 = (score.0 + 1).min(10) } else { score.1 = (score.1 + 1).min(10) }
            prop_assert!(rank_of(&raised, formula, target) <= before);
        }

        #[test]
        fn more_effort_never_raises_the_rank_under_weighted_and_more_ease_never_lowers_it(
            all in scores(), pick in 0usize..12, formula in 0usize..3
        ) {
            let formula = IceFormula::ALL[formula];
            let target = pick % all.len();
            let before = rank_of(&all, formula, target);
            let mut easier = all.clone();
            easier[target].2 = (easier[target].2 + 1).min(10);
            // More ease is less effort: the rank never drops, under every formula.
            prop_assert!(rank_of(&easier, formula, target) <= before);
            let mut harder = all.clone();
            harder[target].2 = (harder[target].2 - 1).max(1);
            prop_assert!(rank_of(&harder, formula, target) >= before);
        }

        #[test]
        fn the_ranking_is_a_permutation_sorted_by_score(all in scores(), formula in 0usize..3) {
            let formula = IceFormula::ALL[formula];
            let mut rows: Vec<IceRow> = all.iter().enumerate()
                .map(|(i, s)| row(&format!("s{i:02}"), i as i64, Some(*s), formula)).collect();
            rank(&mut rows);
            let ranks: Vec<u32> = rows.iter().map(|r| r.rank.unwrap()).collect();
            prop_assert_eq!(ranks, (1..=all.len() as u32).collect::<Vec<_>>());
            for pair in rows.windows(2) {
                prop_assert!(pair[0].score.unwrap() >= pair[1].score.unwrap());
            }
            // Independent of the input order: the same rows, reversed, rank the same.
            let mut reversed: Vec<IceRow> = rows.iter().rev().cloned().collect();
            rank(&mut reversed);
            prop_assert_eq!(reversed, rows);
        }
    }

    fn workspace_with_two_segments() -> (Workspace, i64, i64) {
        let mut ws = Workspace::in_memory().unwrap();
        let draft = |name: &str| SegmentDraft {
            name: name.into(),
            description: String::new(),
            color: "#0f766e".into(),
            folder: String::new(),
            rules: crate::segments::RuleGroup::everyone(),
        };
        let a = saved::create(&mut ws, &draft("Alpha")).unwrap().id;
        let b = saved::create(&mut ws, &draft("Beta")).unwrap().id;
        (ws, a, b)
    }

    #[test]
    fn setting_scores_keeps_what_is_not_given_and_ranks_live() {
        let (mut ws, a, b) = workspace_with_two_segments();
        assert_eq!(formula(&ws).unwrap(), IceFormula::Weighted);
        let update = |i, c, e| IceUpdate {
            impact: Some(i),
            confidence: Some(c),
            ease: Some(e),
            ..IceUpdate::default()
        };
        set_scores(&mut ws, TargetKind::Segment, a, &update(5, 5, 5)).unwrap();
        let table = set_scores(&mut ws, TargetKind::Segment, b, &update(4, 5, 5)).unwrap();
        let first = table.rows.iter().find(|r| r.rank == Some(1)).unwrap();
        assert_eq!(first.name, "Alpha");
        let table = set_scores(
            &mut ws,
            TargetKind::Segment,
            b,
            &IceUpdate {
                impact: Some(9),
                note_impact: Some("  bigger than we thought ".into()),
                ..IceUpdate::default()
            },
        )
        .unwrap();
        let beta = table.rows.iter().find(|r| r.id == b).unwrap();
        assert_eq!(beta.rank, Some(1));
        assert_eq!(
            (beta.impact, beta.confidence, beta.ease),
            (Some(9), Some(5), Some(5))
        );
        assert_eq!(beta.note_impact, "bigger than we thought");
        // Effort 2 is ease 9; the weighted score reads it back as effort 2.
        let table = set_scores(
            &mut ws,
            TargetKind::Segment,
            a,
            &IceUpdate {
                effort: Some(2),
                ..IceUpdate::default()
            },
        )
        .unwrap();
        let alpha = table.rows.iter().find(|r| r.id == a).unwrap();
        assert_eq!(
            (alpha.ease, alpha.e, alpha.score),
            (Some(9), Some(2), Some(12.5))
        );
        set_formula(&mut ws, IceFormula::Product).unwrap();
        let table = ranked_table(&ws, formula(&ws).unwrap()).unwrap();
        let alpha = table.rows.iter().find(|r| r.id == a).unwrap();
        assert_eq!((alpha.e, alpha.score), (Some(9), Some(225.0)));
        assert!(clear_scores(&mut ws, TargetKind::Segment, a).unwrap());
        let table = ranked_table(&ws, IceFormula::Product).unwrap();
        assert_eq!(table.rows.iter().find(|r| r.id == a).unwrap().rank, None);
    }

    #[test]
    fn out_of_range_scores_and_unknown_targets_are_refused() {
        let (mut ws, a, _) = workspace_with_two_segments();
        let error = set_scores(
            &mut ws,
            TargetKind::Segment,
            a,
            &IceUpdate {
                confidence: Some(11),
                ..IceUpdate::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "Confidence must be a whole number from 1 to 10, not 11"
        );
        let both = IceUpdate {
            ease: Some(3),
            effort: Some(3),
            ..IceUpdate::default()
        };
        assert!(set_scores(&mut ws, TargetKind::Segment, a, &both).is_err());
        let missing = set_scores(&mut ws, TargetKind::Stream, 999, &IceUpdate::default());
        assert!(
            matches!(missing, Err(Error::NotFound { .. })),
            "{missing:?}"
        );
    }

    #[test]
    fn deleting_a_segment_deletes_its_scores() {
        let (mut ws, a, _) = workspace_with_two_segments();
        let update = IceUpdate {
            impact: Some(3),
            ..IceUpdate::default()
        };
        set_scores(&mut ws, TargetKind::Segment, a, &update).unwrap();
        assert_eq!(table::list(&ws).unwrap().len(), 1);
        saved::delete(&mut ws, a).unwrap();
        assert!(table::list(&ws).unwrap().is_empty());
    }

    #[test]
    fn the_csv_holds_the_ranked_rows_with_notes_and_formula() {
        let (mut ws, a, _) = workspace_with_two_segments();
        let update = IceUpdate {
            impact: Some(8),
            confidence: Some(5),
            ease: Some(7),
            note: Some("=cmd".into()),
            ..IceUpdate::default()
        };
        let table = set_scores(&mut ws, TargetKind::Segment, a, &update).unwrap();
        let mut out = Vec::new();
        assert_eq!(
            write_csv(&table, &mut out).unwrap(),
            table.rows.len() as u64
        );
        assert!(table.rows.len() > 2, "the built-ins are listed too");
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Rank,Kind,Id,Name,Impact,Confidence,Effort (1 = little work),Score,Formula,Impact note,Confidence note,Effort note,Note"
        );
        assert_eq!(
            lines[1],
            format!("1,segment,{a},Alpha,8,5,4,10,Impact × Confidence / Effort,,,,'=cmd")
        );
        assert!(lines[2].starts_with(",segment,"));
    }
}
