//! Reading a table by id in two halves at once: the caller's connection
//! reads the lower half while a read-only connection, on a scoped thread,
//! reads the upper; one connection reads everything when a second cannot.

use std::ops::RangeInclusive;

use rusqlite::Connection;

use super::Reader;
use crate::Result;

/// Every id a table can hold.
pub(crate) const ALL_IDS: RangeInclusive<i64> = i64::MIN..=i64::MAX;

/// Whether the machine has a second core for a second thread.
pub(crate) fn two_cores() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// `reader`, when `conn` may hand it half of a read: with a second core,
/// and outside a transaction (inside one, `conn` may see rows that no other
/// connection sees).
fn helper_for<'r>(conn: &Connection, reader: Option<&'r Reader>) -> Option<&'r Reader> {
    reader.filter(|_| two_cores() && conn.is_autocommit())
}

/// The id that splits ids from `low` to `high` (a table's
/// `tables::id_bounds`) in two, when they span at least `split_from`;
/// `None` for a narrower span or an empty table. Always below `high`.
fn middle_of(bounds: Option<(i64, i64)>, split_from: i64) -> Option<i64> {
    let (low, high) = bounds?;
    if high.saturating_sub(low) < split_from.max(1) {
        return None;
    }
    // In 128 bits: ids near both ends of i64 cannot overflow.
    Some(((i128::from(low) + i128::from(high)) / 2) as i64)
}

/// Where to split a read: `reader` and the middle id, when `conn` may hand
/// it half ([`helper_for`]) and the ids `id_bounds` gives span at least
/// `split_from` ([`middle_of`]); `None` when one connection reads it all.
/// The bounds are looked up only when a helper may take half.
pub(crate) fn split_point<'r>(
    conn: &Connection,
    reader: Option<&'r Reader>,
    id_bounds: impl FnOnce(&Connection) -> Result<Option<(i64, i64)>>,
    split_from: i64,
) -> Result<Option<(&'r Reader, i64)>> {
    let Some(reader) = helper_for(conn, reader) else {
        return Ok(None);
    };
    Ok(middle_of(id_bounds(conn)?, split_from).map(|middle| (reader, middle)))
}

/// Runs `here` on `conn` and, at the same time, `there` on a new
/// connection of `reader`'s on a scoped thread, when `conn` may hand it
/// work ([`helper_for`]: a second core, outside a transaction). Without a
/// reader, or when that thread cannot start or its connection cannot open,
/// `conn` runs `there` after `here`. A panic on the thread is raised here.
///
/// The two are two snapshots: a commit by another connection between them
/// is seen by one only.
pub(crate) fn beside<H, T: Send>(
    conn: &Connection,
    reader: Option<&Reader>,
    here: impl FnOnce(&Connection) -> Result<H>,
    there: impl Fn(&Connection) -> T + Sync,
) -> Result<(H, T)> {
    let Some(reader) = helper_for(conn, reader) else {
        let here = here(conn)?;
        return Ok((here, there(conn)));
    };
    let there = &there;
    let (here, done_there) = std::thread::scope(|scope| {
        let thread = std::thread::Builder::new().spawn_scoped(scope, move || {
            reader.open().map(|connection| there(&connection))
        });
        let here = here(conn);
        (here, thread.map(|thread| thread.join()))
    });
    let here = here?;
    let there = match done_there {
        Ok(Ok(Ok(done))) => done,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // The thread did not start, or its connection did not open.
        Err(_) | Ok(Ok(Err(_))) => there(conn),
    };
    Ok((here, there))
}

/// Reads the ids up to `middle` with `read_lower` on `conn`, and at the
/// same time those above it with `read_upper` on a new connection of
/// `reader`'s ([`beside`]). When that connection fails to read, `conn`
/// reads the upper half too.
///
/// The halves are two snapshots: a commit by another connection between
/// them is seen by one half only. Callers tag what they read with the data
/// stamp taken before, which such a commit moves.
pub(crate) fn read_in_halves<L, U: Send>(
    conn: &Connection,
    reader: &Reader,
    middle: i64,
    read_lower: impl FnOnce(&Connection, RangeInclusive<i64>) -> Result<L>,
    read_upper: impl Fn(&Connection, RangeInclusive<i64>) -> Result<U> + Sync,
) -> Result<(L, U)> {
    let Some(upper_start) = middle.checked_add(1) else {
        // Nothing lies above i64::MAX: the upper half is empty.
        let lower = read_lower(conn, i64::MIN..=middle)?;
        return Ok((lower, read_upper(conn, RangeInclusive::new(1, 0))?));
    };
    let upper_ids = upper_start..=i64::MAX;
    let (lower, upper) = beside(
        conn,
        Some(reader),
        |conn| read_lower(conn, i64::MIN..=middle),
        |conn| read_upper(conn, upper_ids.clone()),
    )?;
    let upper = match upper {
        Ok(upper) => upper,
        Err(_) => read_upper(conn, upper_ids)?,
    };
    Ok((lower, upper))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    /// What a read saw: its ids and whether its connection was read-only.
    type Seen = (RangeInclusive<i64>, bool);

    fn seen(conn: &Connection, ids: RangeInclusive<i64>) -> Result<Seen> {
        Ok((ids, conn.is_readonly("main")?))
    }

    /// A new workspace in a temporary directory (kept while it lives), and
    /// a reader of its file.
    fn workspace_on_file() -> (tempfile::TempDir, Workspace, Reader) {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::create(dir.path().join("w.leadstream")).unwrap();
        let reader = workspace.reader().unwrap();
        (dir, workspace, reader)
    }

    /// A reader of a file that is not there: its connection never opens.
    fn missing_reader(dir: &tempfile::TempDir) -> Reader {
        Reader {
            path: dir.path().join("missing.leadstream"),
            passphrase: None,
        }
    }

    #[test]
    fn the_middle_splits_wide_spans_only_and_never_overflows() {
        assert_eq!(middle_of(None, 10), None);
        assert_eq!(middle_of(Some((1, 10)), 10), None);
        assert_eq!(middle_of(Some((1, 11)), 10), Some(6));
        assert_eq!(middle_of(Some((5, 5)), 0), None, "one id has no halves");
        assert_eq!(middle_of(Some((1, 2)), 0), Some(1));
        assert_eq!(middle_of(Some((i64::MIN, i64::MAX)), 10), Some(0));
        assert_eq!(
            middle_of(Some((i64::MAX - 4, i64::MAX)), 2),
            Some(i64::MAX - 2)
        );
        assert_eq!(
            middle_of(Some((i64::MIN, i64::MIN + 4)), 2),
            Some(i64::MIN + 2)
        );
    }

    /// The upper half is read on a second, read-only connection; when that
    /// one cannot open, on the caller's.
    #[test]
    fn the_upper_half_is_read_beside_or_by_the_caller_when_that_fails() {
        let (dir, workspace, reader) = workspace_on_file();
        let missing = missing_reader(&dir);
        for (helper, read_beside) in [(&reader, two_cores()), (&missing, false)] {
            let (lower, upper) = read_in_halves(workspace.conn(), helper, 41, seen, seen).unwrap();
            assert_eq!(lower, (i64::MIN..=41, false));
            assert_eq!(upper, (42..=i64::MAX, read_beside));
        }
    }

    /// `there` runs on a second, read-only connection; on the caller's
    /// when none is given or none opens.
    #[test]
    fn beside_runs_on_a_second_connection_or_on_the_callers() {
        let (dir, workspace, reader) = workspace_on_file();
        let missing = missing_reader(&dir);
        let read_only = |conn: &Connection| conn.is_readonly("main").unwrap();
        for (helper, read_beside) in [
            (Some(&reader), two_cores()),
            (Some(&missing), false),
            (None, false),
        ] {
            let (here, there) = beside(
                workspace.conn(),
                helper,
                |conn| Ok(read_only(conn)),
                read_only,
            )
            .unwrap();
            assert!(!here);
            assert_eq!(there, read_beside);
        }
    }

    #[test]
    fn nothing_is_read_twice_at_the_top_of_the_ids() {
        let (_dir, workspace, reader) = workspace_on_file();
        let (lower, upper) =
            read_in_halves(workspace.conn(), &reader, i64::MAX, seen, seen).unwrap();
        assert_eq!(lower.0, ALL_IDS);
        assert!(upper.0.is_empty());
    }

    #[test]
    #[should_panic(expected = "upper half")]
    fn a_panic_in_the_upper_half_is_raised() {
        let (_dir, workspace, reader) = workspace_on_file();
        let _ = read_in_halves(workspace.conn(), &reader, 0, seen, |_, _| -> Result<()> {
            panic!("upper half")
        });
    }

    #[test]
    fn a_transaction_keeps_the_read_on_its_own_connection() {
        let (_dir, mut workspace, reader) = workspace_on_file();
        assert!(helper_for(workspace.conn(), Some(&reader)).is_some() || !two_cores());
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        assert!(helper_for(&tx, Some(&reader)).is_none());
        assert!(helper_for(&tx, None).is_none());
    }
}
