//! ICE scores of some demo segments (the buying-stage and persona
//! built-ins) and one stream, with notes, so the Priorities tab shows a
//! real ranking on first open. Writes a handful of rows: cheap at any size.

use crate::store::tables::ice::{self as table, IceRow};
use crate::store::tables::segments as segment_table;
use crate::streams::model as streams;
use crate::{Result, Workspace};

/// (built-in key, impact, confidence, ease, impact note, confidence note, ease note).
type DemoScore = (
    &'static str,
    u8,
    u8,
    u8,
    &'static str,
    &'static str,
    &'static str,
);

const SEGMENT_SCORES: [DemoScore; 6] = [
    (
        "stage-decision",
        9,
        7,
        6,
        "Closest to buying: a demo offer converts here.",
        "Conversion data from the last quarter.",
        "Demo invitation and discount content exist.",
    ),
    (
        "stage-consideration",
        7,
        6,
        7,
        "Large group comparing vendors.",
        "Case studies tested last year.",
        "Case studies and trial content ready.",
    ),
    (
        "stage-awareness",
        5,
        5,
        8,
        "Many leads, far from a purchase.",
        "Blog engagement is a weak signal.",
        "Plenty of blog content already.",
    ),
    (
        "persona-executive",
        8,
        4,
        4,
        "Executives sign the bigger deals.",
        "Few of them in the data yet.",
        "Needs an ROI guide written first.",
    ),
    (
        "persona-technical",
        6,
        6,
        5,
        "Influencers more than buyers.",
        "Integration questions come up in most deals.",
        "Technical docs need a marketing pass.",
    ),
    (
        "lifecycle-former-customers",
        4,
        3,
        3,
        "Win-back offers rarely pay off.",
        "Churn reasons are not recorded.",
        "Consent must be checked lead by lead.",
    ),
];

/// The stream scored, by name, with its scores and notes.
const STREAM_SCORE: (&str, u8, u8, u8, &str) = (
    "Decision: demo and offer",
    8,
    6,
    7,
    "Running stream: small changes to the offer are cheap.",
);

/// Writes the demo's ICE scores (`anchor`: the demo's "now", the rows'
/// time). Segments or a stream the demo lacks are skipped.
pub(super) fn install_demo_ice_scores(workspace: &mut Workspace, anchor: i64) -> Result<()> {
    let keyed = segment_table::builtin_keys_on(workspace.conn())?;
    for (key, impact, confidence, ease, note_impact, note_confidence, note_ease) in SEGMENT_SCORES {
        let Some((id, _)) = keyed.iter().find(|(_, k)| k.as_deref() == Some(key)) else {
            continue;
        };
        table::put(
            workspace,
            &IceRow {
                kind: "segment".to_owned(),
                target_id: *id,
                impact: Some(impact),
                confidence: Some(confidence),
                ease: Some(ease),
                note_impact: note_impact.to_owned(),
                note_confidence: note_confidence.to_owned(),
                note_ease: note_ease.to_owned(),
                note: String::new(),
                updated_at: anchor,
            },
        )?;
    }
    let (name, impact, confidence, ease, note) = STREAM_SCORE;
    if let Some(stream) = streams::list(workspace)?
        .into_iter()
        .find(|s| s.name == name)
    {
        table::put(
            workspace,
            &IceRow {
                kind: "stream".to_owned(),
                target_id: stream.id,
                impact: Some(impact),
                confidence: Some(confidence),
                ease: Some(ease),
                note: note.to_owned(),
                updated_at: anchor,
                ..IceRow::default()
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::demo::{generate, DemoSpec};
    use crate::strategy::ice::{self, IceFormula, TargetKind};
    use crate::Workspace;

    #[test]
    fn the_demo_ranks_six_segments_and_one_stream() {
        let mut ws = Workspace::in_memory().unwrap();
        let spec = DemoSpec {
            leads: 300,
            ..DemoSpec::standard(1_790_000_000)
        };
        generate(&mut ws, &spec).unwrap();
        let table = ice::ranked_table(&ws, IceFormula::Weighted).unwrap();
        let scored: Vec<_> = table.rows.iter().filter(|r| r.rank.is_some()).collect();
        assert_eq!(scored.len(), 7, "{scored:#?}");
        assert_eq!(
            scored
                .iter()
                .filter(|r| r.kind == TargetKind::Stream)
                .count(),
            1
        );
        assert!(table.rows.iter().any(|r| r.rank.is_none()), "unscored too");
        // Deleting the scored stream deletes its scores (the trigger).
        let stream = scored
            .iter()
            .find(|r| r.kind == TargetKind::Stream)
            .unwrap();
        crate::streams::model::delete(&mut ws, stream.id).unwrap();
        let table = ice::ranked_table(&ws, IceFormula::Weighted).unwrap();
        assert_eq!(table.rows.iter().filter(|r| r.rank.is_some()).count(), 6);
        assert!(crate::store::tables::ice::get(&ws, "stream", stream.id)
            .unwrap()
            .is_none());
    }
}
