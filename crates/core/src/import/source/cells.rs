//! The cells of one record, held in a single text: a record costs two
//! allocations however many cells it has (an import's parser thread spent
//! about a fifth of its time allocating, filling and freeing a `String` per
//! cell; docs/benchmarks.md, "Import: a record's cells in one text").

use std::fmt;
use std::ops::Index;

/// A record's cells, in order, as text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cells {
    /// Every cell's text, one after the other.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl Cells {
    /// Cells decoded from the bytes of a record's fields, laid end to end in
    /// `bytes` and ending at `ends`. Invalid UTF-8 is decoded lossily (each
    /// bad sequence becomes U+FFFD), cell by cell.
    pub(super) fn decode(bytes: &[u8], ends: &[usize]) -> Cells {
        if let Ok(text) = std::str::from_utf8(bytes) {
            // Valid text whose cells are valid too: a bad byte before a
            // delimiter and another after it may make a valid character.
            if ends.iter().all(|&end| text.is_char_boundary(end)) {
                return Cells {
                    text: text.to_owned(),
                    ends: ends.to_vec(),
                };
            }
        }
        let mut cells = Cells::with_capacity(bytes.len(), ends.len());
        let mut start = 0;
        for &end in ends {
            cells.push(&String::from_utf8_lossy(&bytes[start..end]));
            start = end;
        }
        cells
    }

    /// Empty cells with room for `bytes` of text in `cells` cells.
    pub fn with_capacity(bytes: usize, cells: usize) -> Cells {
        Cells {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
        }
    }

    /// Adds a cell at the end.
    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// How many cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `index`, if the record has it.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1],
        };
        Some(&self.text[start..end])
    }

    /// The last cell, if any.
    pub fn last(&self) -> Option<&str> {
        self.get(self.len().checked_sub(1)?)
    }

    /// The cells in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|index| &self[index])
    }

    /// The cells from `index` on (none past the end).
    pub fn iter_from(&self, index: usize) -> impl Iterator<Item = &str> + '_ {
        (index..self.len()).map(|index| &self[index])
    }

    /// Whether any cell holds `pattern`, looked for in the whole text at
    /// once.
    pub fn any_contains(&self, pattern: char) -> bool {
        self.text.contains(pattern)
    }

    /// Each cell as a `String` of its own.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl Index<usize> for Cells {
    type Output = str;

    /// Cell `index`; panics past the last cell, as a slice does.
    fn index(&self, index: usize) -> &str {
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1],
        };
        &self.text[start..self.ends[index]]
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Self {
        let mut all = Cells::default();
        for cell in cells {
            all.push(cell.as_ref());
        }
        all
    }
}

impl From<Vec<String>> for Cells {
    fn from(cells: Vec<String>) -> Self {
        cells.into_iter().collect()
    }
}

/// Shown as the list of cells, as a `Vec<String>` would be.
impl fmt::Debug for Cells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Cells {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == *b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_as_pushed_empty_ones_too() {
        let cells: Cells = ["a", "", "Zoë", ""].into_iter().collect();
        assert_eq!(cells.len(), 4);
        assert_eq!(cells, ["a", "", "Zoë", ""]);
        assert_eq!((cells.get(2), cells.get(4)), (Some("Zoë"), None));
        assert_eq!(&cells[0], "a");
        assert_eq!(cells.last(), Some(""));
        assert_eq!(cells.iter_from(2).collect::<Vec<_>>(), ["Zoë", ""]);
        assert_eq!(cells.iter_from(9).count(), 0);
        assert_eq!(format!("{cells:?}"), r#"["a", "", "Zoë", ""]"#);
        assert_eq!(cells.to_vec(), vec!["a", "", "Zoë", ""]);
        assert!(Cells::default().is_empty() && Cells::default().last().is_none());
    }

    #[test]
    fn decoding_replaces_bad_bytes_only_in_their_cell() {
        let bytes = b"ok\xffBj\xc3\xb6rn";
        let cells = Cells::decode(bytes, &[2, 3, 9]);
        assert_eq!(cells, ["ok", "\u{FFFD}", "Björn"]);
        // "ö" split by a delimiter: two bad cells, not one good character.
        let split = Cells::decode("ö".as_bytes(), &[1, 2]);
        assert_eq!(split, ["\u{FFFD}", "\u{FFFD}"]);
        let valid = Cells::decode(b"12", &[1, 2]);
        assert_eq!(valid, ["1", "2"]);
        assert!(!valid.any_contains('\0'));
        assert!(Cells::decode(b"a\0", &[2]).any_contains('\0'));
    }
}
