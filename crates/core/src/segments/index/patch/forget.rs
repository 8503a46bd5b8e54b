//! What a write that must forget the rewritten leads' old values (an
//! erasure, a retention run: `OldValues::MustGo`) may not carry: a part
//! whose dictionary may show the spelling one of those leads gave a value
//! that others still have.

use std::collections::HashSet;

use super::super::columns::{Column, TextColumn, EMPTY};
use super::{range, RowPlan, Source};

/// The rows of the stored part that the write keeps as they were.
fn kept_rows(plan: &RowPlan) -> Vec<bool> {
    let mut kept = vec![false; plan.old_len];
    for source in &plan.sources {
        if let Source::Old(row) = *source {
            kept[row as usize] = true;
        }
    }
    kept
}

/// Whether a text or list column's dictionary may show, for a value leads
/// the write keeps still have, the spelling a rewritten lead gave it: a
/// build takes each value's spelling from the first lead in id order that
/// has it (the rows' order), so that is when a rewritten lead's row was the
/// first to hold it.
pub(super) fn shows_a_spelling_of_the_rewritten(old: &Column, plan: &RowPlan) -> bool {
    let kept = kept_rows(plan);
    let (dict_len, offsets, codes): (usize, Option<&[u32]>, &[u32]) = match old {
        Column::Text(text) => (text.dict.len(), None, &text.codes),
        Column::List(list) => (list.dict.len(), Some(&list.offsets), &list.codes),
        _ => return false,
    };
    // Per value: whether its first holder is a rewritten lead's row, and
    // whether a kept row holds it.
    let mut first_is_rewritten: Vec<Option<bool>> = vec![None; dict_len];
    let mut kept_holds = vec![false; dict_len];
    for (row, &is_kept) in kept.iter().enumerate() {
        let (start, end) = match offsets {
            Some(offsets) => range(offsets, row),
            None => (row, row + 1),
        };
        for &code in codes.get(start..end).unwrap_or_default() {
            let Some(first) = first_is_rewritten.get_mut(code as usize) else {
                continue;
            };
            first.get_or_insert(!is_kept);
            kept_holds[code as usize] |= is_kept;
        }
    }
    first_is_rewritten
        .iter()
        .zip(&kept_holds)
        .any(|(first, kept)| *first == Some(true) && *kept)
}

/// Whether a column shows some value in a spelling other than its key. A
/// property part built or carried here never does (it shows the folded
/// key), so removed events leave no spelling of theirs in it.
pub(super) fn shows_other_spellings(text: &TextColumn) -> bool {
    text.display != text.dict
}

/// Whether an event of a rewritten lead has a property value that an event
/// the write keeps has too: were a property part to show spellings, they
/// would come from the first event in id order, which the part does not
/// record, so any shared value could show a rewritten lead's spelling.
pub(super) fn shares_a_value_of_the_rewritten(
    codes: &[u32],
    offsets: &[u32],
    plan: &RowPlan,
) -> bool {
    let kept = kept_rows(plan);
    let mut theirs: HashSet<u32> = HashSet::new();
    for (row, _) in kept.iter().enumerate().filter(|(_, kept)| !**kept) {
        let (start, end) = range(offsets, row);
        theirs.extend(
            codes
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .filter(|&&c| c != EMPTY),
        );
    }
    !theirs.is_empty()
        && kept
            .iter()
            .enumerate()
            .filter(|(_, kept)| **kept)
            .any(|(row, _)| {
                let (start, end) = range(offsets, row);
                codes
                    .get(start..end)
                    .unwrap_or_default()
                    .iter()
                    .any(|c| theirs.contains(c))
            })
}
