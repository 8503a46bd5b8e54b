//! Field completeness: how many leads have a value in each catalogue field,
//! counted once per data generation and kept in the derived cache, and
//! counted beside the workspace for the segment builder (issue 16).

use std::collections::HashMap;
use std::path::PathBuf;

use rusqlite::Connection;

use super::{share, FieldCompleteness};
use crate::fields::{self, Field};
use crate::store::tables::derived_cache::{self, BuiltFrom};
use crate::store::tables::fields as stored_fields;
use crate::store::tables::quality as table;
use crate::store::Reader;
use crate::{Result, Workspace};

/// The name of the completeness figures in the workspace's derived cache.
const COMPLETENESS_CACHE: &str = "quality/v1/completeness";

/// All leads, and each catalogue field's completeness in catalogue order.
type Figures = (u64, Vec<FieldCompleteness>);

/// Every catalogue field's completeness (computed score fields aside), in
/// catalogue order.
pub fn field_completeness(workspace: &Workspace) -> Result<Vec<FieldCompleteness>> {
    Ok(completeness(workspace)?.1)
}

/// [`count_completeness`], kept in the workspace's derived cache for the data
/// generation it was counted from: at 1M leads the count reads every lead
/// (1.3 s), once per change of the data.
pub(super) fn completeness(workspace: &Workspace) -> Result<Figures> {
    let conn = workspace.conn();
    let from = derived_cache::built_from(conn)?;
    if let Some(figures) = kept(conn, from)? {
        return Ok(figures);
    }
    let figures = count_completeness(conn)?;
    keep(conn, from, &figures);
    Ok(figures)
}

/// What the workspace holds of its field completeness, for a caller that
/// counts it away from the workspace's connection (the app's segment
/// builder: its first live count would otherwise wait for the count).
pub enum FieldCompletenessLookup {
    /// Kept for the data as it is (or, for a workspace in memory, which has
    /// no other connection, counted on the spot).
    Known(Vec<FieldCompleteness>),
    /// Not kept: run the count, then hand it to [`keep_field_completeness`].
    Count(CompletenessCount),
}

/// A count of field completeness on a read-only connection of its own.
pub struct CompletenessCount {
    reader: Reader,
    /// The workspace's data at the look-up, on its own connection.
    from: BuiltFrom,
    /// The workspace's data stamp at the look-up: any write through it
    /// since (a restore included) moves it.
    stamp: (u64, i64),
}

/// Figures counted by a [`CompletenessCount`], and what they were counted for.
pub struct CountedCompleteness {
    path: PathBuf,
    from: BuiltFrom,
    stamp: (u64, i64),
    figures: Figures,
}

/// The kept figures, or the count to run for them.
pub fn look_up_field_completeness(workspace: &Workspace) -> Result<FieldCompletenessLookup> {
    let conn = workspace.conn();
    let from = derived_cache::built_from(conn)?;
    if let Some((_, fields)) = kept(conn, from)? {
        return Ok(FieldCompletenessLookup::Known(fields));
    }
    Ok(match workspace.reader() {
        Some(reader) => FieldCompletenessLookup::Count(CompletenessCount {
            reader,
            from,
            stamp: workspace.data_stamp()?,
        }),
        None => FieldCompletenessLookup::Known(field_completeness(workspace)?),
    })
}

impl CompletenessCount {
    /// Counts on a new read-only connection to the workspace's file; the
    /// workspace stays free for other work meanwhile.
    pub fn run(self) -> Result<CountedCompleteness> {
        let conn = self.reader.open()?;
        let figures = count_completeness(&conn)?;
        Ok(CountedCompleteness {
            path: self.reader.path().to_path_buf(),
            from: self.from,
            stamp: self.stamp,
            figures,
        })
    }
}

/// The figures of `counted` when nothing changed since the look-up: the same
/// file, and the same data stamp (no write through the workspace, a restore
/// included, and no other connection's commit), so the reader, which started
/// after the look-up, read that same data. They are kept in the derived
/// cache unless the file's generation moved too. Otherwise (the data
/// changed, the app switched workspaces, or the count failed: `None`) the
/// workspace counts again itself.
pub fn keep_field_completeness(
    workspace: &Workspace,
    counted: Option<CountedCompleteness>,
) -> Result<Vec<FieldCompleteness>> {
    match counted {
        Some(counted)
            if workspace.path() == Some(counted.path.as_path())
                && workspace.data_stamp()? == counted.stamp =>
        {
            keep(workspace.conn(), counted.from, &counted.figures);
            Ok(counted.figures.1)
        }
        _ => field_completeness(workspace),
    }
}

/// The figures kept for the data `from` reads, if any.
fn kept(conn: &Connection, from: BuiltFrom) -> Result<Option<Figures>> {
    Ok(
        derived_cache::get(conn, COMPLETENESS_CACHE, from.generation)?
            .and_then(|bytes| serde_json::from_slice(&bytes).ok()),
    )
}

/// Keeps `figures`, counted from `from`, unless the data moved on since.
/// Best effort: a busy or moved-on workspace just counts again next time.
fn keep(conn: &Connection, from: BuiltFrom, figures: &Figures) {
    if let Ok(bytes) = serde_json::to_vec(figures) {
        derived_cache::put_if_free(conn, COMPLETENESS_CACHE, from, &bytes);
    }
}

/// Counts every catalogue field's completeness through `conn` (the
/// workspace's own connection or a reader beside it): one pass over the
/// leads and one over custom values.
fn count_completeness(conn: &Connection) -> Result<Figures> {
    let catalogue: Vec<Field> = fields::list(conn)?
        .into_iter()
        .filter(|field| !field.is_computed)
        .collect();
    let ids: HashMap<String, i64> = stored_fields::list_on(conn)?
        .into_iter()
        .map(|stored| (stored.key, stored.id))
        .collect();
    let columns = table::lead_columns(conn)?;
    let standard: Vec<String> = catalogue
        .iter()
        .filter(|field| field.is_standard && columns.contains(&field.key))
        .map(|field| field.key.clone())
        .collect();
    let (total, standard_filled) = table::filled_lead_columns(conn, &standard)?;
    let standard_filled: HashMap<&str, u64> = standard
        .iter()
        .map(String::as_str)
        .zip(standard_filled)
        .collect();
    let custom_filled = table::filled_custom_fields(conn)?;
    let result = catalogue
        .into_iter()
        .map(|field| {
            let filled = match standard_filled.get(field.key.as_str()) {
                Some(filled) => *filled,
                None => ids
                    .get(&field.key)
                    .and_then(|id| custom_filled.get(id))
                    .copied()
                    .unwrap_or(0),
            }
            .min(total);
            let empty = total - filled;
            FieldCompleteness {
                empty_share: share(empty, total),
                key: field.key,
                label: field.label,
                category: field.category,
                filled,
                empty,
            }
        })
        .collect();
    Ok((total, result))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANCHOR: i64 = 1_790_000_000;

    /// A generated workspace in a file (test code may use the demo above
    /// the quality layer).
    fn demo_workspace(name: &str) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let mut workspace = Workspace::create(dir.path().join(name)).unwrap();
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads: 120,
                events_per_lead: 2,
                seed: 14,
                anchor: ANCHOR,
            },
        )
        .unwrap();
        (dir, workspace)
    }

    fn company(figures: &[FieldCompleteness]) -> u64 {
        figures.iter().find(|f| f.key == "company").unwrap().filled
    }

    fn is_kept(workspace: &Workspace) -> bool {
        let parts = derived_cache::parts(workspace.conn()).unwrap();
        parts.iter().any(|(name, _, _)| name == COMPLETENESS_CACHE)
    }

    fn count_of(lookup: FieldCompletenessLookup) -> CompletenessCount {
        match lookup {
            FieldCompletenessLookup::Count(count) => count,
            FieldCompletenessLookup::Known(_) => panic!("expected a count to run"),
        }
    }

    fn forget_kept_figures(workspace: &mut Workspace) {
        workspace
            .conn_mut()
            .unwrap()
            .execute(
                "UPDATE leads SET company = company WHERE id = (SELECT min(id) FROM leads)",
                [],
            )
            .unwrap();
        assert!(!is_kept(workspace));
    }

    /// The figures are counted once per data generation (kept in the
    /// derived cache) and counted again after any write.
    #[test]
    fn completeness_is_kept_until_the_data_changes() {
        let (_dir, mut ws) = demo_workspace("kept.leadstream");
        forget_kept_figures(&mut ws);
        let counted = field_completeness(&ws).unwrap();
        assert!(is_kept(&ws));
        assert_eq!(field_completeness(&ws).unwrap(), counted);
        ws.conn_mut()
            .unwrap()
            .execute(
                "UPDATE leads SET company = NULL WHERE company IS NOT NULL \
                 AND id IN (SELECT id FROM leads WHERE company IS NOT NULL LIMIT 7)",
                [],
            )
            .unwrap();
        let recounted = field_completeness(&ws).unwrap();
        assert_eq!(company(&recounted) + 7, company(&counted));
    }

    /// A count on a reader beside the workspace gives the figures a count on
    /// the workspace gives, and the workspace keeps them: the next look-up
    /// finds them.
    #[test]
    fn a_count_beside_the_workspace_is_kept_by_it() {
        let (_dir, mut ws) = demo_workspace("beside.leadstream");
        forget_kept_figures(&mut ws);
        let count = count_of(look_up_field_completeness(&ws).unwrap());
        let counted = count.run().unwrap();
        let figures = keep_field_completeness(&ws, Some(counted)).unwrap();
        assert!(is_kept(&ws));
        match look_up_field_completeness(&ws).unwrap() {
            FieldCompletenessLookup::Known(known) => assert_eq!(known, figures),
            FieldCompletenessLookup::Count(_) => panic!("the figures were not kept"),
        }
        forget_kept_figures(&mut ws);
        assert_eq!(field_completeness(&ws).unwrap(), figures);
    }

    /// A write between the look-up and the keeping: the reader's figures are
    /// not kept for the generation the look-up saw; the workspace counts
    /// again and keeps its own figures for the data after the write.
    #[test]
    fn a_count_is_done_again_when_the_data_moved_on_meanwhile() {
        let (_dir, mut ws) = demo_workspace("moved.leadstream");
        forget_kept_figures(&mut ws);
        let before = field_completeness(&ws).unwrap();
        forget_kept_figures(&mut ws);
        let count = count_of(look_up_field_completeness(&ws).unwrap());
        let from = count.from;
        ws.conn_mut()
            .unwrap()
            .execute(
                "UPDATE leads SET company = NULL WHERE id IN \
                 (SELECT id FROM leads WHERE company IS NOT NULL LIMIT 3)",
                [],
            )
            .unwrap();
        let figures = keep_field_completeness(&ws, Some(count.run().unwrap())).unwrap();
        assert_eq!(company(&figures) + 3, company(&before));
        let generation = derived_cache::generation(ws.conn()).unwrap();
        assert!(generation > from.generation);
        let kept = kept(ws.conn(), derived_cache::built_from(ws.conn()).unwrap()).unwrap();
        assert_eq!(kept.map(|(_, fields)| fields), Some(figures));
    }

    /// A restore between the look-up and the keeping: the figures counted
    /// before it are not the restored data's, whatever its generation.
    #[test]
    fn a_count_from_before_a_restore_is_done_again() {
        let (_dir, mut ws) = demo_workspace("restored.leadstream");
        forget_kept_figures(&mut ws);
        let backed_up = field_completeness(&ws).unwrap();
        let backup = crate::store::backup::create(&ws, "manual")
            .unwrap()
            .unwrap();
        ws.conn_mut()
            .unwrap()
            .execute("UPDATE leads SET company = NULL", [])
            .unwrap();
        let count = count_of(look_up_field_completeness(&ws).unwrap());
        let counted = count.run().unwrap();
        assert_eq!(company(&counted.figures.1), 0);
        let (source, _) = crate::store::restore::check(&ws, &backup).unwrap();
        crate::store::restore::restore_into(&mut ws, &source).unwrap();
        let figures = keep_field_completeness(&ws, Some(counted)).unwrap();
        assert_eq!(figures, backed_up);
        assert!(company(&figures) > 0);
    }

    /// Figures counted for another workspace (the app switched meanwhile),
    /// or a count that failed, are counted again on the workspace.
    #[test]
    fn another_workspaces_count_or_a_failed_one_is_done_again_here() {
        let (_dir, mut here) = demo_workspace("here.leadstream");
        let (_other_dir, mut other) = demo_workspace("other.leadstream");
        forget_kept_figures(&mut other);
        other
            .conn_mut()
            .unwrap()
            .execute("UPDATE leads SET company = NULL", [])
            .unwrap();
        let elsewhere = count_of(look_up_field_completeness(&other).unwrap())
            .run()
            .unwrap();
        assert_eq!(company(&elsewhere.figures.1), 0);
        forget_kept_figures(&mut here);
        let figures = keep_field_completeness(&here, Some(elsewhere)).unwrap();
        assert!(company(&figures) > 0);
        assert_eq!(figures, field_completeness(&here).unwrap());
        forget_kept_figures(&mut here);
        assert_eq!(keep_field_completeness(&here, None).unwrap(), figures);
        assert!(is_kept(&here));
    }

    /// A workspace in memory has no file for a reader: it counts at once.
    #[test]
    fn a_workspace_in_memory_counts_on_the_spot() {
        let ws = Workspace::in_memory().unwrap();
        match look_up_field_completeness(&ws).unwrap() {
            FieldCompletenessLookup::Known(figures) => {
                assert_eq!(figures, field_completeness(&ws).unwrap());
                assert!(!figures.is_empty());
            }
            FieldCompletenessLookup::Count(_) => panic!("nothing to read beside"),
        }
    }
}
