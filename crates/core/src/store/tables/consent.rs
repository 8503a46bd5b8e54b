//! The `consent_events` table: consent statements per lead and channel, and the current status columns they set.
//!
//! A statement is one row (channel, status, lawful basis, source, instant,
//! the import that brought it). The leads' `email_opt_in` and `ads_opt_in`
//! columns hold the current status; [`set_status_column`] writes them.

use rusqlite::{Connection, Transaction};

use super::{MultiRowInsert, ROWS_PER_INSERT};

use crate::Result;

/// One stored consent statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    pub id: i64,
    pub lead_id: i64,
    pub channel: String,
    pub status: String,
    pub lawful_basis: Option<String>,
    pub source: String,
    pub recorded_at: i64,
    pub import_id: Option<i64>,
}

/// A statement to insert (its id comes from SQLite).
#[derive(Debug, Clone, Copy)]
pub struct NewConsentRow<'a> {
    pub lead_id: i64,
    pub channel: &'a str,
    pub status: &'a str,
    pub lawful_basis: Option<&'a str>,
    pub source: &'a str,
    pub recorded_at: i64,
    pub import_id: Option<i64>,
}

/// Inserts one statement and returns its id.
pub fn insert(tx: &Transaction<'_>, row: &NewConsentRow<'_>) -> Result<i64> {
    let mut statement = tx.prepare_cached(
        "INSERT INTO consent_events (lead_id, channel, status, lawful_basis, source, recorded_at, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    statement.execute((
        row.lead_id,
        row.channel,
        row.status,
        row.lawful_basis,
        row.source,
        row.recorded_at,
        row.import_id,
    ))?;
    Ok(tx.last_insert_rowid())
}

/// Writes an import's consent statements (no lawful basis; the import's
/// source, time and id), [`ROWS_PER_INSERT`] per statement
/// ([`MultiRowInsert`]). [`ImportedConsentInserter::flush`] writes the rest.
pub struct ImportedConsentInserter<'tx> {
    rows: MultiRowInsert<'tx>,
    source: String,
    recorded_at: i64,
    import_id: i64,
    /// (lead id, channel, status) not written yet.
    pending: Vec<(i64, &'static str, &'static str)>,
}

impl<'tx> ImportedConsentInserter<'tx> {
    pub fn new(
        tx: &'tx Transaction<'tx>,
        source: String,
        recorded_at: i64,
        import_id: i64,
    ) -> Result<Self> {
        let into = "consent_events (lead_id, channel, status, source, recorded_at, import_id)";
        Ok(ImportedConsentInserter {
            rows: MultiRowInsert::new(tx, into, 6)?,
            source,
            recorded_at,
            import_id,
            pending: Vec::with_capacity(ROWS_PER_INSERT),
        })
    }

    /// Adds a statement for `lead_id` (written by this call or a later one).
    pub fn insert(
        &mut self,
        lead_id: i64,
        channel: &'static str,
        status: &'static str,
    ) -> Result<()> {
        self.pending.push((lead_id, channel, status));
        if self.pending.len() == ROWS_PER_INSERT {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the statements not written yet.
    pub fn flush(&mut self) -> Result<()> {
        let (source, recorded_at, import_id) =
            (self.source.as_str(), self.recorded_at, self.import_id);
        self.rows.write(
            &self.pending,
            |statement, first, (lead_id, channel, status)| {
                statement.raw_bind_parameter(first + 1, lead_id)?;
                statement.raw_bind_parameter(first + 2, channel)?;
                statement.raw_bind_parameter(first + 3, status)?;
                statement.raw_bind_parameter(first + 4, source)?;
                statement.raw_bind_parameter(first + 5, recorded_at)?;
                statement.raw_bind_parameter(first + 6, import_id)?;
                Ok(())
            },
        )?;
        self.pending.clear();
        Ok(())
    }
}

/// The lead column that holds a channel's current status.
pub fn status_column(channel: &str) -> Option<&'static str> {
    match channel {
        "email" => Some("email_opt_in"),
        "ads" => Some("ads_opt_in"),
        _ => None,
    }
}

/// Sets the current status column of `channel` for a lead; the number of
/// leads changed (0 when the lead does not exist or the channel is unknown).
pub fn set_status_column(
    tx: &Transaction<'_>,
    lead_id: i64,
    channel: &str,
    granted: bool,
) -> Result<usize> {
    let Some(column) = status_column(channel) else {
        return Ok(0);
    };
    let changed = tx.execute(
        &format!("UPDATE leads SET {column} = ?2, updated_at = max(updated_at, unixepoch()) WHERE id = ?1"),
        (lead_id, granted),
    )?;
    Ok(changed)
}

/// Whether a lead exists.
pub fn lead_exists(conn: &Connection, lead_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM leads WHERE id = ?1")?
        .exists([lead_id])?)
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentRow> {
    Ok(ConsentRow {
        id: row.get(0)?,
        lead_id: row.get(1)?,
        channel: row.get(2)?,
        status: row.get(3)?,
        lawful_basis: row.get(4)?,
        source: row.get(5)?,
        recorded_at: row.get(6)?,
        import_id: row.get(7)?,
    })
}

/// A lead's statements, newest first (ties: the later recorded first).
pub fn for_lead(conn: &Connection, lead_id: i64) -> Result<Vec<ConsentRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, lead_id, channel, status, lawful_basis, source, recorded_at, import_id
           FROM consent_events WHERE lead_id = ?1
          ORDER BY recorded_at DESC, id DESC",
    )?;
    let rows = statement
        .query_map([lead_id], read_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Deletes the statements an import wrote (its undo); how many.
pub fn delete_for_import(tx: &Transaction<'_>, import_id: i64) -> Result<usize> {
    Ok(tx.execute(
        "DELETE FROM consent_events WHERE import_id = ?1",
        [import_id],
    )?)
}

/// A lead's current consent columns, for generating a demo history.
#[derive(Debug, Clone, Copy)]
pub struct LeadConsentColumns {
    pub lead_id: i64,
    pub email_opt_in: Option<bool>,
    pub ads_opt_in: Option<bool>,
    pub created_at: i64,
}

/// Every lead's consent columns, by id.
pub fn lead_columns(tx: &Transaction<'_>) -> Result<Vec<LeadConsentColumns>> {
    let mut statement =
        tx.prepare("SELECT id, email_opt_in, ads_opt_in, created_at FROM leads ORDER BY id")?;
    let rows = statement
        .query_map([], |row| {
            Ok(LeadConsentColumns {
                lead_id: row.get(0)?,
                email_opt_in: row.get(1)?,
                ads_opt_in: row.get(2)?,
                created_at: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One bucket of the overview of a channel: the status of the lead's latest
/// statement, or for leads without any statement `unrecorded_opt_in`,
/// `unrecorded_opt_out` or `never_asked` from the status column; with the
/// latest statement's lawful basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketCount {
    pub bucket: String,
    pub lawful_basis: Option<String>,
    pub leads: u64,
}

/// Counts every lead once per channel, by bucket and lawful basis.
pub fn bucket_counts(conn: &Connection, channel: &str) -> Result<Vec<BucketCount>> {
    let Some(column) = status_column(channel) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "WITH latest AS (
             SELECT lead_id, status, lawful_basis FROM (
                 SELECT lead_id, status, lawful_basis,
                        row_number() OVER (PARTITION BY lead_id ORDER BY recorded_at DESC, id DESC) AS rank
                   FROM consent_events WHERE channel = ?1)
              WHERE rank = 1)
         SELECT CASE WHEN latest.status IS NOT NULL THEN latest.status
                     WHEN leads.{column} = 1 THEN 'unrecorded_opt_in'
                     WHEN leads.{column} = 0 THEN 'unrecorded_opt_out'
                     ELSE 'never_asked' END AS bucket,
                latest.lawful_basis, count(*)
           FROM leads LEFT JOIN latest ON latest.lead_id = leads.id
          GROUP BY 1, 2 ORDER BY 1, 2"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement
        .query_map([channel], |row| {
            Ok(BucketCount {
                bucket: row.get(0)?,
                lawful_basis: row.get(1)?,
                leads: row.get::<_, i64>(2)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// How many leads may be e-mailed (opted in, not "do not email") and how
/// many may be used for advertising (ads consent, not "do not sell").
pub fn eligible_counts(conn: &Connection) -> Result<(u64, u64)> {
    let (emailable, ad_eligible): (i64, i64) = conn.query_row(
        "SELECT count(*) FILTER (WHERE email_opt_in = 1 AND coalesce(do_not_email, 0) = 0),
                count(*) FILTER (WHERE ads_opt_in = 1 AND coalesce(do_not_sell, 0) = 0)
           FROM leads",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok((emailable as u64, ad_eligible as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    /// Migration 0013 wrote the checks without IN lists: they still accept
    /// every listed value and no basis, and refuse anything else.
    #[test]
    fn the_checks_accept_exactly_the_listed_values() {
        let mut ws = Workspace::in_memory().unwrap();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        tx.execute(
            "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0)",
            [],
        )
        .unwrap();
        let row = |channel, status, lawful_basis| NewConsentRow {
            lead_id: 1,
            channel,
            status,
            lawful_basis,
            source: "",
            recorded_at: 0,
            import_id: None,
        };
        for status in ["granted", "denied", "withdrawn"] {
            insert(&tx, &row("ads", status, None)).unwrap();
        }
        for basis in [
            "consent",
            "contract",
            "legal_obligation",
            "vital_interests",
            "public_task",
            "legitimate_interests",
        ] {
            insert(&tx, &row("email", "granted", Some(basis))).unwrap();
        }
        assert!(insert(&tx, &row("fax", "granted", None)).is_err());
        assert!(insert(&tx, &row("email", "maybe", None)).is_err());
        assert!(insert(&tx, &row("email", "granted", Some("hunch"))).is_err());
        assert_eq!(for_lead(&tx, 1).unwrap().len(), 9);
    }

    #[test]
    fn an_inserted_statement_is_read_back_and_sets_the_column() {
        let mut ws = Workspace::in_memory().unwrap();
        let tx = ws.conn_mut().unwrap().transaction().unwrap();
        tx.execute(
            "INSERT INTO leads (id, created_at, updated_at) VALUES (1, 0, 0)",
            [],
        )
        .unwrap();
        let row = NewConsentRow {
            lead_id: 1,
            channel: "email",
            status: "granted",
            lawful_basis: Some("consent"),
            source: "Web form",
            recorded_at: 100,
            import_id: None,
        };
        insert(&tx, &row).unwrap();
        assert_eq!(set_status_column(&tx, 1, "email", true).unwrap(), 1);
        assert_eq!(set_status_column(&tx, 1, "fax", true).unwrap(), 0);
        tx.commit().unwrap();
        let rows = for_lead(ws.conn(), 1).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].source, "Web form");
        let opt_in: Option<bool> = ws
            .conn()
            .query_row("SELECT email_opt_in FROM leads WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(opt_in, Some(true));
    }
}
