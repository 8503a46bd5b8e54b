//! The segment index's parts as stored in the workspace's derived-data cache
//! (`store::tables::derived_cache`): a compact little-endian form of the lead
//! ids, each field column, the list of event types and their property keys,
//! the events of each type and each event property, so a fresh process
//! loads them instead of rebuilding them from SQL.
//!
//! A part is read for the data generation the index was started on (built
//! for it, or for an earlier one and kept by every write since) and stored
//! only if no write came in between (the cache's own guarantees).
//! Each part starts with a format byte and a kind byte and ends with a
//! checksum; a part that does not decode exactly (another format, short,
//! damaged, for more leads than there are) is an error that the index
//! answers by rebuilding the part from SQL, never by trusting it. A column
//! or type's events for fewer leads than there are was kept across a leads
//! import that did not write it: the leads added since have no value and no
//! event in it ([`part_survives_leads_written`]).

use std::collections::HashMap;

use rusqlite::Connection;

use super::columns::{Column, ListColumn, TextColumn};
use super::events::{PropertyColumn, TypeEvents};
use crate::fields::FieldType;
use crate::store::tables::derived_cache::{self, BuiltFrom};
use crate::{Error, Result};

/// The format of every part. Bump it whenever the encoding or what a part
/// means changes (the folding of text keys, the order of events): older
/// parts then fail to decode and are rebuilt.
const FORMAT: u8 = 3;

/// What a part holds, checked on reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    LeadIds = 1,
    Column = 2,
    EventTypes = 3,
    Events = 4,
    Property = 5,
    PropertyKeys = 6,
}

/// The name of the lead ids' part.
pub(super) fn lead_ids_name() -> String {
    "segment-index/v1/lead-ids".to_owned()
}

/// The name of a field column's part, by field key.
pub(super) fn field_name(key: &str) -> String {
    format!("segment-index/v1/field/{key}")
}

/// The name of the list of event types (folded key and stored spellings).
pub(super) fn event_types_name() -> String {
    "segment-index/v1/event-types".to_owned()
}

/// The name of the property keys of each event type (what the behaviour
/// editor offers for a `where`).
pub(super) fn event_property_keys_name() -> String {
    "segment-index/v1/event-property-keys".to_owned()
}

/// The name of one event type's part, by folded type.
pub(super) fn events_name(type_key: &str) -> String {
    format!("segment-index/v1/events/{type_key}")
}

/// The name of an event property's part: type and property written as a
/// JSON pair, so no two pairs share a name.
pub(super) fn property_name(type_key: &str, property: &str) -> String {
    format!(
        "segment-index/v1/property/{}",
        serde_json::Value::from(vec![type_key, property])
    )
}

/// Whether `part` is one of the index's parts that reads none of the fields
/// `keys`: the lead ids, the event types and their property keys, events and
/// event properties, and the columns of other fields. A write that changes only those fields
/// leaves such a part true (a score write, `scoring::run`). Any other name,
/// this index's or not, is "no".
pub(crate) fn part_reads_none_of(part: &str, keys: &[&str]) -> bool {
    if part == lead_ids_name() || part == event_types_name() || part == event_property_keys_name() {
        return true;
    }
    let Some(rest) = part.strip_prefix("segment-index/v1/") else {
        return false;
    };
    if let Some(key) = rest.strip_prefix("field/") {
        let key = key.strip_suffix(":usable").unwrap_or(key);
        return !keys.contains(&key);
    }
    rest.starts_with("events/") || rest.starts_with("property/")
}

/// Whether `part` stays true after a leads import that writes the fields
/// `written` and adds leads after every existing one
/// (`Workspace::conn_mut_for_leads`): every part [`part_reads_none_of`]
/// them but the lead ids. A kept column or type's events then covers fewer
/// leads than there are, and its decoder gives the new ones no value and no
/// event ([`decode_column`], [`decode_events`]).
pub(crate) fn part_survives_leads_written(part: &str, written: &[&str]) -> bool {
    part != lead_ids_name() && part_reads_none_of(part, written)
}

/// Whether `part` reads no events: the lead ids and the field columns (the
/// usable-e-mail one included), which a write of events alone leaves true
/// (`Workspace::conn_mut_for_events`).
pub(crate) fn part_reads_no_events(part: &str) -> bool {
    part == lead_ids_name()
        || part
            .strip_prefix("segment-index/v1/")
            .is_some_and(|rest| rest.starts_with("field/"))
}

/// Reading and storing parts for an index started at `from`.
#[derive(Debug, Clone, Copy)]
pub(super) struct PartCache {
    pub(super) from: BuiltFrom,
}

impl PartCache {
    /// Where an index reading through `conn` starts; `None` when the cache
    /// cannot be read (the index then builds everything from SQL).
    pub(super) fn start(conn: &Connection) -> Option<Self> {
        derived_cache::built_from(conn)
            .ok()
            .map(|from| PartCache { from })
    }

    /// The stored bytes of `name` for this generation, if any.
    pub(super) fn get(&self, conn: &Connection, name: &str) -> Option<Vec<u8>> {
        derived_cache::get(conn, name, self.from.generation)
            .ok()
            .flatten()
    }

    /// Stores `bytes` under `name` if nothing changed since the start and
    /// the connection is free to write; whether it did.
    pub(super) fn put(&self, conn: &Connection, name: &str, bytes: &[u8]) -> bool {
        derived_cache::put_if_free(conn, name, self.from, bytes)
    }
}

/// Appends a part's fields.
struct PartWriter {
    bytes: Vec<u8>,
}

impl PartWriter {
    fn new(kind: Kind) -> Self {
        PartWriter {
            bytes: vec![FORMAT, kind as u8],
        }
    }

    fn len(&mut self, len: usize) {
        self.bytes.extend((len as u64).to_le_bytes());
    }

    fn u8s(&mut self, values: &[u8]) {
        self.len(values.len());
        self.bytes.extend_from_slice(values);
    }

    /// Codes and offsets in the narrowest width that holds them (1, 2 or 4
    /// bytes), `u32::MAX` (an empty code) written as the width's maximum.
    fn u32s(&mut self, values: &[u32]) {
        let max = values
            .iter()
            .copied()
            .filter(|&v| v != u32::MAX)
            .max()
            .unwrap_or(0);
        let width: u8 = if max < 0xFF {
            1
        } else if max < 0xFFFF {
            2
        } else {
            4
        };
        self.bytes.push(width);
        self.len(values.len());
        self.bytes.reserve(values.len() * usize::from(width));
        match width {
            1 => values
                .iter()
                .for_each(|&v| self.bytes.push(if v == u32::MAX { 0xFF } else { v as u8 })),
            2 => values.iter().for_each(|&v| {
                let narrow = if v == u32::MAX { 0xFFFF } else { v as u16 };
                self.bytes.extend(narrow.to_le_bytes())
            }),
            _ => values
                .iter()
                .for_each(|v| self.bytes.extend(v.to_le_bytes())),
        }
    }

    /// Ids, instants and times: as 4-byte offsets from the smallest when
    /// they span less than 2³² (times of a few years do), else whole;
    /// `i64::MIN` (an empty date) kept apart.
    fn i64s(&mut self, values: &[i64]) {
        let (low, high) = values
            .iter()
            .copied()
            .filter(|&v| v != i64::MIN)
            .fold((i64::MAX, i64::MIN), |(low, high), v| {
                (low.min(v), high.max(v))
            });
        let base = if low > high { 0 } else { low };
        let narrow = low > high || i128::from(high) - i128::from(low) < i128::from(u32::MAX);
        if narrow {
            self.bytes.push(4);
            self.bytes.extend(base.to_le_bytes());
            self.len(values.len());
            self.bytes.reserve(values.len() * 4);
            values.iter().for_each(|&v| {
                let offset = if v == i64::MIN {
                    u32::MAX
                } else {
                    (v - base) as u32
                };
                self.bytes.extend(offset.to_le_bytes())
            });
        } else {
            self.bytes.push(8);
            self.len(values.len());
            self.bytes.reserve(values.len() * 8);
            values
                .iter()
                .for_each(|v| self.bytes.extend(v.to_le_bytes()));
        }
    }

    /// Numbers, or only their count when every one is NaN (the usual case
    /// for a text property).
    fn f64s(&mut self, values: &[f64]) {
        if values.iter().all(|v| v.is_nan()) {
            self.bytes.push(0);
            self.len(values.len());
        } else {
            self.bytes.push(1);
            self.len(values.len());
            self.bytes.reserve(values.len() * 8);
            values
                .iter()
                .for_each(|v| self.bytes.extend(v.to_bits().to_le_bytes()));
        }
    }

    fn strings(&mut self, values: &[String]) {
        self.len(values.len());
        for value in values {
            self.u8s(value.as_bytes());
        }
    }

    /// The part with its checksum.
    fn finish(mut self) -> Vec<u8> {
        let sum = checksum(&self.bytes);
        self.bytes.extend(sum.to_le_bytes());
        self.bytes
    }
}

/// A 64-bit checksum of `bytes` (FNV-1a over 8-byte words): catches a
/// damaged or truncated part, not an attacker (the file is the trust
/// boundary, encrypted or not).
fn checksum(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let value = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        hash = (hash ^ value).wrapping_mul(0x0100_0000_01b3);
    }
    for &byte in words.remainder() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn damaged(what: &str) -> Error {
    Error::InvalidArgument(format!("a stored segment index part is unreadable: {what}"))
}

/// Reads a part's fields in the order they were written.
struct PartReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> PartReader<'a> {
    fn new(bytes: &'a [u8], kind: Kind) -> Result<Self> {
        let Some(body_len) = bytes.len().checked_sub(8) else {
            return Err(damaged("too short"));
        };
        let (body, sum) = bytes.split_at(body_len);
        let stored = u64::from_le_bytes([
            sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7],
        ]);
        if checksum(body) != stored {
            return Err(damaged("checksum"));
        }
        match body {
            [format, found, ..] if *format == FORMAT && *found == kind as u8 => {
                Ok(PartReader { bytes: body, at: 2 })
            }
            [format, ..] if *format != FORMAT => Err(damaged("another format")),
            _ => Err(damaged("another kind of part")),
        }
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| damaged("short"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn len(&mut self) -> Result<usize> {
        let raw = self.take(8)?;
        let len = u64::from_le_bytes([
            raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
        ]);
        usize::try_from(len).map_err(|_| damaged("length"))
    }

    /// A length for items of `size` bytes, checked against what is left.
    fn items(&mut self, size: usize) -> Result<usize> {
        let len = self.len()?;
        match len.checked_mul(size) {
            Some(bytes) if bytes <= self.bytes.len() - self.at => Ok(len),
            _ => Err(damaged("length")),
        }
    }

    fn u8s(&mut self) -> Result<Vec<u8>> {
        let len = self.items(1)?;
        Ok(self.take(len)?.to_vec())
    }

    fn u32s(&mut self) -> Result<Vec<u32>> {
        match self.byte()? {
            1 => {
                let len = self.items(1)?;
                Ok(self
                    .take(len)?
                    .iter()
                    .map(|&b| if b == 0xFF { u32::MAX } else { u32::from(b) })
                    .collect())
            }
            2 => {
                let len = self.items(2)?;
                Ok(self
                    .take(len * 2)?
                    .chunks_exact(2)
                    .map(|c| match u16::from_le_bytes([c[0], c[1]]) {
                        0xFFFF => u32::MAX,
                        v => u32::from(v),
                    })
                    .collect())
            }
            4 => {
                let len = self.items(4)?;
                Ok(self
                    .take(len * 4)?
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect())
            }
            _ => Err(damaged("width")),
        }
    }

    fn i64(&mut self) -> Result<i64> {
        let c = self.take(8)?;
        Ok(i64::from_le_bytes([
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
        ]))
    }

    fn i64s(&mut self) -> Result<Vec<i64>> {
        match self.byte()? {
            4 => {
                let base = self.i64()?;
                let len = self.items(4)?;
                Ok(self
                    .take(len * 4)?
                    .chunks_exact(4)
                    .map(|c| match u32::from_le_bytes([c[0], c[1], c[2], c[3]]) {
                        u32::MAX => i64::MIN,
                        offset => base.wrapping_add(i64::from(offset)),
                    })
                    .collect())
            }
            8 => self.whole_i64s(),
            _ => Err(damaged("width")),
        }
    }

    fn whole_i64s(&mut self) -> Result<Vec<i64>> {
        let len = self.items(8)?;
        Ok(self
            .take(len * 8)?
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }

    fn f64s(&mut self) -> Result<Vec<f64>> {
        match self.byte()? {
            0 => {
                let len = self.len()?;
                if len > self.bytes.len().saturating_mul(64) {
                    return Err(damaged("length"));
                }
                Ok(vec![f64::NAN; len])
            }
            1 => Ok(self
                .whole_i64s()?
                .into_iter()
                .map(|bits| f64::from_bits(bits as u64))
                .collect()),
            _ => Err(damaged("numbers")),
        }
    }

    fn strings(&mut self) -> Result<Vec<String>> {
        let len = self.items(8)?;
        (0..len)
            .map(|_| String::from_utf8(self.u8s()?).map_err(|_| damaged("text")))
            .collect()
    }

    /// Checks that nothing is left over.
    fn end(self) -> Result<()> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(damaged("trailing bytes"))
        }
    }
}

pub(super) fn encode_lead_ids(ids: &[i64]) -> Vec<u8> {
    let mut part = PartWriter::new(Kind::LeadIds);
    part.i64s(ids);
    part.finish()
}

/// The lead ids, which must ascend strictly.
pub(super) fn decode_lead_ids(bytes: &[u8]) -> Result<Vec<i64>> {
    let mut part = PartReader::new(bytes, Kind::LeadIds)?;
    let ids = part.i64s()?;
    part.end()?;
    if ids.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(damaged("lead ids out of order"));
    }
    Ok(ids)
}

fn type_tag(field_type: FieldType) -> u8 {
    match field_type {
        FieldType::Text => 1,
        FieldType::List => 2,
        FieldType::Number => 3,
        FieldType::Date => 4,
        FieldType::Boolean => 5,
    }
}

fn write_text(part: &mut PartWriter, text: &TextColumn) {
    part.u32s(&text.codes);
    part.strings(&text.dict);
    part.strings(&text.display);
}

fn read_text(part: &mut PartReader<'_>) -> Result<TextColumn> {
    let codes = part.u32s()?;
    let dict = part.strings()?;
    let display = part.strings()?;
    check_codes(&codes, dict.len())?;
    if display.len() != dict.len() {
        return Err(damaged("dictionary"));
    }
    Ok(TextColumn {
        codes,
        dict,
        display,
    })
}

/// Every code is empty or within the dictionary.
fn check_codes(codes: &[u32], dict_len: usize) -> Result<()> {
    if codes
        .iter()
        .any(|&c| c != super::columns::EMPTY && c as usize >= dict_len)
    {
        return Err(damaged("codes"));
    }
    Ok(())
}

/// A field column of `field_type`.
pub(super) fn encode_column(field_type: FieldType, column: &Column) -> Vec<u8> {
    let mut part = PartWriter::new(Kind::Column);
    part.bytes.push(type_tag(field_type));
    match column {
        Column::Text(text) => write_text(&mut part, text),
        Column::List(list) => {
            part.u32s(&list.offsets);
            part.u32s(&list.codes);
            part.strings(&list.dict);
            part.strings(&list.display);
        }
        Column::Number(numbers) => part.f64s(numbers),
        Column::Date(instants) => part.i64s(instants),
        Column::Bool(flags) => part.u8s(flags),
    }
    part.finish()
}

/// A field column of `field_type` over `len` leads.
pub(super) fn decode_column(bytes: &[u8], field_type: FieldType, len: usize) -> Result<Column> {
    let mut part = PartReader::new(bytes, Kind::Column)?;
    if part.byte()? != type_tag(field_type) {
        return Err(damaged("another field type"));
    }
    let (column, rows) = match field_type {
        FieldType::Text => {
            let text = read_text(&mut part)?;
            let rows = text.codes.len();
            (Column::Text(text), rows)
        }
        FieldType::List => {
            let offsets = part.u32s()?;
            let codes = part.u32s()?;
            let dict = part.strings()?;
            let display = part.strings()?;
            check_offsets(&offsets, codes.len())?;
            check_codes(&codes, dict.len())?;
            if codes.contains(&super::columns::EMPTY) || display.len() != dict.len() {
                return Err(damaged("list"));
            }
            let rows = offsets.len() - 1;
            (
                Column::List(ListColumn {
                    offsets,
                    codes,
                    dict,
                    display,
                }),
                rows,
            )
        }
        FieldType::Number => {
            let numbers = part.f64s()?;
            let rows = numbers.len();
            (Column::Number(numbers), rows)
        }
        FieldType::Date => {
            let instants = part.i64s()?;
            let rows = instants.len();
            (Column::Date(instants), rows)
        }
        FieldType::Boolean => {
            let flags = part.u8s()?;
            if flags.iter().any(|&f| f > 2) {
                return Err(damaged("yes/no values"));
            }
            let rows = flags.len();
            (Column::Bool(flags), rows)
        }
    };
    part.end()?;
    if rows > len {
        return Err(damaged("another number of leads"));
    }
    Ok(padded(column, len))
}

/// `column`, built for the leads there were, with no value for each lead
/// added after them (kept across a leads import that did not write it,
/// [`part_survives_leads_written`]).
fn padded(mut column: Column, len: usize) -> Column {
    match &mut column {
        Column::Text(text) => text.codes.resize(len, super::columns::EMPTY),
        Column::List(list) => {
            let end = list.offsets.last().copied().unwrap_or(0);
            list.offsets.resize(len + 1, end);
        }
        Column::Number(numbers) => numbers.resize(len, f64::NAN),
        Column::Date(instants) => instants.resize(len, i64::MIN),
        Column::Bool(flags) => flags.resize(len, 2),
    }
    column
}

/// Offsets start at 0, never go down and end at `items`.
fn check_offsets(offsets: &[u32], items: usize) -> Result<()> {
    let fine = offsets.first() == Some(&0)
        && offsets.last().map(|&o| o as usize) == Some(items)
        && offsets.windows(2).all(|pair| pair[0] <= pair[1]);
    if fine {
        Ok(())
    } else {
        Err(damaged("offsets"))
    }
}

/// An event type as the cache lists it: its stored spellings and how many
/// events it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredType {
    pub(super) raw_types: Vec<String>,
    pub(super) events: u64,
}

/// The event types: each folded key with its stored spellings and count.
pub(super) fn encode_event_types(types: &[(String, StoredType)]) -> Vec<u8> {
    let mut part = PartWriter::new(Kind::EventTypes);
    part.len(types.len());
    for (key, stored) in types {
        part.u8s(key.as_bytes());
        part.strings(&stored.raw_types);
        part.len(stored.events as usize);
    }
    part.finish()
}

pub(super) fn decode_event_types(bytes: &[u8]) -> Result<HashMap<String, StoredType>> {
    let mut part = PartReader::new(bytes, Kind::EventTypes)?;
    let count = part.items(24)?;
    let mut types = HashMap::with_capacity(count);
    for _ in 0..count {
        let key = String::from_utf8(part.u8s()?).map_err(|_| damaged("text"))?;
        let raw_types = part.strings()?;
        let events = part.len()? as u64;
        types.insert(key, StoredType { raw_types, events });
    }
    part.end()?;
    Ok(types)
}

/// Each event type's property keys: folded type, then its keys.
pub(super) fn encode_event_property_keys(keys: &[(String, Vec<String>)]) -> Vec<u8> {
    let mut part = PartWriter::new(Kind::PropertyKeys);
    part.len(keys.len());
    for (type_key, properties) in keys {
        part.u8s(type_key.as_bytes());
        part.strings(properties);
    }
    part.finish()
}

pub(super) fn decode_event_property_keys(bytes: &[u8]) -> Result<HashMap<String, Vec<String>>> {
    let mut part = PartReader::new(bytes, Kind::PropertyKeys)?;
    let count = part.items(16)?;
    let mut keys = HashMap::with_capacity(count);
    for _ in 0..count {
        let type_key = String::from_utf8(part.u8s()?).map_err(|_| damaged("text"))?;
        keys.insert(type_key, part.strings()?);
    }
    part.end()?;
    Ok(keys)
}

/// One type's events (its spellings are in the list of types).
pub(super) fn encode_events(events: &TypeEvents) -> Vec<u8> {
    let mut part = PartWriter::new(Kind::Events);
    part.u32s(&events.offsets);
    part.i64s(&events.times);
    part.finish()
}

/// One type's events over `len` leads, with its stored spellings.
pub(super) fn decode_events(
    bytes: &[u8],
    raw_types: Vec<String>,
    len: usize,
) -> Result<TypeEvents> {
    let mut part = PartReader::new(bytes, Kind::Events)?;
    let offsets = part.u32s()?;
    let times = part.i64s()?;
    part.end()?;
    check_offsets(&offsets, times.len())?;
    if offsets.len() > len + 1 {
        return Err(damaged("another number of leads"));
    }
    // Leads added after the part was built have no event of the type.
    let mut offsets = offsets;
    offsets.resize(len + 1, times.len() as u32);
    Ok(TypeEvents {
        raw_types,
        offsets,
        times,
    })
}

pub(super) fn encode_property(column: &PropertyColumn) -> Vec<u8> {
    let mut part = PartWriter::new(Kind::Property);
    write_text(&mut part, &column.text);
    part.f64s(&column.number);
    part.finish()
}

/// An event property over `events` events of its type.
pub(super) fn decode_property(bytes: &[u8], events: usize) -> Result<PropertyColumn> {
    let mut part = PartReader::new(bytes, Kind::Property)?;
    let text = read_text(&mut part)?;
    let number = part.f64s()?;
    part.end()?;
    if text.codes.len() != events || number.len() != events {
        return Err(damaged("another number of events"));
    }
    Ok(PropertyColumn { text, number })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_column() -> Column {
        Column::Text(TextColumn {
            codes: vec![0, super::super::columns::EMPTY, 1],
            dict: vec!["a".to_owned(), "müller".to_owned()],
            display: vec!["A".to_owned(), "Müller".to_owned()],
        })
    }

    #[test]
    fn every_part_reads_back_as_written() {
        assert_eq!(
            decode_lead_ids(&encode_lead_ids(&[1, 5, 9])).unwrap(),
            vec![1, 5, 9]
        );
        // Each width of codes and of whole numbers, with their empty values.
        for codes in [
            vec![0, u32::MAX, 254],
            vec![255, u32::MAX, 65_534],
            vec![65_535, u32::MAX - 1, u32::MAX],
        ] {
            let mut part = PartWriter::new(Kind::Column);
            part.u32s(&codes);
            let bytes = part.finish();
            let mut read = PartReader::new(&bytes, Kind::Column).unwrap();
            assert_eq!(read.u32s().unwrap(), codes);
            read.end().unwrap();
        }
        for numbers in [
            vec![i64::MIN, 1_790_000_000, 1_700_000_000],
            vec![i64::MIN, i64::MIN],
            vec![],
            vec![-5, i64::MAX, i64::MIN, i64::MIN + 1],
            vec![0, i64::from(u32::MAX) - 1],
            vec![0, i64::from(u32::MAX)],
        ] {
            let mut part = PartWriter::new(Kind::Column);
            part.i64s(&numbers);
            let bytes = part.finish();
            let mut read = PartReader::new(&bytes, Kind::Column).unwrap();
            assert_eq!(read.i64s().unwrap(), numbers);
            read.end().unwrap();
        }
        let text = decode_column(
            &encode_column(FieldType::Text, &text_column()),
            FieldType::Text,
            3,
        );
        assert!(matches!(text, Ok(Column::Text(t)) if t.dict[1] == "müller" && t.codes[2] == 1));
        let numbers = Column::Number(vec![1.5, f64::NAN]);
        let back = decode_column(
            &encode_column(FieldType::Number, &numbers),
            FieldType::Number,
            2,
        );
        assert!(matches!(back, Ok(Column::Number(n)) if n[0] == 1.5 && n[1].is_nan()));
        let events = TypeEvents {
            raw_types: vec![],
            offsets: vec![0, 2, 2, 3],
            times: vec![10, 20, 5],
        };
        let back = decode_events(&encode_events(&events), vec!["Page_View".to_owned()], 3).unwrap();
        assert_eq!(back.offsets, events.offsets);
        assert_eq!(back.times, events.times);
        assert_eq!(back.raw_types, vec!["Page_View".to_owned()]);
        let page_views = StoredType {
            raw_types: vec!["Page_View".to_owned()],
            events: 3,
        };
        let types = vec![("page_view".to_owned(), page_views.clone())];
        assert_eq!(
            decode_event_types(&encode_event_types(&types)).unwrap()["page_view"],
            page_views
        );
        let keys = vec![(
            "page_view".to_owned(),
            vec!["url".to_owned(), "é".to_owned()],
        )];
        assert_eq!(
            decode_event_property_keys(&encode_event_property_keys(&keys)).unwrap()["page_view"],
            keys[0].1
        );
        let property = PropertyColumn {
            text: TextColumn {
                codes: vec![0, 0],
                dict: vec!["/pricing".to_owned()],
                display: vec!["/pricing".to_owned()],
            },
            number: vec![f64::NAN, f64::NAN],
        };
        let back = decode_property(&encode_property(&property), 2).unwrap();
        assert_eq!(back.text.codes, vec![0, 0]);
        assert!(back.number.iter().all(|n| n.is_nan()));
    }

    #[test]
    fn part_covering_fewer_leads_gives_the_new_ones_no_value() {
        // `column` of `field_type` stored, then read for `len` leads.
        let read_for = |field_type: FieldType, column: Column, len: usize| {
            decode_column(&encode_column(field_type, &column), field_type, len).unwrap()
        };
        let Column::Text(text) = read_for(FieldType::Text, text_column(), 5) else {
            panic!("a text column")
        };
        assert_eq!(&text.codes[3..], [super::super::columns::EMPTY; 2]);
        let list = Column::List(ListColumn {
            offsets: vec![0, 2, 2],
            codes: vec![0, 1],
            dict: vec!["a".into(), "b".into()],
            display: vec!["A".into(), "B".into()],
        });
        let Column::List(list) = read_for(FieldType::List, list, 4) else {
            panic!("a list column")
        };
        assert_eq!(list.offsets, [0, 2, 2, 2, 2]);
        let Column::Number(numbers) = read_for(FieldType::Number, Column::Number(vec![1.5]), 3)
        else {
            panic!("a number column")
        };
        assert!(numbers[0] == 1.5 && numbers[1..].iter().all(|n| n.is_nan()));
        let Column::Date(dates) = read_for(FieldType::Date, Column::Date(vec![7]), 2) else {
            panic!("a date column")
        };
        assert_eq!(dates, [7, i64::MIN]);
        let Column::Bool(flags) = read_for(FieldType::Boolean, Column::Bool(vec![1]), 2) else {
            panic!("a yes/no column")
        };
        assert_eq!(flags, [1, 2]);
        let events = TypeEvents {
            raw_types: vec!["download".into()],
            offsets: vec![0, 1, 3],
            times: vec![10, 20, 30],
        };
        let back = decode_events(&encode_events(&events), events.raw_types.clone(), 4).unwrap();
        assert_eq!(back.offsets, [0, 1, 3, 3, 3]);
        assert!(decode_events(&encode_events(&events), events.raw_types.clone(), 1).is_err());
    }

    #[test]
    fn a_damaged_short_or_foreign_part_is_refused() {
        let good = encode_column(FieldType::Text, &text_column());
        // Every truncation and every single flipped byte is caught.
        for cut in 0..good.len() {
            assert!(
                decode_column(&good[..cut], FieldType::Text, 3).is_err(),
                "cut {cut}"
            );
        }
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            assert!(
                decode_column(&bad, FieldType::Text, 3).is_err(),
                "flip {at}"
            );
        }
        // Another field type, more leads than there are, another kind,
        // another format. (Fewer leads than there are is a part kept across
        // a leads import: `part_covering_fewer_leads_gives_the_new_ones_no_value`.)
        assert!(decode_column(&good, FieldType::List, 3).is_err());
        assert!(decode_column(&good, FieldType::Text, 2).is_err());
        assert!(decode_lead_ids(&good).is_err());
        let mut other_format = good[..good.len() - 8].to_vec();
        other_format[0] = FORMAT + 1;
        let sum = checksum(&other_format);
        other_format.extend(sum.to_le_bytes());
        assert!(decode_column(&other_format, FieldType::Text, 3).is_err());
        // Well-formed but out of range: codes past the dictionary.
        let mut part = PartWriter::new(Kind::Column);
        part.bytes.push(type_tag(FieldType::Text));
        part.u32s(&[7]);
        part.strings(&[]);
        part.strings(&[]);
        assert!(decode_column(&part.finish(), FieldType::Text, 1).is_err());
        // Lead ids must ascend.
        assert!(decode_lead_ids(&encode_lead_ids(&[3, 2])).is_err());
    }

    #[test]
    fn only_the_index_parts_that_read_none_of_the_fields_survive_their_write() {
        let keys = ["score_total", "email"];
        for part in [
            lead_ids_name(),
            event_types_name(),
            event_property_keys_name(),
            events_name("page_view"),
            property_name("page_view", "url"),
            field_name("persona"),
        ] {
            assert!(part_reads_none_of(&part, &keys), "{part}");
        }
        for part in [
            field_name("score_total"),
            field_name("email:usable"),
            "quality/v1/completeness".to_owned(),
            "segment-index/v2/lead-ids".to_owned(),
        ] {
            assert!(!part_reads_none_of(&part, &keys), "{part}");
        }
        // A write of events alone drops the parts that read events.
        assert!(part_reads_no_events(&lead_ids_name()));
        assert!(!part_reads_no_events(&event_property_keys_name()));
        assert!(!part_reads_no_events(&event_types_name()));
    }

    #[test]
    fn part_names_do_not_collide() {
        assert_ne!(property_name("a/b", "c"), property_name("a", "b/c"));
        assert_ne!(events_name("x"), field_name("x"));
        assert_ne!(event_property_keys_name(), event_types_name());
        assert!(!event_property_keys_name().starts_with(&events_name("")));
    }

    mod in_a_workspace {
        use crate::segments::{count_many, members, templates, RuleGroup};
        use crate::store::tables::derived_cache;
        use crate::Workspace;

        const ANCHOR: i64 = 1_790_000_000;

        fn demo(workspace: &mut Workspace, leads: u32) {
            let spec = crate::demo::DemoSpec {
                leads,
                events_per_lead: 8,
                seed: 11,
                anchor: ANCHOR,
            };
            crate::demo::generate(workspace, &spec).unwrap();
        }

        /// Every built-in segment and the benchmark's six-condition segment
        /// (fields, lists, numbers, behaviours with a `where`).
        fn rule_sets() -> Vec<RuleGroup> {
            let mut sets: Vec<RuleGroup> = templates::templates()
                .into_iter()
                .map(|t| t.rules)
                .collect();
            sets.push(
                serde_json::from_str(
                    r#"{"combinator": "and", "rules": [
                      {"field": "country", "operator": "in", "value": ["Germany", "France"]},
                      {"field": "employees", "operator": ">=", "value": 200},
                      {"field": "lifecycle_stage", "operator": "notIn", "value": ["Customer"]},
                      {"field": "event", "operator": "performed",
                       "value": {"type": "page_view", "inLast": {"amount": 90, "unit": "days"},
                                 "where": {"combinator": "and", "rules": [
                                   {"field": "url", "operator": "=", "value": "/pricing"}]}}}]}"#,
                )
                .unwrap(),
            );
            sets
        }

        /// Each rule set's members, evaluated by a new index (as in a fresh
        /// process: whatever the cache holds is used).
        fn members_of_each(workspace: &Workspace, sets: &[RuleGroup]) -> Vec<Vec<i64>> {
            sets.iter()
                .map(|rules| {
                    workspace.clear_derived();
                    members(workspace, rules, ANCHOR, 0, usize::MAX).unwrap()
                })
                .collect()
        }

        fn counts(workspace: &Workspace, sets: &[RuleGroup]) -> Vec<u64> {
            workspace.clear_derived();
            let refs: Vec<&RuleGroup> = sets.iter().collect();
            count_many(workspace, &refs, ANCHOR).unwrap()
        }

        fn part_names(workspace: &Workspace) -> Vec<String> {
            derived_cache::parts(workspace.conn())
                .unwrap()
                .into_iter()
                .map(|(name, _, _)| name)
                .collect()
        }

        #[test]
        fn a_load_from_the_cache_gives_exactly_the_members_of_a_build_from_sql() {
            let mut workspace = Workspace::in_memory().unwrap();
            demo(&mut workspace, 1_500);
            let sets = rule_sets();
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            let built = members_of_each(&workspace, &sets);
            let names = part_names(&workspace);
            for part in [
                "segment-index/v1/lead-ids",
                "segment-index/v1/field/persona",
                "segment-index/v1/field/employees",
                "segment-index/v1/event-types",
                "segment-index/v1/events/page_view",
                r#"segment-index/v1/property/["page_view","url"]"#,
                // The scan that loaded the events read their property keys.
                "segment-index/v1/event-property-keys",
            ] {
                assert!(names.iter().any(|n| n == part), "{part} in {names:?}");
            }
            assert!(built.iter().all(|m| !m.is_empty()), "every set finds leads");
            assert_eq!(members_of_each(&workspace, &sets), built);
            // The parts really are what answered: changing the data behind
            // the store's back (never done outside this test) leaves the
            // cached answer as it was.
            workspace
                .conn()
                .execute("UPDATE leads SET persona = NULL", [])
                .unwrap();
            assert_eq!(members_of_each(&workspace, &sets), built);
            // The behaviour editor's event types and counts, from the list of
            // types alone, as from the events themselves.
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            workspace.clear_derived();
            let types = |w: &Workspace| -> Vec<(String, u64, Vec<String>)> {
                crate::segments::event_types(w)
                    .unwrap()
                    .into_iter()
                    .map(|t| (t.event_type, t.count, t.properties))
                    .collect()
            };
            let from_events = types(&workspace);
            assert!(from_events.len() > 5);
            assert!(from_events
                .iter()
                .any(|(_, _, keys)| keys.contains(&"url".to_owned())));
            assert!(part_names(&workspace).contains(&super::event_property_keys_name()));
            // The keys the scan's first ids of each type gave are the keys
            // SQL finds in the first events of the type's spellings.
            let conn = workspace.conn();
            let spellings =
                crate::segments::with_index(&workspace, |index| index.event_type_counts(conn))
                    .unwrap();
            for ((event_type, raw_types, _), (listed, _, keys)) in
                spellings.iter().zip(&from_events)
            {
                assert_eq!(event_type, listed);
                let from_sql = crate::store::tables::columns::event_property_keys(conn, raw_types);
                assert_eq!(&from_sql.unwrap(), keys, "{event_type}");
            }
            workspace.clear_derived();
            assert_eq!(types(&workspace), from_events);
            // The property keys too come from the cache in a fresh index:
            // properties emptied behind the store's back leave them as they were.
            workspace
                .conn()
                .execute("UPDATE events SET properties = '{}'", [])
                .unwrap();
            workspace.clear_derived();
            assert_eq!(types(&workspace), from_events);
        }

        /// A rule set testing whether `key` has a value (or none).
        fn has_value(key: &str, operator: &str) -> RuleGroup {
            serde_json::from_value(serde_json::json!({
                "combinator": "and",
                "rules": [{"field": key, "operator": operator}]
            }))
            .unwrap()
        }

        /// A rule set testing whether a lead performed `event_type`, or not.
        fn performed(event_type: &str, not: bool) -> RuleGroup {
            serde_json::from_value(serde_json::json!({
                "combinator": "and", "not": not,
                "rules": [{"field": "event", "operator": "performed", "value": {"type": event_type}}]
            }))
            .unwrap()
        }

        #[test]
        fn imports_that_add_leads_keep_the_parts_they_did_not_write_and_they_count_as_sql_does() {
            let dir = tempfile::tempdir().unwrap();
            let mut workspace = Workspace::create(dir.path().join("w.leadstream")).unwrap();
            demo(&mut workspace, 500);
            // Every field's column (empty or not) and every type's events.
            let mut sets = rule_sets();
            for field in crate::fields::list(workspace.conn()).unwrap() {
                sets.push(has_value(&field.key, "null"));
                sets.push(has_value(&field.key, "notNull"));
            }
            for event_type in ["page_view", "download", "purchase", "webinar_attend"] {
                sets.push(performed(event_type, false));
                sets.push(performed(event_type, true));
            }
            let before = counts(&workspace, &sets);
            let built = part_names(&workspace);
            // Two leads updated by e-mail, three new ones (one without an
            // e-mail), and a new custom field (shoe size).
            let emails: Vec<String> = workspace
                .conn()
                .prepare("SELECT email FROM leads WHERE email IS NOT NULL ORDER BY id LIMIT 2")
                .unwrap()
                .query_map([], |row| row.get(0))
                .unwrap()
                .map(|email| email.unwrap())
                .collect();
            let csv = format!(
                "Email,Country,Persona,Shoe Size\n\
                 {},Iceland,Technical decision maker,41\n\
                 {},Chile,,\n\
                 new.one@x.example,France,Economic buyer,38\n\
                 new.two@x.example,,,\n\
                 ,Germany,,44\n",
                emails[0], emails[1]
            );
            let file = dir.path().join("more.csv");
            std::fs::write(&file, csv).unwrap();
            let report = import_as_suggested(&mut workspace, &file);
            assert_eq!((report.counts.inserted, report.counts.updated), (3, 2));

            let kept = part_names(&workspace);
            for part in [
                "segment-index/v1/field/industry",
                "segment-index/v1/field/employees",
                "segment-index/v1/events/page_view",
                r#"segment-index/v1/property/["page_view","url"]"#,
                "segment-index/v1/event-types",
            ] {
                assert!(built.iter().any(|n| n == part), "{part} built in {built:?}");
                assert!(kept.iter().any(|n| n == part), "{part} kept in {kept:?}");
            }
            for part in [
                "segment-index/v1/lead-ids",
                "segment-index/v1/field/email",
                "segment-index/v1/field/email:usable",
                "segment-index/v1/field/country",
                "segment-index/v1/field/persona",
                "segment-index/v1/field/created_at",
                "segment-index/v1/field/updated_at",
            ] {
                assert!(
                    !kept.iter().any(|n| n == part),
                    "{part} dropped from {kept:?}"
                );
            }
            let after_leads = kept_parts_count_as_sql_does(&workspace, &sets, &kept);
            assert_ne!(
                after_leads, before,
                "the import changed what the sets count"
            );

            // Events for a lead there is and for two unknown e-mails, which
            // an events import creates (with the parts stored again).
            let events = format!(
                "Email,Event,Timestamp\n\
                 {},Download,2026-09-02 10:00\n\
                 unknown.one@x.example,Purchase,2026-09-03 11:00\n\
                 unknown.two@x.example,Page View,2026-09-04 12:00\n",
                emails[0]
            );
            std::fs::write(&file, events).unwrap();
            let report = import_as_suggested(&mut workspace, &file);
            assert_eq!(report.counts.leads_created, 2);
            let kept = part_names(&workspace);
            assert!(
                kept.contains(&"segment-index/v1/field/industry".to_owned()),
                "{kept:?}"
            );
            assert!(
                kept.contains(&"segment-index/v1/field/persona".to_owned()),
                "{kept:?}"
            );
            for dropped in [
                "segment-index/v1/lead-ids",
                "segment-index/v1/field/email",
                "segment-index/v1/field/created_at",
                "segment-index/v1/events/download",
            ] {
                assert!(!kept.contains(&dropped.to_owned()), "{dropped} in {kept:?}");
            }
            let after_events = kept_parts_count_as_sql_does(&workspace, &sets, &kept);
            assert_ne!(
                after_events, after_leads,
                "the events changed what the sets count"
            );
        }

        /// Imports `file` as the wizard suggests, which must succeed.
        fn import_as_suggested(
            workspace: &mut Workspace,
            file: &std::path::Path,
        ) -> crate::import::spec::ImportReport {
            let tuning = crate::import::apply::ImportTuning::default();
            crate::import::apply::suggested::import_as_suggested(workspace, file, false, tuning)
                .unwrap()
        }

        /// The counts of `sets` from the parts `kept` across a write, which
        /// are read and not built again, are those a build from SQL gives;
        /// returns them.
        fn kept_parts_count_as_sql_does(
            workspace: &Workspace,
            sets: &[RuleGroup],
            kept: &[String],
        ) -> Vec<u64> {
            let tagged = || -> Vec<(String, i64)> {
                derived_cache::parts(workspace.conn())
                    .unwrap()
                    .into_iter()
                    .filter(|(name, _, _)| kept.contains(name))
                    .map(|(name, generation, _)| (name, generation))
                    .collect()
            };
            let kept_tags = tagged();
            let from_kept_parts = counts(workspace, sets);
            // Read, not rebuilt: a part built again is stored again with
            // the new generation's tag.
            assert_eq!(tagged(), kept_tags);
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            let from_sql = counts(workspace, sets);
            for ((rules, kept), sql) in sets.iter().zip(&from_kept_parts).zip(&from_sql) {
                assert_eq!(kept, sql, "{}", serde_json::to_string(rules).unwrap());
            }
            from_sql
        }

        #[test]
        fn a_write_empties_the_cache_and_the_next_count_sees_it() {
            let mut workspace = Workspace::in_memory().unwrap();
            demo(&mut workspace, 600);
            let sets = rule_sets();
            let before = counts(&workspace, &sets);
            assert!(!part_names(&workspace).is_empty());
            // Half the leads lose their persona and every event goes: through
            // the store, as any import, undo, merge or erasure writes.
            workspace
                .conn_mut()
                .unwrap()
                .execute_batch(
                    "UPDATE leads SET persona = NULL WHERE id % 2 = 0; DELETE FROM events;",
                )
                .unwrap();
            assert_eq!(part_names(&workspace), Vec::<String>::new());
            let after = counts(&workspace, &sets);
            assert_ne!(after, before);
            // Built from SQL now, stored again, and loaded the same.
            assert!(!part_names(&workspace).is_empty());
            assert_eq!(counts(&workspace, &sets), after);
            // Behaviour segments find no one without events.
            let pricing = sets.last().unwrap();
            workspace.clear_derived();
            assert_eq!(
                crate::segments::count(&workspace, pricing, ANCHOR).unwrap(),
                0
            );
        }

        #[test]
        fn another_processs_write_in_between_is_seen_by_every_process() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("w.leadstream");
            let mut first = Workspace::create(&path).unwrap();
            demo(&mut first, 400);
            let sets = rule_sets();
            let refs: Vec<&RuleGroup> = sets.iter().collect();
            let before = count_many(&first, &refs, ANCHOR).unwrap();
            assert!(!part_names(&first).is_empty());
            // Another process (an import on its own connection) writes.
            let mut other = Workspace::open(&path).unwrap();
            other
                .conn_mut()
                .unwrap()
                .execute("DELETE FROM events WHERE type = 'page_view'", [])
                .unwrap();
            // The first process's index and the cached parts are both stale:
            // its next count rebuilds, and a fresh process agrees with it.
            let after = count_many(&first, &refs, ANCHOR).unwrap();
            assert_ne!(after, before);
            let fresh = Workspace::open(&path).unwrap();
            assert_eq!(count_many(&fresh, &refs, ANCHOR).unwrap(), after);
            other.clear_derived();
            assert_eq!(count_many(&other, &refs, ANCHOR).unwrap(), after);
        }

        #[test]
        fn a_damaged_part_is_rebuilt_and_never_trusted() {
            let mut workspace = Workspace::in_memory().unwrap();
            demo(&mut workspace, 500);
            let sets = rule_sets();
            // Only the parts these counts read (the demo's own scoring leaves
            // others in the cache, which these counts would never repair).
            workspace
                .conn()
                .execute("DELETE FROM derived_cache", [])
                .unwrap();
            let built = counts(&workspace, &sets);
            let sizes = derived_cache::parts(workspace.conn()).unwrap();
            // Cut every part short, flip a byte in the middle of each other
            // one, and leave the list of event types pointing at them.
            workspace
                .conn()
                .execute_batch(
                    "UPDATE derived_cache SET bytes = substr(bytes, 1, length(bytes) / 2) WHERE rowid % 2 = 0;
                     UPDATE derived_cache SET bytes = CAST(substr(bytes, 1, 20) || x'ff' || substr(bytes, 22) AS BLOB) WHERE rowid % 2 = 1;",
                )
                .unwrap();
            assert_eq!(counts(&workspace, &sets), built);
            // Each damaged part was stored again whole.
            let mut again = derived_cache::parts(workspace.conn()).unwrap();
            again.retain(|part| sizes.iter().any(|old| old.0 == part.0));
            assert_eq!(again, sizes);
            assert_eq!(counts(&workspace, &sets), built);
        }

        #[test]
        fn an_erased_persons_values_are_in_no_cached_part_nor_in_a_backups() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("w.leadstream");
            let mut workspace = Workspace::create(&path).unwrap();
            demo(&mut workspace, 300);
            let marker = "Zebulon Quaxworthy";
            workspace
                .conn_mut()
                .unwrap()
                .execute("UPDATE leads SET city = ?1 WHERE id = 7", [marker])
                .unwrap();
            let by_city: RuleGroup = serde_json::from_str(
                r#"{"combinator": "and", "rules": [{"field": "city", "operator": "contains", "value": "quax"}]}"#,
            )
            .unwrap();
            assert_eq!(
                crate::segments::count(&workspace, &by_city, ANCHOR).unwrap(),
                1
            );
            let holding = |conn: &rusqlite::Connection| -> i64 {
                conn.query_row(
                    "SELECT count(*) FROM derived_cache WHERE instr(bytes, CAST(?1 AS BLOB)) > 0",
                    [marker],
                    |row| row.get(0),
                )
                .unwrap()
            };
            assert_eq!(holding(workspace.conn()), 1, "the city column is cached");
            let backup = crate::store::backup::create(&workspace, "test")
                .unwrap()
                .unwrap();
            assert_eq!(holding(&rusqlite::Connection::open(&backup).unwrap()), 1);
            crate::privacy::erase::erase(&mut workspace, 7).unwrap();
            assert_eq!(holding(workspace.conn()), 0);
            assert_eq!(holding(&rusqlite::Connection::open(&backup).unwrap()), 0);
            workspace.clear_derived();
            assert_eq!(
                crate::segments::count(&workspace, &by_city, ANCHOR).unwrap(),
                0
            );
        }
    }
}
