//! Field columns: dictionary-encoded text and lists, numbers, dates and
//! yes/no per lead row; loading them and testing them with a rule.

use std::collections::hash_map::Entry;

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::*;
use crate::fields::FieldType;
use crate::segments::compile::{FieldRef, Storage, Test};
use crate::segments::values;
use crate::store::tables::columns;
use crate::text::fold_key;
use crate::Result;

/// The column of [`LeadIndex::load_usable_emails`]. No field key has a
/// colon, so no field's column can take its place.
pub(super) const USABLE_EMAIL: &str = "email:usable";

/// A code for "empty" in dictionary-encoded columns.
pub(super) const EMPTY: u32 = u32::MAX;

/// Dictionary-encoded folded text: `codes[row]` indexes `dict`.
#[derive(Debug, Default)]
pub(super) struct TextColumn {
    pub(super) codes: Vec<u32>,
    pub(super) dict: Vec<String>,
    /// The first stored spelling of each dictionary entry, for display.
    pub(super) display: Vec<String>,
}

/// Builds a [`TextColumn`], folding each distinct raw value once (up to
/// [`RAW_SPELLINGS_REMEMBERED`] of them).
pub(super) struct TextColumnBuilder {
    pub(super) column: TextColumn,
    // Looked up once per row: foldhash, not SipHash (the values come from
    // the user's own data, so flooding is no concern), as in `EventScan`.
    pub(super) by_raw: foldhash::HashMap<Vec<u8>, u32>,
    pub(super) by_key: foldhash::HashMap<String, u32>,
}

/// The raw spellings a text column's build remembers with their code, so
/// that a repeated one is not folded again. A column of few values (a
/// country, a stage) never reaches it; one of mostly distinct values (the
/// e-mail column: 1M at 1M leads) stops remembering there, since each
/// remembered spelling is an allocation and a hash that no later row uses,
/// and its values are folded and looked up by key instead.
const RAW_SPELLINGS_REMEMBERED: usize = 1 << 16;

impl TextColumnBuilder {
    pub(super) fn new(len: usize) -> Self {
        TextColumnBuilder {
            column: TextColumn {
                codes: vec![EMPTY; len],
                dict: Vec::new(),
                display: Vec::new(),
            },
            by_raw: Default::default(),
            by_key: Default::default(),
        }
    }

    pub(super) fn code_of_key(&mut self, key: Option<String>, display: &str) -> u32 {
        let Some(key) = key else { return EMPTY };
        match self.by_key.entry(key) {
            Entry::Occupied(known) => *known.get(),
            Entry::Vacant(new) => {
                let code = self.column.dict.len() as u32;
                self.column.dict.push(new.key().clone());
                self.column.display.push(display.trim().to_owned());
                *new.insert(code)
            }
        }
    }

    pub(super) fn set(&mut self, row: usize, value: ValueRef<'_>) {
        let code = match value {
            ValueRef::Text(raw) => match self.by_raw.get(raw) {
                Some(&code) => code,
                None => {
                    let display = String::from_utf8_lossy(raw);
                    let code = self.code_of_key(values::text_key(value), &display);
                    if self.by_raw.len() < RAW_SPELLINGS_REMEMBERED {
                        self.by_raw.insert(raw.to_vec(), code);
                    }
                    code
                }
            },
            other => {
                let key = values::text_key(other);
                let display = key.clone().unwrap_or_default();
                self.code_of_key(key, &display)
            }
        };
        self.column.codes[row] = code;
    }
}

/// Builds one column of any type from stored values.
pub(super) enum ColumnBuilder {
    Text(TextColumnBuilder),
    List(Vec<Vec<u32>>, TextColumnBuilder),
    Number(Vec<f64>),
    Date(Vec<i64>),
    Bool(Vec<u8>),
}

impl ColumnBuilder {
    pub(super) fn new(field_type: FieldType, len: usize) -> Self {
        match field_type {
            FieldType::Text => ColumnBuilder::Text(TextColumnBuilder::new(len)),
            FieldType::List => {
                ColumnBuilder::List(vec![Vec::new(); len], TextColumnBuilder::new(0))
            }
            FieldType::Number => ColumnBuilder::Number(vec![f64::NAN; len]),
            FieldType::Date => ColumnBuilder::Date(vec![i64::MIN; len]),
            FieldType::Boolean => ColumnBuilder::Bool(vec![2; len]),
        }
    }

    pub(super) fn set(&mut self, row: usize, value: ValueRef<'_>) {
        match self {
            ColumnBuilder::Text(builder) => builder.set(row, value),
            ColumnBuilder::List(per_row, builder) => {
                per_row[row] = values::list_items(value)
                    .into_iter()
                    .map(|item| {
                        let key = Some(fold_key(&item)).filter(|k| !k.is_empty());
                        builder.code_of_key(key, &item)
                    })
                    .filter(|&code| code != EMPTY)
                    .collect();
            }
            ColumnBuilder::Number(numbers) => {
                numbers[row] = values::number(value).unwrap_or(f64::NAN)
            }
            ColumnBuilder::Date(instants) => {
                instants[row] = values::instant(value).unwrap_or(i64::MIN)
            }
            ColumnBuilder::Bool(flags) => flags[row] = values::boolean(value).map_or(2, u8::from),
        }
    }

    pub(super) fn finish(self) -> Column {
        match self {
            ColumnBuilder::Text(builder) => Column::Text(builder.column),
            ColumnBuilder::List(per_row, builder) => {
                let mut offsets = Vec::with_capacity(per_row.len() + 1);
                let mut codes = Vec::new();
                offsets.push(0);
                for items in per_row {
                    codes.extend(items);
                    offsets.push(codes.len() as u32);
                }
                Column::List(ListColumn {
                    offsets,
                    codes,
                    dict: builder.column.dict,
                    display: builder.column.display,
                })
            }
            ColumnBuilder::Number(numbers) => Column::Number(numbers),
            ColumnBuilder::Date(instants) => Column::Date(instants),
            ColumnBuilder::Bool(flags) => Column::Bool(flags),
        }
    }
}

/// Folded list elements per row, as offsets into `codes`.
#[derive(Debug)]
pub(super) struct ListColumn {
    pub(super) offsets: Vec<u32>,
    pub(super) codes: Vec<u32>,
    pub(super) dict: Vec<String>,
    pub(super) display: Vec<String>,
}

#[derive(Debug)]
pub(super) enum Column {
    Text(TextColumn),
    List(ListColumn),
    /// NaN when empty or not a number.
    Number(Vec<f64>),
    /// `i64::MIN` when empty.
    Date(Vec<i64>),
    /// 0, 1, or 2 when empty.
    Bool(Vec<u8>),
}

/// Tests one stored value, decoded by its field's type.
pub(crate) fn test_stored(
    field_type: FieldType,
    test: &Test,
    value: ValueRef<'_>,
    as_of: i64,
) -> bool {
    match field_type {
        FieldType::Text => match (values::text_key(value), test) {
            (key, Test::IsEmpty) => key.is_none(),
            (Some(key), Test::Text(t)) => t.holds(&key),
            _ => false,
        },
        FieldType::List => {
            let keys = values::list_keys(value);
            match test {
                Test::IsEmpty => keys.is_empty(),
                Test::Text(t) => keys.iter().any(|key| t.holds(key)),
                _ => false,
            }
        }
        FieldType::Number => match (values::number(value), test) {
            (n, Test::IsEmpty) => n.is_none(),
            (Some(n), Test::Number(t)) => t.holds(n),
            _ => false,
        },
        FieldType::Date => match (values::instant(value), test) {
            (at, Test::IsEmpty) => at.is_none(),
            (Some(at), Test::Date(t)) => t.holds(at, as_of),
            _ => false,
        },
        FieldType::Boolean => match (values::boolean(value), test) {
            (flag, Test::IsEmpty) => flag.is_none(),
            (Some(flag), Test::Bool(wanted)) => flag == *wanted,
            _ => false,
        },
    }
}

/// The rows of `column` that pass `test`. Only rows in `within` are
/// tested (all when `None`); the caller intersects with it.
pub(super) fn text_set(column: &TextColumn, test: &Test, within: Option<&Bitset>) -> Bitset {
    let len = column.codes.len();
    match test {
        Test::IsEmpty => Bitset::from_fn_within(len, within, |i| column.codes[i] == EMPTY),
        Test::Text(text_test) => {
            let matching: Vec<bool> = column.dict.iter().map(|key| text_test.holds(key)).collect();
            let passes = |i: usize| {
                let code = column.codes[i];
                code != EMPTY && matching[code as usize]
            };
            // Every row (a behaviour's `where` marks every event of its
            // type): the counted loop is the faster one.
            match within {
                None => Bitset::from_fn(len, passes),
                Some(_) => Bitset::from_fn_within(len, within, passes),
            }
        }
        _ => Bitset::empty(len),
    }
}

/// The rows whose value passes `test`; like [`text_set`], only rows in
/// `within` are tested.
pub(super) fn test_column(
    column: &Column,
    test: &Test,
    as_of: i64,
    within: Option<&Bitset>,
) -> Bitset {
    match (column, test) {
        (Column::Text(text), test) => text_set(text, test, within),
        (Column::List(list), test) => {
            let len = list.offsets.len() - 1;
            let items = |row: usize| {
                &list.codes[list.offsets[row] as usize..list.offsets[row + 1] as usize]
            };
            match test {
                Test::IsEmpty => Bitset::from_fn_within(len, within, |row| items(row).is_empty()),
                Test::Text(text_test) => {
                    let matching: Vec<bool> =
                        list.dict.iter().map(|key| text_test.holds(key)).collect();
                    Bitset::from_fn_within(len, within, |row| {
                        items(row).iter().any(|&code| matching[code as usize])
                    })
                }
                _ => Bitset::empty(len),
            }
        }
        (Column::Number(numbers), Test::IsEmpty) => {
            Bitset::from_fn_within(numbers.len(), within, |i| numbers[i].is_nan())
        }
        (Column::Number(numbers), Test::Number(number_test)) => {
            Bitset::from_fn_within(numbers.len(), within, |i| {
                let n = numbers[i];
                !n.is_nan() && number_test.holds(n)
            })
        }
        (Column::Date(instants), Test::IsEmpty) => {
            Bitset::from_fn_within(instants.len(), within, |i| instants[i] == i64::MIN)
        }
        (Column::Date(instants), Test::Date(date_test)) => {
            Bitset::from_fn_within(instants.len(), within, |i| {
                let at = instants[i];
                at != i64::MIN && date_test.holds(at, as_of)
            })
        }
        (Column::Bool(flags), Test::IsEmpty) => {
            Bitset::from_fn_within(flags.len(), within, |i| flags[i] == 2)
        }
        (Column::Bool(flags), Test::Bool(wanted)) => {
            Bitset::from_fn_within(flags.len(), within, |i| flags[i] == u8::from(*wanted))
        }
        (Column::Number(v), _) => Bitset::empty(v.len()),
        (Column::Date(v), _) => Bitset::empty(v.len()),
        (Column::Bool(v), _) => Bitset::empty(v.len()),
    }
}

impl LeadIndex {
    /// Reads `(lead id, value)` pairs of a field, in any order.
    pub(super) fn for_each_value(
        &self,
        conn: &Connection,
        field: &FieldRef,
        mut visit: impl FnMut(usize, ValueRef<'_>),
    ) -> Result<()> {
        let mut visit_known = |lead_id: i64, value: ValueRef<'_>| {
            if let Some(position) = self.row_of(lead_id) {
                visit(position, value);
            }
            Ok(())
        };
        match &field.storage {
            Storage::Column(key) => columns::for_each_lead_value(conn, key, &mut visit_known),
            Storage::Custom(id) => columns::for_each_custom_value(conn, *id, &mut visit_known),
        }
    }

    pub(super) fn load_column(&self, conn: &Connection, field: &FieldRef) -> Result<Column> {
        let mut builder = ColumnBuilder::new(field.field_type, self.len());
        self.for_each_value(conn, field, |row, value| builder.set(row, value))?;
        Ok(builder.finish())
    }

    /// Loads the columns `fields` need that are not loaded yet. Standard
    /// fields come from one scan of `leads` together; custom fields from
    /// their own range of `custom_values` each.
    pub fn load_fields(&mut self, conn: &Connection, fields: &[FieldRef]) -> Result<()> {
        let mut missing: Vec<&FieldRef> = Vec::new();
        for field in fields {
            if !self.columns.contains_key(&field.key) && !missing.iter().any(|m| m.key == field.key)
            {
                missing.push(field);
            }
        }
        // Columns the workspace's cache holds for this data need no SQL.
        let len = self.len();
        missing.retain(|field| {
            let name = super::stored::field_name(&field.key);
            let cached = self.cached(conn, &name, |bytes| {
                super::stored::decode_column(bytes, field.field_type, len)
            });
            match cached {
                Some(column) => {
                    self.columns.insert(field.key.clone(), column);
                    false
                }
                None => true,
            }
        });
        let standard: Vec<&FieldRef> = missing
            .iter()
            .copied()
            .filter(|f| matches!(f.storage, Storage::Column(_)))
            .collect();
        if !standard.is_empty() {
            // Keys are standard column names from the catalogue, never user text.
            let keys: Vec<&str> = standard.iter().map(|f| f.key.as_str()).collect();
            let mut builders: Vec<ColumnBuilder> = standard
                .iter()
                .map(|f| ColumnBuilder::new(f.field_type, self.len()))
                .collect();
            columns::for_each_lead_columns(conn, &keys, |lead_id, values| {
                if let Some(position) = self.row_of(lead_id) {
                    for (i, builder) in builders.iter_mut().enumerate() {
                        builder.set(position, values.get(i)?);
                    }
                }
                Ok(())
            })?;
            for (field, builder) in standard.iter().zip(builders) {
                self.insert_built_column(conn, field, builder.finish());
            }
        }
        for field in missing
            .iter()
            .filter(|f| matches!(f.storage, Storage::Custom(_)))
        {
            let column = self.load_column(conn, field)?;
            self.insert_built_column(conn, field, column);
        }
        Ok(())
    }

    /// Loads, once per index, whether each lead's e-mail is an address an
    /// e-mail tool would take ([`crate::text::is_email_address`], which the
    /// import's validation also asks): from the workspace's cache when it
    /// holds the part for this data, else in one scan of the stored e-mails
    /// (then stored). The planner asks it of every lead it plans.
    pub fn load_usable_emails(&mut self, conn: &Connection) -> Result<()> {
        if self.columns.contains_key(USABLE_EMAIL) {
            return Ok(());
        }
        let len = self.len();
        let name = super::stored::field_name(USABLE_EMAIL);
        let cached = self.cached(conn, &name, |bytes| {
            super::stored::decode_column(bytes, FieldType::Boolean, len)
        });
        let column = match cached {
            Some(column) => column,
            None => {
                let mut flags = vec![0u8; len];
                columns::for_each_lead_columns(conn, &["email"], |lead_id, values| {
                    if let (Some(row), Ok(email)) = (self.row_of(lead_id), values.get(0)?.as_str())
                    {
                        flags[row] = u8::from(crate::text::is_email_address(email));
                    }
                    Ok(())
                })?;
                let column = Column::Bool(flags);
                self.store(conn, &name, || {
                    super::stored::encode_column(FieldType::Boolean, &column)
                });
                column
            }
        };
        self.columns.insert(USABLE_EMAIL.into(), column);
        Ok(())
    }

    /// Whether lead `row`'s e-mail is a usable address; false until
    /// [`LeadIndex::load_usable_emails`] has run.
    pub fn has_usable_email(&self, row: usize) -> bool {
        self.bool_at(USABLE_EMAIL, row) == Some(true)
    }

    /// Keeps a column built from SQL, storing it in the workspace's cache.
    fn insert_built_column(&mut self, conn: &Connection, field: &FieldRef, column: Column) {
        self.store(conn, &super::stored::field_name(&field.key), || {
            super::stored::encode_column(field.field_type, &column)
        });
        self.columns.insert(field.key.clone(), column);
    }

    pub(super) fn column_holds(
        &self,
        column: &Column,
        test: &Test,
        row: usize,
        as_of: i64,
    ) -> bool {
        match (column, test) {
            (Column::Text(text), Test::IsEmpty) => text.codes[row] == EMPTY,
            (Column::Text(text), Test::Text(t)) => {
                let code = text.codes[row];
                code != EMPTY && t.holds(&text.dict[code as usize])
            }
            (Column::List(list), test) => {
                let items = &list.codes[list.offsets[row] as usize..list.offsets[row + 1] as usize];
                match test {
                    Test::IsEmpty => items.is_empty(),
                    Test::Text(t) => items.iter().any(|&code| t.holds(&list.dict[code as usize])),
                    _ => false,
                }
            }
            (Column::Number(numbers), Test::IsEmpty) => numbers[row].is_nan(),
            (Column::Number(numbers), Test::Number(t)) => {
                !numbers[row].is_nan() && t.holds(numbers[row])
            }
            (Column::Date(instants), Test::IsEmpty) => instants[row] == i64::MIN,
            (Column::Date(instants), Test::Date(t)) => {
                instants[row] != i64::MIN && t.holds(instants[row], as_of)
            }
            (Column::Bool(flags), Test::IsEmpty) => flags[row] == 2,
            (Column::Bool(flags), Test::Bool(wanted)) => flags[row] == u8::from(*wanted),
            _ => false,
        }
    }

    /// A loaded text field of lead `row` as first spelled in the data
    /// (trimmed), and its dictionary code; `None` when empty.
    pub fn text_at(&self, key: &str, row: usize) -> Option<(u32, &str)> {
        match self.columns.get(key)? {
            Column::Text(text) => {
                let code = text.codes[row];
                (code != EMPTY).then(|| (code, text.display[code as usize].as_str()))
            }
            _ => None,
        }
    }

    /// A loaded boolean field of lead `row`; `None` when empty.
    pub fn bool_at(&self, key: &str, row: usize) -> Option<bool> {
        match self.columns.get(key)? {
            Column::Bool(flags) => match flags[row] {
                2 => None,
                flag => Some(flag == 1),
            },
            _ => None,
        }
    }

    /// A loaded number column (NaN where empty), for binning.
    pub(crate) fn numbers_of(&self, key: &str) -> Option<&[f64]> {
        match self.columns.get(key)? {
            Column::Number(numbers) => Some(numbers),
            _ => None,
        }
    }

    /// A loaded date column (`i64::MIN` where empty), for binning.
    pub(crate) fn instants_of(&self, key: &str) -> Option<&[i64]> {
        match self.columns.get(key)? {
            Column::Date(instants) => Some(instants),
            _ => None,
        }
    }

    /// A loaded number field of lead `row`; `None` when empty or not a number.
    pub(crate) fn number_at(&self, key: &str, row: usize) -> Option<f64> {
        match self.columns.get(key)? {
            Column::Number(numbers) => Some(numbers[row]).filter(|n| !n.is_nan()),
            _ => None,
        }
    }

    /// How many leads of `rows` hold each value of a loaded text, list or
    /// yes/no column ("Yes"/"No"), by display text, most common first (a
    /// list counts a lead once per value); `None` when the column is not
    /// loaded, is of another type or has more than `limit` distinct values.
    pub(crate) fn value_counts_among(
        &self,
        key: &str,
        rows: &Bitset,
        limit: usize,
    ) -> Option<Vec<(String, u64)>> {
        let (display, counts): (Vec<String>, Vec<u64>) = match self.columns.get(key)? {
            Column::Text(text) => {
                let mut counts = vec![0u64; text.dict.len()];
                for row in rows.ones() {
                    let code = text.codes[row];
                    if code != EMPTY {
                        counts[code as usize] += 1;
                    }
                }
                (text.display.clone(), counts)
            }
            Column::List(list) => {
                let mut counts = vec![0u64; list.dict.len()];
                for row in rows.ones() {
                    let items =
                        &list.codes[list.offsets[row] as usize..list.offsets[row + 1] as usize];
                    let mut seen: Vec<u32> = items.to_vec();
                    seen.sort_unstable();
                    seen.dedup();
                    seen.iter().for_each(|&c| counts[c as usize] += 1);
                }
                (list.display.clone(), counts)
            }
            Column::Bool(flags) => {
                let mut counts = vec![0u64; 2];
                for row in rows.ones() {
                    match flags[row] {
                        1 => counts[0] += 1,
                        0 => counts[1] += 1,
                        _ => {}
                    }
                }
                (vec!["Yes".to_owned(), "No".to_owned()], counts)
            }
            _ => return None,
        };
        if display.len() > limit {
            return None;
        }
        let mut pairs: Vec<(String, u64)> = display.into_iter().zip(counts).collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Some(pairs)
    }

    /// The distinct values of a loaded text or list column with how many
    /// leads have each, most common first; `None` past `limit` values.
    pub fn value_counts(&self, key: &str, limit: usize) -> Option<Vec<(String, u64)>> {
        let (display, mut counts) = match self.columns.get(key)? {
            Column::Text(text) => {
                let mut counts = vec![0u64; text.dict.len()];
                text.codes
                    .iter()
                    .filter(|&&c| c != EMPTY)
                    .for_each(|&c| counts[c as usize] += 1);
                (&text.display, counts)
            }
            Column::List(list) => {
                let mut counts = vec![0u64; list.dict.len()];
                list.codes.iter().for_each(|&c| counts[c as usize] += 1);
                (&list.display, counts)
            }
            _ => return None,
        };
        if display.len() > limit {
            return None;
        }
        let mut pairs: Vec<(String, u64)> = display.iter().cloned().zip(counts.drain(..)).collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Some(pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the raw spellings it remembers, a build still gives each folded
    /// value one code, whatever its spelling, and shows its first spelling.
    #[test]
    fn a_column_of_mostly_distinct_values_codes_each_key_once() {
        let distinct = RAW_SPELLINGS_REMEMBERED + 100;
        let mut rows: Vec<String> = (0..distinct).map(|n| format!("Lead{n}@X.io")).collect();
        rows.push("lead5@x.io".to_owned());
        rows.push(format!("LEAD{}@x.IO", distinct - 1));
        rows.push(format!("Lead{}@X.io", distinct - 2));
        rows.push("  Straße@x.io ".to_owned());
        rows.push("STRASSE@X.IO".to_owned());
        let mut builder = TextColumnBuilder::new(rows.len());
        for (row, text) in rows.iter().enumerate() {
            builder.set(row, ValueRef::Text(text.as_bytes()));
        }
        assert_eq!(builder.by_raw.len(), RAW_SPELLINGS_REMEMBERED);
        let column = builder.column;
        let code = |row: usize| column.codes[row];
        assert_eq!(column.dict.len(), distinct + 1);
        assert_eq!(code(distinct), code(5), "a remembered spelling's key");
        assert_eq!(
            code(distinct + 1),
            code(distinct - 1),
            "past the last remembered"
        );
        assert_eq!(
            code(distinct + 2),
            code(distinct - 2),
            "the same spelling again"
        );
        assert_eq!(code(distinct + 4), code(distinct + 3), "folded fully");
        let shown = |row: usize| column.display[code(row) as usize].as_str();
        assert_eq!(shown(distinct + 1), format!("Lead{}@X.io", distinct - 1));
        assert_eq!(shown(distinct + 4), "Straße@x.io");
        assert_eq!(column.dict[code(distinct + 4) as usize], "strasse@x.io");
    }
}
