//! Tenant access tokens, with Lark's lifetime rules on the emulator clock.
//!
//! Lark: "`tenant_access_token` 的最大有效期是 2 小时。如果在有效期小于 30 分钟的情况下，调用本接口，会
//! 返回一个新的 `tenant_access_token`，这会同时存在两个有效的 `tenant_access_token`。" So: a token
//! lives 2 hours; asking again returns the current token (with `expire` = its remaining
//! seconds) until it has under 30 minutes left, then a new one, and the old one stays valid
//! until it expires.

use std::collections::HashMap;

use crate::clock::millis;
use crate::ids::{self, Rng};

pub use lark_card::lark::limits::{
    TENANT_TOKEN_LIFETIME as TOKEN_LIFETIME, TENANT_TOKEN_RENEW_WITHIN as RENEW_WITHIN,
};

#[derive(Clone, Debug)]
struct Token {
    app_id: String,
    expires_at: u64,
    revoked: bool,
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The emulator never issued it.
    Unknown,
    /// Its two hours are over.
    Expired,
    /// A test revoked it.
    Revoked,
}

/// Every token issued, by value, and each app's current one.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    by_value: HashMap<String, Token>,
    current: HashMap<String, String>,
}

impl Tokens {
    /// The token to hand out to `app_id` at `now`, and its remaining seconds (`expire`).
    pub(crate) fn issue(&mut self, app_id: &str, now: u64, rng: &mut Rng) -> (String, u64) {
        if let Some(value) = self.current.get(app_id) {
            if let Some(token) = self.by_value.get(value) {
                let left = token.expires_at.saturating_sub(now);
                if !token.revoked && left >= millis(RENEW_WITHIN) {
                    return (value.clone(), left / 1000);
                }
            }
        }
        let value = loop {
            let candidate = ids::tenant_token(rng);
            if !self.by_value.contains_key(&candidate) {
                break candidate;
            }
        };
        self.by_value.insert(
            value.clone(),
            Token {
                app_id: app_id.to_owned(),
                expires_at: now.saturating_add(millis(TOKEN_LIFETIME)),
                revoked: false,
            },
        );
        self.current.insert(app_id.to_owned(), value.clone());
        (value, TOKEN_LIFETIME.as_secs())
    }

    /// The app a token belongs to, if it is valid at `now`.
    pub(crate) fn check(&self, value: &str, now: u64) -> Result<&str, Refused> {
        let token = self.by_value.get(value).ok_or(Refused::Unknown)?;
        if token.revoked {
            Err(Refused::Revoked)
        } else if now >= token.expires_at {
            Err(Refused::Expired)
        } else {
            Ok(&token.app_id)
        }
    }

    /// Revokes every token: each answers 99991663 from now on, and the next token request
    /// issues a new one.
    pub(crate) fn revoke_all(&mut self) {
        for token in self.by_value.values_mut() {
            token.revoked = true;
        }
    }

    /// Revokes one token; whether it existed.
    pub(crate) fn revoke(&mut self, value: &str) -> bool {
        match self.by_value.get_mut(value) {
            Some(token) => {
                token.revoked = true;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn the_same_token_until_under_thirty_minutes_are_left() {
        let mut tokens = Tokens::default();
        let mut rng = Rng::new(3);
        let (first, expire) = tokens.issue("cli_a", 0, &mut rng);
        assert_eq!(expire, 7200);
        let (again, expire) = tokens.issue("cli_a", 90 * MINUTE, &mut rng);
        assert_eq!((again.as_str(), expire), (first.as_str(), 1800));
        let (renewed, expire) = tokens.issue("cli_a", 90 * MINUTE + 1, &mut rng);
        assert_ne!(renewed, first);
        assert_eq!(expire, 7200);
        // Both are valid until the old one's two hours are over.
        assert_eq!(tokens.check(&first, 119 * MINUTE), Ok("cli_a"));
        assert_eq!(tokens.check(&first, 120 * MINUTE), Err(Refused::Expired));
        assert_eq!(tokens.check(&renewed, 120 * MINUTE), Ok("cli_a"));
    }

    #[test]
    fn revoked_tokens_are_refused_and_replaced() {
        let mut tokens = Tokens::default();
        let mut rng = Rng::new(4);
        let (first, _) = tokens.issue("cli_a", 0, &mut rng);
        tokens.revoke_all();
        assert_eq!(tokens.check(&first, 1), Err(Refused::Revoked));
        let (second, _) = tokens.issue("cli_a", 1, &mut rng);
        assert_ne!(first, second);
        assert_eq!(tokens.check("t-nope", 1), Err(Refused::Unknown));
    }
}
