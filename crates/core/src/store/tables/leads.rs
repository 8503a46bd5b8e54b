//! The `leads` table: its counts and the one statement that inserts a whole
//! lead (every standard column, id included), used by the demo generator.

use rusqlite::{params, Connection, Statement, Transaction};

use crate::{Result, Workspace};

/// How many leads the workspace holds.
pub fn count(workspace: &Workspace) -> Result<u64> {
    count_on(workspace.conn())
}

/// For callers that still hold only a connection. TODO(merge): callers of
/// `leads::count(conn)` in streams/, segments/ and tests move to [`count`].
#[doc(hidden)]
pub fn count_on(conn: &Connection) -> Result<u64> {
    super::count_rows(conn, "leads")
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
                 lifecycle_stage, buying_stage, lead_source, entry_point, email_opt_in, do_not_email, score,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
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
            lead.score,
            lead.created_at,
            lead.updated_at,
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inserted_lead_is_counted() {
        let mut workspace = Workspace::in_memory().unwrap();
        assert_eq!(count(&workspace).unwrap(), 0);
        let tx = workspace.conn_mut().transaction().unwrap();
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
}
