//! Reading leads: counts, sorted and searched pages for the lead browser, and
//! one lead's full detail with its event timeline.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::fields::{self, Field, FieldType, ResolvedField};
use crate::text::fold_key;
use crate::{Error, Result};

/// One field value of a lead, as shown and exported. Dates are ISO-8601 UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum CellValue {
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<String>),
}

impl CellValue {
    /// Converts a stored SQL value to the shape its field type promises.
    pub(crate) fn from_sql(field_type: FieldType, value: ValueRef<'_>) -> Option<CellValue> {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        match (field_type, value) {
            (_, ValueRef::Null) => None,
            (FieldType::Boolean, ValueRef::Integer(i)) => Some(CellValue::Bool(i != 0)),
            (FieldType::Date, ValueRef::Integer(seconds)) => {
                Some(CellValue::Text(iso_datetime(seconds)))
            }
            (FieldType::List, ValueRef::Text(bytes)) => Some(
                serde_json::from_slice::<Vec<String>>(bytes)
                    .map(CellValue::List)
                    .unwrap_or_else(|_| CellValue::List(vec![text(bytes)])),
            ),
            (_, ValueRef::Integer(i)) => Some(CellValue::Number(i as f64)),
            (_, ValueRef::Real(f)) => Some(CellValue::Number(f)),
            (_, ValueRef::Text(bytes)) | (_, ValueRef::Blob(bytes)) => {
                Some(CellValue::Text(text(bytes)))
            }
        }
    }

    /// The value as plain text, for CSV cells and search.
    pub fn to_plain_text(&self) -> String {
        match self {
            CellValue::Bool(b) => b.to_string(),
            CellValue::Number(n) => format_number(*n),
            CellValue::Text(t) => t.clone(),
            CellValue::List(items) => items.join(";"),
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso_datetime(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| seconds.to_string())
}

/// A sort order for the lead browser.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SortSpec {
    pub field: String,
    pub descending: bool,
}

/// What the lead browser asks for: a window of rows, the columns to fill,
/// an optional sort and a quick search over name, email and company.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadQuery {
    pub offset: u32,
    pub limit: u32,
    pub columns: Vec<String>,
    pub sort: Option<SortSpec>,
    pub search: String,
}

/// One row of the lead browser: `cells` line up with the query's columns.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadRow {
    #[ts(type = "number")]
    pub id: i64,
    pub cells: Vec<Option<CellValue>>,
}

/// A page of leads and, for the first page only, the total number of leads
/// matching the search (counting means a scan, so it is done once per query).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadPage {
    pub total: Option<u32>,
    pub offset: u32,
    pub rows: Vec<LeadRow>,
}

/// The largest page the browser may ask for.
pub const MAX_PAGE_SIZE: u32 = 1_000;

/// How many leads the workspace holds.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM leads", [], |row| row.get::<_, i64>(0))? as u64)
}

/// The text the quick search looks in: name, email and company.
const SEARCH_HAYSTACK: &str =
    "(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '') || ' ' \
     || coalesce(l.email, '') || ' ' || coalesce(l.company, ''))";

/// The quick search's SQL condition and its bound parameters (`?1`, `?2`).
///
/// Matching is a substring test under full Unicode case folding (`fold()`).
/// Calling `fold()` on every row costs seconds at a million leads, so SQLite's
/// own `LIKE` (ASCII case-insensitive, in C) does the work where it gives the
/// same answer: an ASCII needle is matched with `LIKE` alone, and a non-ASCII
/// needle is first narrowed with `LIKE` on its longest ASCII run. The only
/// cases this misses are foldings that turn non-ASCII letters into ASCII ones
/// (`ß` → `ss`, `ﬁ` → `fi`, the Kelvin sign): an ASCII needle `strasse` does
/// not find `Straße`.
fn search_condition(needle: &str) -> (String, Vec<String>) {
    let like = |text: &str| {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    };
    if needle.is_ascii() {
        return (
            format!("{SEARCH_HAYSTACK} LIKE ?1 ESCAPE '\\'"),
            vec![like(needle)],
        );
    }
    let longest_ascii_run = needle
        .split(|c: char| !c.is_ascii())
        .max_by_key(|run| run.len())
        .unwrap_or("");
    let folded = format!("instr(fold({SEARCH_HAYSTACK}), ?1) > 0");
    if longest_ascii_run.len() < 2 {
        return (folded, vec![needle.to_owned()]);
    }
    (
        format!("{SEARCH_HAYSTACK} LIKE ?2 ESCAPE '\\' AND {folded}"),
        vec![needle.to_owned(), like(longest_ascii_run)],
    )
}

/// A page of leads for the browser.
pub fn page(conn: &Connection, query: &LeadQuery) -> Result<LeadPage> {
    if query.limit > MAX_PAGE_SIZE {
        return Err(Error::InvalidArgument(format!(
            "page size {} is over the limit of {MAX_PAGE_SIZE}",
            query.limit
        )));
    }
    let columns: Vec<ResolvedField> = query
        .columns
        .iter()
        .map(|key| fields::resolve(conn, key))
        .collect::<Result<_>>()?;
    let needle = fold_key(&query.search);
    let (where_clause, search_params) = if needle.is_empty() {
        (String::new(), Vec::new())
    } else {
        let (condition, params) = search_condition(&needle);
        (format!("WHERE {condition}"), params)
    };

    let total: Option<i64> = match (query.offset, needle.is_empty()) {
        (0, true) => Some(conn.query_row("SELECT count(*) FROM leads", [], |row| row.get(0))?),
        (0, false) => Some(conn.query_row(
            &format!("SELECT count(*) FROM leads l {where_clause}"),
            rusqlite::params_from_iter(&search_params),
            |row| row.get(0),
        )?),
        _ => None,
    };

    let order_by = match &query.sort {
        Some(sort) => {
            let field = fields::resolve(conn, &sort.field)?;
            let direction = if sort.descending { "DESC" } else { "ASC" };
            format!(
                "ORDER BY {} {direction} NULLS LAST, l.id {direction}",
                field.sql_value()
            )
        }
        None => "ORDER BY l.id".to_owned(),
    };
    let mut select_list = vec!["l.id".to_owned()];
    select_list.extend(columns.iter().map(ResolvedField::sql_value));
    let sql = format!(
        "SELECT {} FROM leads l {where_clause} {order_by} LIMIT {} OFFSET {}",
        select_list.join(", "),
        query.limit,
        query.offset
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(rusqlite::params_from_iter(&search_params))?;
    let mut page_rows = Vec::with_capacity(query.limit as usize);
    while let Some(row) = rows.next()? {
        let cells = columns
            .iter()
            .enumerate()
            .map(|(index, column)| {
                Ok(CellValue::from_sql(
                    column.field.field_type,
                    row.get_ref(index + 1)?,
                ))
            })
            .collect::<rusqlite::Result<_>>()?;
        page_rows.push(LeadRow {
            id: row.get(0)?,
            cells,
        });
    }
    Ok(LeadPage {
        total: total.map(|n| n as u32),
        offset: query.offset,
        rows: page_rows,
    })
}

/// The leads with these ids, in the order given, with `columns` filled.
/// Ids that do not exist are left out.
pub fn rows_by_ids(conn: &Connection, ids: &[i64], columns: &[String]) -> Result<Vec<LeadRow>> {
    let resolved: Vec<ResolvedField> = columns
        .iter()
        .map(|key| fields::resolve(conn, key))
        .collect::<Result<_>>()?;
    let mut select_list = vec!["l.id".to_owned()];
    select_list.extend(resolved.iter().map(ResolvedField::sql_value));
    let sql = format!(
        "SELECT {} FROM leads l WHERE l.id IN (SELECT value FROM json_each(?1))",
        select_list.join(", ")
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let id_list = serde_json::to_string(ids)?;
    let mut rows = statement.query([id_list])?;
    let mut by_id = std::collections::HashMap::with_capacity(ids.len());
    while let Some(row) = rows.next()? {
        let cells = resolved
            .iter()
            .enumerate()
            .map(|(index, column)| {
                Ok(CellValue::from_sql(
                    column.field.field_type,
                    row.get_ref(index + 1)?,
                ))
            })
            .collect::<rusqlite::Result<_>>()?;
        let id: i64 = row.get(0)?;
        by_id.insert(id, LeadRow { id, cells });
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// One field of a lead with its catalogue entry.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldValue {
    pub field: Field,
    pub value: Option<CellValue>,
}

/// One event on a lead's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    /// ISO-8601 UTC.
    pub occurred_at: String,
    /// Properties such as url, asset, value and campaign, as text.
    pub properties: BTreeMap<String, String>,
}

/// Everything known about one lead.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeadDetail {
    #[ts(type = "number")]
    pub id: i64,
    pub external_id: Option<String>,
    pub fields: Vec<FieldValue>,
    /// The most recent events, newest first (at most [`TIMELINE_LIMIT`]).
    pub events: Vec<EventRecord>,
    pub event_count: u32,
}

/// How many events the detail panel's timeline carries.
pub const TIMELINE_LIMIT: u32 = 200;

/// Every field and the recent events of one lead.
pub fn detail(conn: &Connection, id: i64) -> Result<LeadDetail> {
    let catalogue = fields::list_resolved(conn)?;
    let select_list: Vec<String> = catalogue.iter().map(ResolvedField::sql_value).collect();
    let sql = format!(
        "SELECT l.external_id, {} FROM leads l WHERE l.id = ?1",
        select_list.join(", ")
    );
    let found = conn
        .query_row(&sql, [id], |row| {
            let external_id: Option<String> = row.get(0)?;
            let values = catalogue
                .iter()
                .enumerate()
                .map(|(index, resolved)| {
                    Ok(FieldValue {
                        field: resolved.field.clone(),
                        value: CellValue::from_sql(
                            resolved.field.field_type,
                            row.get_ref(index + 1)?,
                        ),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((external_id, values))
        })
        .optional()?;
    let Some((external_id, values)) = found else {
        return Err(Error::UnknownLead { id });
    };
    let event_count: i64 = conn.query_row(
        "SELECT count(*) FROM events WHERE lead_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let mut statement = conn.prepare_cached(
        "SELECT id, type, occurred_at, properties FROM events WHERE lead_id = ?1
         ORDER BY occurred_at DESC, id DESC LIMIT ?2",
    )?;
    let events = statement
        .query_map((id, TIMELINE_LIMIT), |row| {
            let properties: String = row.get(3)?;
            Ok(EventRecord {
                id: row.get(0)?,
                event_type: row.get(1)?,
                occurred_at: iso_datetime(row.get(2)?),
                properties: properties_as_text(&properties),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(LeadDetail {
        id,
        external_id,
        fields: values,
        events,
        event_count: event_count as u32,
    })
}

fn properties_as_text(json: &str) -> BTreeMap<String, String> {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json) {
        Ok(map) => map
            .into_iter()
            .map(|(key, value)| {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (key, text)
            })
            .collect(),
        Err(_) => BTreeMap::from([("raw".to_owned(), json.to_owned())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn insert_lead(ws: &Workspace, email: &str, first: &str, last: &str, company: &str) -> i64 {
        ws.conn()
            .execute(
                "INSERT INTO leads (email, email_key, first_name, last_name, company, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)",
                (email, fold_key(email), first, last, company),
            )
            .unwrap();
        ws.conn().last_insert_rowid()
    }

    fn query(search: &str, sort: Option<(&str, bool)>) -> LeadQuery {
        LeadQuery {
            offset: 0,
            limit: 50,
            columns: vec!["email".into(), "last_name".into(), "created_at".into()],
            sort: sort.map(|(field, descending)| SortSpec {
                field: field.into(),
                descending,
            }),
            search: search.into(),
        }
    }

    fn emails(page: &LeadPage) -> Vec<String> {
        page.rows
            .iter()
            .map(|r| r.cells[0].as_ref().unwrap().to_plain_text())
            .collect()
    }

    fn sample() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        insert_lead(&ws, "b@x.com", "Bea", "Müller", "Acme");
        insert_lead(&ws, "a@x.com", "Al", "Zeta", "Globex");
        insert_lead(&ws, "c@x.com", "Cy", "Adams", "MÜNCHEN Werke");
        ws
    }

    #[test]
    fn pages_sort_both_ways() {
        let ws = sample();
        let asc = page(ws.conn(), &query("", Some(("last_name", false)))).unwrap();
        assert_eq!(asc.total, Some(3));
        assert_eq!(emails(&asc), ["c@x.com", "b@x.com", "a@x.com"]);
        let desc = page(ws.conn(), &query("", Some(("email", true)))).unwrap();
        assert_eq!(emails(&desc), ["c@x.com", "b@x.com", "a@x.com"]);
        assert_eq!(
            asc.rows[0].cells[2],
            Some(CellValue::Text("1970-01-01T00:00:00Z".into()))
        );
    }

    #[test]
    fn search_folds_unicode_case_and_counts_matches() {
        let ws = sample();
        let hits = page(ws.conn(), &query("münchen", None)).unwrap();
        assert_eq!(hits.total, Some(1));
        assert_eq!(emails(&hits), ["c@x.com"]);
        let by_name = page(ws.conn(), &query("MÜLLER", None)).unwrap();
        assert_eq!(emails(&by_name), ["b@x.com"]);
        let ascii = page(ws.conn(), &query("AL ZETA", None)).unwrap();
        assert_eq!(
            emails(&ascii),
            ["a@x.com"],
            "ASCII needles match across fields, any case"
        );
        let wildcard = page(ws.conn(), &query("%", None)).unwrap();
        assert_eq!(
            wildcard.total,
            Some(0),
            "LIKE wildcards in the needle are literal"
        );
        let quote = page(ws.conn(), &query("o'b", None)).unwrap();
        assert_eq!(quote.total, Some(0));
        let accented = page(ws.conn(), &query("ünchen w", None)).unwrap();
        assert_eq!(
            emails(&accented),
            ["c@x.com"],
            "non-ASCII needle with an ASCII run"
        );
        assert_eq!(
            page(ws.conn(), &query("nobody", None)).unwrap().total,
            Some(0)
        );
        let mut second_page = query("müller", None);
        second_page.offset = 1;
        let later = page(ws.conn(), &second_page).unwrap();
        assert_eq!(later.total, None, "only the first page counts");
        assert!(later.rows.is_empty());
    }

    #[test]
    fn unknown_columns_and_huge_pages_are_refused() {
        let ws = sample();
        let mut bad = query("", None);
        bad.columns.push("id; DROP TABLE leads".into());
        assert!(matches!(
            page(ws.conn(), &bad),
            Err(Error::UnknownField { .. })
        ));
        let mut huge = query("", None);
        huge.limit = MAX_PAGE_SIZE + 1;
        assert!(matches!(
            page(ws.conn(), &huge),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(count(ws.conn()).unwrap(), 3);
    }

    #[test]
    fn detail_has_every_field_and_the_timeline() {
        let ws = sample();
        ws.conn()
            .execute(
                "INSERT INTO events (lead_id, type, occurred_at, properties)
                 VALUES (1, 'page_view', 100, '{\"url\":\"/pricing\"}'), (1, 'download', 200, '{\"value\":3}')",
                [],
            )
            .unwrap();
        let lead = detail(ws.conn(), 1).unwrap();
        assert_eq!(lead.fields.len(), 23);
        assert_eq!(lead.event_count, 2);
        assert_eq!(lead.events[0].event_type, "download");
        assert_eq!(lead.events[0].properties["value"], "3");
        assert_eq!(lead.events[1].properties["url"], "/pricing");
        let last_name = lead
            .fields
            .iter()
            .find(|f| f.field.key == "last_name")
            .unwrap();
        assert_eq!(last_name.value, Some(CellValue::Text("Müller".into())));
        assert!(matches!(
            detail(ws.conn(), 99),
            Err(Error::UnknownLead { id: 99 })
        ));
    }

    #[test]
    fn list_values_come_back_as_lists() {
        let value = CellValue::from_sql(FieldType::List, ValueRef::Text(br#"["react","rust"]"#));
        assert_eq!(
            value,
            Some(CellValue::List(vec!["react".into(), "rust".into()]))
        );
        assert_eq!(value.unwrap().to_plain_text(), "react;rust");
    }
}
