//! Many replicas of one app: the app's rate limits and its tenant token shared through Redis
//! (feature `redis`).
//!
//! Lark's limits on the update endpoint are per app (50 per second, 1000 per minute) and per
//! message (5 per second). Each replica's own limiter knows only its own traffic; with a
//! [`RedisConfig`], every client of the app using the same Redis takes its turns from windows
//! kept in Redis, so the fleet together stays within Lark's limits:
//!
//! - the app's windows and each message's (and each chat's, for sends) are sorted sets of the
//!   requests in flight and answered within the window, taken atomically by one Lua script
//!   on Redis's clock: a request goes when fewer than the limit are in flight or were answered
//!   within a window (the guarantee of the local limiter, kept on answers, for the fleet);
//! - the turns are served in order across the fleet: a request reserves the next slot of the
//!   app's schedule (GCRA, one slot every (window + latency) / limit: the latency is the
//!   fleet's, a decaying maximum kept in Redis, so that the windows on answers have room when
//!   a slot comes), sleeps until it without asking Redis again, and is granted in slot order;
//!   so no replica polls for a turn, and between two updates of a message no other message
//!   gets more than two (the one it had reserved, and one granted during the round trip);
//! - each CardKit card entity's `sequence` counter is one counter in Redis, and a replica
//!   holds the card (a key with an expiry, taken by a Lua script with the next sequence)
//!   while one of its requests on the card is in flight, so the fleet's operations on a card
//!   reach Lark one at a time with increasing sequences (no 300317); the card's 10 operations
//!   a second are a key's window like a message's 5;
//! - the tenant token is fetched once for the fleet: the first replica to miss it takes a
//!   lock (with an expiry), fetches it and stores it in Redis until five minutes before it
//!   expires; the others wait for it. A token Lark calls invalid (99991663) is removed from
//!   Redis if it is still the one stored, and fetched again the same way.
//!
//! # When Redis fails
//!
//! Every Redis call has a timeout (200 ms by default). When Redis is down, slow or restarted,
//! no update is lost and nothing panics. Each replica switches to its local limiter, which
//! has recorded the replica's own requests all along:
//!
//! 1. it sends nothing for one whole window (a second, plus the rounding margin): the other
//!    replicas' requests granted before Redis failed are not in its windows, and they have
//!    left Lark's window by then;
//! 2. then it keeps to a share of the app's limits, 1/K of them for K replicas (the most seen
//!    in Redis within the last minute, or [`RedisConfig::replicas`] if more), counting its own
//!    requests of the last second and minute, those granted through Redis included;
//! 3. Redis is probed in the background every half second (no request waits on it); once it
//!    answers, the share stays 1/K for one more minute, because the windows in Redis do not
//!    hold what was sent meanwhile. A Redis that comes back empty (restarted, flushed) is
//!    noticed by its epoch (a random number kept there) even by a replica that saw no
//!    failure, and is treated the same way.
//!
//! Tokens already fetched are kept; a replica that needs one while Redis is down fetches its
//! own.
//!
//! What is guaranteed during an outage, for a fleet of at most K replicas that all lose Redis
//! (down, restarted, flushed, or cut off together): the app's per-second limit holds (after
//! the pause, every replica counts its own requests, and K shares make one limit); the
//! per-message limit holds for messages updated by one replica (the usual case: the one that
//! sent it; every replica keeps it locally, always). The per-minute limit holds if the traffic
//! was shared about evenly in the minute before (each replica counts only its own). Not
//! guaranteed: a replica cut off from Redis alone while the others still reach it (they do
//! not know its requests, so the fleet can go over by its share until it is back), and more
//! than K replicas. A request Lark throttles in those cases is retried like any other; no
//! state is dropped.
//!
//! The token is kept in Redis: protect Redis as you protect the app secret. Neither the
//! token, the app secret nor the Redis URL (which may hold a password) is ever logged.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{RedisError, Script};
use tokio::sync::OnceCell;

use super::auth::{CachedToken, Credentials, TokenStore};
use super::error::{ClientError, ConfigError};
use super::limits::{APP_MINUTE as MINUTE, APP_SECOND as SECOND};
use super::ratelimit::{BoxFuture, Grant, RateLimiter, Settled, TurnRequest};
use super::sequences::{Last, SharedSequences, Take};
use crate::lark::limits::CARD_ENTITY_LIFETIME;
use crate::Secret;

/// Where and how replicas share their limits and token: a Redis URL and a few settings.
///
/// ```
/// use lark_card::client::{Client, RedisConfig};
///
/// // Connects on first use. While Redis fails (even from the start), this replica keeps to
/// // a quarter of the app's limits.
/// let client = Client::builder()
///     .app("cli_a1b2c3", "app secret")
///     .redis(RedisConfig::new("redis://127.0.0.1:6379/").replicas(4))
///     .build()?;
/// # Ok::<(), lark_card::client::ClientError>(())
/// ```
#[derive(Clone, Debug)]
pub struct RedisConfig {
    /// `redis://[:password@]host:port[/db]`; a secret, as it may hold a password.
    url: Secret,
    prefix: String,
    timeout: Duration,
    replicas: usize,
}

impl RedisConfig {
    /// Redis at this URL (`redis://host:port/`, `redis://:password@host:port/2`).
    pub fn new(url: impl Into<String>) -> Self {
        RedisConfig {
            url: Secret::new(url.into()),
            prefix: "lark-card".into(),
            timeout: Duration::from_millis(200),
            replicas: 1,
        }
    }

    /// The prefix of every key (default `lark-card`); keys are `PREFIX:APP_ID:...`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one Redis call may take before Redis counts as failing (default 200 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The least number of replicas assumed when Redis fails (default 1): each then keeps to
    /// 1/K of the app's limits, K being this or the most replicas seen in Redis, if more.
    pub fn replicas(mut self, replicas: usize) -> Self {
        self.replicas = replicas.max(1);
        self
    }
}

/// Whether Redis answers, and what the fleet looked like when it last did.
struct Health {
    down: bool,
    /// While down: when to try Redis again.
    retry_at: Instant,
    /// After an outage: until when the local share still applies.
    recovering_until: Option<Instant>,
    /// Replicas seen in Redis (members active within the last minute): the most seen within
    /// the last minute, so that a restarted Redis (which has seen few yet) does not shrink it.
    seen: usize,
    /// When `seen` was last raised (or confirmed).
    seen_at: Instant,
    /// The epoch of Redis's state as last seen, and when (a new epoch: Redis lost its state).
    epoch: Option<(i64, Instant)>,
}

/// This client's view of the fleet: the connection, the scripts, and Redis's health.
pub(crate) struct Fleet {
    /// Itself, for the work it does in the background (probes, reports).
    me: Weak<Fleet>,
    client: ::redis::Client,
    connection: OnceCell<ConnectionManager>,
    prefix: String,
    timeout: Duration,
    replicas: usize,
    /// This replica's id in the fleet's member set.
    replica: String,
    requests: AtomicU64,
    health: Mutex<Health>,
    acquire: Script,
    answer: Script,
    read_token: Script,
    store_token: Script,
    delete_if: Script,
    card_sequence: Script,
}

/// Serves the fleet's requests in order: the first call with a request id reserves the next
/// slot of the app's schedule (GCRA: one slot every (window + latency) / limit, handed out in
/// the order asked, so nobody polls for a turn); calls at or after the slot grant it, in slot
/// order, when the key's window and the app's windows have room. Answers `{verdict, wait in
/// microseconds, replicas, epoch}`: verdict 0 granted (the request counts as in flight from
/// now), 1 the key's window is full (no reservation kept: ask again after the wait), 2 not yet
/// (the slot is later, or the app's windows are full until then), 3 an earlier reservation
/// goes first. The epoch is a random number kept in Redis: a new one means Redis lost what it
/// held (restarted or flushed).
///
/// KEYS: app:second, app:minute, app:tat, replicas, the key's window (or a placeholder),
/// app:queue, app:latency, app:blocked, epoch. ARGV: request id, lease ms, per second, second
/// span ms, per minute, minute span ms, stale ms, key limit (0: no key), key span ms, replica
/// id, a new epoch.
const ACQUIRE: &str = include_str!("redis/acquire.lua");

/// Records an answer: the request counts until a window after its answer (or not at all if
/// it was never sent, or, in the key's window, if Lark refused it with 230020). The replica
/// says how long ago the answer came (the report is sent in the background), so the window is
/// kept from the answer, not from the report; and how long the request took, for the
/// fleet's latency estimate (a decaying maximum) that spaces the schedule's slots.
///
/// KEYS: app:second, app:minute, the key's window (or a placeholder), app:latency. ARGV:
/// request id, second span ms, minute span ms, key span ms, sent, counted, has key, ms since
/// the answer, latency ms.
const ANSWER: &str = include_str!("redis/answer.lua");

/// Holds a card entity for one request of this replica and answers its `sequence`, or, if
/// another replica holds it, how long its hold has left. Answers `{sequence, 0}` (the card is
/// held by the caller until the lease ends or it is released), `{0, wait ms}` (held by
/// another), or `{-1, 0}` (past the largest sequence).
///
/// KEYS: the card's counter, the card's hold. ARGV: holder, lease ms, mode (`next`: one above
/// the counter and the floor; `again`: the sequence given, the counter raised to it;
/// `jump`: the jump above the counter and the floor), floor or sequence, jump, the counter's
/// lifetime ms (the card entity's).
const CARD_SEQUENCE: &str = include_str!("redis/card_sequence.lua");

/// The cached token and the milliseconds until it is to be refreshed.
const READ_TOKEN: &str = include_str!("redis/read_token.lua");

/// Stores the token until its refresh, then releases the lock if it is still ours.
const STORE_TOKEN: &str = include_str!("redis/store_token.lua");

/// Deletes a key if it holds this value (a lock we hold, a token found invalid).
const DELETE_IF: &str = include_str!("redis/delete_if.lua");

/// How long a request in flight counts if its answer is never recorded (the replica died).
const LEASE: Duration = Duration::from_secs(30);
/// How long one replica may hold a card entity for one request if it never lets it go (it
/// died): longer than a request may take.
const CARD_HOLD: Duration = Duration::from_secs(15);
/// The longest wait between two looks at a card another replica holds (it holds it for one
/// request; the first looks are sooner).
const CARD_POLL: Duration = Duration::from_millis(20);
/// How long one replica may hold the token lock.
const TOKEN_LOCK: Duration = Duration::from_secs(15);
/// How long a reservation is kept after its slot: a replica that reserved and then died or
/// gave up blocks the queue no longer than this.
const STALE: Duration = Duration::from_secs(1);
/// The longest sleep between two calls while waiting for a slot.
const LONGEST_WAIT: Duration = Duration::from_secs(2);
/// While Redis is down, how often to try it again.
const RETRY: Duration = Duration::from_millis(500);
/// After Redis is back, how long the local share still applies: the minute window.
const RECOVERY: Duration = Duration::from_secs(61);

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Fleet {
    /// A fleet view for the app of `credentials`; connects on first use.
    pub fn new(config: RedisConfig, credentials: &Credentials) -> Result<Arc<Fleet>, ConfigError> {
        // The URL is not repeated in the error: it may hold a password.
        let client =
            ::redis::Client::open(config.url.expose()).map_err(|_| ConfigError::RedisUrl)?;
        let app = match credentials {
            Credentials::App { app_id, .. } => app_id.clone(),
            // A user token's app is not known: its replicas share one set of windows.
            Credentials::UserToken(_) => "user".into(),
        };
        let replica = format!("{:016x}", fastrand::u64(..));
        Ok(Arc::new_cyclic(|me| Fleet {
            me: me.clone(),
            client,
            connection: OnceCell::new(),
            prefix: format!("{}:{app}", config.prefix),
            timeout: config.timeout,
            replicas: config.replicas.max(1),
            replica,
            requests: AtomicU64::new(0),
            health: Mutex::new(Health {
                down: false,
                retry_at: Instant::now(),
                recovering_until: None,
                seen: 1,
                seen_at: Instant::now(),
                epoch: None,
            }),
            acquire: Script::new(ACQUIRE),
            answer: Script::new(ANSWER),
            read_token: Script::new(READ_TOKEN),
            store_token: Script::new(STORE_TOKEN),
            delete_if: Script::new(DELETE_IF),
            card_sequence: Script::new(CARD_SEQUENCE),
        }))
    }

    fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn key(&self, part: &str) -> String {
        format!("{}:{part}", self.prefix)
    }

    /// Whether to use Redis now: while it works. While it fails, Redis is probed in the
    /// background every half second (a `PING`), so that no request waits on a Redis that is
    /// down; the probe that is answered brings it back.
    fn probe_if_due(&self) -> bool {
        let mut health = self.health();
        if !health.down {
            return true;
        }
        let now = Instant::now();
        if now >= health.retry_at {
            health.retry_at = now + RETRY;
            if let (Ok(runtime), Some(fleet)) =
                (tokio::runtime::Handle::try_current(), self.me.upgrade())
            {
                runtime.spawn(async move {
                    let _: Option<String> = fleet
                        .run(|mut connection| async move {
                            ::redis::cmd("PING").query_async(&mut connection).await
                        })
                        .await;
                });
            }
        }
        false
    }

    /// Whether Redis works (without probing it).
    fn works(&self) -> bool {
        !self.health().down
    }

    /// The share of the app's limits for the local limiter: 1 while Redis works, K while it
    /// fails and for a minute after.
    fn local_share(&self) -> usize {
        let mut health = self.health();
        let recovering = match health.recovering_until {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                health.recovering_until = None;
                false
            }
            None => false,
        };
        if health.down || recovering {
            health.seen.max(self.replicas)
        } else {
            1
        }
    }

    fn failed(&self, error: Option<&RedisError>) {
        let mut health = self.health();
        if !health.down {
            health.down = true;
            // The kind only: a Redis error can quote what was sent.
            tracing::warn!(
                kind = ?error.map(RedisError::kind),
                timeout = error.is_none(),
                share = health.seen.max(self.replicas),
                "Redis is failing: keeping to a local share of the app's limits"
            );
        }
        health.retry_at = Instant::now() + RETRY;
    }

    fn succeeded(&self) {
        let mut health = self.health();
        if health.down {
            health.down = false;
            health.recovering_until = Some(Instant::now() + RECOVERY);
            tracing::info!("Redis is back: shared limits again (local share for one more minute)");
        }
    }

    /// Runs one Redis call with the timeout; `None` (and Redis marked failing) if it fails.
    async fn run<T, F, Fut>(&self, call: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        let attempt = async {
            let connection = self
                .connection
                .get_or_try_init(|| async {
                    let config = ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(self.timeout))
                        .set_response_timeout(Some(self.timeout))
                        .set_number_of_retries(1)
                        .set_min_delay(Duration::from_millis(50))
                        .set_max_delay(Duration::from_millis(500));
                    ConnectionManager::new_lazy_with_config(self.client.clone(), config)
                })
                .await?
                .clone();
            call(connection).await
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(Ok(value)) => {
                self.succeeded();
                Some(value)
            }
            Ok(Err(error)) => {
                self.failed(Some(&error));
                None
            }
            Err(_) => {
                self.failed(None);
                None
            }
        }
    }

    /// Notes what a reply says about the fleet: how many replicas, and whether Redis still
    /// holds the state it held (`false`: it lost it since the last reply of the last minute).
    fn observe(&self, replicas: i64, epoch: i64) -> bool {
        let mut health = self.health();
        let now = Instant::now();
        let replicas = usize::try_from(replicas).unwrap_or(1).max(1);
        if replicas >= health.seen || now >= health.seen_at + RECOVERY {
            health.seen = replicas;
            health.seen_at = now;
        }
        let lost = health
            .epoch
            .is_some_and(|(known, at)| known != epoch && now < at + RECOVERY);
        health.epoch = Some((epoch, now));
        if lost {
            // Its windows miss what the fleet sent in the last minute: the same as after an
            // outage, a local share for a minute.
            health.recovering_until = Some(now + RECOVERY);
            tracing::warn!(
                share = health.seen.max(self.replicas),
                "Redis lost the fleet's windows (restarted or flushed): keeping to a local share of the app's limits for a minute"
            );
        }
        !lost
    }

    /// Waits for the fleet's turn: reserves the next slot of the app's schedule (in the order
    /// asked, across the fleet), drops `in_order` (the local queue's turn: the order is kept in
    /// Redis from then on), sleeps until the slot and takes it. `None` if Redis fails or lost
    /// its state meanwhile.
    async fn take_turn(&self, request: TurnRequest<'_>) -> Option<Grant> {
        let TurnRequest {
            key,
            app: limits,
            place: mut in_order,
            ..
        } = request;
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}:{n}", self.replica);
        let key_name = key.map(|k| self.key(&k.name));
        let key_limit = key.map_or(0, |k| k.limit);
        let key_span = key.map_or(Duration::ZERO, |k| k.span);
        let keys = [
            self.key("app:second"),
            self.key("app:minute"),
            self.key("app:tat"),
            self.key("replicas"),
            key_name.clone().unwrap_or_else(|| self.key("none")),
            self.key("app:queue"),
            self.key("app:latency"),
            self.key("app:blocked"),
            self.key("epoch"),
        ];
        let new_epoch = fastrand::i64(1..1 << 48);
        loop {
            let reply: Vec<i64> = self
                .run(|mut connection| {
                    let mut invocation = self.acquire.prepare_invoke();
                    for key in &keys {
                        invocation.key(key);
                    }
                    invocation
                        .arg(&id)
                        .arg(millis(LEASE))
                        .arg(limits.per_app_per_second.max(1))
                        .arg(millis(SECOND))
                        .arg(limits.per_app_per_minute.max(1))
                        .arg(millis(MINUTE))
                        .arg(millis(STALE))
                        .arg(key_limit)
                        .arg(millis(key_span))
                        .arg(&self.replica)
                        .arg(new_epoch);
                    async move { invocation.invoke_async(&mut connection).await }
                })
                .await?;
            // The turn in the local queue ends with the first answer: the reservation (or the
            // key's wait) is the order from then on.
            drop(in_order.take());
            let (verdict, wait, replicas, epoch) = match reply.as_slice() {
                [verdict, wait, replicas, epoch] => (*verdict, *wait, *replicas, *epoch),
                _ => {
                    self.failed(None);
                    return None;
                }
            };
            let intact = self.observe(replicas, epoch);
            if verdict == 0 {
                let grant = Grant {
                    id,
                    key: key.cloned(),
                };
                if !intact {
                    // Not sent: the windows in Redis are given back the place.
                    self.report(
                        grant,
                        Settled {
                            sent: false,
                            counted: false,
                            latency: Duration::ZERO,
                            answered_at: Instant::now(),
                        },
                    );
                    return None;
                }
                return Some(grant);
            }
            if !intact {
                return None;
            }
            let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(1).max(1));
            tokio::time::sleep(wait.min(LONGEST_WAIT)).await;
        }
    }

    /// Records the answer to a granted request, in the background (the permit is dropped in
    /// synchronous code). If Redis fails, the entry expires with its lease.
    fn report(&self, grant: Grant, settled: Settled) {
        let (Ok(runtime), Some(fleet)) = (tokio::runtime::Handle::try_current(), self.me.upgrade())
        else {
            return;
        };
        let key_span = grant.key.as_ref().map_or(0, |k| millis(k.span));
        runtime.spawn(async move {
            let keys = [
                fleet.key("app:second"),
                fleet.key("app:minute"),
                grant
                    .key
                    .as_ref()
                    .map_or_else(|| fleet.key("none"), |k| fleet.key(&k.name)),
                fleet.key("app:latency"),
            ];
            let flag = |b: bool| if b { "1" } else { "0" };
            let latency_ms = settled.latency.as_secs_f64() * 1000.0;
            let _: Option<i64> = fleet
                .run(|mut connection| {
                    let mut invocation = fleet.answer.prepare_invoke();
                    for key in &keys {
                        invocation.key(key);
                    }
                    // Measured as late as possible: the answer's age when the script runs is at
                    // most this plus the way to Redis, so the window is kept no shorter.
                    let since_answer = settled.answered_at.elapsed().as_secs_f64() * 1000.0;
                    invocation
                        .arg(&grant.id)
                        .arg(millis(SECOND))
                        .arg(millis(MINUTE))
                        .arg(key_span)
                        .arg(flag(settled.sent))
                        .arg(flag(settled.counted))
                        .arg(flag(grant.key.is_some()))
                        .arg(format!("{since_answer:.3}"))
                        .arg(format!("{latency_ms:.3}"));
                    async move { invocation.invoke_async(&mut connection).await }
                })
                .await;
        });
    }

    /// The app's tenant token: from Redis, or fetched by `fetch` by this replica alone (under
    /// the lock) and stored there; fetched directly if Redis fails.
    async fn shared_tenant_token<Fut>(&self, fetch: Fut) -> Result<CachedToken, ClientError>
    where
        Fut: Future<Output = Result<CachedToken, ClientError>>,
    {
        if !self.works() {
            return fetch.await;
        }
        let token_key = self.key("token");
        let lock_key = self.key("token:lock");
        let nonce = format!("{}:{:016x}", self.replica, fastrand::u64(..));
        let give_up = Instant::now() + TOKEN_LOCK;
        loop {
            match self.stored_token(&token_key).await {
                None => return fetch.await,
                Some(Some(cached)) => return Ok(cached),
                Some(None) => {}
            }
            let locked: Option<Option<String>> = self
                .run(|mut connection| {
                    let mut command = ::redis::cmd("SET");
                    command
                        .arg(&lock_key)
                        .arg(&nonce)
                        .arg("NX")
                        .arg("PX")
                        .arg(millis(TOKEN_LOCK));
                    async move { command.query_async(&mut connection).await }
                })
                .await;
            match locked {
                None => return fetch.await,
                Some(Some(_)) => {
                    // The replica that held the lock before may have stored its token and
                    // released the lock between this replica's look and its lock: look again
                    // before fetching a second token.
                    if let Some(Some(cached)) = self.stored_token(&token_key).await {
                        self.delete_if(&lock_key, &nonce).await;
                        return Ok(cached);
                    }
                    let result = fetch.await;
                    match &result {
                        Ok(token) => {
                            let ttl = token.refresh_at.saturating_duration_since(Instant::now());
                            let _: Option<i64> = self
                                .run(|mut connection| {
                                    let mut invocation = self.store_token.prepare_invoke();
                                    invocation
                                        .key(&token_key)
                                        .key(&lock_key)
                                        .arg(token.token.expose())
                                        .arg(millis(ttl).max(1))
                                        .arg(&nonce);
                                    async move { invocation.invoke_async(&mut connection).await }
                                })
                                .await;
                        }
                        Err(_) => self.delete_if(&lock_key, &nonce).await,
                    }
                    return result;
                }
                // Another replica is fetching: wait for its token.
                Some(None) if Instant::now() < give_up => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Some(None) => return fetch.await,
            }
        }
    }

    /// The token stored in Redis, if any and not due for refresh; `None` if Redis fails.
    async fn stored_token(&self, token_key: &str) -> Option<Option<CachedToken>> {
        let cached: Option<(String, i64)> = self
            .run(|mut connection| {
                let mut invocation = self.read_token.prepare_invoke();
                invocation.key(token_key);
                async move { invocation.invoke_async(&mut connection).await }
            })
            .await?;
        Some(cached.filter(|(_, ttl)| *ttl > 0).map(|(token, ttl)| {
            let ttl = Duration::from_millis(u64::try_from(ttl).unwrap_or(0));
            CachedToken {
                token: Secret::new(token),
                refresh_at: Instant::now() + ttl,
            }
        }))
    }

    /// Forgets a token Lark said is invalid, if Redis still holds it.
    async fn invalidate_token(&self, token: &Secret) {
        if self.works() {
            self.delete_if(&self.key("token"), token.expose()).await;
        }
    }

    async fn delete_if(&self, key: &str, value: &str) {
        let _: Option<i64> = self
            .run(|mut connection| {
                let mut invocation = self.delete_if.prepare_invoke();
                invocation.key(key).arg(value);
                async move { invocation.invoke_async(&mut connection).await }
            })
            .await;
    }
}

impl RateLimiter for Fleet {
    /// Waits for the fleet's turn: reserves the next slot of the app's schedule (in the order
    /// asked, across the fleet), drops the request's place in the process's queue (the order
    /// is kept in Redis from then on), sleeps until the slot and takes it. `None` if Redis
    /// fails or lost its state meanwhile.
    fn acquire<'a>(&'a self, request: TurnRequest<'a>) -> BoxFuture<'a, Option<Grant>> {
        Box::pin(self.take_turn(request))
    }

    /// Records the answer to a granted request, in the background. If Redis fails, the entry
    /// expires with its lease.
    fn settle(&self, grant: Grant, settled: Settled) {
        self.report(grant, settled);
    }

    fn share(&self) -> usize {
        self.local_share()
    }

    fn usable(&self) -> bool {
        self.probe_if_due()
    }
}

impl Fleet {
    /// Holds the card for one request of this replica once no other holds it, and answers
    /// the sequence to send; `None` if Redis fails.
    async fn card_sequence(&self, card_id: &str, holder: &str, take: Take) -> Option<Last> {
        let keys = [
            self.key(&format!("k:{card_id}:sequence")),
            self.key(&format!("k:{card_id}:hold")),
        ];
        let (mode, given, jump) = match take {
            Take::Next { floor } => ("next", floor, 1),
            Take::Again { sent } => ("again", sent, 0),
            Take::Jump { floor, jump } => ("jump", floor, jump),
        };
        // Another replica holds the card for one request: look again soon, then less often
        // (a request that hangs holds it up to its timeout).
        let mut poll = Duration::from_millis(1);
        loop {
            let reply: Vec<i64> = self
                .run(|mut connection| {
                    let mut invocation = self.card_sequence.prepare_invoke();
                    invocation
                        .key(&keys[0])
                        .key(&keys[1])
                        .arg(holder)
                        .arg(millis(CARD_HOLD))
                        .arg(mode)
                        .arg(given)
                        .arg(jump)
                        .arg(millis(CARD_ENTITY_LIFETIME));
                    async move { invocation.invoke_async(&mut connection).await }
                })
                .await?;
            match reply.as_slice() {
                // Past the largest sequence: 0, which no operation takes.
                [-1, _] => return Some(0),
                [0, wait] => {
                    let left = Duration::from_millis(u64::try_from(*wait).unwrap_or(1));
                    tokio::time::sleep(poll.min(left)).await;
                    poll = (poll * 2).min(CARD_POLL);
                }
                [sequence, _] => return Some(Last::try_from(*sequence).unwrap_or(0)),
                _ => {
                    self.failed(None);
                    return None;
                }
            }
        }
    }
}

impl SharedSequences for Fleet {
    fn take<'a>(
        &'a self,
        card_id: &'a str,
        holder: &'a str,
        take: Take,
    ) -> BoxFuture<'a, Option<Last>> {
        Box::pin(self.card_sequence(card_id, holder, take))
    }

    fn release<'a>(&'a self, card_id: &'a str, holder: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let key = self.key(&format!("k:{card_id}:hold"));
            self.delete_if(&key, holder).await;
        })
    }
}

impl TokenStore for Fleet {
    /// The app's tenant token: from Redis, or fetched by `fetch` by this replica alone (under
    /// the lock) and stored there; fetched directly if Redis fails.
    fn tenant_token<'a>(
        &'a self,
        fetch: BoxFuture<'a, Result<CachedToken, ClientError>>,
    ) -> BoxFuture<'a, Result<CachedToken, ClientError>> {
        Box::pin(self.shared_tenant_token(fetch))
    }

    fn invalidate<'a>(&'a self, token: &'a Secret) -> BoxFuture<'a, ()> {
        Box::pin(self.invalidate_token(token))
    }
}
