//! Segment members for ad platforms: identifiers normalised and hashed with SHA-256 as each platform documents (issue 15).
//!
//! [`export_audience`] writes the members of a segment in the file layout
//! of Google Ads Customer Match, Meta custom audiences or LinkedIn matched
//! audiences, leaving out (and counting, by reason) the members without
//! consent to advertising, those marked "do not sell or share" (CCPA) and
//! those without an identifier the platform matches on. Normalisation and
//! hashing are in [`normalise`]; the layouts, rules and their sources are in
//! docs/decisions.md. [`export_audience_file`] writes a file whole or not at
//! all and notes the export in the audit log.

pub mod normalise;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::export::{cell_text, write_file_atomically, SafeCsvWriter};
use crate::leads::{self, CellValue};
use crate::segments::{self, RuleGroup};
use crate::store::tables::audit;
use crate::text::grouped;
use crate::{Error, Result, Workspace};

use normalise::{
    country_alpha2, email, meta_letters, meta_region, name_lowercase, phone_digits, phone_e164,
    sha256_hex,
};

/// An ad platform an audience is exported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum AudiencePlatform {
    /// Google Ads Customer Match.
    GoogleAds,
    /// Meta (Facebook, Instagram) custom audiences from a customer list.
    Meta,
    /// LinkedIn matched audiences (contact list).
    Linkedin,
}

impl AudiencePlatform {
    pub const ALL: [AudiencePlatform; 3] = [
        AudiencePlatform::GoogleAds,
        AudiencePlatform::Meta,
        AudiencePlatform::Linkedin,
    ];

    /// The name the CLI takes (`--for google-ads`).
    pub fn key(self) -> &'static str {
        match self {
            AudiencePlatform::GoogleAds => "google-ads",
            AudiencePlatform::Meta => "meta",
            AudiencePlatform::Linkedin => "linkedin",
        }
    }

    /// The platform's name for people.
    pub fn label(self) -> &'static str {
        match self {
            AudiencePlatform::GoogleAds => "Google Ads",
            AudiencePlatform::Meta => "Meta",
            AudiencePlatform::Linkedin => "LinkedIn",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The file's header, in the platform's documented order.
    pub fn header(self) -> &'static [&'static str] {
        match self {
            AudiencePlatform::GoogleAds => &[
                "Email",
                "Phone",
                "First Name",
                "Last Name",
                "Country",
                "Zip",
            ],
            AudiencePlatform::Meta => &["email", "phone", "fn", "ln", "ct", "st", "country"],
            AudiencePlatform::Linkedin => &[
                "email",
                "firstname",
                "lastname",
                "jobtitle",
                "employeecompany",
                "country",
            ],
        }
    }

    /// What a member needs for the platform to match them, in words.
    fn identifier_words(self) -> &'static str {
        match self {
            AudiencePlatform::Linkedin => "without e-mail (or name and company)",
            _ => "without e-mail or phone",
        }
    }
}

/// Why a member was left out of an audience. A member with several reasons
/// counts under the first: do not sell, no consent, no identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AudienceExclusion {
    /// `ads_opt_in` is not 1: no consent to advertising is recorded.
    NoAdsConsent,
    /// `do_not_sell` is 1: the person opted out of sale and sharing (CCPA).
    DoNotSell,
    /// Nothing the platform matches on (no valid e-mail or phone).
    NoIdentifier,
}

/// How many members were left out for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AudienceExclusionCount {
    pub reason: AudienceExclusion,
    #[ts(type = "number")]
    pub leads: u64,
}

/// What an audience export did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AudienceExportSummary {
    pub platform: AudiencePlatform,
    /// Members of the segment.
    #[ts(type = "number")]
    pub members: u64,
    /// Rows written.
    #[ts(type = "number")]
    pub written: u64,
    /// Members left out, by reason (only reasons that occur, in the order
    /// no consent, do not sell, no identifier).
    pub left_out: Vec<AudienceExclusionCount>,
    /// All of the above in one sentence, as the CLI and the app show it.
    pub message: String,
}

impl AudienceExportSummary {
    fn new(
        platform: AudiencePlatform,
        members: u64,
        written: u64,
        counts: &HashMap<AudienceExclusion, u64>,
    ) -> Self {
        let left_out: Vec<AudienceExclusionCount> = [
            AudienceExclusion::NoAdsConsent,
            AudienceExclusion::DoNotSell,
            AudienceExclusion::NoIdentifier,
        ]
        .into_iter()
        .filter_map(|reason| {
            let leads = counts.get(&reason).copied().unwrap_or(0);
            (leads > 0).then_some(AudienceExclusionCount { reason, leads })
        })
        .collect();
        let people = |n: u64| if n == 1 { "person" } else { "people" };
        let total: u64 = left_out.iter().map(|c| c.leads).sum();
        let reasons: Vec<String> = left_out
            .iter()
            .map(|c| {
                let n = grouped(c.leads);
                match c.reason {
                    AudienceExclusion::NoAdsConsent => format!("{n} without advertising consent"),
                    AudienceExclusion::DoNotSell => format!("{n} do not sell"),
                    AudienceExclusion::NoIdentifier => {
                        format!("{n} {}", platform.identifier_words())
                    }
                }
            })
            .collect();
        let mut message = format!(
            "Exported {} {} for {}",
            grouped(written),
            people(written),
            platform.label()
        );
        if total > 0 {
            message.push_str(&format!(
                "; left out {}: {}",
                grouped(total),
                reasons.join(", ")
            ));
        }
        message.push('.');
        AudienceExportSummary {
            platform,
            members,
            written,
            left_out,
            message,
        }
    }
}

/// The lead columns an audience reads, in this order.
const COLUMNS: [&str; 11] = [
    "email",
    "phone",
    "first_name",
    "last_name",
    "country",
    "region",
    "city",
    "company",
    "job_title",
    "ads_opt_in",
    "do_not_sell",
];

/// One member's cells, by [`COLUMNS`].
struct Member {
    cells: Vec<Option<CellValue>>,
}

impl Member {
    fn text(&self, index: usize) -> String {
        cell_text(&self.cells[index])
    }

    fn flag(&self, index: usize) -> Option<bool> {
        match self.cells[index] {
            Some(CellValue::Bool(value)) => Some(value),
            _ => None,
        }
    }

    /// Why the member may not be in an audience, if they may not.
    fn exclusion(&self) -> Option<AudienceExclusion> {
        if self.flag(10) == Some(true) {
            Some(AudienceExclusion::DoNotSell)
        } else if self.flag(9) != Some(true) {
            Some(AudienceExclusion::NoAdsConsent)
        } else {
            None
        }
    }
}

/// The row of one member in the platform's layout, or `None` when nothing
/// in it can be matched.
fn audience_row(platform: AudiencePlatform, member: &Member) -> Option<Vec<String>> {
    let hashed = |value: Option<String>| value.map(|v| sha256_hex(&v)).unwrap_or_default();
    let mail = email(&member.text(0));
    let country = country_alpha2(&member.text(4));
    let phone = phone_e164(&member.text(1), country);
    match platform {
        AudiencePlatform::GoogleAds => {
            if mail.is_none() && phone.is_none() {
                return None;
            }
            Some(vec![
                hashed(mail),
                hashed(phone),
                hashed(name_lowercase(&member.text(2))),
                hashed(name_lowercase(&member.text(3))),
                country.unwrap_or_default().to_owned(),
                String::new(),
            ])
        }
        AudiencePlatform::Meta => {
            if mail.is_none() && phone.is_none() {
                return None;
            }
            Some(vec![
                hashed(mail),
                hashed(phone.map(|p| phone_digits(&p))),
                hashed(meta_letters(&member.text(2))),
                hashed(meta_letters(&member.text(3))),
                hashed(meta_letters(&member.text(6))),
                hashed(meta_region(&member.text(5), country)),
                hashed(country.map(str::to_lowercase)),
            ])
        }
        AudiencePlatform::Linkedin => {
            let first = member.text(2).trim().to_owned();
            let last = member.text(3).trim().to_owned();
            let company = member.text(7).trim().to_owned();
            let named = !first.is_empty() && !last.is_empty() && !company.is_empty();
            if mail.is_none() && !named {
                return None;
            }
            Some(vec![
                hashed(mail),
                first,
                last,
                member.text(8).trim().to_owned(),
                company,
                country.unwrap_or_default().to_owned(),
            ])
        }
    }
}

/// Writes the members of `rules` (as of `as_of`) that may be used for
/// advertising, in `platform`'s CSV layout, to `out`.
pub fn export_audience(
    workspace: &Workspace,
    rules: &RuleGroup,
    as_of: i64,
    platform: AudiencePlatform,
    out: impl Write,
) -> Result<AudienceExportSummary> {
    let conn = workspace.conn();
    let ids = segments::members(workspace, rules, as_of, 0, usize::MAX)?;
    let columns: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let mut writer = SafeCsvWriter::new(out);
    writer.write_row(platform.header())?;
    let mut left_out: HashMap<AudienceExclusion, u64> = HashMap::new();
    let mut written = 0u64;
    for chunk in ids.chunks(500) {
        for row in leads::rows_by_ids(conn, chunk, &columns)? {
            let member = Member { cells: row.cells };
            let reason = member.exclusion();
            let cells = match reason {
                Some(_) => None,
                None => audience_row(platform, &member),
            };
            match cells {
                Some(cells) => {
                    writer.write_row(&cells)?;
                    written += 1;
                }
                None => {
                    *left_out
                        .entry(reason.unwrap_or(AudienceExclusion::NoIdentifier))
                        .or_default() += 1;
                }
            }
        }
    }
    writer.finish()?;
    Ok(AudienceExportSummary::new(
        platform,
        ids.len() as u64,
        written,
        &left_out,
    ))
}

/// Writes an audience to `path` whole or not at all ([`export_audience`]),
/// then notes `export` in the audit log: what ("audience meta of segment
/// …", from `segment_label`), how many rows, to which file.
pub fn export_audience_file(
    workspace: &mut Workspace,
    rules: &RuleGroup,
    as_of: i64,
    platform: AudiencePlatform,
    path: &Path,
    segment_label: &str,
) -> Result<AudienceExportSummary> {
    if path.as_os_str().is_empty() {
        return Err(Error::InvalidArgument(
            "audience export: no file to write to".into(),
        ));
    }
    let summary = write_file_atomically(path, |out| {
        export_audience(workspace, rules, as_of, platform, out)
    })?;
    note_export(
        workspace,
        platform,
        segment_label,
        summary.written,
        &path.display().to_string(),
    )?;
    Ok(summary)
}

/// Notes an audience export in the audit log (no person in it: counts and
/// the file).
pub fn note_export(
    workspace: &mut Workspace,
    platform: AudiencePlatform,
    segment_label: &str,
    rows: u64,
    file: &str,
) -> Result<()> {
    let tx = workspace
        .conn_mut_for_settings_and_audit()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    audit::record(
        &tx,
        "export",
        &serde_json::json!({
            "what": format!("audience {} of {segment_label}", platform.key()),
            "rows": rows,
            "file": file,
        }),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests;
