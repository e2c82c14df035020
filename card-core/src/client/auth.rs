//! Credentials and the tenant access token: fetched on first use, cached until shortly
//! before it expires, dropped when Lark says it is invalid, refreshed once for all callers.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

use super::error::ClientError;
use crate::Secret;

/// How the client authenticates.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A self-built app: its tenant access token is fetched and refreshed by the client.
    App {
        /// `cli_...`.
        app_id: String,
        /// The app secret.
        app_secret: Secret,
    },
    /// A user access token (`u-...`) obtained elsewhere; the client does not refresh it.
    UserToken(Secret),
}

/// How long before its expiry a cached token is replaced. Lark issues a new token when the
/// current one has under 30 minutes left; 5 minutes leaves room for slow clocks and requests.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A tenant token and when to stop using it.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub token: Secret,
    pub refresh_at: Instant,
}

/// The token cache. The lock is held while a token is fetched, so concurrent callers wait
/// for one refresh instead of each making their own.
#[derive(Default)]
pub(crate) struct TokenCache {
    pub slot: Mutex<Option<CachedToken>>,
}

impl TokenCache {
    /// Forgets `token` if it is still the cached one (a newer one is kept).
    pub async fn invalidate(&self, token: &Secret) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|c| &c.token == token) {
            *slot = None;
        }
    }
}

/// A future of a token store, boxed so that [`TokenStore`] can be a trait object.
type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where replicas of one app share its tenant token (Redis, feature `redis`), so that the
/// fleet fetches it once: the seam between the client and such a store.
pub(crate) trait TokenStore: Send + Sync {
    /// The shared token, or the one `fetch` gets (and stores) if there is none.
    fn tenant_token<'a>(
        &'a self,
        fetch: StoreFuture<'a, Result<CachedToken, ClientError>>,
    ) -> StoreFuture<'a, Result<CachedToken, ClientError>>;

    /// Forgets `token` (Lark said it is invalid) if it is still the one stored.
    fn invalidate<'a>(&'a self, token: &'a Secret) -> StoreFuture<'a, ()>;
}

/// The body of `POST /open-apis/auth/v3/tenant_access_token/internal` (not under `data`).
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub code: i64,
    #[serde(default)]
    pub msg: String,
    #[serde(default)]
    pub tenant_access_token: Option<String>,
    #[serde(default)]
    pub expire: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_show_in_debug() {
        let creds = Credentials::App {
            app_id: "cli_1".into(),
            app_secret: Secret::new("hunter2"),
        };
        let shown = format!("{creds:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("cli_1"));
    }
}
