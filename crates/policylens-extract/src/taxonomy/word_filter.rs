//! A cheap, exact-negative prefilter for word-set lookups.

/// A one-probe Bloom filter over a word set (length and first, middle and last byte): `false`
/// means the word is certainly not in the set.
#[derive(Debug, Clone)]
pub(crate) struct WordFilter(Box<[u64; 1024]>);

impl WordFilter {
    pub(crate) fn new<'w>(words: impl IntoIterator<Item = &'w String>) -> Self {
        let mut bits = Box::new([0u64; 1024]);
        for w in words {
            let k = Self::key(w);
            bits[k >> 6] |= 1 << (k & 63);
        }
        Self(bits)
    }

    #[inline]
    fn key(word: &str) -> usize {
        let b = word.as_bytes();
        let n = b.len();
        let pick = |i: usize| b.get(i).copied().unwrap_or(0);
        let k = u32::from_le_bytes([pick(0), pick(n / 2), pick(n.wrapping_sub(1)), n as u8]);
        (k.wrapping_mul(0x9e37_79b1) >> 16) as usize
    }

    #[inline]
    pub(crate) fn may_contain(&self, word: &str) -> bool {
        let k = Self::key(word);
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }
}
