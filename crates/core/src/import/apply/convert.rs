//! Planning the rows: each mapped column resolved against the field
//! catalogue, and each row converted and checked into the values to write.

use foldhash::HashMap;

use super::properties::properties_json;
use super::*;

/// Standard fields whose values are numbers, with the range we accept.
pub(super) const NUMBER_RANGES: &[(&str, f64, f64)] = &[
    ("employees", 0.0, 10_000_000.0),
    ("annual_revenue", 0.0, 1e13),
    ("score", -1e9, 1e9),
];
/// The range of dates we accept: 1900-01-01 to 2200-01-01.
pub(super) const DATE_RANGE: (i64, i64) = (-2_208_988_800, 7_258_118_400);

/// Where a mapped column's values are written.
#[derive(Debug, Clone)]
pub(super) enum Destination {
    ExternalId,
    Standard {
        key: String,
        field_type: FieldType,
        /// Its position among the columns a new lead is inserted with
        /// ([`lead_insert_columns`]).
        lead_column: usize,
    },
    Custom {
        id: i64,
        key: String,
        field_type: FieldType,
    },
    EventLeadEmail,
    EventLeadExternalId,
    EventType,
    EventTime,
    EventProperty {
        name: String,
    },
}

#[derive(Debug, Clone)]
pub(super) struct PreparedColumn {
    pub(super) index: usize,
    pub(super) header: String,
    pub(super) destination: Destination,
    pub(super) date_format: Option<DateFormat>,
    pub(super) number_style: NumberStyle,
}

/// One row's values, converted and checked.
#[derive(Default)]
pub(super) struct RowValues {
    pub(super) email: Option<String>,
    /// The e-mail's matching key ([`normalize::email_key`]).
    pub(super) email_key: Option<String>,
    pub(super) external_id: Option<String>,
    /// Standard fields: (position among [`lead_insert_columns`], value).
    pub(super) standard: Vec<(usize, Value)>,
    /// Custom fields: (field id, value).
    pub(super) custom: Vec<(i64, Value)>,
    pub(super) event_type: Option<String>,
    pub(super) event_time: Option<i64>,
    /// The event's properties: a JSON object, as text.
    pub(super) event_properties: String,
}

/// Resolves every mapped column against the catalogue, creating new custom
/// fields, and refuses a mapping that cannot work.
pub(super) fn prepare_columns(
    tx: &Transaction<'_>,
    spec: &ImportSpec,
) -> Result<Vec<PreparedColumn>> {
    let mut prepared = Vec::new();
    let mut targeted = HashSet::new();
    for column in &spec.columns {
        let destination = match &column.target {
            ColumnTarget::Skip => continue,
            ColumnTarget::Field { key } if key == "external_id" => Destination::ExternalId,
            ColumnTarget::Field { key } => {
                let field = fields::resolve(tx, key)?;
                if field.field.is_computed {
                    return Err(Error::InvalidArgument(format!(
                        "column “{}” is mapped to “{}” (`{key}`), which Leadstream computes \
                         from the active scoring model: map it to a field of its own \
                         (an imported CRM score goes to “Score” or a new field)",
                        column.header, field.field.label
                    )));
                }
                if field.field.is_standard {
                    Destination::Standard {
                        key: key.clone(),
                        field_type: field.field.field_type,
                        lead_column: 0,
                    }
                } else {
                    Destination::Custom {
                        id: field.id,
                        key: key.clone(),
                        field_type: field.field.field_type,
                    }
                }
            }
            ColumnTarget::NewField {
                key,
                label,
                field_type,
                category,
            } => {
                let field = fields::add_custom(
                    tx,
                    &NewField {
                        key,
                        label,
                        field_type: *field_type,
                        origin: Origin::Explicit,
                        category: *category,
                    },
                )?;
                let id = fields::resolve(tx, &field.key)?.id;
                Destination::Custom {
                    id,
                    key: key.clone(),
                    field_type: *field_type,
                }
            }
            ColumnTarget::EventLeadEmail => Destination::EventLeadEmail,
            ColumnTarget::EventLeadExternalId => Destination::EventLeadExternalId,
            ColumnTarget::EventType => Destination::EventType,
            ColumnTarget::EventTime => Destination::EventTime,
            ColumnTarget::EventProperty { name } => {
                Destination::EventProperty { name: name.clone() }
            }
        };
        let target_name = match &destination {
            Destination::ExternalId => "external_id".to_owned(),
            Destination::Standard { key, .. } | Destination::Custom { key, .. } => key.clone(),
            Destination::EventProperty { name } => format!("property {name}"),
            other => format!("{other:?}"),
        };
        if !targeted.insert(target_name.clone()) {
            return Err(Error::InvalidArgument(format!(
                "two columns are mapped to {target_name}; map each field from one column only"
            )));
        }
        prepared.push(PreparedColumn {
            index: column.index as usize,
            header: column.header.clone(),
            destination,
            date_format: column.date_format,
            number_style: column.number_style.unwrap_or(NumberStyle::DotDecimal),
        });
    }
    let lead_only = |c: &PreparedColumn| {
        matches!(
            c.destination,
            Destination::Standard { .. } | Destination::Custom { .. }
        )
    };
    let event_only = |c: &PreparedColumn| {
        matches!(
            c.destination,
            Destination::EventType
                | Destination::EventTime
                | Destination::EventProperty { .. }
                | Destination::EventLeadEmail
                | Destination::EventLeadExternalId
        )
    };
    let lead_columns = lead_insert_columns(&prepared);
    for column in &mut prepared {
        if let Destination::Standard {
            key, lead_column, ..
        } = &mut column.destination
        {
            *lead_column = lead_columns.iter().position(|c| c == key).unwrap_or(0);
        }
    }
    match spec.kind {
        ImportKind::Leads if prepared.iter().any(event_only) => Err(Error::InvalidArgument(
            "a lead import cannot map columns to event parts".into(),
        )),
        ImportKind::Events if prepared.iter().any(lead_only) => Err(Error::InvalidArgument(
            "an event import maps columns to the lead identifier, event type, time and properties only".into(),
        )),
        _ => Ok(prepared),
    }
}

/// The columns a new lead is inserted with: identity, times and import
/// first ([`IDENTITY_AND_TIMES`]), then each mapped standard field, then
/// `email` if no column maps it (events may create minimal leads with just
/// an e-mail). Names are catalogue keys checked by [`prepare_columns`].
pub(super) fn lead_insert_columns(columns: &[PreparedColumn]) -> Vec<String> {
    let mut lead_columns: Vec<String> = IDENTITY_AND_TIMES.map(String::from).to_vec();
    for column in columns {
        if let Destination::Standard { key, .. } = &column.destination {
            if !lead_columns.contains(key) {
                lead_columns.push(key.clone());
            }
        }
    }
    if !lead_columns.iter().any(|c| c == "email") {
        lead_columns.push("email".into());
    }
    lead_columns
}

/// The first columns of a lead's insert, in this order.
pub(super) const IDENTITY_AND_TIMES: [&str; 5] = [
    "external_id",
    "email_key",
    "created_at",
    "updated_at",
    "import_id",
];

/// Whether `text` (trimmed) is one of `null_tokens` (lower-case), compared
/// as `text.to_lowercase()` would, without allocating for ASCII text.
fn is_null_token(text: &str, null_tokens: &HashSet<String>) -> bool {
    if null_tokens.is_empty() {
        return false;
    }
    if text.is_ascii() {
        return null_tokens.iter().any(|t| t.eq_ignore_ascii_case(text));
    }
    null_tokens.contains(&text.to_lowercase())
}

/// The warning of a lead import with no column mapped to the e-mail address
/// (the wizard says it live on its columns step too).
pub const NO_EMAIL_WARNING: &str =
    "None of these leads can be e-mailed: no column is imported as the e-mail address.";

pub(super) fn validate_identity(
    spec: &ImportSpec,
    columns: &[PreparedColumn],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let has = |wanted: fn(&Destination) -> bool| columns.iter().any(|c| wanted(&c.destination));
    let email = has(|d| matches!(d, Destination::Standard { key, .. } if key == "email"));
    let external = has(|d| matches!(d, Destination::ExternalId));
    if spec.kind == ImportKind::Leads && !email {
        warnings.push(NO_EMAIL_WARNING.into());
    }
    match spec.kind {
        ImportKind::Leads => match spec.match_key {
            MatchKey::Email if !email => Err(Error::InvalidArgument(
                "leads are matched by e-mail, but no column is mapped to email".into(),
            )),
            MatchKey::ExternalId if !external => Err(Error::InvalidArgument(
                "leads are matched by external id, but no column is mapped to external_id".into(),
            )),
            MatchKey::None => {
                warnings.push(
                    "No identity column: every row becomes a new lead, and duplicates are not merged.".into(),
                );
                Ok(())
            }
            _ => Ok(()),
        },
        ImportKind::Events => {
            let lead_email = has(|d| matches!(d, Destination::EventLeadEmail));
            let lead_external = has(|d| matches!(d, Destination::EventLeadExternalId));
            if !lead_email && !lead_external {
                return Err(Error::InvalidArgument(
                    "an event file needs a column with the lead's e-mail or external id".into(),
                ));
            }
            if !has(|d| matches!(d, Destination::EventType)) {
                return Err(Error::InvalidArgument(
                    "an event file needs an event type column".into(),
                ));
            }
            if !has(|d| matches!(d, Destination::EventTime)) {
                return Err(Error::InvalidArgument(
                    "an event file needs a timestamp column".into(),
                ));
            }
            Ok(())
        }
    }
}

/// The event types of a file's rows, normalised once each: an event file
/// has few distinct types in millions of rows. Holds at most
/// [`EventTypeMemo::LIMIT`] of them; others are normalised each time.
#[derive(Default)]
pub(super) struct EventTypeMemo {
    types: HashMap<String, String>,
}

impl EventTypeMemo {
    const LIMIT: usize = 10_000;

    fn normalize(&mut self, text: &str) -> String {
        if let Some(event_type) = self.types.get(text) {
            return event_type.clone();
        }
        let event_type = crate::import::mapping::normalize_event_type(text);
        if self.types.len() < Self::LIMIT {
            self.types.insert(text.to_owned(), event_type.clone());
        }
        event_type
    }
}

/// Converts one record's cells to typed values, or says why it cannot.
pub(super) fn convert_row(
    record: &SourceRecord,
    width: usize,
    columns: &[PreparedColumn],
    null_tokens: &HashSet<String>,
    event_types: &mut EventTypeMemo,
) -> std::result::Result<RowValues, String> {
    if let Some(reason) = record.too_long(width) {
        return Err(reason);
    }
    let mut values = RowValues::default();
    // One allocation each: growing them cell by cell cost a tenth of an import of leads.
    let (standard, custom) =
        columns
            .iter()
            .fold((0, 0), |(s, c), column| match column.destination {
                Destination::Standard { .. } => (s + 1, c),
                Destination::Custom { .. } => (s, c + 1),
                _ => (s, c),
            });
    values.standard.reserve_exact(standard);
    values.custom.reserve_exact(custom);
    let mut properties: Vec<(&str, &str)> = Vec::new();
    for column in columns {
        // Short rows (Excel drops trailing empty cells) read as empty.
        let raw = record.fields.get(column.index).unwrap_or("");
        let text = raw.trim();
        if text.is_empty() || is_null_token(text, null_tokens) {
            continue;
        }
        let bad = |what: &str| format!("{what} {text:?} in column {:?}", column.header);
        match &column.destination {
            Destination::ExternalId => values.external_id = Some(text.to_owned()),
            Destination::Standard {
                key,
                field_type,
                lead_column,
            } => {
                let value = if key == "email" {
                    let email = normalize::normalize_email(text)
                        .ok_or_else(|| bad("invalid e-mail address"))?;
                    values.email_key = Some(normalize::email_key(&email));
                    values.email = Some(email.clone());
                    Value::Text(email)
                } else {
                    typed_value(text, *field_type, column, &bad)?
                };
                if let Some((_, low, high)) = NUMBER_RANGES.iter().find(|(k, _, _)| k == key) {
                    if let Value::Real(n) = value {
                        if !(*low..=*high).contains(&n) {
                            return Err(bad(&format!(
                                "out-of-range value (expected {low} to {high})"
                            )));
                        }
                    }
                }
                let value = match (key.as_str(), value) {
                    ("employees", Value::Real(n)) => Value::Integer(n.round() as i64),
                    (_, value) => value,
                };
                values.standard.push((*lead_column, value));
            }
            Destination::Custom { id, field_type, .. } => {
                let value = typed_value(text, *field_type, column, &bad)?;
                values.custom.push((*id, value));
            }
            Destination::EventLeadEmail => {
                let email = normalize::normalize_email(text)
                    .ok_or_else(|| bad("invalid e-mail address"))?;
                values.email_key = Some(normalize::email_key(&email));
                values.email = Some(email);
            }
            Destination::EventLeadExternalId => values.external_id = Some(text.to_owned()),
            Destination::EventType => {
                let event_type = event_types.normalize(text);
                if event_type.is_empty() {
                    return Err(format!(
                        "event type {text:?} in column {:?} has no letters or digits",
                        column.header
                    ));
                }
                values.event_type = Some(event_type);
            }
            Destination::EventTime => {
                let format = column.date_format.unwrap_or(DateFormat::Iso);
                let seconds =
                    normalize::parse_date(text, format).ok_or_else(|| bad("unreadable date"))?;
                values.event_time = Some(check_date(seconds, &bad)?);
            }
            Destination::EventProperty { name } => properties.push((name, text)),
        }
    }
    for column in columns {
        let missing = match column.destination {
            Destination::EventType if values.event_type.is_none() => "the event type",
            Destination::EventTime if values.event_time.is_none() => "the event time",
            _ => continue,
        };
        return Err(format!("{missing} is empty (column {:?})", column.header));
    }
    values.event_properties = properties_json(&mut properties);
    Ok(values)
}

pub(super) fn check_date(
    seconds: i64,
    bad: &dyn Fn(&str) -> String,
) -> std::result::Result<i64, String> {
    if (DATE_RANGE.0..DATE_RANGE.1).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(bad("date outside 1900-2200"))
    }
}

pub(super) fn typed_value(
    text: &str,
    field_type: FieldType,
    column: &PreparedColumn,
    bad: &dyn Fn(&str) -> String,
) -> std::result::Result<Value, String> {
    Ok(match field_type {
        FieldType::Text => Value::Text(text.to_owned()),
        FieldType::Number => Value::Real(
            normalize::parse_number(text, column.number_style)
                .ok_or_else(|| bad("unreadable number"))?,
        ),
        FieldType::Boolean => Value::Integer(
            normalize::parse_bool(text).ok_or_else(|| bad("unreadable yes/no value"))? as i64,
        ),
        FieldType::Date => {
            let format = column.date_format.unwrap_or(DateFormat::Iso);
            let seconds =
                normalize::parse_date(text, format).ok_or_else(|| bad("unreadable date"))?;
            Value::Integer(check_date(seconds, bad)?)
        }
        FieldType::List => {
            let items = normalize::split_list(text);
            Value::Text(serde_json::to_string(&items).map_err(|e| e.to_string())?)
        }
    })
}
