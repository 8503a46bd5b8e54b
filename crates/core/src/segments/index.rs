//! The fast path: an in-memory columnar index of the workspace, loaded lazily
//! (a field's column the first time a rule tests it, all events the first
//! time a behaviour rule runs) and dropped when the data changes. A rule tree
//! evaluates to a bitset over leads: text rules test each distinct folded
//! value once and then map codes, behaviour rules count events per lead with
//! two binary searches over time-sorted runs.

use std::collections::{HashMap, HashSet};

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::compile::{Behaviour, Condition, FieldRef, PropertyCondition, Storage, Test};
use super::values::{self, span_start};
use crate::fields::FieldType;
use crate::text::fold_key;
use crate::Result;

/// One bit per lead row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl Bitset {
    pub fn empty(len: usize) -> Self {
        Bitset {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    pub fn full(len: usize) -> Self {
        let mut set = Bitset {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        set.clear_tail();
        set
    }

    fn from_fn(len: usize, mut test: impl FnMut(usize) -> bool) -> Self {
        let mut words = vec![0u64; len.div_ceil(64)];
        for (w, word) in words.iter_mut().enumerate() {
            let base = w * 64;
            let end = (base + 64).min(len);
            let mut bits = 0u64;
            for i in base..end {
                bits |= (test(i) as u64) << (i - base);
            }
            *word = bits;
        }
        Bitset { words, len }
    }

    fn clear_tail(&mut self) {
        let tail = self.len % 64;
        if tail != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << tail) - 1;
            }
        }
    }

    pub fn get(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    fn and_with(&mut self, other: &Bitset) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= b);
    }

    fn or_with(&mut self, other: &Bitset) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a |= b);
    }

    fn negate(&mut self) {
        self.words.iter_mut().for_each(|w| *w = !*w);
        self.clear_tail();
    }

    /// The set positions, ascending.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let bit = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

/// A code for "empty" in dictionary-encoded columns.
const EMPTY: u32 = u32::MAX;

/// Dictionary-encoded folded text: `codes[row]` indexes `dict`.
#[derive(Debug, Default)]
struct TextColumn {
    codes: Vec<u32>,
    dict: Vec<String>,
    /// The first stored spelling of each dictionary entry, for display.
    display: Vec<String>,
}

/// Builds a [`TextColumn`], folding each distinct raw value once.
struct TextColumnBuilder {
    column: TextColumn,
    by_raw: HashMap<Vec<u8>, u32>,
    by_key: HashMap<String, u32>,
}

impl TextColumnBuilder {
    fn new(len: usize) -> Self {
        TextColumnBuilder {
            column: TextColumn {
                codes: vec![EMPTY; len],
                dict: Vec::new(),
                display: Vec::new(),
            },
            by_raw: HashMap::new(),
            by_key: HashMap::new(),
        }
    }

    fn code_of_key(&mut self, key: Option<String>, display: &str) -> u32 {
        let Some(key) = key else { return EMPTY };
        if let Some(&code) = self.by_key.get(&key) {
            return code;
        }
        let code = self.column.dict.len() as u32;
        self.column.dict.push(key.clone());
        self.column.display.push(display.trim().to_owned());
        self.by_key.insert(key, code);
        code
    }

    fn set(&mut self, row: usize, value: ValueRef<'_>) {
        let code = match value {
            ValueRef::Text(raw) => match self.by_raw.get(raw) {
                Some(&code) => code,
                None => {
                    let display = String::from_utf8_lossy(raw).into_owned();
                    let code = self.code_of_key(values::text_key(value), &display);
                    self.by_raw.insert(raw.to_vec(), code);
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
enum ColumnBuilder {
    Text(TextColumnBuilder),
    List(Vec<Vec<u32>>, TextColumnBuilder),
    Number(Vec<f64>),
    Date(Vec<i64>),
    Bool(Vec<u8>),
}

impl ColumnBuilder {
    fn new(field_type: FieldType, len: usize) -> Self {
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

    fn set(&mut self, row: usize, value: ValueRef<'_>) {
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

    fn finish(self) -> Column {
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
struct ListColumn {
    offsets: Vec<u32>,
    codes: Vec<u32>,
    dict: Vec<String>,
    display: Vec<String>,
}

#[derive(Debug)]
enum Column {
    Text(TextColumn),
    List(ListColumn),
    /// NaN when empty or not a number.
    Number(Vec<f64>),
    /// `i64::MIN` when empty.
    Date(Vec<i64>),
    /// 0, 1, or 2 when empty.
    Bool(Vec<u8>),
}

/// The events of one (folded) type: `times[offsets[row]..offsets[row + 1]]`
/// are a lead's events, oldest first (ties by event id).
#[derive(Debug, Default)]
struct TypeEvents {
    raw_types: Vec<String>,
    offsets: Vec<u32>,
    times: Vec<i64>,
}

/// Field values that replace stored ones for one lead, by field key.
pub(crate) type Overlay = Vec<(String, rusqlite::types::Value)>;

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

/// An event while loading: (lead row, occurred_at).
type EventEntry = (u32, i64);

/// An event property over one type's events, aligned with `TypeEvents::times`.
#[derive(Debug)]
struct PropertyColumn {
    text: TextColumn,
    number: Vec<f64>,
}

/// The members of segments referred to from several places in the rule
/// tree being evaluated, computed once each.
struct SharedMembers {
    ids: HashSet<i64>,
    members: HashMap<i64, Bitset>,
}

/// Maps lead ids to rows.
#[derive(Debug)]
enum RowLookup {
    /// `rows[id]`, for ids that are not much sparser than the leads.
    Dense(Vec<u32>),
    /// Binary search in the sorted ids.
    Sparse,
}

/// What identifies the data an index was built from: the workspace's own
/// write generation and SQLite's `data_version` (other connections' commits).
pub(crate) type Stamp = (u64, i64);

/// The columnar index of one workspace.
#[derive(Debug)]
pub(crate) struct LeadIndex {
    pub stamp: Stamp,
    lead_ids: Vec<i64>,
    lookup: RowLookup,
    columns: HashMap<String, Column>,
    events: Option<HashMap<String, TypeEvents>>,
    properties: HashMap<(String, String), PropertyColumn>,
}

impl LeadIndex {
    /// Loads the lead ids; columns and events load on first use.
    pub fn load(conn: &Connection, stamp: Stamp) -> Result<Self> {
        let mut statement = conn.prepare("SELECT id FROM leads ORDER BY id")?;
        let lead_ids: Vec<i64> = statement
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let max_id = lead_ids.last().copied().unwrap_or(0);
        let lookup = if max_id >= 0 && (max_id as u64) < 4 * lead_ids.len() as u64 + 1_000_000 {
            let mut rows = vec![u32::MAX; max_id as usize + 1];
            for (row, &id) in lead_ids.iter().enumerate() {
                rows[id as usize] = row as u32;
            }
            RowLookup::Dense(rows)
        } else {
            RowLookup::Sparse
        };
        Ok(LeadIndex {
            stamp,
            lead_ids,
            lookup,
            columns: HashMap::new(),
            events: None,
            properties: HashMap::new(),
        })
    }

    pub fn len(&self) -> usize {
        self.lead_ids.len()
    }

    pub fn lead_id(&self, row: usize) -> i64 {
        self.lead_ids[row]
    }

    fn row_of(&self, id: i64) -> Option<usize> {
        match &self.lookup {
            RowLookup::Dense(rows) => usize::try_from(id)
                .ok()
                .and_then(|id| rows.get(id))
                .filter(|&&row| row != u32::MAX)
                .map(|&row| row as usize),
            RowLookup::Sparse => self.lead_ids.binary_search(&id).ok(),
        }
    }

    /// Loads whatever `condition` needs that is not loaded yet.
    pub fn prepare(&mut self, conn: &Connection, condition: &Condition) -> Result<()> {
        let mut fields = Vec::new();
        fields_of(condition, &mut fields);
        self.load_fields(conn, &fields)?;
        self.prepare_events(conn, condition, &mut HashSet::new())
    }

    /// Loads the events and properties `condition`'s behaviour rules need,
    /// visiting each referenced segment once (`seen`).
    fn prepare_events(
        &mut self,
        conn: &Connection,
        condition: &Condition,
        seen: &mut HashSet<i64>,
    ) -> Result<()> {
        match condition {
            Condition::Group { children, .. } => {
                for child in children {
                    self.prepare_events(conn, child, seen)?;
                }
            }
            Condition::Field { .. } => {}
            Condition::Behaviour { behaviour, .. } => {
                if self.events.is_none() {
                    self.events = Some(self.load_events(conn)?);
                }
                if let Some(filter) = &behaviour.filter {
                    let mut keys = Vec::new();
                    property_keys(filter, &mut keys);
                    for key in keys {
                        let slot = (behaviour.event_type.clone(), key);
                        if !self.properties.contains_key(&slot) {
                            let column = self.load_property(conn, &slot.0, &slot.1)?;
                            self.properties.insert(slot, column);
                        }
                    }
                }
            }
            Condition::Segment { id, condition, .. } => {
                if seen.insert(*id) {
                    self.prepare_events(conn, condition, seen)?;
                }
            }
        }
        Ok(())
    }

    /// Reads `(lead id, value)` pairs of a field, in any order.
    fn for_each_value(
        &self,
        conn: &Connection,
        field: &FieldRef,
        mut visit: impl FnMut(usize, ValueRef<'_>),
    ) -> Result<()> {
        let (sql, param) = match &field.storage {
            // The key is a standard column name from the catalogue, never user text.
            Storage::Column(key) => (format!("SELECT id, \"{key}\" FROM leads"), None),
            Storage::Custom(id) => (
                "SELECT lead_id, value FROM custom_values WHERE field_id = ?1".to_owned(),
                Some(*id),
            ),
        };
        let mut statement = conn.prepare(&sql)?;
        let mut rows = match param {
            Some(id) => statement.query([id])?,
            None => statement.query([])?,
        };
        while let Some(row) = rows.next()? {
            if let Some(position) = self.row_of(row.get(0)?) {
                visit(position, row.get_ref(1)?);
            }
        }
        Ok(())
    }

    fn load_column(&self, conn: &Connection, field: &FieldRef) -> Result<Column> {
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
        let standard: Vec<&FieldRef> = missing
            .iter()
            .copied()
            .filter(|f| matches!(f.storage, Storage::Column(_)))
            .collect();
        if !standard.is_empty() {
            // Keys are standard column names from the catalogue, never user text.
            let columns: Vec<String> = standard.iter().map(|f| format!("\"{}\"", f.key)).collect();
            let mut builders: Vec<ColumnBuilder> = standard
                .iter()
                .map(|f| ColumnBuilder::new(f.field_type, self.len()))
                .collect();
            let mut statement =
                conn.prepare(&format!("SELECT id, {} FROM leads", columns.join(", ")))?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                if let Some(position) = self.row_of(row.get(0)?) {
                    for (i, builder) in builders.iter_mut().enumerate() {
                        builder.set(position, row.get_ref(i + 1)?);
                    }
                }
            }
            for (field, builder) in standard.iter().zip(builders) {
                self.columns.insert(field.key.clone(), builder.finish());
            }
        }
        for field in missing
            .iter()
            .filter(|f| matches!(f.storage, Storage::Custom(_)))
        {
            let column = self.load_column(conn, field)?;
            self.columns.insert(field.key.clone(), column);
        }
        Ok(())
    }

    /// Reads every event once, grouped by folded type and sorted per lead.
    fn load_events(&self, conn: &Connection) -> Result<HashMap<String, TypeEvents>> {
        let mut slot_of_raw: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut slot_of_key: HashMap<String, usize> = HashMap::new();
        let mut slots: Vec<(TypeEvents, Vec<EventEntry>)> = Vec::new();
        // In id order (the table's own order, no sort), so that a stable sort
        // by (lead, time) breaks ties by id.
        let mut statement =
            conn.prepare("SELECT lead_id, type, occurred_at FROM events ORDER BY id")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let Some(lead_row) = self.row_of(row.get(0)?) else {
                continue;
            };
            let raw = row.get_ref(1)?.as_bytes().unwrap_or_default();
            let slot = match slot_of_raw.get(raw) {
                Some(&slot) => slot,
                None => {
                    let raw_text = String::from_utf8_lossy(raw).into_owned();
                    let key = fold_key(&raw_text);
                    let slot = *slot_of_key.entry(key).or_insert_with(|| {
                        slots.push((TypeEvents::default(), Vec::new()));
                        slots.len() - 1
                    });
                    slots[slot].0.raw_types.push(raw_text);
                    slot_of_raw.insert(raw.to_vec(), slot);
                    slot
                }
            };
            slots[slot].1.push((lead_row as u32, row.get(2)?));
        }
        let len = self.len();
        let mut by_type = HashMap::with_capacity(slots.len());
        let keys: HashMap<usize, String> = slot_of_key.into_iter().map(|(k, s)| (s, k)).collect();
        for (slot, (mut events, mut entries)) in slots.into_iter().enumerate() {
            entries.sort_by_key(|&(row, time)| (row, time));
            events.offsets = Vec::with_capacity(len + 1);
            events.offsets.push(0);
            let mut next = 0usize;
            for row in 0..len {
                while next < entries.len() && entries[next].0 as usize == row {
                    next += 1;
                }
                events.offsets.push(next as u32);
            }
            events.times = entries.into_iter().map(|(_, time)| time).collect();
            by_type.insert(keys[&slot].clone(), events);
        }
        Ok(by_type)
    }

    /// Reads one property of one event type, aligned with its events.
    fn load_property(
        &self,
        conn: &Connection,
        event_type: &str,
        key: &str,
    ) -> Result<PropertyColumn> {
        let raw_types = self
            .events
            .as_ref()
            .and_then(|events| events.get(event_type))
            .map(|events| events.raw_types.clone())
            .unwrap_or_default();
        let mut entries: Vec<PropertyEntry> = Vec::new();
        if !raw_types.is_empty() {
            // json_type/json_extract run in SQLite's C code, much faster than
            // parsing every object here; `property_sql_value` maps their
            // answers exactly as `values::property_text`/`property_number`
            // map the parsed JSON (a property test holds them to it).
            let placeholders = vec!["?"; raw_types.len()].join(", ");
            let mut statement = conn.prepare(&format!(
                "SELECT lead_id, occurred_at, json_type(properties, ?1), json_extract(properties, ?1)
                 FROM events WHERE type IN ({placeholders}) ORDER BY id"
            ))?;
            let path = json_path_of_key(key);
            let params = std::iter::once(path.as_str()).chain(raw_types.iter().map(String::as_str));
            let mut rows = statement.query(rusqlite::params_from_iter(params))?;
            while let Some(row) = rows.next()? {
                let Some(lead_row) = self.row_of(row.get(0)?) else {
                    continue;
                };
                let json_type: Option<String> = row.get(2).unwrap_or(None);
                let (text, number) = property_sql_value(json_type.as_deref(), row.get_ref(3)?);
                entries.push((lead_row as u32, row.get(1)?, text, number));
            }
        }
        entries.sort_by_key(|entry| (entry.0, entry.1));
        let mut text = TextColumnBuilder::new(entries.len());
        let mut number = Vec::with_capacity(entries.len());
        for (position, (_, _, key, n)) in entries.into_iter().enumerate() {
            let display = key.clone().unwrap_or_default();
            let code = text.code_of_key(key, &display);
            text.column.codes[position] = code;
            number.push(n);
        }
        Ok(PropertyColumn {
            text: text.column,
            number,
        })
    }

    /// The leads matching `condition` as of `as_of`. [`prepare`] must have
    /// run for this condition.
    pub fn evaluate(&self, condition: &Condition, as_of: i64) -> Bitset {
        let mut shared = SharedMembers {
            ids: shared_segments(condition),
            members: HashMap::new(),
        };
        self.evaluate_within(condition, as_of, None, &mut shared)
    }

    /// Evaluates `condition`; when `mask` is given, only rows in the mask are
    /// guaranteed right (the caller intersects with it). `and` groups pass
    /// their running result down as the mask and evaluate field rules before
    /// groups and behaviours, so costly behaviour rules only count events of
    /// leads that can still match.
    fn evaluate_within(
        &self,
        condition: &Condition,
        as_of: i64,
        mask: Option<&Bitset>,
        shared: &mut SharedMembers,
    ) -> Bitset {
        let len = self.len();
        let (mut set, negate) = match condition {
            Condition::Group {
                any: true,
                negate,
                children,
            } if !children.is_empty() => {
                let mut set = Bitset::empty(len);
                for child in children {
                    set.or_with(&self.evaluate_within(child, as_of, mask, shared));
                }
                (set, *negate)
            }
            Condition::Group {
                negate, children, ..
            } => {
                let mut set = mask.cloned().unwrap_or_else(|| Bitset::full(len));
                let cost = |child: &&Condition| match child {
                    Condition::Field { .. } => 0,
                    Condition::Group { .. } | Condition::Segment { .. } => 1,
                    Condition::Behaviour { .. } => 2,
                };
                let mut ordered: Vec<&Condition> = children.iter().collect();
                ordered.sort_by_key(cost);
                for child in ordered {
                    let child_set = self.evaluate_within(child, as_of, Some(&set), shared);
                    set.and_with(&child_set);
                }
                (set, *negate)
            }
            Condition::Field {
                field,
                test,
                negate,
            } => (test_column(&self.columns[&field.key], test, as_of), *negate),
            Condition::Behaviour { behaviour, negate } => {
                (self.behaviour_set(behaviour, as_of, mask), *negate)
            }
            Condition::Segment {
                id,
                condition,
                negate,
                ..
            } => {
                if !shared.ids.contains(id) {
                    (
                        self.evaluate_within(condition, as_of, mask, shared),
                        *negate,
                    )
                } else if let Some(members) = shared.members.get(id) {
                    (members.clone(), *negate)
                } else {
                    // Referred to from several places: every member, once.
                    let members = self.evaluate_within(condition, as_of, None, shared);
                    shared.members.insert(*id, members.clone());
                    (members, *negate)
                }
            }
        };
        if negate {
            set.negate();
        }
        set
    }

    /// Whether lead `row` matches `condition` as of `as_of`, with the field
    /// values in `overlay` (by key) replacing the stored ones: the planner
    /// asks this of a simulated lead whose fields its steps changed.
    /// [`prepare`] must have run for this condition.
    pub fn holds_row(
        &self,
        condition: &Condition,
        row: usize,
        as_of: i64,
        overlay: &Overlay,
    ) -> bool {
        self.holds_row_within(condition, row, as_of, overlay, &mut HashMap::new())
    }

    /// [`holds_row`], remembering each referenced segment's answer for the
    /// row in `memberships`, so a diamond of references is walked once.
    fn holds_row_within(
        &self,
        condition: &Condition,
        row: usize,
        as_of: i64,
        overlay: &Overlay,
        memberships: &mut HashMap<i64, bool>,
    ) -> bool {
        match condition {
            Condition::Group {
                any,
                negate,
                children,
            } => {
                let combined = children.is_empty()
                    || if *any {
                        children
                            .iter()
                            .any(|c| self.holds_row_within(c, row, as_of, overlay, memberships))
                    } else {
                        children
                            .iter()
                            .all(|c| self.holds_row_within(c, row, as_of, overlay, memberships))
                    };
                combined != *negate
            }
            Condition::Field {
                field,
                test,
                negate,
            } => {
                let held = match overlay.iter().find(|(key, _)| *key == field.key) {
                    Some((_, value)) => test_stored(field.field_type, test, value.into(), as_of),
                    None => self.column_holds(&self.columns[&field.key], test, row, as_of),
                };
                held != *negate
            }
            Condition::Behaviour { behaviour, negate } => {
                let count = self.event_count(behaviour, row, as_of);
                behaviour.count_matches(count) != *negate
            }
            Condition::Segment {
                id,
                condition,
                nested,
                negate,
                ..
            } => {
                let member = match memberships.get(id) {
                    Some(&member) => member,
                    // A segment of plain rules costs no more than a lookup.
                    None if !nested => {
                        self.holds_row_within(condition, row, as_of, overlay, memberships)
                    }
                    None => {
                        let member =
                            self.holds_row_within(condition, row, as_of, overlay, memberships);
                        memberships.insert(*id, member);
                        member
                    }
                };
                member != *negate
            }
        }
    }

    fn column_holds(&self, column: &Column, test: &Test, row: usize, as_of: i64) -> bool {
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

    /// How many of the lead's events count for `behaviour` as of `as_of`.
    fn event_count(&self, behaviour: &Behaviour, row: usize, as_of: i64) -> u64 {
        let Some(events) = self
            .events
            .as_ref()
            .and_then(|events| events.get(&behaviour.event_type))
        else {
            return 0;
        };
        let low = behaviour
            .in_last
            .map(|span| span_start(as_of, span))
            .unwrap_or(i64::MIN);
        let (start, end) = (
            events.offsets[row] as usize,
            events.offsets[row + 1] as usize,
        );
        let times = &events.times[start..end];
        let first = start + times.partition_point(|&t| t < low);
        let last = start + times.partition_point(|&t| t <= as_of);
        match &behaviour.filter {
            None => (last - first) as u64,
            Some(filter) => (first..last)
                .filter(|&i| self.property_holds(&behaviour.event_type, filter, i))
                .count() as u64,
        }
    }

    fn property_holds(
        &self,
        event_type: &str,
        condition: &PropertyCondition,
        event: usize,
    ) -> bool {
        match condition {
            PropertyCondition::Group {
                any,
                negate,
                children,
            } => {
                let combined = children.is_empty()
                    || if *any {
                        children
                            .iter()
                            .any(|c| self.property_holds(event_type, c, event))
                    } else {
                        children
                            .iter()
                            .all(|c| self.property_holds(event_type, c, event))
                    };
                combined != *negate
            }
            PropertyCondition::Rule { key, test, negate } => {
                let column = &self.properties[&(event_type.to_owned(), key.clone())];
                let code = column.text.codes[event];
                let held = match test {
                    Test::IsEmpty => code == EMPTY,
                    Test::Text(t) => code != EMPTY && t.holds(&column.text.dict[code as usize]),
                    Test::Number(t) => {
                        !column.number[event].is_nan() && t.holds(column.number[event])
                    }
                    _ => false,
                };
                held != *negate
            }
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

    /// The row of a lead id, if the lead exists.
    pub fn row_of_lead(&self, id: i64) -> Option<usize> {
        self.row_of(id)
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

    /// Each event type (folded), its stored spellings and its event count,
    /// most common first. Loads the events if needed.
    pub fn event_type_counts(
        &mut self,
        conn: &Connection,
    ) -> Result<Vec<(String, Vec<String>, u64)>> {
        if self.events.is_none() {
            self.events = Some(self.load_events(conn)?);
        }
        let mut counts: Vec<(String, Vec<String>, u64)> = self
            .events
            .iter()
            .flatten()
            .map(|(key, events)| {
                (
                    key.clone(),
                    events.raw_types.clone(),
                    events.times.len() as u64,
                )
            })
            .collect();
        counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        Ok(counts)
    }

    fn behaviour_set(&self, behaviour: &Behaviour, as_of: i64, mask: Option<&Bitset>) -> Bitset {
        let len = self.len();
        let Some(events) = self
            .events
            .as_ref()
            .and_then(|events| events.get(&behaviour.event_type))
        else {
            return if behaviour.count_matches(0) {
                Bitset::full(len)
            } else {
                Bitset::empty(len)
            };
        };
        let low = behaviour
            .in_last
            .map(|span| span_start(as_of, span))
            .unwrap_or(i64::MIN);
        let filtered = behaviour
            .filter
            .as_ref()
            .map(|filter| self.property_set(&behaviour.event_type, filter, events.times.len()));
        Bitset::from_fn(len, |row| {
            if mask.is_some_and(|mask| !mask.get(row)) {
                return false;
            }
            let (start, end) = (
                events.offsets[row] as usize,
                events.offsets[row + 1] as usize,
            );
            let times = &events.times[start..end];
            let first = start + times.partition_point(|&t| t < low);
            let last = start + times.partition_point(|&t| t <= as_of);
            let count = match &filtered {
                None => (last - first) as u64,
                Some(matching) => (first..last).filter(|&i| matching.get(i)).count() as u64,
            };
            behaviour.count_matches(count)
        })
    }

    fn property_set(&self, event_type: &str, condition: &PropertyCondition, len: usize) -> Bitset {
        let (mut set, negate) = match condition {
            PropertyCondition::Group {
                any,
                negate,
                children,
            } => {
                let mut set = if *any && !children.is_empty() {
                    Bitset::empty(len)
                } else {
                    Bitset::full(len)
                };
                for child in children {
                    let child_set = self.property_set(event_type, child, len);
                    if *any {
                        set.or_with(&child_set);
                    } else {
                        set.and_with(&child_set);
                    }
                }
                (set, *negate)
            }
            PropertyCondition::Rule { key, test, negate } => {
                let column = &self.properties[&(event_type.to_owned(), key.clone())];
                let set = match test {
                    Test::Number(number_test) => Bitset::from_fn(len, |i| {
                        let n = column.number[i];
                        !n.is_nan() && number_test.holds(n)
                    }),
                    other => text_set(&column.text, other),
                };
                (set, *negate)
            }
        };
        if negate {
            set.negate();
        }
        set
    }
}

/// The SQLite JSON path of the top-level member named `key`: `$."…"` with
/// the name written as a JSON string, so `"`, `\\` and control characters are
/// escaped, and `.`, `$`, `[` and spaces inside the quotes are plain
/// characters. It is bound as a parameter, never spliced into SQL.
fn json_path_of_key(key: &str) -> String {
    format!("$.{}", serde_json::Value::from(key))
}

/// An event property while loading: (lead row, occurred_at, text key, number).
type PropertyEntry = (u32, i64, Option<String>, f64);

/// A property's text key and number from SQLite's `json_type` and
/// `json_extract`, matching what [`values::property_text`] and
/// [`values::property_number`] give for the parsed JSON value.
fn property_sql_value(json_type: Option<&str>, value: ValueRef<'_>) -> (Option<String>, f64) {
    let parsed = match (json_type, value) {
        (None | Some("null"), _) => serde_json::Value::Null,
        (Some("true"), _) => serde_json::Value::Bool(true),
        (Some("false"), _) => serde_json::Value::Bool(false),
        (Some("integer"), ValueRef::Integer(i)) => serde_json::Value::from(i),
        (Some("real"), ValueRef::Real(f)) => serde_json::Value::from(f),
        (Some("text"), ValueRef::Text(bytes)) => {
            serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned())
        }
        // Objects and arrays come back as JSON text.
        (_, ValueRef::Text(bytes)) => {
            serde_json::from_slice(bytes).unwrap_or(serde_json::Value::Null)
        }
        _ => serde_json::Value::Null,
    };
    (
        values::property_text(&parsed),
        values::property_number(&parsed).unwrap_or(f64::NAN),
    )
}

/// The fields a condition tests, nested segments included (each once).
pub(crate) fn fields_of(condition: &Condition, fields: &mut Vec<FieldRef>) {
    fn visit(condition: &Condition, fields: &mut Vec<FieldRef>, seen: &mut HashSet<i64>) {
        match condition {
            Condition::Group { children, .. } => {
                children.iter().for_each(|c| visit(c, fields, seen))
            }
            Condition::Field { field, .. } => {
                if !fields.iter().any(|known| known.key == field.key) {
                    fields.push(field.clone());
                }
            }
            Condition::Behaviour { .. } => {}
            Condition::Segment { id, condition, .. } => {
                if seen.insert(*id) {
                    visit(condition, fields, seen);
                }
            }
        }
    }
    visit(condition, fields, &mut HashSet::new())
}

/// The segments referred to from more than one place in `condition`
/// (counting each segment's own rules once): their members are computed
/// once per evaluation and reused.
fn shared_segments(condition: &Condition) -> HashSet<i64> {
    fn visit(condition: &Condition, sites: &mut HashMap<i64, u32>) {
        match condition {
            Condition::Group { children, .. } => children.iter().for_each(|c| visit(c, sites)),
            Condition::Field { .. } | Condition::Behaviour { .. } => {}
            Condition::Segment { id, condition, .. } => {
                let count = sites.entry(*id).or_insert(0);
                *count += 1;
                if *count == 1 {
                    visit(condition, sites);
                }
            }
        }
    }
    let mut sites = HashMap::new();
    visit(condition, &mut sites);
    sites
        .into_iter()
        .filter(|&(_, count)| count > 1)
        .map(|(id, _)| id)
        .collect()
}

fn property_keys(condition: &PropertyCondition, keys: &mut Vec<String>) {
    match condition {
        PropertyCondition::Group { children, .. } => {
            children.iter().for_each(|child| property_keys(child, keys))
        }
        PropertyCondition::Rule { key, .. } => keys.push(key.clone()),
    }
}

fn text_set(column: &TextColumn, test: &Test) -> Bitset {
    let len = column.codes.len();
    match test {
        Test::IsEmpty => Bitset::from_fn(len, |i| column.codes[i] == EMPTY),
        Test::Text(text_test) => {
            let matching: Vec<bool> = column.dict.iter().map(|key| text_test.holds(key)).collect();
            Bitset::from_fn(len, |i| {
                let code = column.codes[i];
                code != EMPTY && matching[code as usize]
            })
        }
        _ => Bitset::empty(len),
    }
}

fn test_column(column: &Column, test: &Test, as_of: i64) -> Bitset {
    match (column, test) {
        (Column::Text(text), test) => text_set(text, test),
        (Column::List(list), test) => {
            let len = list.offsets.len() - 1;
            let items = |row: usize| {
                &list.codes[list.offsets[row] as usize..list.offsets[row + 1] as usize]
            };
            match test {
                Test::IsEmpty => Bitset::from_fn(len, |row| items(row).is_empty()),
                Test::Text(text_test) => {
                    let matching: Vec<bool> =
                        list.dict.iter().map(|key| text_test.holds(key)).collect();
                    Bitset::from_fn(len, |row| {
                        items(row).iter().any(|&code| matching[code as usize])
                    })
                }
                _ => Bitset::empty(len),
            }
        }
        (Column::Number(numbers), Test::IsEmpty) => {
            Bitset::from_fn(numbers.len(), |i| numbers[i].is_nan())
        }
        (Column::Number(numbers), Test::Number(number_test)) => {
            Bitset::from_fn(numbers.len(), |i| {
                let n = numbers[i];
                !n.is_nan() && number_test.holds(n)
            })
        }
        (Column::Date(instants), Test::IsEmpty) => {
            Bitset::from_fn(instants.len(), |i| instants[i] == i64::MIN)
        }
        (Column::Date(instants), Test::Date(date_test)) => Bitset::from_fn(instants.len(), |i| {
            let at = instants[i];
            at != i64::MIN && date_test.holds(at, as_of)
        }),
        (Column::Bool(flags), Test::IsEmpty) => Bitset::from_fn(flags.len(), |i| flags[i] == 2),
        (Column::Bool(flags), Test::Bool(wanted)) => {
            Bitset::from_fn(flags.len(), |i| flags[i] == u8::from(*wanted))
        }
        (Column::Number(v), _) => Bitset::empty(v.len()),
        (Column::Date(v), _) => Bitset::empty(v.len()),
        (Column::Bool(v), _) => Bitset::empty(v.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitset_negation_keeps_the_tail_clear() {
        let mut set = Bitset::from_fn(70, |i| i % 3 == 0);
        assert_eq!(set.count(), 24);
        set.negate();
        assert_eq!(set.count(), 46);
        assert!(set.ones().all(|i| i < 70 && i % 3 != 0));
        assert_eq!(Bitset::full(65).count(), 65);
        assert_eq!(Bitset::empty(0).count(), 0);
    }

    #[test]
    fn json_paths_of_odd_keys_find_exactly_that_key() {
        let conn = Connection::open_in_memory().unwrap();
        let keys = [
            "url",
            "a\"b",
            "\"",
            "a\\b",
            "a\\\"b",
            "a.b",
            "$",
            "$.url",
            "x[0]",
            "[",
            "a b",
            "Größe",
            "tab\there",
            "",
        ];
        let object: serde_json::Map<String, serde_json::Value> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| ((*key).to_owned(), serde_json::Value::from(i)))
            .collect();
        let document = serde_json::Value::Object(object).to_string();
        for (i, key) in keys.iter().enumerate() {
            let found: Option<i64> = conn
                .query_row(
                    "SELECT json_extract(?1, ?2)",
                    [&document, &json_path_of_key(key)],
                    |row| row.get(0),
                )
                .unwrap_or_else(|e| panic!("{key:?}: {e}"));
            assert_eq!(found, Some(i as i64), "{key:?}");
        }
    }

    #[test]
    fn ones_are_ascending() {
        let set = Bitset::from_fn(200, |i| i == 3 || i == 64 || i == 199);
        assert_eq!(set.ones().collect::<Vec<_>>(), vec![3, 64, 199]);
    }
}
