//! Where the stream of a file being read is in the original file: the
//! physical line, and the byte offset however the file was transcoded.

/// How many original file bytes a character of the (UTF-8) stream stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum OriginalUnits {
    /// The stream is the file.
    SameBytes,
    /// One byte per character (Windows-1252).
    OneBytePerChar,
    /// Two bytes per UTF-16 code unit: 2 per character, 4 beyond the BMP.
    Utf16,
}

impl OriginalUnits {
    /// The original file bytes that one byte of the (UTF-8) stream stands for.
    fn of(self, byte: u8) -> u64 {
        match self {
            OriginalUnits::SameBytes => 1,
            OriginalUnits::OneBytePerChar => u64::from(byte & 0xC0 != 0x80),
            OriginalUnits::Utf16 => match byte {
                0x80..=0xBF => 0,
                0xF0..=0xFF => 4,
                _ => 2,
            },
        }
    }
}

/// Where the stream is in the original file: physical line and byte.
#[derive(Debug, Clone)]
pub(super) struct Tally {
    /// 1-based physical line of the next byte.
    pub(super) line: u64,
    /// Original file offset of the next byte.
    pub(super) original: u64,
    pub(super) after_cr: bool,
    pub(super) units: OriginalUnits,
}

impl Tally {
    /// Moves past one byte of the stream.
    pub(super) fn step(&mut self, byte: u8) {
        if byte == b'\r' || (byte == b'\n' && !self.after_cr) {
            self.line += 1;
        }
        self.after_cr = byte == b'\r';
        self.original += self.units.of(byte);
    }

    /// Moves past a run of bytes that holds no line break.
    pub(super) fn skip_run(&mut self, run: &[u8]) {
        self.after_cr = false;
        self.original += match self.units {
            OriginalUnits::SameBytes => run.len() as u64,
            units => run.iter().map(|byte| units.of(*byte)).sum(),
        };
    }

    #[cfg(test)]
    pub(super) fn advance(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.step(byte);
        }
    }
}
