//! Segments: the rule format ([`rules`]), validation into typed conditions
//! (`compile`), the fast columnar evaluator (`index`), the one-lead reference
//! evaluator that explains membership (`reference`), saved segments
//! ([`saved`]), built-in templates ([`templates`]) and hierarchies of
//! segments ([`hierarchies`]). The functions here are
//! what the CLI and the app call. Semantics: `docs/segment-rules.md`.

pub(crate) mod compile;
pub(crate) mod engine;
pub mod hierarchies;
pub(crate) mod index;
pub mod operators;
mod reference;
pub(crate) use reference::{describe_behaviour, describe_operator};
pub mod rules;
pub mod saved;
pub mod templates;
pub mod values;

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use compile::{operators_for, PROPERTY_OPERATORS};
pub use reference::{ExplainNode, Explanation};
pub use rules::{BehaviourValue, Combinator, RelativeSpan, Rule, RuleGroup, RuleNode, SpanUnit};

use crate::export::{
    cell_text, consent_problem, ConsentPolicy, ConsentReason, ExportFormat, JsonArrayWriter,
    MemberExportSummary, SafeCsvWriter,
};
use crate::fields::{self, FieldType};
use crate::leads::{self, CellValue, LeadRow};
use crate::{Error, Result, Workspace};
use index::LeadIndex;

/// Runs `work` with the workspace's segment index, rebuilding it first if
/// the data changed since it was built. The index lives in the workspace's
/// derived-data slot, which the store keeps without knowing its type.
pub(crate) fn with_index<T>(
    workspace: &Workspace,
    work: impl FnOnce(&mut LeadIndex) -> Result<T>,
) -> Result<T> {
    let stamp = workspace.data_stamp()?;
    let mut slot = crate::store::lock_slot(workspace.derived_slot());
    if let Some(index) = slot
        .as_mut()
        .and_then(|derived| derived.downcast_mut::<LeadIndex>())
        .filter(|index| index.stamp == stamp)
    {
        index.reader = workspace.reader();
        return work(index);
    }
    *slot = None;
    let mut index = LeadIndex::load(workspace.conn(), stamp)?;
    index.reader = workspace.reader();
    // What an events import just wrote, for its first scan of every event;
    // not kept past this use (a record at 10M events holds 160 MB).
    index.appended_events = workspace.take_appended_events();
    let result = work(&mut index);
    index.appended_events = None;
    *slot = Some(Box::new(index));
    result
}

/// Runs `write`, a change of the fields `changed` and of nothing else the
/// segment index reads, and keeps the index built before it: the columns of
/// `changed` are dropped and it is stamped for the data after the write. So
/// what follows a score write (the segment history after an import, the
/// first counts of a new day) counts with the events and columns already in
/// memory instead of loading them again. The index is kept only when the
/// write was the one change in between: this workspace took the write
/// connection exactly once and no other connection committed.
pub(crate) fn keeping_index_across<T>(
    workspace: &mut Workspace,
    changed: &[&str],
    write: impl FnOnce(&mut Workspace) -> Result<T>,
) -> Result<T> {
    let before = workspace.data_stamp()?;
    let kept = crate::store::lock_slot(workspace.derived_slot())
        .take()
        .and_then(|derived| derived.downcast::<LeadIndex>().ok())
        .filter(|index| index.stamp == before);
    let written = write(workspace)?;
    if let (Some(mut index), Ok(after)) = (kept, workspace.data_stamp()) {
        if after == (before.0 + 1, before.1) {
            index.carry_over(workspace.conn(), after, changed);
            let mut slot = crate::store::lock_slot(workspace.derived_slot());
            if slot.is_none() {
                *slot = Some(index);
            }
        }
    }
    Ok(written)
}

/// Whether `part` of the derived cache stays true after a write that
/// changes the fields `changed` of existing leads and nothing else a part
/// reads (a score write, a data-quality fix): the segment index's other
/// parts, and the quick search's keys unless `changed` holds one of the
/// columns they are built from. An allow-list: a part no layer names here
/// (the field completeness, a later version's) is not kept.
pub(crate) fn part_survives_a_write_of(part: &str, changed: &[&str]) -> bool {
    index::part_reads_none_of(part, changed) || leads::search_keys_read_none_of(part, changed)
}

/// Runs `write`, a change of the fields `changed` of existing leads and of
/// nothing else a derived part reads (a data-quality fix, its undo, a
/// consent statement), on the workspace's connection: the derived parts that
/// read none of those fields stay in the file ([`part_survives_a_write_of`])
/// and the index in memory is carried over without their columns
/// ([`keeping_index_across`]). The one list of fields serves both.
pub(crate) fn writing_fields<T>(
    workspace: &mut Workspace,
    changed: &[&str],
    write: impl FnOnce(&mut rusqlite::Connection) -> Result<T>,
) -> Result<T> {
    keeping_index_across(workspace, changed, |workspace| {
        write(workspace.conn_mut_keeping(|part| part_survives_a_write_of(part, changed))?)
    })
}

/// Evaluates `rules` to the set of matching rows, with the index.
fn evaluate<T>(
    workspace: &Workspace,
    rules: &RuleGroup,
    as_of: i64,
    work: impl FnOnce(&LeadIndex, index::Bitset) -> T,
) -> Result<T> {
    let condition = compile::compile(workspace.conn(), rules)?;
    with_index(workspace, |index| {
        index.prepare(workspace.conn(), &condition)?;
        let members = index.evaluate(&condition, as_of);
        Ok(work(index, members))
    })
}

/// Counts every saved segment: each compiled from its own rules, so one
/// that cannot be (a chain of references too deep, a field since deleted)
/// gets its error and the others still count.
pub(crate) fn count_saved(
    workspace: &Workspace,
    segments: &[saved::Segment],
    as_of: i64,
) -> Result<Vec<std::result::Result<u64, Error>>> {
    let compiled: Vec<Result<compile::Condition>> = segments
        .iter()
        .map(|segment| compile::compile_segment(workspace.conn(), segment.id, &segment.rules))
        .collect();
    let conditions: Vec<&compile::Condition> =
        compiled.iter().filter_map(|c| c.as_ref().ok()).collect();
    let mut counts = count_compiled(workspace, &conditions, as_of)?.into_iter();
    Ok(compiled
        .into_iter()
        .map(|condition| {
            condition.and_then(|_| {
                // One count per compiled condition, in order.
                counts.next().ok_or_else(|| {
                    Error::InvalidArgument("a segment count went missing".to_owned())
                })
            })
        })
        .collect())
}

/// Checks rules against the workspace without evaluating them.
pub fn validate(workspace: &Workspace, rules: &RuleGroup) -> Result<()> {
    compile::compile(workspace.conn(), rules).map(|_| ())
}

/// How many leads match `rules` as of `as_of` (seconds since the epoch).
pub fn count(workspace: &Workspace, rules: &RuleGroup, as_of: i64) -> Result<u64> {
    evaluate(workspace, rules, as_of, |_, members| members.count())
}

/// Counts several rule trees at once, loading every field they need in one
/// pass first (a segment list at a million leads).
pub fn count_many(workspace: &Workspace, rule_sets: &[&RuleGroup], as_of: i64) -> Result<Vec<u64>> {
    let conditions: Vec<compile::Condition> = rule_sets
        .iter()
        .map(|rules| compile::compile(workspace.conn(), rules))
        .collect::<Result<_>>()?;
    count_compiled(workspace, &conditions.iter().collect::<Vec<_>>(), as_of)
}

/// Counts compiled conditions, loading every field they need in one pass.
fn count_compiled(
    workspace: &Workspace,
    conditions: &[&compile::Condition],
    as_of: i64,
) -> Result<Vec<u64>> {
    with_index(workspace, |index| {
        let mut fields = Vec::new();
        for condition in conditions {
            index::fields_of(condition, &mut fields);
        }
        index.load_fields(workspace.conn(), &fields)?;
        conditions
            .iter()
            .map(|condition| {
                index.prepare(workspace.conn(), condition)?;
                Ok(index.evaluate(condition, as_of).count())
            })
            .collect()
    })
}

/// Evaluates several rule trees as of `as_of` and hands their member sets,
/// in order, to `work` with the index they came from (for lead ids and
/// events): what overlaps, coverage and performance are computed from.
pub(crate) fn with_member_sets<T>(
    workspace: &Workspace,
    rule_sets: &[&RuleGroup],
    as_of: i64,
    work: impl FnOnce(&mut LeadIndex, Vec<index::Bitset>) -> Result<T>,
) -> Result<T> {
    let conditions: Vec<compile::Condition> = rule_sets
        .iter()
        .map(|rules| compile::compile(workspace.conn(), rules))
        .collect::<Result<_>>()?;
    with_index(workspace, |index| {
        let mut fields = Vec::new();
        for condition in &conditions {
            index::fields_of(condition, &mut fields);
        }
        index.load_fields(workspace.conn(), &fields)?;
        for condition in &conditions {
            index.prepare(workspace.conn(), condition)?;
        }
        let sets = evaluate_in_parallel(index, &conditions, as_of);
        work(index, sets)
    })
}

/// Evaluates prepared conditions on the available cores (scoped threads
/// over the shared, read-only index), in order.
pub(crate) fn evaluate_in_parallel(
    index: &LeadIndex,
    conditions: &[compile::Condition],
    as_of: i64,
) -> Vec<index::Bitset> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(conditions.len())
        .max(1);
    if threads == 1 {
        return conditions
            .iter()
            .map(|c| index.evaluate(c, as_of))
            .collect();
    }
    let chunk = conditions.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = conditions
            .chunks(chunk)
            .map(|part| {
                let worker = scope.spawn(move || {
                    part.iter()
                        .map(|c| index.evaluate(c, as_of))
                        .collect::<Vec<_>>()
                });
                (part, worker)
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|(part, worker)| {
                // A worker only fails if evaluation panics: evaluating the
                // part here again then panics as a sequential run would.
                worker
                    .join()
                    .unwrap_or_else(|_| part.iter().map(|c| index.evaluate(c, as_of)).collect())
            })
            .collect()
    })
}

/// The ids of matching leads, ascending, from `offset`, at most `limit`.
pub fn members(
    workspace: &Workspace,
    rules: &RuleGroup,
    as_of: i64,
    offset: usize,
    limit: usize,
) -> Result<Vec<i64>> {
    evaluate(workspace, rules, as_of, |index, members| {
        members
            .ones()
            .skip(offset)
            .take(limit)
            .map(|row| index.lead_id(row))
            .collect()
    })
}

/// What the builder shows while the user edits: the exact count, the share
/// of all leads, and the first matching leads.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SegmentPreview {
    #[ts(type = "number")]
    pub count: u64,
    #[ts(type = "number")]
    pub total: u64,
    pub sample: Vec<LeadRow>,
    /// How long the count took, in milliseconds.
    pub elapsed_ms: f64,
}

/// The largest sample a preview returns.
pub const MAX_SAMPLE: usize = 200;

/// Counts `rules` and fetches a sample of members with `columns`.
pub fn preview(
    workspace: &Workspace,
    rules: &RuleGroup,
    as_of: i64,
    columns: &[String],
    sample: usize,
) -> Result<SegmentPreview> {
    let started = Instant::now();
    let (count, total, ids) = evaluate(workspace, rules, as_of, |index, members| {
        let ids: Vec<i64> = members
            .ones()
            .take(sample.min(MAX_SAMPLE))
            .map(|row| index.lead_id(row))
            .collect();
        (members.count(), index.len() as u64, ids)
    })?;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(SegmentPreview {
        count,
        total,
        sample: leads::rows_by_ids(workspace.conn(), &ids, columns)?,
        elapsed_ms,
    })
}

/// Why lead `lead_id` is in or out of the segment, rule by rule.
pub fn explain(
    workspace: &Workspace,
    rules: &RuleGroup,
    lead_id: i64,
    as_of: i64,
) -> Result<Explanation> {
    compile::compile(workspace.conn(), rules)?;
    let lead = reference::load_lead(workspace.conn(), lead_id)?;
    reference::Reference::new(workspace.conn(), as_of)?.explain(rules, &lead)
}

/// The consent fields an export for an email tool reads, after the chosen ones.
const CONSENT_KEYS: [&str; 2] = ["do_not_email", "email_opt_in"];

/// Writes the matching leads with the chosen fields (by key), for an email
/// tool, and says what it did. CSV has one header row of field labels
/// (`Email`, `First name`, ...), which HubSpot and Mailchimp map on import;
/// cells are safe against formula injection. JSON is an array of objects
/// keyed by field key, with `id`. With [`ConsentPolicy::EmailableOnly`]
/// members marked "do not email" or without an email opt-in are left out;
/// the summary counts them by reason either way. Fields and rules are
/// checked before anything is written.
pub fn export_members(
    workspace: &Workspace,
    rules: &RuleGroup,
    as_of: i64,
    field_keys: &[String],
    format: ExportFormat,
    consent: ConsentPolicy,
    out: impl Write,
) -> Result<MemberExportSummary> {
    let conn = workspace.conn();
    let catalogue = fields::list(conn)?;
    let chosen: Vec<&fields::Field> = field_keys
        .iter()
        .map(|key| {
            catalogue
                .iter()
                .find(|f| &f.key == key)
                .ok_or_else(|| Error::UnknownField { key: key.clone() })
        })
        .collect::<Result<_>>()?;
    let ids = members(workspace, rules, as_of, 0, usize::MAX)?;
    let mut columns = field_keys.to_vec();
    columns.extend(CONSENT_KEYS.map(str::to_owned));
    let mut unconsented: HashMap<ConsentReason, u64> = HashMap::new();
    // Calls `write` with each member the consent policy lets through (its
    // chosen cells only), counting the members that may not be emailed.
    let mut for_each_member =
        |mut write: Box<dyn FnMut(LeadRow) -> Result<()> + '_>| -> Result<u64> {
            let mut written = 0u64;
            for chunk in ids.chunks(500) {
                for mut row in leads::rows_by_ids(conn, chunk, &columns)? {
                    let consent_cells = row.cells.split_off(field_keys.len());
                    let flag = |index: usize| match consent_cells[index] {
                        Some(CellValue::Bool(value)) => Some(value),
                        _ => None,
                    };
                    if let Some(reason) = consent_problem(flag(0), flag(1)) {
                        *unconsented.entry(reason).or_default() += 1;
                        if consent == ConsentPolicy::EmailableOnly {
                            continue;
                        }
                    }
                    write(row)?;
                    written += 1;
                }
            }
            Ok(written)
        };
    let written = match format {
        ExportFormat::Csv => {
            let mut writer = SafeCsvWriter::new(out);
            writer.write_row(chosen.iter().map(|f| f.label.as_str()))?;
            let written = for_each_member(Box::new(|row| {
                writer.write_row(row.cells.iter().map(cell_text))
            }))?;
            writer.finish()?;
            written
        }
        ExportFormat::Json => {
            let mut array = JsonArrayWriter::new(out)?;
            let written = for_each_member(Box::new(|row| {
                let mut object = serde_json::Map::new();
                object.insert("id".into(), row.id.into());
                for (field, cell) in chosen.iter().zip(row.cells) {
                    object.insert(field.key.clone(), serde_json::to_value(cell)?);
                }
                array.push(&object)
            }))?;
            array.finish()?;
            written
        }
    };
    let count = |reason| unconsented.get(&reason).copied().unwrap_or(0);
    Ok(MemberExportSummary::new(
        ids.len() as u64,
        written,
        consent,
        count(ConsentReason::DoNotEmail),
        count(ConsentReason::NoEmailOptIn),
    ))
}

/// A value seen in a field, with how many leads have it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ValueCount {
    pub value: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// The most common values of a text or list field, for the builder's
/// multi-select; empty when the field has more than `limit` distinct values
/// (it is not enum-like) or is not text.
pub fn field_values(workspace: &Workspace, key: &str, limit: usize) -> Result<Vec<ValueCount>> {
    let field = fields::list(workspace.conn())?
        .into_iter()
        .find(|f| f.key == key)
        .ok_or_else(|| Error::UnknownField {
            key: key.to_owned(),
        })?;
    if !matches!(field.field_type, FieldType::Text | FieldType::List) {
        return Ok(Vec::new());
    }
    let probe = RuleGroup::from_value(&serde_json::json!({
        "combinator": "and",
        "rules": [{"field": key, "operator": "null", "value": null}]
    }))?;
    let condition = compile::compile(workspace.conn(), &probe)?;
    with_index(workspace, |index| {
        index.prepare(workspace.conn(), &condition)?;
        Ok(index
            .value_counts(key, limit)
            .unwrap_or_default()
            .into_iter()
            .map(|(value, count)| ValueCount { value, count })
            .collect())
    })
}

/// An event type in the workspace, with its number of events and the
/// property names seen on a sample of them.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EventTypeSummary {
    pub event_type: String,
    #[ts(type = "number")]
    pub count: u64,
    pub properties: Vec<String>,
}

/// Every event type with its count, most common first, for the behaviour
/// rule editor.
pub fn event_types(workspace: &Workspace) -> Result<Vec<EventTypeSummary>> {
    let conn = workspace.conn();
    let (counts, keys) = with_index(workspace, |index| {
        let counts = index.event_type_counts(conn)?;
        let keys = index.event_property_keys(conn, &counts)?;
        Ok((counts, keys))
    })?;
    Ok(counts
        .into_iter()
        .zip(keys)
        .map(|((event_type, _, count), properties)| EventTypeSummary {
            event_type,
            count,
            properties,
        })
        .collect())
}

/// The known values of property `property` on events of type `event_type`
/// (the behaviour editor's type, as [`event_types`] names it), most frequent
/// first, at most `limit`, from a bounded sample of those events: what the
/// property value box suggests. Empty for an unknown type or property.
pub fn event_property_values(
    workspace: &Workspace,
    event_type: &str,
    property: &str,
    limit: u32,
) -> Result<Vec<ValueCount>> {
    let property = property.trim();
    if property.is_empty() {
        return Ok(Vec::new());
    }
    let conn = workspace.conn();
    let counts = with_index(workspace, |index| index.event_type_counts(conn))?;
    let wanted = crate::text::fold_key(event_type);
    let raw_types: Vec<String> = counts
        .into_iter()
        .filter(|(key, _, _)| *key == event_type || crate::text::fold_key(key) == wanted)
        .flat_map(|(_, raw, _)| raw)
        .collect();
    Ok(
        crate::store::tables::events::property_values(workspace, &raw_types, property, limit)?
            .into_iter()
            .map(|(value, count)| ValueCount { value, count })
            .collect(),
    )
}

/// Reads pasted or imported rule JSON and checks it as a save would: the
/// rules, or the first problem with the rule it is in (its path) in plain
/// words, such as "not valid JSON" with the line and column.
pub fn parse_rules_json(workspace: &Workspace, text: &str) -> Result<RuleGroup> {
    let rules = RuleGroup::from_json(text)?;
    validate(workspace, &rules)?;
    Ok(rules)
}

/// The operators a field type accepts, as the builder offers them.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OperatorSet {
    pub field_type: FieldType,
    pub operators: Vec<String>,
}

/// The operators of every field type (behaviour rules take `performed` and
/// `notPerformed`; membership rules `in` and `notIn`).
pub fn operator_sets() -> Vec<OperatorSet> {
    [
        FieldType::Text,
        FieldType::Number,
        FieldType::Date,
        FieldType::Boolean,
        FieldType::List,
    ]
    .into_iter()
    .map(|field_type| OperatorSet {
        field_type,
        operators: operators_for(field_type)
            .iter()
            .map(|op| (*op).to_owned())
            .collect(),
    })
    .collect()
}

/// The as-of instant of a segment command: `text` read by [`parse_as_of`],
/// or now when it is absent or blank.
pub fn as_of_or_now(text: Option<&str>) -> Result<i64> {
    match text.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => parse_as_of(text),
        None => Ok(crate::time::now()),
    }
}

/// Reads an as-of instant: a date (`2026-11-25`, 00:00 UTC) or an ISO 8601
/// date-time. The one as-of parser of the core, the CLI and the shell.
pub fn parse_as_of(text: &str) -> Result<i64> {
    values::parse_instant(text).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "`{text}` is not an as-of date: use YYYY-MM-DD or an ISO 8601 date-time"
        ))
    })
}

#[cfg(test)]
mod differential;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_property_values_suggest_the_known_assets() {
        let mut workspace = Workspace::in_memory().unwrap();
        crate::demo::generate(
            &mut workspace,
            &crate::demo::DemoSpec {
                leads: 200,
                events_per_lead: 8,
                seed: 5,
                anchor: 1_790_000_000,
            },
        )
        .unwrap();
        let values = event_property_values(&workspace, "download", "asset", 50).unwrap();
        assert!(!values.is_empty(), "downloads carry an asset");
        assert!(values.windows(2).all(|w| w[0].count >= w[1].count));
        assert!(values.iter().all(|v| !v.value.is_empty()));
        assert_eq!(
            event_property_values(&workspace, "download", "asset", 2)
                .unwrap()
                .len(),
            2
        );
        assert!(event_property_values(&workspace, "download", "nope", 50)
            .unwrap()
            .is_empty());
        assert!(
            event_property_values(&workspace, "no_such_type", "asset", 50)
                .unwrap()
                .is_empty()
        );
        assert!(event_property_values(&workspace, "download", " ", 50)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn an_explanation_names_a_lead_without_a_name_by_company_and_external_id() {
        let workspace = Workspace::in_memory().unwrap();
        workspace
            .conn()
            .execute(
                "INSERT INTO leads (company, external_id, created_at, updated_at) VALUES ('Acme', 'P-1', 0, 0)",
                [],
            )
            .unwrap();
        let id = workspace.conn().last_insert_rowid();
        let rules: RuleGroup = serde_json::from_str(
            r#"{"combinator":"and","rules":[{"field":"company","operator":"=","value":"Acme"}]}"#,
        )
        .unwrap();
        let explanation = explain(&workspace, &rules, id, 0).unwrap();
        assert!(explanation.matched);
        assert_eq!(explanation.lead_name, "Acme · ID P-1");
    }

    #[test]
    fn pasted_rule_json_is_read_and_checked_like_a_save() {
        let workspace = Workspace::in_memory().unwrap();
        let rules = parse_rules_json(
            &workspace,
            r#"{"combinator":"and","rules":[{"field":"employees","operator":">=","value":1000}]}"#,
        )
        .unwrap();
        assert_eq!(rules.rules.len(), 1);
        let broken = parse_rules_json(&workspace, "{\"combinator\":").unwrap_err();
        assert!(broken.to_string().contains("not valid JSON"), "{broken}");
        let empty = parse_rules_json(
            &workspace,
            r#"{"combinator":"and","rules":[{"field":"employees","operator":">=","value":""}]}"#,
        )
        .unwrap_err();
        let report = empty.report();
        assert_eq!(report.rule_path.as_deref(), Some("root.rules[0]"));
        assert_eq!(report.detail.as_deref(), Some("enter a number"));
    }
}
