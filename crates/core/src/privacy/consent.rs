//! Consent per lead and channel, kept as history (issue 15).
//!
//! Every statement ("granted e-mail consent on the phone, lawful basis
//! consent") is one row of `consent_events`; the leads' `email_opt_in` and
//! `ads_opt_in` columns stay the current status that segments, the planner
//! and the exports read, and [`record`] sets them in the same transaction.
//! [`overview`] counts leads per channel by the status of their latest
//! statement, with the leads that have a status but no statement in buckets
//! of their own (what an auditor asks about first).

use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::tables::{audit, consent as table};
use crate::{Error, Result, Workspace};

/// A channel that consent is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConsentChannel {
    Email,
    Ads,
}

impl ConsentChannel {
    pub const ALL: [ConsentChannel; 2] = [ConsentChannel::Email, ConsentChannel::Ads];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentChannel::Email => "email",
            ConsentChannel::Ads => "ads",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// What a statement says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConsentStatus {
    Granted,
    Denied,
    Withdrawn,
}

impl ConsentStatus {
    pub const ALL: [ConsentStatus; 3] = [
        ConsentStatus::Granted,
        ConsentStatus::Denied,
        ConsentStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentStatus::Granted => "granted",
            ConsentStatus::Denied => "denied",
            ConsentStatus::Withdrawn => "withdrawn",
        }
    }

    /// The value of the status column after this statement.
    pub fn grants(self) -> bool {
        self == ConsentStatus::Granted
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// GDPR's six lawful bases for processing (Art. 6(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LawfulBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LawfulBasis {
    pub const ALL: [LawfulBasis; 6] = [
        LawfulBasis::Consent,
        LawfulBasis::Contract,
        LawfulBasis::LegalObligation,
        LawfulBasis::VitalInterests,
        LawfulBasis::PublicTask,
        LawfulBasis::LegitimateInterests,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal_obligation",
            LawfulBasis::VitalInterests => "vital_interests",
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::LegitimateInterests => "legitimate_interests",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == text)
    }

    /// Reads a CRM's wording of a lawful basis: HubSpot's "Legal basis for
    /// processing contact's data" values ("Freely given consent from
    /// contact", "Legitimate interest – prospect/lead", "Performance of a
    /// contract", "Not applicable") and the plain names.
    pub fn from_crm_text(text: &str) -> Option<Self> {
        let folded = text.trim().to_lowercase();
        if folded.is_empty() || folded.contains("not applicable") {
            return None;
        }
        if let Some(basis) = Self::parse(&folded.replace([' ', '-'], "_")) {
            return Some(basis);
        }
        [
            ("legitimate", LawfulBasis::LegitimateInterests),
            ("contract", LawfulBasis::Contract),
            ("consent", LawfulBasis::Consent),
            ("legal obligation", LawfulBasis::LegalObligation),
            ("vital", LawfulBasis::VitalInterests),
            ("public", LawfulBasis::PublicTask),
        ]
        .into_iter()
        .find(|(word, _)| folded.contains(word))
        .map(|(_, basis)| basis)
    }
}

/// A statement to record for one lead.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsentStatement {
    pub channel: ConsentChannel,
    pub status: ConsentStatus,
    pub lawful_basis: Option<LawfulBasis>,
    /// Where the statement was given ("Phone call", "Web form").
    pub source: String,
    /// When it was given (seconds since the epoch); now when absent.
    #[ts(type = "number | null")]
    pub recorded_at: Option<i64>,
}

/// One statement of a lead's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsentEvent {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub lead_id: i64,
    pub channel: ConsentChannel,
    pub status: ConsentStatus,
    pub lawful_basis: Option<LawfulBasis>,
    pub source: String,
    #[ts(type = "number")]
    pub recorded_at: i64,
    /// The import that brought the statement, if one did.
    #[ts(type = "number | null")]
    pub import_id: Option<i64>,
}

/// The longest source kept, in characters.
const MAX_SOURCE_CHARS: usize = 200;

/// Records a statement for `lead_id`: writes the row, sets the channel's
/// status column (granted → 1, denied or withdrawn → 0) and notes
/// `consent` in the audit log (lead id, channel, status: no address), all
/// in one transaction. The caller runs `after_data_change` afterwards.
/// What the workspace derived from the data and does not read the status
/// column or `updated_at` (the segment index's other parts and the index in
/// memory, the quick search's keys) stays.
pub fn record(
    workspace: &mut Workspace,
    lead_id: i64,
    statement: &ConsentStatement,
) -> Result<ConsentEvent> {
    let source = statement.source.trim();
    if source.is_empty() {
        return Err(Error::InvalidArgument(
            "consent: say where the statement was given (its source)".into(),
        ));
    }
    if source.chars().count() > MAX_SOURCE_CHARS {
        return Err(Error::InvalidArgument(format!(
            "consent: the source is longer than {MAX_SOURCE_CHARS} characters"
        )));
    }
    // The statement's row, the channel's status column and `updated_at`
    // are all it writes, so what was derived from anything else stays.
    let changed: Vec<&str> = table::status_column(statement.channel.as_str())
        .into_iter()
        .chain(["updated_at"])
        .collect();
    crate::segments::writing_fields(workspace, &changed, |conn| {
        write_statement(conn, lead_id, statement, source)
    })
}

/// [`record`]'s transaction, on the connection `conn`.
fn write_statement(
    conn: &mut Connection,
    lead_id: i64,
    statement: &ConsentStatement,
    source: &str,
) -> Result<ConsentEvent> {
    let recorded_at = statement.recorded_at.unwrap_or_else(crate::time::now);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if !table::lead_exists(&tx, lead_id)? {
        return Err(Error::UnknownLead { id: lead_id });
    }
    let row = table::NewConsentRow {
        lead_id,
        channel: statement.channel.as_str(),
        status: statement.status.as_str(),
        lawful_basis: statement.lawful_basis.map(LawfulBasis::as_str),
        source,
        recorded_at,
        import_id: None,
    };
    let id = table::insert(&tx, &row)?;
    table::set_status_column(
        &tx,
        lead_id,
        statement.channel.as_str(),
        statement.status.grants(),
    )?;
    audit::record(
        &tx,
        "consent",
        &serde_json::json!({
            "lead_id": lead_id,
            "channel": statement.channel.as_str(),
            "status": statement.status.as_str(),
        }),
    )?;
    tx.commit()?;
    Ok(ConsentEvent {
        id,
        lead_id,
        channel: statement.channel,
        status: statement.status,
        lawful_basis: statement.lawful_basis,
        source: source.to_owned(),
        recorded_at,
        import_id: None,
    })
}

/// A lead's consent statements, newest first.
pub fn history(workspace: &Workspace, lead_id: i64) -> Result<Vec<ConsentEvent>> {
    if !table::lead_exists(workspace.conn(), lead_id)? {
        return Err(Error::UnknownLead { id: lead_id });
    }
    table::for_lead(workspace.conn(), lead_id)?
        .into_iter()
        .map(|row| {
            let bad = |what: &str, value: &str| {
                Error::InvalidArgument(format!(
                    "consent_events row {}: unknown {what} “{value}”",
                    row.id
                ))
            };
            Ok(ConsentEvent {
                id: row.id,
                lead_id: row.lead_id,
                channel: ConsentChannel::parse(&row.channel)
                    .ok_or_else(|| bad("channel", &row.channel))?,
                status: ConsentStatus::parse(&row.status)
                    .ok_or_else(|| bad("status", &row.status))?,
                lawful_basis: row.lawful_basis.as_deref().and_then(LawfulBasis::parse),
                source: row.source.clone(),
                recorded_at: row.recorded_at,
                import_id: row.import_id,
            })
        })
        .collect()
}

/// Where a lead stands on a channel, for the overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConsentBucket {
    /// The latest statement grants consent.
    Granted,
    /// The latest statement denies it.
    Denied,
    /// The latest statement withdraws it.
    Withdrawn,
    /// Opted in (the status column is 1) without any recorded statement:
    /// typically imported before consent was kept as history.
    OptInWithoutRecord,
    /// Opted out (the column is 0) without any recorded statement.
    OptOutWithoutRecord,
    /// No statement and no status: never asked.
    NeverAsked,
}

impl ConsentBucket {
    pub const ALL: [ConsentBucket; 6] = [
        ConsentBucket::Granted,
        ConsentBucket::Denied,
        ConsentBucket::Withdrawn,
        ConsentBucket::OptInWithoutRecord,
        ConsentBucket::OptOutWithoutRecord,
        ConsentBucket::NeverAsked,
    ];

    fn from_table(text: &str) -> Option<Self> {
        Some(match text {
            "granted" => ConsentBucket::Granted,
            "denied" => ConsentBucket::Denied,
            "withdrawn" => ConsentBucket::Withdrawn,
            "unrecorded_opt_in" => ConsentBucket::OptInWithoutRecord,
            "unrecorded_opt_out" => ConsentBucket::OptOutWithoutRecord,
            "never_asked" => ConsentBucket::NeverAsked,
            _ => return None,
        })
    }
}

/// How many leads are in one bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsentBucketCount {
    pub bucket: ConsentBucket,
    #[ts(type = "number")]
    pub leads: u64,
}

/// How many leads' latest statement has one lawful basis (`None`: no basis
/// recorded on a statement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LawfulBasisCount {
    pub lawful_basis: Option<LawfulBasis>,
    #[ts(type = "number")]
    pub leads: u64,
}

/// One channel of the overview: every lead counted once in `buckets`; the
/// leads with a statement counted once in `by_lawful_basis`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChannelConsentOverview {
    pub channel: ConsentChannel,
    /// All six buckets, in order, zeros included.
    pub buckets: Vec<ConsentBucketCount>,
    /// Only the bases that occur, most leads first.
    pub by_lawful_basis: Vec<LawfulBasisCount>,
}

/// The consent overview of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsentOverview {
    #[ts(type = "number")]
    pub total_leads: u64,
    pub channels: Vec<ChannelConsentOverview>,
    /// Opted in to e-mail and not marked "do not email".
    #[ts(type = "number")]
    pub emailable: u64,
    /// Consent to advertising and not marked "do not sell or share".
    #[ts(type = "number")]
    pub ad_eligible: u64,
}

/// Counts, per channel, the leads by the status of their latest statement
/// (or by the status column when they have none) and by lawful basis, and
/// how many leads may be e-mailed and used for advertising.
pub fn overview(workspace: &Workspace) -> Result<ConsentOverview> {
    let conn = workspace.conn();
    let mut channels = Vec::new();
    let mut total_leads = 0;
    for channel in ConsentChannel::ALL {
        let counts = table::bucket_counts(conn, channel.as_str())?;
        let mut buckets: Vec<ConsentBucketCount> = ConsentBucket::ALL
            .into_iter()
            .map(|bucket| ConsentBucketCount { bucket, leads: 0 })
            .collect();
        let mut by_basis: Vec<LawfulBasisCount> = Vec::new();
        for count in &counts {
            let bucket = ConsentBucket::from_table(&count.bucket).ok_or_else(|| {
                Error::InvalidArgument(format!("consent overview: bucket “{}”", count.bucket))
            })?;
            if let Some(entry) = buckets.iter_mut().find(|b| b.bucket == bucket) {
                entry.leads += count.leads;
            }
            let recorded = matches!(
                bucket,
                ConsentBucket::Granted | ConsentBucket::Denied | ConsentBucket::Withdrawn
            );
            if recorded {
                let basis = count.lawful_basis.as_deref().and_then(LawfulBasis::parse);
                match by_basis.iter_mut().find(|b| b.lawful_basis == basis) {
                    Some(entry) => entry.leads += count.leads,
                    None => by_basis.push(LawfulBasisCount {
                        lawful_basis: basis,
                        leads: count.leads,
                    }),
                }
            }
        }
        by_basis.sort_by_key(|b| std::cmp::Reverse(b.leads));
        total_leads = buckets.iter().map(|b| b.leads).sum();
        channels.push(ChannelConsentOverview {
            channel,
            buckets,
            by_lawful_basis: by_basis,
        });
    }
    let (emailable, ad_eligible) = table::eligible_counts(conn)?;
    Ok(ConsentOverview {
        total_leads,
        channels,
        emailable,
        ad_eligible,
    })
}

#[cfg(test)]
mod tests;
