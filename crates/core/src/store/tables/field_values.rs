//! The distinct values of one field with their lead counts, and the leads
//! holding each: what a normalisation previews and rewrites. Also the reads
//! of "mark not sendable": every lead's e-mail address and suppression flag,
//! and the leads with a hard bounce.

use rusqlite::Connection;

use crate::Result;

/// Where a text field's values are stored: a checked column of `leads`
/// (a key from the field catalogue) or a custom field's id.
#[derive(Debug, Clone, Copy)]
pub enum FieldSource<'a> {
    Column(&'a str),
    Custom(i64),
}

/// Every distinct non-empty text value of the field with how many leads
/// hold it, most common first.
pub fn value_counts(conn: &Connection, source: FieldSource<'_>) -> Result<Vec<(String, u64)>> {
    let rows = match source {
        FieldSource::Column(column) => conn
            .prepare(&format!(
                "SELECT \"{column}\", COUNT(*) FROM leads
                 WHERE typeof(\"{column}\") = 'text' AND trim(\"{column}\") <> ''
                 GROUP BY 1 ORDER BY 2 DESC, 1"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        FieldSource::Custom(field_id) => conn
            .prepare(
                "SELECT value, COUNT(*) FROM custom_values
                 WHERE field_id = ?1 AND typeof(value) = 'text' AND trim(value) <> ''
                 GROUP BY 1 ORDER BY 2 DESC, 1",
            )?
            .query_map([field_id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(rows)
}

/// Every lead's non-empty text value of the field, by lead id: one pass
/// that a normalisation matches against all its mappings at once.
pub fn lead_values(conn: &Connection, source: FieldSource<'_>) -> Result<Vec<(i64, String)>> {
    let rows = match source {
        FieldSource::Column(column) => conn
            .prepare(&format!(
                "SELECT id, \"{column}\" FROM leads
                 WHERE typeof(\"{column}\") = 'text' AND trim(\"{column}\") <> '' ORDER BY id"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        FieldSource::Custom(field_id) => conn
            .prepare(
                "SELECT lead_id, value FROM custom_values
                 WHERE field_id = ?1 AND typeof(value) = 'text' AND trim(value) <> ''
                 ORDER BY lead_id",
            )?
            .query_map([field_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(rows)
}

/// Every lead with a phone: id, phone and country, by id.
pub fn phones_and_countries(conn: &Connection) -> Result<Vec<(i64, String, Option<String>)>> {
    let rows = conn
        .prepare(
            "SELECT id, phone, country FROM leads
             WHERE typeof(phone) = 'text' AND trim(phone) <> '' ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every distinct (phone, country) pair of the leads with a phone, with how
/// many leads hold it: one phone text reads differently in each country.
pub fn phone_country_counts(conn: &Connection) -> Result<Vec<(String, Option<String>, u64)>> {
    let rows = conn
        .prepare(
            "SELECT phone, country, COUNT(*) FROM leads
             WHERE typeof(phone) = 'text' AND trim(phone) <> ''
             GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The leads whose phone is exactly `phone`, with their country, by id.
pub fn leads_with_phone(conn: &Connection, phone: &str) -> Result<Vec<(i64, Option<String>)>> {
    let rows = conn
        .prepare_cached("SELECT id, country FROM leads WHERE phone = ?1 ORDER BY id")?
        .query_map([phone], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A lead as a preview shows it: id, name and e-mail.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadLabel {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

/// The name and e-mail of each of `ids` that exists, by id.
pub fn lead_labels(conn: &Connection, ids: &[i64]) -> Result<Vec<LeadLabel>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), email
             FROM leads WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )?
        .query_map([serde_json::to_string(ids)?], |r| {
            Ok(LeadLabel {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A lead's address and whether it is already marked "do not email".
#[derive(Debug, Clone, PartialEq)]
pub struct Sendability {
    pub id: i64,
    pub email: Option<String>,
    pub do_not_email: bool,
}

/// Every lead's e-mail address and suppression flag, by id.
pub fn sendability(conn: &Connection) -> Result<Vec<Sendability>> {
    let rows = conn
        .prepare("SELECT id, email, coalesce(do_not_email, 0) FROM leads ORDER BY id")?
        .query_map([], |r| {
            Ok(Sendability {
                id: r.get(0)?,
                email: r.get(1)?,
                do_not_email: r.get::<_, i64>(2)? == 1,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    fn workspace() -> Workspace {
        let ws = Workspace::in_memory().unwrap();
        ws.conn()
            .execute_batch(
                "INSERT INTO leads (id, email, phone, country, created_at, updated_at, do_not_email)
                 VALUES (1, 'a@x.example', '415 555 2671', 'USA', 0, 0, NULL),
                        (2, 'b@x.example', '415 555 2671', 'UK', 0, 0, 1),
                        (3, NULL, NULL, 'USA', 0, 0, 0),
                        (4, 'd@x.example', ' ', '', 0, 0, 0);
                 INSERT INTO events (lead_id, type, occurred_at, properties)
                 VALUES (1, 'email_bounce', 0, '{\"bounce_type\":\"hard\"}'),
                        (2, 'email_bounce', 0, '{\"bounce_type\":\"soft\"}'),
                        (1, 'email_bounce', 1, '{\"bounce_type\":\"HARD\"}');",
            )
            .unwrap();
        ws
    }

    #[test]
    fn values_are_counted_and_found_exactly() {
        let ws = workspace();
        let counts = value_counts(ws.conn(), FieldSource::Column("country")).unwrap();
        assert_eq!(counts, vec![("USA".into(), 2), ("UK".into(), 1)]);
        let phones = phone_country_counts(ws.conn()).unwrap();
        assert_eq!(phones.len(), 2);
        assert_eq!(
            leads_with_phone(ws.conn(), "415 555 2671").unwrap().len(),
            2
        );
    }

    #[test]
    fn sendability_and_labels_are_read() {
        let ws = workspace();
        let leads = sendability(ws.conn()).unwrap();
        assert_eq!(leads.len(), 4);
        assert!(leads[1].do_not_email && !leads[0].do_not_email);
        let labels = lead_labels(ws.conn(), &[2, 1, 99]).unwrap();
        assert_eq!(labels.iter().map(|l| l.id).collect::<Vec<_>>(), vec![1, 2]);
    }
}
