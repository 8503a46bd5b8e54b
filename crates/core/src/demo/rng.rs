//! The demo's random numbers: SplitMix64 and the picks the generator makes
//! with it (uniform, weighted, a few distinct items).

/// SplitMix64. Hand-rolled on purpose: the demo data must stay identical
/// across builds, and the `rand` crate does not promise stable streams across
/// versions.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() >> 32) * n) >> 32
    }
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(super) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// Picks by weight from `(item, weight)` pairs.
    pub(super) fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total as u64) as u32;
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        &items[items.len() - 1].0
    }
    pub(super) fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + self.below((high - low) as u64) as i64
    }
}

pub(super) fn pick_some(rng: &mut Rng, items: &[&str], min: u64, max: u64) -> Vec<String> {
    let wanted = (min + rng.below(max - min + 1)) as usize;
    let mut chosen: Vec<String> = Vec::with_capacity(wanted);
    while chosen.len() < wanted {
        let item = *rng.pick(items);
        if !chosen.iter().any(|c| c == item) {
            chosen.push(item.to_owned());
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_below_stays_in_range() {
        let mut rng = Rng(3);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
    }
}
