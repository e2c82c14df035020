//! Identifiers in Lark's shapes (`om_…` message ids, `t-…` tokens, log ids) and the seeded
//! random source behind them and behind fractional fault injection.
//!
//! A small SplitMix64 generator rather than a crate: the emulator needs reproducible sequences
//! from a seed (so a failing test can be replayed), not cryptographic quality.

use std::time::{SystemTime, UNIX_EPOCH};

/// SplitMix64: a 64-bit state, one addition and a few multiplications per number.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// A seed from the system clock, for runs that do not ask for a fixed one.
    pub(crate) fn seed_from_time() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0x5eed, |d| {
                d.as_nanos() as u64 ^ u64::from(d.subsec_nanos()) << 32
            })
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `len` random hexadecimal digits, lowercase.
    pub(crate) fn hex(&mut self, len: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(len);
        let mut bits = 0u64;
        for i in 0..len {
            if i % 16 == 0 {
                bits = self.next_u64();
            }
            out.push(char::from(DIGITS[(bits & 0xf) as usize]));
            bits >>= 4;
        }
        out
    }
}

/// A message id as Lark issues them: `om_` and 32 hexadecimal digits.
pub(crate) fn message_id(rng: &mut Rng) -> String {
    format!("om_{}", rng.hex(32))
}

/// Whether `id` has the shape of a message id the emulator issues.
pub(crate) fn is_message_id(id: &str) -> bool {
    id.strip_prefix("om_")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A tenant access token: `t-` and 40 hexadecimal digits, like Lark's example.
pub(crate) fn tenant_token(rng: &mut Rng) -> String {
    format!("t-{}", rng.hex(40))
}

/// A log id in Lark's shape: the UTC time as `yyyyMMddHHmmss`, then 20 uppercase hexadecimal
/// digits (`202409131613579778D691D6E05516DE2D`).
pub(crate) fn log_id(now_ms: u64, rng: &mut Rng) -> String {
    let secs = now_ms / 1000;
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}{}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        rng.hex(20).to_ascii_uppercase()
    )
}

/// A card entity id as CardKit issues them: 19 decimal digits starting with 7, like
/// `7355372766134157313` on the create page.
pub(crate) fn card_id(rng: &mut Rng) -> String {
    format!("7{:018}", rng.next_u64() % 1_000_000_000_000_000_000)
}

/// A chat id for the one-to-one chat with a user: stable for the same user (FNV-1a).
pub(crate) fn p2p_chat_id(receive_id: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in receive_id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!(
        "oc_{hash:016x}{:016x}",
        hash.rotate_left(29) ^ 0x5a5a_5a5a_5a5a_5a5a
    )
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ids_start_with_the_utc_time() {
        let mut rng = Rng::new(1);
        // 2024-09-13 16:13:57 UTC
        let id = log_id(1_726_244_037_000, &mut rng);
        assert!(id.starts_with("20240913161357"), "{id}");
        assert_eq!(id.len(), 34);
        assert!(id[14..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
    }

    #[test]
    fn message_ids_have_lark_shape() {
        let mut rng = Rng::new(7);
        let id = message_id(&mut rng);
        assert!(is_message_id(&id), "{id}");
        assert!(!is_message_id("om_short"));
        assert!(!is_message_id("c-0123456789abcdef0123456789abcdef"));
    }

    #[test]
    fn the_same_seed_gives_the_same_ids() {
        assert_eq!(Rng::new(42).hex(40), Rng::new(42).hex(40));
        assert_ne!(Rng::new(42).hex(40), Rng::new(43).hex(40));
    }

    #[test]
    fn leap_days_are_dated_right() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
