//! The `leads` table: its counts; the quick search and the reads of pages,
//! of leads by id and of id ranges (the column lists come checked from the
//! field catalogue); the one statement that inserts a whole lead (every
//! standard column, id included), used by the demo generator; and an
//! import's writes: finding leads by identity, inserting them with the
//! mapped columns, changing one column, deleting an import's leads.

use rusqlite::types::Value;
use rusqlite::{params, Connection, Row, Statement, Transaction};

use super::{MultiRowInsert, ROWS_PER_INSERT};
use crate::{Result, Workspace};

/// The smallest and the largest lead id, or `None` without leads.
pub fn id_bounds(conn: &Connection) -> Result<Option<(i64, i64)>> {
    super::id_bounds(conn, "leads")
}

/// How many leads the workspace holds.
pub fn count(workspace: &Workspace) -> Result<u64> {
    super::count_rows(workspace.conn(), "leads")
}

/// The quick search's SQL condition on leads (aliased `l`) for `needle`, a
/// search key (`text::search_key`), bound as `?1`: the lead's name, e-mail,
/// company and external id, joined by spaces, contain the needle once case
/// and accents are folded away (`search_match()`, `text.rs`). With
/// `custom_fields`, a lead also matches when one of its custom text, number
/// or list values contains it (dates and yes/no values are left out: their
/// stored form is not what the user sees).
///
/// `search_match()` builds each row's key in a reused buffer (ASCII is only
/// lowercased), which costs about what SQLite's own `LIKE` over the joined
/// text cost before, and gives the same answer for composed and decomposed
/// text, `ß` and `ss`, `é` and `e`.
fn search_condition(custom_fields: bool) -> String {
    let standard = "search_match(?1, l.first_name, l.last_name, l.email, l.company, l.external_id)";
    if !custom_fields {
        return standard.to_owned();
    }
    format!(
        "({standard} OR l.id IN (SELECT cv.lead_id FROM custom_values cv \
         JOIN fields f ON f.id = cv.field_id \
         WHERE f.type IN ('text', 'number', 'list') AND search_match(?1, cv.value)))"
    )
}

/// The `WHERE` clause of the quick search for `needle`, a search key (empty
/// for no search), and its bound parameters; see [`search_condition`].
pub fn search_filter(needle: &str, custom_fields: bool) -> (String, Vec<String>) {
    if needle.is_empty() {
        return (String::new(), Vec::new());
    }
    (
        format!("WHERE {}", search_condition(custom_fields)),
        vec![needle.to_owned()],
    )
}

/// The columns of `leads` the quick search reads, in the order
/// [`visit_search_fields`] passes them.
pub const SEARCH_COLUMNS: [&str; 5] =
    ["first_name", "last_name", "email", "company", "external_id"];

/// Calls `visit` with each lead's id and the values the quick search reads
/// ([`SEARCH_COLUMNS`]: what [`search_condition`] passes to
/// `search_match()`), by id: what the quick search's index is built from.
pub fn visit_search_fields(
    conn: &Connection,
    visit: impl FnMut(i64, [rusqlite::types::ValueRef<'_>; 5]),
) -> Result<()> {
    visit_search_fields_in(conn, i64::MIN..=i64::MAX, visit)
}

/// [`visit_search_fields`] for the leads whose id is in `ids`: a range of
/// the table's key, read in id order.
pub fn visit_search_fields_in(
    conn: &Connection,
    ids: std::ops::RangeInclusive<i64>,
    mut visit: impl FnMut(i64, [rusqlite::types::ValueRef<'_>; 5]),
) -> Result<()> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT l.id, l.{} FROM leads l WHERE l.id BETWEEN ?1 AND ?2 ORDER BY l.id",
        SEARCH_COLUMNS.join(", l.")
    ))?;
    let mut rows = statement.query([*ids.start(), *ids.end()])?;
    while let Some(row) = rows.next()? {
        visit(
            row.get(0)?,
            [
                row.get_ref(1)?,
                row.get_ref(2)?,
                row.get_ref(3)?,
                row.get_ref(4)?,
                row.get_ref(5)?,
            ],
        );
    }
    Ok(())
}

/// Calls `visit` with each of `ids` (ascending) and that lead's search
/// fields, as [`visit_search_fields`] reads them, or `None` for an id no
/// lead has: what the quick search re-reads to patch its index after a
/// write. A run of ids close together (the leads an import added, which
/// take the next free ids) is read by one scan of that range of the table,
/// the others one look-up each ([`search_fields_read_cost`]).
pub fn visit_search_fields_of(
    conn: &Connection,
    ids: &[i64],
    mut visit: impl FnMut(i64, Option<[rusqlite::types::ValueRef<'_>; 5]>),
) -> Result<()> {
    let mut by_id = conn.prepare_cached(&format!(
        "SELECT l.{} FROM leads l WHERE l.id = ?1",
        SEARCH_COLUMNS.join(", l.")
    ))?;
    for run in close_runs(ids) {
        if let [first, .., last] = run {
            if run.len() >= RANGE_READ_RUN {
                let mut next = 0;
                visit_search_fields_in(conn, *first..=*last, |id, fields| {
                    while next < run.len() && run[next] < id {
                        visit(run[next], None);
                        next += 1;
                    }
                    if run.get(next) == Some(&id) {
                        visit(id, Some(fields));
                        next += 1;
                    }
                })?;
                for &gone in &run[next..] {
                    visit(gone, None);
                }
                continue;
            }
        }
        for &id in run {
            let mut rows = by_id.query([id])?;
            match rows.next()? {
                Some(row) => visit(
                    id,
                    Some([
                        row.get_ref(0)?,
                        row.get_ref(1)?,
                        row.get_ref(2)?,
                        row.get_ref(3)?,
                        row.get_ref(4)?,
                    ]),
                ),
                None => visit(id, None),
            }
        }
    }
    Ok(())
}

/// Ids at most this far apart belong to one run ([`close_runs`]).
const RUN_GAP: i64 = 4;

/// A run of at least this many ids is read by a scan of its range of the
/// table, the rows between them too, rather than one look-up each.
const RANGE_READ_RUN: usize = 32;

/// About how many rows a range scan reads in the time of one look-up by id
/// (at 1M leads, warm, the sqlite3 shell read the search fields of 20,000
/// consecutive leads in 11 ms and of 1,000 scattered ones in 4 ms).
const ROWS_SCANNED_PER_LOOK_UP: usize = 8;

/// `ids` (ascending) cut where the next id is more than [`RUN_GAP`] on.
fn close_runs(ids: &[i64]) -> impl Iterator<Item = &[i64]> {
    ids.chunk_by(|a, b| b - a <= RUN_GAP)
}

/// What [`visit_search_fields_of`] costs for `ids` (ascending), in
/// look-ups by id: a fresh process patching the quick search's stored keys
/// pays it before its first search.
pub fn search_fields_read_cost(ids: &[i64]) -> usize {
    close_runs(ids)
        .map(|run| match run {
            [first, .., last] if run.len() >= RANGE_READ_RUN => {
                let rows = usize::try_from(last - first).unwrap_or(usize::MAX);
                rows.saturating_add(1) / ROWS_SCANNED_PER_LOOK_UP + 1
            }
            _ => run.len(),
        })
        .fold(0usize, usize::saturating_add)
}

/// The ids of the leads with a custom text, number or list value that
/// contains `needle`, a search key, ascending: the opt-in part of the quick
/// search ([`search_condition`] with `custom_fields`).
pub fn custom_value_matches(conn: &Connection, needle: &str) -> Result<Vec<i64>> {
    let mut statement = conn.prepare(
        "SELECT DISTINCT cv.lead_id FROM custom_values cv \
         JOIN fields f ON f.id = cv.field_id \
         WHERE f.type IN ('text', 'number', 'list') AND search_match(?1, cv.value) \
         ORDER BY cv.lead_id",
    )?;
    let ids = statement
        .query_map([needle], |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// A `WHERE` clause and its parameter that keep the leads (aliased `l`)
/// other than those with these ids, for [`LeadSelection`].
pub fn id_exclusion_filter(ids: &[i64]) -> Result<(String, Vec<String>)> {
    Ok((
        "WHERE l.id NOT IN (SELECT value FROM json_each(?1))".to_owned(),
        vec![serde_json::to_string(ids)?],
    ))
}

/// The `ORDER BY` clause of a page: by a checked value expression (from the
/// field catalogue), empty values last and the id breaking ties, or by id.
pub fn order_clause(sort_by: Option<(&str, bool)>) -> String {
    match sort_by {
        Some((expression, descending)) => {
            let direction = if descending { "DESC" } else { "ASC" };
            format!("ORDER BY {expression} {direction} NULLS LAST, l.id {direction}")
        }
        None => "ORDER BY l.id".to_owned(),
    }
}

/// The ids of the leads (aliased `l`) that pass `filter`, a `WHERE` clause
/// from [`search_filter`] with its parameters, ascending: one scan gives
/// both a search's count and its first page.
pub fn matching_ids(workspace: &Workspace, filter: &str, params: &[String]) -> Result<Vec<i64>> {
    let mut statement = workspace
        .conn()
        .prepare(&format!("SELECT l.id FROM leads l {filter} ORDER BY l.id"))?;
    let ids = statement
        .query_map(rusqlite::params_from_iter(params), |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// A `WHERE` clause and its parameter that keep the leads (aliased `l`)
/// with these ids, for [`LeadSelection`].
pub fn id_filter(ids: &[i64]) -> Result<(String, Vec<String>)> {
    Ok((
        "WHERE l.id IN (SELECT value FROM json_each(?1))".to_owned(),
        vec![serde_json::to_string(ids)?],
    ))
}

/// One page of leads: `l.id` then `columns`, a list of checked column
/// expressions from the field catalogue, each led by a comma
/// (`, l."email", l."company"`).
pub struct LeadSelection<'a> {
    pub columns: &'a str,
    /// A `WHERE` clause from [`search_filter`], or empty.
    pub filter: &'a str,
    pub params: &'a [String],
    /// An `ORDER BY` clause from [`order_clause`].
    pub order_by: &'a str,
    pub limit: u32,
    pub offset: u32,
}

/// Calls `visit` with each row of a page, in order.
pub fn visit_page(
    workspace: &Workspace,
    selection: &LeadSelection<'_>,
    mut visit: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT l.id{} FROM leads l {} {} LIMIT {} OFFSET {}",
        selection.columns, selection.filter, selection.order_by, selection.limit, selection.offset
    );
    let mut statement = workspace.conn().prepare(&sql)?;
    let mut rows = statement.query(rusqlite::params_from_iter(selection.params))?;
    while let Some(row) = rows.next()? {
        visit(row)?;
    }
    Ok(())
}

/// Calls `visit` with the row (`l.id` then `columns`) of each lead of
/// `ids` that exists, in no particular order.
pub fn visit_by_ids_on(
    conn: &Connection,
    columns: &str,
    ids: &[i64],
    mut visit: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT l.id{columns} FROM leads l WHERE l.id IN (SELECT value FROM json_each(?1))"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([serde_json::to_string(ids)?])?;
    while let Some(row) = rows.next()? {
        visit(row)?;
    }
    Ok(())
}

/// Leads with ids from `from` to `to` (inclusive), at most `limit` of them.
pub struct IdRange {
    pub from: i64,
    pub to: i64,
    pub limit: usize,
}

/// Calls `visit` with the row (`l.id`, `l.external_id`, then `columns`)
/// of each lead in `range`, ascending by id.
pub fn visit_id_range_on(
    conn: &Connection,
    columns: &str,
    range: &IdRange,
    mut visit: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT l.id, l.external_id{columns} FROM leads l
         WHERE l.id >= ?1 AND l.id <= ?2 ORDER BY l.id LIMIT ?3"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query((range.from, range.to, range.limit as i64))?;
    while let Some(row) = rows.next()? {
        visit(row)?;
    }
    Ok(())
}

/// Every standard column of a lead, as stored: timestamps in seconds since
/// the epoch, `email_key` the folded e-mail address.
#[derive(Debug, Clone, Default)]
pub struct NewLead<'a> {
    pub id: i64,
    pub external_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub email_key: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub company: Option<&'a str>,
    pub job_title: Option<&'a str>,
    pub persona: Option<&'a str>,
    pub country: Option<&'a str>,
    pub region: Option<&'a str>,
    pub city: Option<&'a str>,
    pub timezone: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub employees: Option<i64>,
    pub annual_revenue: Option<f64>,
    pub lifecycle_stage: Option<&'a str>,
    pub buying_stage: Option<&'a str>,
    pub lead_source: Option<&'a str>,
    pub entry_point: Option<&'a str>,
    pub email_opt_in: Option<bool>,
    pub do_not_email: Option<bool>,
    pub ads_opt_in: Option<bool>,
    pub do_not_sell: Option<bool>,
    pub score: Option<f64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Inserts whole leads inside one transaction, with one prepared statement.
pub struct LeadInserter<'tx> {
    statement: Statement<'tx>,
}

impl<'tx> LeadInserter<'tx> {
    pub fn new(tx: &'tx Transaction<'_>) -> Result<Self> {
        let statement = tx.prepare(
            "INSERT INTO leads (id, external_id, email, email_key, first_name, last_name, phone, company,
                 job_title, persona, country, region, city, timezone, industry, employees, annual_revenue,
                 lifecycle_stage, buying_stage, lead_source, entry_point, email_opt_in, do_not_email, ads_opt_in,
                 do_not_sell, score, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
        )?;
        Ok(LeadInserter { statement })
    }

    pub fn insert(&mut self, lead: &NewLead<'_>) -> Result<()> {
        self.statement.execute(params![
            lead.id,
            lead.external_id,
            lead.email,
            lead.email_key,
            lead.first_name,
            lead.last_name,
            lead.phone,
            lead.company,
            lead.job_title,
            lead.persona,
            lead.country,
            lead.region,
            lead.city,
            lead.timezone,
            lead.industry,
            lead.employees,
            lead.annual_revenue,
            lead.lifecycle_stage,
            lead.buying_stage,
            lead.lead_source,
            lead.entry_point,
            lead.email_opt_in,
            lead.do_not_email,
            lead.ads_opt_in,
            lead.do_not_sell,
            lead.score,
            lead.created_at,
            lead.updated_at,
        ])?;
        Ok(())
    }
}

/// The lead whose e-mail key (`external == false`) or external id is
/// `identity`, through its unique index: the person an erasure or an
/// access request names, and what an import of a few rows into a big
/// workspace looks up per row instead of [`visit_identities`].
pub fn id_by_identity(conn: &Connection, external: bool, identity: &str) -> Result<Option<i64>> {
    let sql = if external {
        "SELECT id FROM leads WHERE external_id = ?1"
    } else {
        "SELECT id FROM leads WHERE email_key = ?1"
    };
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query([identity])?;
    Ok(match rows.next()? {
        Some(row) => Some(row.get(0)?),
        None => None,
    })
}

/// Calls `visit(id, email_key, external_id)` with each lead that has an
/// e-mail key or an external id, in one scan: what an import holds in
/// memory to find leads by identity without a lookup per row.
/// `with_email_keys` and `with_external_ids` choose the identities read.
pub fn visit_identities(
    tx: &Transaction<'_>,
    with_email_keys: bool,
    with_external_ids: bool,
    mut visit: impl FnMut(i64, Option<&str>, Option<&str>),
) -> Result<()> {
    let email = if with_email_keys { "email_key" } else { "NULL" };
    let external = if with_external_ids {
        "external_id"
    } else {
        "NULL"
    };
    let mut statement = tx.prepare(&format!(
        "SELECT id, {email}, {external} FROM leads WHERE {email} IS NOT NULL OR {external} IS NOT NULL"
    ))?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        // Borrowed, not copied: a million leads' keys are read here.
        let text = |column| {
            let value = row.get_ref(column)?;
            value.as_str_or_null().map_err(|error| {
                rusqlite::Error::FromSqlConversionFailure(
                    column,
                    value.data_type(),
                    Box::new(error),
                )
            })
        };
        visit(row.get(0)?, text(1)?, text(2)?);
    }
    Ok(())
}

/// Inserts leads with a chosen set of columns (an import's mapped ones) and
/// ids the caller assigns ([`next_lead_id`]), [`ROWS_PER_INSERT`] rows to a
/// statement: a lead waits in the queue until that many do or
/// [`ColumnsInserter::flush`] writes them, so whoever reads a queued lead
/// back flushes first. Like every [`MultiRowInsert`] it is `INSERT OR
/// FAIL`, which matters most here: with a statement journal, the random
/// e-mail keys of the unique identity indexes would copy about a page a row.
pub struct ColumnsInserter<'tx> {
    columns: Vec<String>,
    rows: MultiRowInsert<'tx>,
    /// Queued leads: the id, then one value per column, lead after lead.
    queued: Vec<Value>,
}

impl<'tx> ColumnsInserter<'tx> {
    /// `columns` are checked column names (catalogue keys or the table's
    /// own identity, time and import columns): they are quoted, not bound.
    pub fn new(tx: &'tx Transaction<'tx>, columns: Vec<String>) -> Result<Self> {
        let into = format!(
            "leads (id, {})",
            columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = MultiRowInsert::new(tx, &into, columns.len() + 1)?;
        Ok(ColumnsInserter {
            columns,
            rows,
            queued: Vec::new(),
        })
    }

    /// The columns, in the order [`ColumnsInserter::insert`] takes values.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Queues lead `id` with every column NULL and returns its values, one
    /// per column, to be set in place; [`ColumnsInserter::flush_if_full`]
    /// then writes the queue when it is full.
    pub fn queue(&mut self, id: i64) -> &mut [Value] {
        self.queued.push(Value::Integer(id));
        let start = self.queued.len();
        self.queued.resize(start + self.columns.len(), Value::Null);
        &mut self.queued[start..]
    }

    /// Writes the queue when it holds [`ROWS_PER_INSERT`] leads, handing
    /// their values to `spent`.
    pub fn flush_if_full(&mut self, spent: &mut Vec<Value>) -> Result<()> {
        if self.queued.len() >= ROWS_PER_INSERT * (self.columns.len() + 1) {
            self.flush(spent)?;
        }
        Ok(())
    }

    /// Writes every queued lead, handing their values to `spent`.
    pub fn flush(&mut self, spent: &mut Vec<Value>) -> Result<()> {
        if self.queued.is_empty() {
            return Ok(());
        }
        let leads: Vec<&[Value]> = self.queued.chunks(self.columns.len() + 1).collect();
        self.rows.write(&leads, |statement, first, lead| {
            for (offset, value) in lead.iter().enumerate() {
                statement.raw_bind_parameter(first + offset + 1, value)?;
            }
            Ok(())
        })?;
        spent.append(&mut self.queued);
        Ok(())
    }
}

/// The id the next new lead gets: above every id the table holds or ever
/// gave (`AUTOINCREMENT` never gives a deleted lead's id again).
pub fn next_lead_id(tx: &Transaction<'_>) -> Result<i64> {
    Ok(tx.query_row(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'leads'), 0),
                    coalesce((SELECT max(id) FROM leads), 0)) + 1",
        [],
        |row| row.get(0),
    )?)
}

/// The stored value of `column` (a checked column name) of lead `lead_id`.
pub fn column_value(tx: &Transaction<'_>, lead_id: i64, column: &str) -> Result<Value> {
    Ok(tx
        .prepare_cached(&format!("SELECT \"{column}\" FROM leads WHERE id = ?1"))?
        .query_row([lead_id], |r| r.get(0))?)
}

/// Every lead's id, first and last name and company, by id: what the demo
/// reads to keep its made-up people from sharing a name at one company.
pub fn names_and_companies(tx: &Transaction<'_>) -> Result<Vec<(i64, [Option<String>; 3])>> {
    let rows = tx
        .prepare("SELECT id, first_name, last_name, company FROM leads ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?])))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Sets `column` (a checked column name) of lead `lead_id` to `value`.
pub fn set_column(tx: &Transaction<'_>, lead_id: i64, column: &str, value: &Value) -> Result<()> {
    tx.prepare_cached(&format!("UPDATE leads SET \"{column}\" = ?1 WHERE id = ?2"))?
        .execute(params![value, lead_id])?;
    Ok(())
}

/// Deletes the leads import `import_id` added; returns their ids.
pub fn delete_imported(tx: &Transaction<'_>, import_id: i64) -> Result<Vec<i64>> {
    let ids = tx
        .prepare("DELETE FROM leads WHERE import_id = ?1 RETURNING id")?
        .query_map([import_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inserted_lead_is_counted() {
        let mut workspace = Workspace::in_memory().unwrap();
        assert_eq!(count(&workspace).unwrap(), 0);
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        LeadInserter::new(&tx)
            .unwrap()
            .insert(&NewLead {
                id: 7,
                email: Some("a@b.example"),
                email_key: Some("a@b.example"),
                ..NewLead::default()
            })
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(count(&workspace).unwrap(), 1);
    }

    /// Leads 1..=200 but every seventh, named by their id.
    fn leads_but_every_seventh() -> Workspace {
        let mut workspace = Workspace::in_memory().unwrap();
        let tx = workspace.conn_mut().unwrap().transaction().unwrap();
        let mut inserter = LeadInserter::new(&tx).unwrap();
        for id in (1..=200).filter(|id| id % 7 != 0) {
            let name = format!("lead {id}");
            inserter
                .insert(&NewLead {
                    id,
                    first_name: Some(&name),
                    ..NewLead::default()
                })
                .unwrap();
        }
        drop(inserter);
        tx.commit().unwrap();
        workspace
    }

    #[test]
    fn the_search_fields_of_close_and_scattered_ids_are_read_alike() {
        let workspace = leads_but_every_seventh();
        // A run of 60 close ids (read by a range scan, the gaps and the
        // missing leads in it too), scattered ones (looked up), and ids
        // past the last lead at the end of the run and alone.
        let mut ids: Vec<i64> = (150..=209).collect();
        ids.extend([300, 500]);
        ids.splice(0..0, [3, 14, 40, 90]);
        assert_eq!(
            close_runs(&ids).map(<[i64]>::len).collect::<Vec<_>>(),
            [1, 1, 1, 1, 60, 1, 1]
        );
        let mut seen = Vec::new();
        visit_search_fields_of(workspace.conn(), &ids, |id, fields| {
            let name = fields.map(|fields| fields[0].as_str().unwrap().to_owned());
            seen.push((id, name));
        })
        .unwrap();
        let expected: Vec<(i64, Option<String>)> = ids
            .iter()
            .map(|&id| (id, (id <= 200 && id % 7 != 0).then(|| format!("lead {id}"))))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn a_run_of_close_ids_costs_its_range_and_scattered_ids_one_look_up_each() {
        let scattered: Vec<i64> = (0..1_000).map(|n| n * 100).collect();
        assert_eq!(search_fields_read_cost(&scattered), 1_000);
        let appended: Vec<i64> = (1_000_001..=1_020_000).collect();
        assert_eq!(
            search_fields_read_cost(&appended),
            20_000 / ROWS_SCANNED_PER_LOOK_UP + 1
        );
        // Every other id: the rows between are scanned too.
        let every_other: Vec<i64> = (0..64).map(|n| n * 2).collect();
        assert_eq!(
            search_fields_read_cost(&every_other),
            127 / ROWS_SCANNED_PER_LOOK_UP + 1
        );
        let short: Vec<i64> = (1..RANGE_READ_RUN as i64).collect();
        assert_eq!(search_fields_read_cost(&short), RANGE_READ_RUN - 1);
        assert_eq!(search_fields_read_cost(&[]), 0);
    }
}
