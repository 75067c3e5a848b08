//! The seeded generator papers are drawn with: xoshiro256** seeded through SplitMix64, written
//! out so that a stored paper can be re-derived from its seed whatever crate versions change.

/// One step of SplitMix64 (Steele, Lea & Flood; Vigna's reference `splitmix64.c`).
pub(super) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** (Blackman & Vigna), written out here so papers do not depend on a crate's
/// choice of generator.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rng {
    pub(super) s: [u64; 4],
}

impl Rng {
    /// The generator for one attempt of one seed (step 1 of the algorithm).
    pub(super) fn for_attempt(seed: u64, attempt: u32) -> Rng {
        let mut salt = u64::from(attempt);
        let mut state = seed ^ splitmix64(&mut salt);
        // Four consecutive SplitMix64 outputs are never all zero, as xoshiro requires.
        Rng {
            s: [
                splitmix64(&mut state),
                splitmix64(&mut state),
                splitmix64(&mut state),
                splitmix64(&mut state),
            ],
        }
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..n` (Lemire's method); `n` must be at least 1.
    pub(super) fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as usize
    }

    /// Fisher–Yates, from the back.
    pub(super) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}
