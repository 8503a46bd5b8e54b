//! A set of lead rows as bits: one bit per row of the index.

/// One bit per lead row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bitset {
    pub(super) words: Vec<u64>,
    pub(super) len: usize,
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

    pub(crate) fn from_fn(len: usize, mut test: impl FnMut(usize) -> bool) -> Self {
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

    /// Like [`Bitset::from_fn`], but only asks `test` of the rows in
    /// `within` (all rows when `None`); every other row is left clear. An
    /// `and` group's running result is the mask, so a field rule late in the
    /// group looks only at the leads that can still match.
    pub(crate) fn from_fn_within(
        len: usize,
        within: Option<&Bitset>,
        mut test: impl FnMut(usize) -> bool,
    ) -> Self {
        let mut words = vec![0u64; len.div_ceil(64)];
        for (w, word) in words.iter_mut().enumerate() {
            let base = w * 64;
            // One loop over the wanted rows' bits, so `test` is called (and
            // inlined) in one place.
            let mut wanted = match within {
                Some(mask) => mask.words[w],
                None if len - base >= 64 => u64::MAX,
                None => (1u64 << (len - base)) - 1,
            };
            let mut bits = 0u64;
            while wanted != 0 {
                let bit = wanted.trailing_zeros() as usize;
                wanted &= wanted - 1;
                bits |= (test(base + bit) as u64) << bit;
            }
            *word = bits;
        }
        Bitset { words, len }
    }

    pub(super) fn clear_tail(&mut self) {
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

    pub(crate) fn and_with(&mut self, other: &Bitset) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= b);
    }

    pub(crate) fn or_with(&mut self, other: &Bitset) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a |= b);
    }

    pub(crate) fn negate(&mut self) {
        self.words.iter_mut().for_each(|w| *w = !*w);
        self.clear_tail();
    }

    /// How many rows are in both sets, without building the intersection.
    pub(crate) fn count_and(&self, other: &Bitset) -> u64 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| u64::from((a & b).count_ones()))
            .sum()
    }

    /// The rows as 64-bit words, row `i` at bit `i % 64` of word `i / 64`.
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    /// Adds row `i`.
    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
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
    fn insert_adds_one_row() {
        let mut set = Bitset::empty(130);
        set.insert(129);
        set.insert(0);
        assert_eq!(set.ones().collect::<Vec<_>>(), vec![0, 129]);
    }

    #[test]
    fn count_and_counts_the_common_rows() {
        let threes = Bitset::from_fn(200, |i| i % 3 == 0);
        let fives = Bitset::from_fn(200, |i| i % 5 == 0);
        assert_eq!(
            threes.count_and(&fives),
            (0..200).filter(|i| i % 15 == 0).count() as u64
        );
        assert_eq!(threes.words().len(), 4);
    }

    #[test]
    fn from_fn_within_asks_only_the_masked_rows() {
        let mask = Bitset::from_fn(200, |i| i % 2 == 0 || (64..128).contains(&i));
        let mut asked = Vec::new();
        let set = Bitset::from_fn_within(200, Some(&mask), |i| {
            asked.push(i);
            i % 3 == 0
        });
        let expected: Vec<usize> = (0..200).filter(|&i| mask.get(i)).collect();
        assert_eq!(asked, expected);
        assert_eq!(
            set.ones().collect::<Vec<_>>(),
            expected
                .into_iter()
                .filter(|i| i % 3 == 0)
                .collect::<Vec<_>>()
        );
        let everywhere = Bitset::from_fn_within(70, None, |i| i % 3 == 0);
        assert_eq!(everywhere, Bitset::from_fn(70, |i| i % 3 == 0));
    }

    #[test]
    fn ones_are_ascending() {
        let set = Bitset::from_fn(200, |i| i == 3 || i == 64 || i == 199);
        assert_eq!(set.ones().collect::<Vec<_>>(), vec![3, 64, 199]);
    }
}
