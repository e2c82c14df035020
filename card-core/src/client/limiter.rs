//! The limiter of one client: each key's turn and the app's, from the in-process windows
//! ([`InProcess`]) and, when the client shares its limits (Redis), from a shared backend
//! first ([`RateLimiter`]).
//!
//! With a shared backend the in-process windows still record this replica's requests, and
//! take over alone, at a share of the app's limits, when the shared backend fails.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Mutex as AsyncMutex;

use super::limits::{KeyWindow, Limits};
use super::local::InProcess;
pub(crate) use super::local::{KeyTurn, Outcome};
use super::ratelimit::{Grant, Place, RateLimiter, Settled, TurnRequest};

/// The limiters of one client.
pub(crate) struct Limiter {
    limits: Limits,
    local: InProcess,
    /// The fleet's windows (Redis), asked first when usable.
    shared: Option<Arc<dyn RateLimiter>>,
    /// Serves waiting requests in the order they came (tokio's mutex is fair), so that no
    /// message starves when many share the app's limit.
    turnstile: AsyncMutex<()>,
}

/// One request of the app in flight; its answer (or its end) is recorded when dropped. A
/// permit dropped before [`AppPermit::sending`] gives its place back.
pub(crate) struct AppPermit<'a> {
    limiter: &'a Limiter,
    /// When the request was sent (`None`: not sent).
    sent_at: Option<Instant>,
    /// Whether the request counts in its key's window (false: refused with 230020).
    counted: bool,
    /// The shared backend's grant, if it granted the turn.
    shared: Option<Grant>,
}

impl AppPermit<'_> {
    /// Records that the request is being sent.
    pub fn sending(&mut self) {
        self.sent_at = Some(Instant::now());
    }

    /// Records the answer: `counted` is what [`KeyTurn::answered`] said (true without a
    /// key).
    pub fn answered(mut self, counted: bool) {
        self.counted = counted;
    }
}

impl Drop for AppPermit<'_> {
    fn drop(&mut self) {
        let now = Instant::now();
        let settled = Settled {
            sent: self.sent_at.is_some(),
            counted: self.counted,
            latency: self
                .sent_at
                .map_or(Default::default(), |t| now.duration_since(t)),
            answered_at: now,
        };
        if let (Some(shared), Some(grant)) = (&self.limiter.shared, self.shared.take()) {
            shared.settle(grant, settled);
        }
        self.limiter.local.settle(Grant::default(), settled);
    }
}

impl Limiter {
    /// A limiter keeping `limits`, asking `shared` first if given.
    pub fn new(limits: Limits, shared: Option<Arc<dyn RateLimiter>>) -> Self {
        Limiter {
            local: InProcess::new(&limits),
            limits,
            shared,
            turnstile: AsyncMutex::new(()),
        }
    }

    /// The limits this limiter keeps to, as configured.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Waits for this key's turn (always kept in process: one request of a key at a time).
    pub async fn key_turn(&self, key: &KeyWindow) -> KeyTurn {
        self.local.key_turn(key).await
    }

    /// The part of the app's limits this replica may use alone (see [`RateLimiter::share`]).
    fn share(&self) -> usize {
        self.shared.as_ref().map_or(1, |shared| shared.share())
    }

    async fn in_line(&self) -> Place<'_> {
        Place::new(self.turnstile.lock().await)
    }

    /// Waits until one more request of the app (for `key`, if any) may go; the permit
    /// records its answer. Waiting requests are served in the order they came: in this
    /// process by the turnstile, across the fleet by the shared backend's order.
    pub async fn app_turn(&self, key: Option<&KeyWindow>) -> AppPermit<'_> {
        let mut in_order = Some(self.in_line().await);
        loop {
            let share = self.share();
            let request = |place| TurnRequest {
                key,
                app: &self.limits,
                share: 1,
                place,
            };
            if let Some(shared) = self.shared.as_ref().filter(|s| share == 1 && s.usable()) {
                // The shared backend keeps the fleet's windows and its order: the local
                // windows only record this replica's requests, for the day it fails.
                self.local.kept_elsewhere();
                if let Some(grant) = shared.acquire(request(in_order.take())).await {
                    self.local.granted_elsewhere();
                    return self.permit(Some(grant));
                }
                // It failed: in line again, under the local share.
                if in_order.is_none() {
                    in_order = Some(self.in_line().await);
                }
                continue;
            }
            // Alone, or at a share of the app's limits while the shared backend fails or
            // recovers.
            let local = TurnRequest {
                share,
                ..request(None)
            };
            // The in-process backend always grants; the place is kept for the shared one.
            let _ = self.local.acquire(local).await;
            let mut permit = self.permit(None);
            if let Some(shared) = self.shared.as_ref().filter(|s| s.usable()) {
                // The local turn is taken: the order is the shared backend's from its first
                // answer.
                match shared.acquire(request(in_order.take())).await {
                    Some(grant) => {
                        permit.shared = Some(grant);
                        return permit;
                    }
                    // It failed again: the place is given back (the permit is dropped unsent),
                    // and taken again under the new share.
                    None if self.share() != share => {
                        if in_order.is_none() {
                            in_order = Some(self.in_line().await);
                        }
                        continue;
                    }
                    None => {}
                }
            }
            return permit;
        }
    }

    /// A permit for a place already taken in the local windows.
    fn permit(&self, shared: Option<Grant>) -> AppPermit<'_> {
        AppPermit {
            limiter: self,
            sent_at: None,
            counted: true,
            shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::super::ratelimit::BoxFuture;
    use super::*;

    /// What the limiter asked of a backend.
    #[derive(Debug, PartialEq, Eq)]
    enum Asked {
        Acquire {
            key: Option<String>,
            place: bool,
        },
        Settle {
            id: String,
            sent: bool,
            counted: bool,
        },
    }

    /// A shared backend that grants every turn (or none, when `failing`) and records what it
    /// was asked.
    struct Recording {
        asked: Mutex<Vec<Asked>>,
        failing: bool,
    }

    impl Recording {
        fn asked(&self) -> Vec<Asked> {
            std::mem::take(&mut *self.asked.lock().unwrap_or_else(|e| e.into_inner()))
        }
        fn record(&self, asked: Asked) {
            self.asked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(asked);
        }
    }

    impl RateLimiter for Recording {
        fn acquire<'a>(&'a self, request: TurnRequest<'a>) -> BoxFuture<'a, Option<Grant>> {
            self.record(Asked::Acquire {
                key: request.key.map(|k| k.name.clone()),
                place: request.place.is_some(),
            });
            let grant = (!self.failing).then(|| Grant {
                id: "g1".into(),
                key: request.key.cloned(),
            });
            Box::pin(async move { grant })
        }

        fn settle(&self, grant: Grant, settled: Settled) {
            self.record(Asked::Settle {
                id: grant.id,
                sent: settled.sent,
                counted: settled.counted,
            });
        }

        fn share(&self) -> usize {
            if self.failing {
                3
            } else {
                1
            }
        }

        fn usable(&self) -> bool {
            !self.failing
        }
    }

    fn limiter(failing: bool) -> (Limiter, Arc<Recording>) {
        let backend = Arc::new(Recording {
            asked: Mutex::new(Vec::new()),
            failing,
        });
        let limiter = Limiter::new(Limits::default(), Some(backend.clone()));
        (limiter, backend)
    }

    #[tokio::test]
    async fn a_shared_backend_grants_the_turn_and_is_told_how_it_ended() {
        let (limiter, backend) = limiter(false);
        let key = limiter.limits().message("om_1");
        let mut permit = limiter.app_turn(Some(&key)).await;
        assert_eq!(
            backend.asked(),
            [Asked::Acquire {
                key: Some("m:om_1".into()),
                place: true
            }]
        );
        permit.sending();
        // Refused with 230020: not counted in the key's window.
        permit.answered(false);
        assert_eq!(
            backend.asked(),
            [Asked::Settle {
                id: "g1".into(),
                sent: true,
                counted: false
            }]
        );
        // A permit dropped unsent gives its place back.
        drop(limiter.app_turn(None).await);
        assert_eq!(
            backend.asked(),
            [
                Asked::Acquire {
                    key: None,
                    place: true
                },
                Asked::Settle {
                    id: "g1".into(),
                    sent: false,
                    counted: true
                }
            ]
        );
    }

    #[tokio::test]
    async fn a_failing_shared_backend_is_not_asked_and_the_local_windows_serve() {
        let (limiter, backend) = limiter(true);
        let mut permit = limiter.app_turn(None).await;
        permit.sending();
        permit.answered(true);
        assert_eq!(backend.asked(), []);
    }
}
