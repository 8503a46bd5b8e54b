//! How saved segments overlap as of an instant: each segment's count, the
//! pairwise matrix of intersection counts (with the share of the row's
//! segment) and the largest exact combinations of three or more segments
//! (UpSet-style), for the Overlap tab and `insights overlap`. Everything is
//! counted with bit-parallel AND and popcount over the segment index.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::segments::index::Bitset;
use crate::segments::saved::{self, Segment};
use crate::segments::{self, compile, RuleGroup};
use crate::{Error, Result, Workspace};

/// How many exact combinations the report lists by default.
pub const DEFAULT_INTERSECTIONS: usize = 10;

/// One chosen segment: its count, or why it could not be counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OverlapSegment {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub is_builtin: bool,
    /// `None` when the segment cannot be counted; `problem` says why.
    #[ts(type = "number | null")]
    pub count: Option<u64>,
    pub problem: Option<String>,
}

/// One cell of the matrix: the leads in both the row's and the column's
/// segment (on the diagonal, the row's count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OverlapCell {
    #[ts(type = "number")]
    pub row: i64,
    #[ts(type = "number")]
    pub column: i64,
    #[ts(type = "number")]
    pub count: u64,
    /// `count` as a share (0 to 1) of the row's segment; 0 when it is empty.
    pub share_of_row: f64,
}

/// Leads in exactly these chosen segments and in none of the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Intersection {
    /// In the order the segments were chosen.
    #[ts(type = "Array<number>")]
    pub segment_ids: Vec<i64>,
    #[ts(type = "number")]
    pub count: u64,
}

/// The overlap of the chosen segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OverlapReport {
    /// Seconds since the epoch.
    #[ts(type = "number")]
    pub as_of: i64,
    /// Every lead of the workspace.
    #[ts(type = "number")]
    pub total_leads: u64,
    /// In the order chosen; those that cannot be counted have no cells.
    pub segments: Vec<OverlapSegment>,
    /// Every ordered pair of counted segments, row by row, diagonal included.
    pub cells: Vec<OverlapCell>,
    /// The largest exact combinations of three or more segments, biggest
    /// first (ties: fewer segments, then the chosen order).
    pub intersections: Vec<Intersection>,
    /// How many distinct combinations of three or more segments have leads
    /// (the list above shows the largest of them).
    #[ts(type = "number")]
    pub combinations_of_three_or_more: u64,
}

/// The overlap of saved segments `ids` (none: every segment that is not
/// built in, or every built-in one when there are none) as of `as_of`, listing at most `max_intersections` exact
/// combinations. An unknown id is an error; a segment whose rules no longer
/// compile is reported with its problem and left out of the matrix.
pub fn overlap(
    workspace: &Workspace,
    ids: &[i64],
    as_of: i64,
    max_intersections: usize,
) -> Result<OverlapReport> {
    let chosen = choose(workspace, ids)?;
    let problems: Vec<Option<String>> = chosen
        .iter()
        .map(|segment| {
            compile::compile_segment(workspace.conn(), segment.id, &segment.rules)
                .err()
                .map(|error| error.to_string())
        })
        .collect();
    let counted: Vec<&Segment> = chosen
        .iter()
        .zip(&problems)
        .filter(|(_, problem)| problem.is_none())
        .map(|(segment, _)| segment)
        .collect();
    let rules: Vec<&RuleGroup> = counted.iter().map(|segment| &segment.rules).collect();
    let (total_leads, sets) =
        segments::with_member_sets(workspace, &rules, as_of, |index, sets| {
            Ok((index.len() as u64, sets))
        })?;
    let counts: Vec<u64> = sets.iter().map(Bitset::count).collect();
    let mut cells = Vec::with_capacity(sets.len() * sets.len());
    for (r, row) in sets.iter().enumerate() {
        for (c, column) in sets.iter().enumerate() {
            let count = if r == c {
                counts[r]
            } else {
                row.count_and(column)
            };
            cells.push(OverlapCell {
                row: counted[r].id,
                column: counted[c].id,
                count,
                share_of_row: share(count, counts[r]),
            });
        }
    }
    let combinations = exact_combinations(&sets, 3);
    let combinations_of_three_or_more = combinations.len() as u64;
    let intersections = largest(combinations, max_intersections)
        .into_iter()
        .map(|(members, count)| Intersection {
            segment_ids: members.iter().map(|&i| counted[i].id).collect(),
            count,
        })
        .collect();
    let mut counts = counts.into_iter();
    let segments = chosen
        .into_iter()
        .zip(problems)
        .map(|(segment, problem)| OverlapSegment {
            count: if problem.is_none() {
                counts.next()
            } else {
                None
            },
            problem,
            id: segment.id,
            name: segment.name,
            color: segment.color,
            is_builtin: segment.is_builtin,
        })
        .collect();
    Ok(OverlapReport {
        as_of,
        total_leads,
        segments,
        cells,
        intersections,
        combinations_of_three_or_more,
    })
}

/// The segments chosen by id, in the order given, each once; none given:
/// every saved segment that is not built in, or, in a workspace that has
/// none of its own yet (a new or demo workspace), the built-in ones.
fn choose(workspace: &Workspace, ids: &[i64]) -> Result<Vec<Segment>> {
    let all = saved::list(workspace)?;
    if ids.is_empty() {
        let own: Vec<Segment> = all.iter().filter(|s| !s.is_builtin).cloned().collect();
        return Ok(if own.is_empty() { all } else { own });
    }
    let mut chosen: Vec<Segment> = Vec::with_capacity(ids.len());
    for &id in ids {
        if chosen.iter().any(|segment| segment.id == id) {
            continue;
        }
        let segment = all
            .iter()
            .find(|segment| segment.id == id)
            .ok_or(Error::UnknownSegment { id })?;
        chosen.push(segment.clone());
    }
    Ok(chosen)
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A multiply-rotate hasher (as rustc's FxHash) for the combination masks:
/// they are not attacker-chosen, and SipHash would cost more than the rest
/// of the counting at a million leads.
#[derive(Default)]
struct MaskHasher(u64);

impl Hasher for MaskHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Combinations = HashMap<Vec<u64>, u64, BuildHasherDefault<MaskHasher>>;

/// Counts the leads by the exact set of `sets` they are in, keeping only
/// the combinations of at least `min_sets` sets. A combination is a bit
/// mask over the sets' positions (one `u64` per 64 sets). Each block of 64
/// leads is transposed from the sets' words into one mask per lead, so the
/// work grows with the memberships, not with leads × sets.
fn exact_combinations(sets: &[Bitset], min_sets: u32) -> Combinations {
    let mut found = Combinations::default();
    let Some(first) = sets.first() else {
        return found;
    };
    let mask_words = sets.len().div_ceil(64);
    let mut masks = vec![0u64; 64 * mask_words];
    for w in 0..first.words().len() {
        masks.iter_mut().for_each(|word| *word = 0);
        let mut any = 0u64;
        for (s, set) in sets.iter().enumerate() {
            let mut bits = set.words()[w];
            any |= bits;
            while bits != 0 {
                let lead = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                masks[lead * mask_words + s / 64] |= 1 << (s % 64);
            }
        }
        while any != 0 {
            let lead = any.trailing_zeros() as usize;
            any &= any - 1;
            let mask = &masks[lead * mask_words..(lead + 1) * mask_words];
            if mask.iter().map(|word| word.count_ones()).sum::<u32>() < min_sets {
                continue;
            }
            match found.get_mut(mask) {
                Some(count) => *count += 1,
                None => {
                    found.insert(mask.to_vec(), 1);
                }
            }
        }
    }
    found
}

/// The `limit` largest combinations as set positions, ascending, with their
/// counts: biggest first, then fewer sets, then earlier sets.
fn largest(combinations: Combinations, limit: usize) -> Vec<(Vec<usize>, u64)> {
    let mut listed: Vec<(Vec<usize>, u64)> = combinations
        .into_iter()
        .map(|(mask, count)| {
            let members = mask
                .iter()
                .enumerate()
                .flat_map(|(w, &word)| {
                    (0..64)
                        .filter(move |bit| word >> bit & 1 == 1)
                        .map(move |bit| w * 64 + bit)
                })
                .collect();
            (members, count)
        })
        .collect();
    listed.sort_by(|(a, a_count), (b, b_count)| {
        b_count
            .cmp(a_count)
            .then(a.len().cmp(&b.len()))
            .then(a.cmp(b))
    });
    listed.truncate(limit);
    listed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::saved::SegmentDraft;
    use std::collections::BTreeMap;

    fn set(len: usize, rows: &[usize]) -> Bitset {
        let mut set = Bitset::empty(len);
        rows.iter().for_each(|&row| set.insert(row));
        set
    }

    #[test]
    fn exact_combinations_count_each_lead_once_by_its_exact_sets() {
        // Rows: 0 in A,B,C; 1 in A,B,C; 2 in A,B; 3 in A,B,C,D; 70 in B,C,D.
        let sets = vec![
            set(130, &[0, 1, 2, 3]),
            set(130, &[0, 1, 2, 3, 70]),
            set(130, &[0, 1, 3, 70]),
            set(130, &[3, 70, 129]),
        ];
        let found = largest(exact_combinations(&sets, 3), 10);
        assert_eq!(
            found,
            vec![
                (vec![0, 1, 2], 2),
                (vec![1, 2, 3], 1),
                (vec![0, 1, 2, 3], 1)
            ]
        );
        assert_eq!(exact_combinations(&sets, 1).values().sum::<u64>(), 6);
        assert_eq!(largest(exact_combinations(&sets, 3), 1).len(), 1);
        assert!(exact_combinations(&[], 3).is_empty());
    }

    #[test]
    fn more_than_64_sets_use_wider_masks() {
        let mut sets: Vec<Bitset> = (0..70).map(|_| Bitset::empty(10)).collect();
        for s in [0, 63, 64, 69] {
            sets[s].insert(4);
        }
        sets[69].insert(5);
        let found = largest(exact_combinations(&sets, 3), 10);
        assert_eq!(found, vec![(vec![0, 63, 64, 69], 1)]);
    }

    fn demo_workspace(dir: &std::path::Path) -> Workspace {
        let mut workspace = Workspace::create(dir.join("overlap.leadstream")).unwrap();
        let spec = crate::demo::DemoSpec {
            leads: 600,
            events_per_lead: 6,
            seed: 7,
            anchor: 1_790_000_000,
        };
        crate::demo::generate(&mut workspace, &spec).unwrap();
        workspace
    }

    fn save(workspace: &mut Workspace, name: &str, rules: serde_json::Value) -> i64 {
        let draft = SegmentDraft {
            name: name.to_owned(),
            description: String::new(),
            color: "#0f766e".to_owned(),
            folder: String::new(),
            rules: RuleGroup::from_json(&rules.to_string()).unwrap(),
        };
        saved::create(workspace, &draft).unwrap().id
    }

    /// The differential test: every cell and every exact combination
    /// against sets of lead ids exported per segment with
    /// `segments::members`, combined with ordinary set operations.
    #[test]
    fn matrix_and_intersections_agree_with_exported_members() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        let as_of = 1_790_000_000;
        let rules = [
            (
                "Has email",
                serde_json::json!({"combinator":"and","rules":[{"field":"email","operator":"notNull","value":""}]}),
            ),
            (
                "Not Germany",
                serde_json::json!({"combinator":"and","rules":[{"field":"country","operator":"!=","value":"Germany"}]}),
            ),
            (
                "Active",
                serde_json::json!({"combinator":"and","rules":[{"field":"event","operator":"performed","value":{"type":"page_view","min":2}}]}),
            ),
            (
                "Big budget",
                serde_json::json!({"combinator":"and","rules":[{"field":"budget","operator":">=","value":20000}]}),
            ),
            (
                "Odd",
                serde_json::json!({"combinator":"or","rules":[{"field":"seniority","operator":"in","value":["VP","Director","C-level"]},{"field":"budget","operator":"<","value":5000}]}),
            ),
        ];
        let ids: Vec<i64> = rules
            .iter()
            .map(|(name, rules)| save(&mut workspace, name, rules.clone()))
            .collect();
        let report = overlap(&workspace, &[], as_of, 1_000).unwrap();
        // By default: every segment that is not built in, in the list's order (by name).
        let mut listed_ids: Vec<i64> = report.segments.iter().map(|s| s.id).collect();
        listed_ids.sort_unstable();
        assert_eq!(listed_ids, ids);
        let ids: Vec<i64> = report.segments.iter().map(|s| s.id).collect();
        assert_eq!(report.total_leads, crate::leads::count(&workspace).unwrap());

        let members: Vec<std::collections::BTreeSet<i64>> = report
            .segments
            .iter()
            .map(|s| {
                let rules = saved::get(&workspace, s.id).unwrap().rules;
                segments::members(&workspace, &rules, as_of, 0, usize::MAX)
                    .unwrap()
                    .into_iter()
                    .collect()
            })
            .collect();
        assert!(
            members.iter().all(|m| !m.is_empty()),
            "every segment has members"
        );
        assert!(report.intersections.len() >= 2, "{report:?}");
        for (i, row) in report.segments.iter().enumerate() {
            assert_eq!(row.count, Some(members[i].len() as u64));
            for (j, column) in report.segments.iter().enumerate() {
                let both = members[i].intersection(&members[j]).count() as u64;
                let cell = report
                    .cells
                    .iter()
                    .find(|cell| cell.row == row.id && cell.column == column.id)
                    .unwrap();
                assert_eq!(cell.count, both, "{} ∩ {}", row.name, column.name);
                let share = both as f64 / members[i].len() as f64;
                assert!((cell.share_of_row - share).abs() < 1e-12);
            }
        }
        // Exact combinations from the exported ids, lead by lead.
        let mut expected: BTreeMap<Vec<i64>, u64> = BTreeMap::new();
        let everyone: std::collections::BTreeSet<i64> = members.iter().flatten().copied().collect();
        for lead in everyone {
            let combination: Vec<i64> = ids
                .iter()
                .zip(&members)
                .filter(|(_, m)| m.contains(&lead))
                .map(|(id, _)| *id)
                .collect();
            if combination.len() >= 3 {
                *expected.entry(combination).or_default() += 1;
            }
        }
        assert_eq!(report.combinations_of_three_or_more, expected.len() as u64);
        let listed: BTreeMap<Vec<i64>, u64> = report
            .intersections
            .iter()
            .map(|i| (i.segment_ids.clone(), i.count))
            .collect();
        assert_eq!(listed, expected);
        assert!(report
            .intersections
            .windows(2)
            .all(|pair| pair[0].count >= pair[1].count));

        // A cap keeps the biggest.
        let capped = overlap(&workspace, &ids, as_of, 2).unwrap();
        assert_eq!(capped.intersections, report.intersections[..2].to_vec());
    }

    #[test]
    fn chosen_ids_keep_their_order_and_unknown_ids_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        let a = save(
            &mut workspace,
            "A",
            serde_json::json!({"combinator":"and","rules":[]}),
        );
        let b = save(
            &mut workspace,
            "B",
            serde_json::json!({"combinator":"and","rules":[{"field":"segment","operator":"in","value":a}]}),
        );
        let builtin = saved::list(&workspace)
            .unwrap()
            .into_iter()
            .find(|s| s.is_builtin)
            .unwrap();
        let report = overlap(&workspace, &[builtin.id, b, a, b], 1_790_000_000, 10).unwrap();
        let order: Vec<i64> = report.segments.iter().map(|s| s.id).collect();
        assert_eq!(order, vec![builtin.id, b, a]);
        assert_eq!(report.cells.len(), 9);
        let all = report.total_leads;
        assert_eq!(report.segments[1].count, Some(all));
        // Without segments of its own, a workspace shows its built-in ones.
        let fresh_dir = tempfile::tempdir().unwrap();
        let fresh = demo_workspace(fresh_dir.path());
        let defaults = overlap(&fresh, &[], 1_790_000_000, 10).unwrap();
        assert!(defaults.segments.len() > 3);
        assert!(defaults.segments.iter().all(|s| s.is_builtin));
        assert!(!defaults.intersections.is_empty());
        assert!(matches!(
            overlap(&workspace, &[987_654], 1_790_000_000, 10),
            Err(Error::UnknownSegment { id: 987_654 })
        ));
    }

    #[test]
    fn a_segment_that_cannot_be_counted_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = demo_workspace(dir.path());
        let good = save(
            &mut workspace,
            "Good",
            serde_json::json!({"combinator":"and","rules":[]}),
        );
        let broken = save(
            &mut workspace,
            "Broken",
            serde_json::json!({"combinator":"and","rules":[{"field":"budget","operator":">","value":10}]}),
        );
        // The field goes away behind the segment's back, as a stale file would.
        workspace
            .conn()
            .execute("UPDATE segments SET rules = replace(rules, 'budget', 'no_such_field') WHERE id = ?1", [broken])
            .unwrap();
        let report = overlap(&workspace, &[good, broken], 1_790_000_000, 10).unwrap();
        assert_eq!(report.segments[1].count, None);
        assert!(report.segments[1]
            .problem
            .as_deref()
            .unwrap()
            .contains("no_such_field"));
        assert_eq!(report.cells.len(), 1);
        assert_eq!(report.cells[0].share_of_row, 1.0);
    }
}

/// The overlap of every saved segment on a large workspace, split into the
/// segments' evaluation and the overlap's own counting: not run by `cargo
/// test`. `LEADSTREAM_BENCH_DB=/tmp/copy-of-1m.leadstream cargo test -p
/// leadstream-core --release --lib overlap_timings -- --ignored --nocapture`
/// (on a copy: opening may migrate it).
#[cfg(test)]
mod bench {
    use super::*;

    #[test]
    #[ignore = "needs LEADSTREAM_BENCH_DB, a large workspace"]
    fn overlap_timings() {
        let path = std::env::var("LEADSTREAM_BENCH_DB").expect("LEADSTREAM_BENCH_DB");
        let ws = Workspace::open(std::path::Path::new(&path)).unwrap();
        let as_of = crate::segments::parse_as_of("2026-11-29").unwrap();
        let chosen = choose(&ws, &[]).unwrap();
        let rules: Vec<&RuleGroup> = chosen.iter().map(|s| &s.rules).collect();
        overlap(&ws, &[], as_of, 10).unwrap(); // warms the index
        for run in 1..=5 {
            let started = std::time::Instant::now();
            let sets = segments::with_member_sets(&ws, &rules, as_of, |_, sets| Ok(sets)).unwrap();
            let evaluated = started.elapsed();
            let started = std::time::Instant::now();
            let mut cells = 0u64;
            for a in &sets {
                for b in &sets {
                    cells += a.count_and(b);
                }
            }
            let matrix = started.elapsed();
            let started = std::time::Instant::now();
            let combinations = exact_combinations(&sets, 3);
            let listed = largest(combinations, 10);
            let combined = started.elapsed();
            let started = std::time::Instant::now();
            overlap(&ws, &[], as_of, 10).unwrap();
            let whole = started.elapsed();
            eprintln!(
                "run {run}: {} segments evaluated {evaluated:.1?}, matrix {matrix:.1?} ({cells}), \
                 combinations {combined:.1?} ({}), overlap() {whole:.1?}",
                sets.len(),
                listed.len()
            );
        }
    }
}
