//! Cross-tabs: any two dimensions (a field's values, binned, or a set of
//! saved segments) against each other, with the lead count and the
//! conversion rate of every cell and of every row and column. Each bucket of
//! a dimension is a rule group in the segment format, so every cell is
//! exactly what the segment builder would count for "row bucket and column
//! bucket".

use chrono::{DateTime, Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::outcome::{conversions, Outcome, Period, Rate};
use crate::fields::{self, FieldType};
use crate::segments::{self, saved, Combinator, Rule, RuleGroup, RuleNode};
use crate::{Error, Result, Workspace};

/// How many of a text field's most frequent values get their own bucket;
/// the rest go to "Other".
pub const TOP_VALUES: usize = 10;
/// A number field with at most this many distinct values gets a bucket per value.
const DISTINCT_NUMBERS: usize = 10;
/// Quantile bins for other number fields.
const NUMBER_BINS: usize = 5;
/// The most saved segments one dimension takes.
pub const MAX_SEGMENTS: usize = 40;

/// One axis of a cross-tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Dimension {
    /// A field's values: the most frequent text values plus "Other" and
    /// "(empty)", numbers in quantile bins, dates by month, quarter or year.
    Field { key: String },
    /// One bucket per saved segment (a lead can be in several).
    Segments {
        #[ts(type = "number[]")]
        ids: Vec<i64>,
    },
}

impl Dimension {
    /// Reads the CLI form: `field:KEY` or `segments:ID,ID,...`.
    pub fn parse(text: &str) -> Result<Dimension> {
        let text = text.trim();
        if let Some(key) = text.strip_prefix("field:") {
            return Ok(Dimension::Field {
                key: key.trim().to_owned(),
            });
        }
        if let Some(list) = text.strip_prefix("segments:") {
            let ids = list
                .split(',')
                .filter(|part| !part.trim().is_empty())
                .map(|part| {
                    part.trim().parse::<i64>().map_err(|_| {
                        Error::InvalidArgument(format!(
                            "`{}` in `{text}` is not a segment id (see `leadstream segment list`)",
                            part.trim()
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok(Dimension::Segments { ids });
        }
        Err(Error::InvalidArgument(format!(
            "`{text}` is not a dimension: write `field:KEY` (a field from `leadstream fields`) or `segments:ID,ID,...`"
        )))
    }
}

/// One row or column of a cross-tab: its label and the rules that pick its
/// leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Bucket {
    pub label: String,
    pub rules: RuleGroup,
}

/// A cross-tab: `cells[row][column]` holds the leads in both buckets and how
/// many of them converted in the period.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Crosstab {
    pub rows: Vec<Bucket>,
    pub columns: Vec<Bucket>,
    pub cells: Vec<Vec<Rate>>,
    /// Every lead of each row bucket (not the sum of the cells: segment
    /// buckets overlap).
    pub row_totals: Vec<Rate>,
    pub column_totals: Vec<Rate>,
    /// All leads: the baseline.
    pub total: Rate,
}

/// Cross-tabulates `rows` × `columns` over `period`: segment membership and
/// field values as of the period's start, conversions in the period.
pub fn crosstab(
    workspace: &Workspace,
    rows: &Dimension,
    columns: &Dimension,
    outcome: &Outcome,
    period: Period,
) -> Result<Crosstab> {
    let rows = buckets(workspace, rows, period.from)?;
    let columns = buckets(workspace, columns, period.from)?;
    let rules: Vec<&RuleGroup> = rows.iter().chain(&columns).map(|b| &b.rules).collect();
    let row_count = rows.len();
    let (cells, row_totals, column_totals, total) =
        segments::with_member_sets(workspace, &rules, period.from, |index, sets| {
            let converted = conversions(workspace, index, outcome, period)?.converted;
            let (row_sets, column_sets) = sets.split_at(row_count);
            let rate_of =
                |set: &segments::index::Bitset| Rate::new(set.count_and(&converted), set.count());
            let cells = row_sets
                .iter()
                .map(|row| {
                    let mut converted_row = row.clone();
                    converted_row.and_with(&converted);
                    column_sets
                        .iter()
                        .map(|column| {
                            Rate::new(converted_row.count_and(column), row.count_and(column))
                        })
                        .collect()
                })
                .collect();
            Ok((
                cells,
                row_sets.iter().map(rate_of).collect(),
                column_sets.iter().map(rate_of).collect(),
                Rate::new(converted.count(), index.len() as u64),
            ))
        })?;
    Ok(Crosstab {
        rows,
        columns,
        cells,
        row_totals,
        column_totals,
        total,
    })
}

/// The buckets of a dimension as of `as_of`.
pub fn buckets(workspace: &Workspace, dimension: &Dimension, as_of: i64) -> Result<Vec<Bucket>> {
    match dimension {
        Dimension::Segments { ids } => segment_buckets(workspace, ids),
        Dimension::Field { key } => field_buckets(workspace, key, as_of),
    }
}

fn segment_buckets(workspace: &Workspace, ids: &[i64]) -> Result<Vec<Bucket>> {
    if ids.is_empty() {
        return Err(Error::InvalidArgument(
            "pick at least one segment for a segment dimension".to_owned(),
        ));
    }
    if ids.len() > MAX_SEGMENTS {
        return Err(Error::InvalidArgument(format!(
            "a dimension takes at most {MAX_SEGMENTS} segments ({} given)",
            ids.len()
        )));
    }
    ids.iter()
        .map(|&id| {
            let segment = saved::get(workspace, id)?;
            Ok(Bucket {
                label: segment.name,
                rules: group(vec![rule("segment", "in", json!(id))]),
            })
        })
        .collect()
}

fn field_buckets(workspace: &Workspace, key: &str, as_of: i64) -> Result<Vec<Bucket>> {
    let field = fields::list(workspace.conn())?
        .into_iter()
        .find(|f| f.key == key)
        .ok_or_else(|| Error::UnknownField {
            key: key.to_owned(),
        })?;
    // A `null` probe loads the column; the values are then read from it.
    let probe = group(vec![rule(key, "null", Value::Null)]);
    segments::with_member_sets(workspace, &[&probe], as_of, |index, sets| {
        let empties = sets.first().map_or(0, |set| set.count());
        let mut buckets = match field.field_type {
            FieldType::Text | FieldType::List => {
                let counts = index.value_counts(key, usize::MAX).unwrap_or_default();
                text_buckets(key, &counts)
            }
            FieldType::Number => number_buckets(key, index.numbers_of(key).unwrap_or(&[])),
            FieldType::Date => date_buckets(key, index.instants_of(key).unwrap_or(&[])),
            FieldType::Boolean => vec![
                Bucket {
                    label: "Yes".to_owned(),
                    rules: group(vec![rule(key, "=", json!(true))]),
                },
                Bucket {
                    label: "No".to_owned(),
                    rules: group(vec![rule(key, "=", json!(false))]),
                },
            ],
        };
        if empties > 0 {
            buckets.push(Bucket {
                label: "(empty)".to_owned(),
                rules: probe.clone(),
            });
        }
        Ok(buckets)
    })
}

/// The most frequent values, then "Other" (a value, but none of those).
pub(crate) fn text_buckets(key: &str, counts: &[(String, u64)]) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = counts
        .iter()
        .take(TOP_VALUES)
        .map(|(value, _)| Bucket {
            label: value.clone(),
            rules: group(vec![rule(key, "=", json!(value))]),
        })
        .collect();
    if counts.len() > TOP_VALUES {
        let shown: Vec<&str> = counts
            .iter()
            .take(TOP_VALUES)
            .map(|(v, _)| v.as_str())
            .collect();
        buckets.push(Bucket {
            label: "Other".to_owned(),
            rules: group(vec![
                rule(key, "notNull", Value::Null),
                rule(key, "notIn", json!(shown)),
            ]),
        });
    }
    buckets
}

/// A bucket per value when there are few; else quantile bins with rounded
/// edges: "below A", "A to under B", ..., "Z or more".
pub(crate) fn number_buckets(key: &str, numbers: &[f64]) -> Vec<Bucket> {
    let mut known: Vec<f64> = numbers.iter().copied().filter(|n| !n.is_nan()).collect();
    known.sort_by(f64::total_cmp);
    let mut distinct = known.clone();
    distinct.dedup();
    if distinct.is_empty() {
        return Vec::new();
    }
    if distinct.len() <= DISTINCT_NUMBERS {
        return distinct
            .iter()
            .map(|&n| Bucket {
                label: format_number(n),
                rules: group(vec![rule(key, "=", json!(n))]),
            })
            .collect();
    }
    let mut edges: Vec<f64> = (1..NUMBER_BINS)
        .map(|i| round_nicely(known[known.len() * i / NUMBER_BINS]))
        .filter(|&edge| edge > known[0])
        .collect();
    edges.dedup();
    let mut buckets = Vec::with_capacity(edges.len() + 1);
    for (i, &edge) in edges.iter().enumerate() {
        let (label, rules) = match i.checked_sub(1).map(|p| edges[p]) {
            None => (
                format!("below {}", format_number(edge)),
                vec![rule(key, "<", json!(edge))],
            ),
            Some(low) => (
                format!("{} to under {}", format_number(low), format_number(edge)),
                vec![rule(key, ">=", json!(low)), rule(key, "<", json!(edge))],
            ),
        };
        buckets.push(Bucket {
            label,
            rules: group(rules),
        });
    }
    if let Some(&last) = edges.last() {
        buckets.push(Bucket {
            label: format!("{} or more", format_number(last)),
            rules: group(vec![rule(key, ">=", json!(last))]),
        });
    }
    buckets
}

/// Two significant digits: 1234 → 1200, 0.0567 → 0.057.
pub(crate) fn round_nicely(n: f64) -> f64 {
    if n == 0.0 || !n.is_finite() {
        return n;
    }
    let magnitude = 10f64.powf(n.abs().log10().floor() - 1.0);
    (n / magnitude).round() * magnitude
}

pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        let whole = n as i64;
        let digits = whole.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if whole < 0 {
            grouped.insert(0, '-');
        }
        grouped
    } else {
        format!("{}", (n * 1000.0).round() / 1000.0)
    }
}

/// Calendar bins: months when the dates span at most 12 months, quarters
/// up to 12 quarters, else years.
pub(crate) fn date_buckets(key: &str, instants: &[i64]) -> Vec<Bucket> {
    let known = || instants.iter().copied().filter(|&at| at != i64::MIN);
    let (Some(first), Some(last)) = (known().min(), known().max()) else {
        return Vec::new();
    };
    let (Some(first), Some(last)) = (
        DateTime::from_timestamp(first, 0).map(|t| t.date_naive()),
        DateTime::from_timestamp(last, 0).map(|t| t.date_naive()),
    ) else {
        return Vec::new();
    };
    let month_index = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let months = month_index(last) - month_index(first) + 1;
    let step = if months <= 12 {
        1
    } else if months <= 36 {
        3
    } else {
        12
    };
    let start = month_index(first) - month_index(first).rem_euclid(step);
    let mut buckets = Vec::new();
    let mut at = start;
    while at <= month_index(last) {
        let (Some(from), Some(to)) = (month_start(at), month_start(at + step)) else {
            break;
        };
        let label = match step {
            1 => from.format("%Y-%m").to_string(),
            3 => format!("{} Q{}", from.year(), from.month0() / 3 + 1),
            _ => from.year().to_string(),
        };
        buckets.push(Bucket {
            label,
            rules: group(vec![
                rule(key, ">=", json!(from.to_string())),
                rule(key, "<", json!(to.to_string())),
            ]),
        });
        at += step;
    }
    buckets
}

fn month_start(index: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
}

pub(crate) fn rule(field: &str, operator: &str, value: Value) -> Rule {
    Rule {
        id: None,
        field: field.to_owned(),
        operator: operator.to_owned(),
        value,
    }
}

pub(crate) fn group(rules: Vec<Rule>) -> RuleGroup {
    RuleGroup {
        id: None,
        combinator: Combinator::And,
        not: false,
        rules: rules.into_iter().map(RuleNode::Rule).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, DemoSpec};

    fn demo_workspace(dir: &tempfile::TempDir) -> Workspace {
        let mut workspace = Workspace::create(dir.path().join("crosstab.leadstream")).unwrap();
        let spec = DemoSpec {
            leads: 600,
            events_per_lead: 8,
            seed: 7,
            anchor: 1_790_000_000,
        };
        generate(&mut workspace, &spec).unwrap();
        workspace
    }

    #[test]
    fn dimensions_read_from_the_cli_form() {
        assert_eq!(
            Dimension::parse("field:industry").unwrap(),
            Dimension::Field {
                key: "industry".into()
            }
        );
        assert_eq!(
            Dimension::parse("segments:3, 4,").unwrap(),
            Dimension::Segments { ids: vec![3, 4] }
        );
        assert!(Dimension::parse("segments:x").is_err());
        assert!(Dimension::parse("industry").is_err());
    }

    #[test]
    fn numbers_bin_on_rounded_quantiles() {
        let numbers: Vec<f64> = (1..=1000).map(f64::from).chain([f64::NAN]).collect();
        let buckets = number_buckets("employees", &numbers);
        let labels: Vec<&str> = buckets.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "below 200",
                "200 to under 400",
                "400 to under 600",
                "600 to under 800",
                "800 or more"
            ]
        );
        let few = number_buckets("score", &[1.0, 2.0, 2.0, 3.0]);
        assert_eq!(few.len(), 3);
        assert_eq!(round_nicely(1234.0), 1200.0);
        assert_eq!(format_number(1_250_000.0), "1,250,000");
    }

    #[test]
    fn dates_bin_by_month_quarter_or_year() {
        let day = 86_400;
        let jan_2026 = 1_767_225_600; // 2026-01-01
        let months = date_buckets("created_at", &[jan_2026, jan_2026 + 40 * day, i64::MIN]);
        assert_eq!(
            months.iter().map(|b| b.label.as_str()).collect::<Vec<_>>(),
            ["2026-01", "2026-02"]
        );
        let quarters = date_buckets("created_at", &[jan_2026, jan_2026 + 400 * day]);
        assert_eq!(quarters[0].label, "2026 Q1");
        assert_eq!(quarters.len(), 5);
        let years = date_buckets("created_at", &[jan_2026, jan_2026 + 1200 * day]);
        assert_eq!(years.len(), 4);
    }

    #[test]
    fn text_with_many_values_keeps_the_top_ones_and_other() {
        let counts: Vec<(String, u64)> = (0..15).map(|i| (format!("v{i}"), 20 - i)).collect();
        let buckets = text_buckets("city", &counts);
        assert_eq!(buckets.len(), TOP_VALUES + 1);
        assert_eq!(buckets[TOP_VALUES].label, "Other");
    }

    #[test]
    fn cells_add_up_for_a_field_without_overlaps() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = demo_workspace(&dir);
        let period = Period::parse("2000-01-01", "2100-01-01").unwrap();
        let table = crosstab(
            &workspace,
            &Dimension::Field {
                key: "buying_stage".into(),
            },
            &Dimension::Field {
                key: "industry".into(),
            },
            &Outcome::default(),
            period,
        )
        .unwrap();
        assert!(table.rows.len() > 1 && table.columns.len() > 1);
        let all: u64 = table.row_totals.iter().map(|r| r.trials).sum();
        assert_eq!(all, table.total.trials, "text buckets partition the leads");
        for (r, row) in table.cells.iter().enumerate() {
            let leads: u64 = row.iter().map(|c| c.trials).sum();
            let converted: u64 = row.iter().map(|c| c.successes).sum();
            assert_eq!(leads, table.row_totals[r].trials);
            assert_eq!(converted, table.row_totals[r].successes);
        }
        assert!(table.total.successes > 0);
    }
}
