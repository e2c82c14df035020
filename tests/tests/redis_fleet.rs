//! Many replicas, one app: the app's limits and its tenant token shared through a real Redis
//! (`redis-server`), against the emulator, whose limits are per app across every connection.
//!
//! Redis: `LARK_TEST_REDIS_URL` (CI starts one), else a `redis-server` started by the test.
//! The restart test always starts its own, so that it can kill and restart it. Without
//! `redis-server` on PATH the workspace's one rule applies (`card_test_support`): a notice
//! outside CI, a failure under `CI=true`.
//!
//! Nothing here waits for a time: the streams are paced by the updater's deliveries (a new
//! state for a message each time one of its states is accepted), stop after a number of
//! deliveries or at the test's signal, and the restart tests step on events: the emulator's
//! counts reaching a number, and the replicas' log lines ("Redis is failing", "Redis is
//! back"). How fast a fleet goes is measured by the bench (`update_scheduling --replicas`).

mod log_capture;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use card_test_support::{shared_redis, RedisServer};
use lark_card::client::{Client, Delivered, Recipient, RedisConfig};
use lark_card::lark::LarkCode;
use lark_card::{card, Card, MessageId, Shared};
use lark_card_emulator::{Counts, Emulator, Endpoint, RevisionKind};
use tokio::sync::watch;

const APP: &str = "cli_fleet";
const SECRET: &str = "fleet-s3cr3t";

/// A prefix no other test (or earlier run) uses.
fn prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("test-{}-{nanos}", std::process::id())
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .app(APP, SECRET)
        .start()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn replica(emulator_url: &str, redis: Option<(&str, &str)>) -> Client {
    let mut builder = Client::builder().app(APP, SECRET).base_url(emulator_url);
    if let Some((url, prefix)) = redis {
        builder = builder.redis(
            // Generous: a Redis call that times out makes the replica fall back to working
            // alone (its own token fetch, a local share of the limits), which a test run on a
            // loaded machine must not mistake for a failure to share.
            RedisConfig::new(url)
                .prefix(prefix)
                .timeout(Duration::from_secs(1)),
        );
    }
    builder.build().unwrap_or_else(|e| panic!("{e}"))
}

fn state(n: u64, last: bool) -> Card<Shared> {
    let word = if last { "final" } else { "state" };
    card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (format!("{word} {n}")) }
    ] } })
}

fn messages(emulator: &Emulator, n: usize) -> Vec<MessageId> {
    (0..n)
        .map(|_| {
            let id = emulator
                .send_card_as(APP, "oc_fleet", &state(0, false).to_content())
                .unwrap_or_else(|e| panic!("{e}"));
            MessageId::new(id).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// When a stream stops.
enum Until {
    /// Once every message has had this many states delivered.
    Delivered(u64),
    /// When the test says so (sends `true`).
    Told(watch::Receiver<bool>),
}

/// Streams to every message without a pause: two states each at first (one sent, one
/// waiting behind it), then one more each time one of its states is delivered, so that every
/// message always has a state waiting for its turn. At the end, a `final` state to each;
/// waits for every final state and returns how many streams delivered it.
async fn stream(client: &Client, ids: &[MessageId], until: Until) -> usize {
    let updater = client.updater();
    let mut deliveries = updater.deliveries();
    let mut pushed: HashMap<MessageId, u64> = HashMap::new();
    let mut delivered: HashMap<MessageId, u64> = HashMap::new();
    let push = |pushed: &mut HashMap<MessageId, u64>, id: &MessageId, last: bool| {
        let n = pushed.entry(id.clone()).or_insert(0);
        *n += 1;
        updater
            .push(id, &state(*n, last))
            .unwrap_or_else(|e| panic!("{e}"));
    };
    for id in ids {
        push(&mut pushed, id, false);
        push(&mut pushed, id, false);
    }
    let (rounds, mut told) = match until {
        Until::Delivered(rounds) => (rounds, None),
        Until::Told(told) => (u64::MAX, Some(told)),
    };
    let stop = async move {
        match told.as_mut() {
            Some(told) => {
                let _ = told.wait_for(|stop| *stop).await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::pin!(stop);
    while ids
        .iter()
        .any(|id| delivered.get(id).copied().unwrap_or(0) < rounds)
    {
        tokio::select! {
            () = &mut stop => break,
            delivery = deliveries.next() => match delivery {
                Some(Delivered::State(delivery)) => {
                    *delivered.entry(delivery.message_id.clone()).or_insert(0) += 1;
                    push(&mut pushed, &delivery.message_id, false);
                }
                Some(Delivered::Missed(n)) => panic!("{n} deliveries missed"),
                None => panic!("the updater stopped"),
            },
        }
    }
    for id in ids {
        push(&mut pushed, id, true);
    }
    let report = updater.finish().await;
    report
        .streams
        .iter()
        .filter(|(_, s)| s.stopped.is_none() && s.delivered == s.pushed)
        .count()
}

/// Updates the emulator accepted (answered with code 0: the token fetches are the other
/// successes, and are counted apart).
fn accepted(counts: &Counts) -> u64 {
    counts
        .code(0)
        .saturating_sub(counts.endpoint(Endpoint::TenantAccessToken))
}

/// Accepted updates of each message, in the emulator's history.
fn updates(emulator: &Emulator, ids: &[MessageId]) -> Vec<usize> {
    ids.iter()
        .map(|id| {
            emulator
                .history(id)
                .iter()
                .filter(|r| r.kind == RevisionKind::Updated)
                .count()
        })
        .collect()
}

fn finals(emulator: &Emulator, ids: &[MessageId]) -> usize {
    ids.iter()
        .filter(|id| {
            emulator
                .message(id)
                .is_some_and(|m| m.content.contains("final"))
        })
        .count()
}

/// Four replicas in one process, 10 messages each, each streamed to until four of its states
/// are delivered: together they would send 200 updates per second; through Redis they keep to
/// the app's 50, with no throttle and nothing lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_in_one_process_share_the_app_limits() {
    let Some((url, _guard)) = shared_redis("the Redis fleet tests") else {
        return;
    };
    let emulator = emulator().await;
    let prefix = prefix();
    let mut tasks = Vec::new();
    let mut all = Vec::new();
    for _ in 0..4 {
        let client = replica(emulator.base_url(), Some((&url, &prefix)));
        let ids = messages(&emulator, 10);
        all.extend(ids.clone());
        tasks.push(tokio::spawn(async move {
            stream(&client, &ids, Until::Delivered(4)).await
        }));
    }
    let mut delivered = 0;
    for task in tasks {
        delivered += task.await.unwrap_or_else(|e| panic!("{e}"));
    }
    let counts = emulator.counts();
    assert_eq!(delivered, 40, "every stream delivered its final state");
    assert_eq!(finals(&emulator, &all), 40);
    assert_eq!(
        (counts.rate_limited_total(), counts.throttled_total()),
        (0, 0),
        "throttled: {counts:?}"
    );
    // Every message was updated all along, not only at the end: its four states (and more
    // while the others caught up) and its final one, each in the emulator's history.
    let updates = updates(&emulator, &all);
    assert!(
        updates.iter().all(|&n| n >= 5),
        "updates per message: {updates:?}"
    );
    assert_eq!(
        counts.endpoint(Endpoint::TenantAccessToken),
        1,
        "one token fetch"
    );
}

/// Eight replicas in one process, 10 messages each: the app's limit binds (80 messages share
/// 50 per second), and the fleet serves them in order through the reservations in Redis. The
/// order is checked on counts, not times: a message waiting for its turn is behind at most
/// one request of every other message (the one each had reserved already) and one more of
/// those granted during its own round trip, so between two accepted updates of a message
/// every other message has at most two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_bound_by_the_app_limit_is_served_in_order() {
    let Some((url, _guard)) = shared_redis("the Redis fleet tests") else {
        return;
    };
    let emulator = emulator().await;
    let prefix = prefix();
    let mut tasks = Vec::new();
    let mut all = Vec::new();
    for _ in 0..8 {
        let client = replica(emulator.base_url(), Some((&url, &prefix)));
        let ids = messages(&emulator, 10);
        all.extend(ids.clone());
        tasks.push(tokio::spawn(async move {
            stream(&client, &ids, Until::Delivered(3)).await
        }));
    }
    let mut delivered = 0;
    for task in tasks {
        delivered += task.await.unwrap_or_else(|e| panic!("{e}"));
    }
    let counts = emulator.counts();
    assert_eq!(delivered, 80, "every stream delivered its final state");
    assert_eq!(finals(&emulator, &all), 80);
    assert_eq!(
        (counts.rate_limited_total(), counts.throttled_total()),
        (0, 0),
        "throttled: {counts:?}"
    );
    // Every accepted update, in the order the emulator accepted them.
    let mut accepted: Vec<(std::time::SystemTime, usize)> = Vec::new();
    for (index, id) in all.iter().enumerate() {
        for revision in emulator.history(id) {
            if revision.kind == RevisionKind::Updated {
                accepted.push((revision.at, index));
            }
        }
    }
    accepted.sort();
    let mut worst = 0;
    let mut last_seen: Vec<Option<usize>> = vec![None; all.len()];
    for (position, &(_, index)) in accepted.iter().enumerate() {
        if let Some(previous) = last_seen[index] {
            let mut others = vec![0usize; all.len()];
            for &(_, other) in &accepted[previous + 1..position] {
                others[other] += 1;
            }
            worst = worst.max(others.into_iter().max().unwrap_or(0));
        }
        last_seen[index] = Some(position);
    }
    assert!(
        worst <= 2,
        "a message waited while another was updated {worst} times"
    );
    // Every message was updated all along, not only at the end: three states and its final.
    let updates = updates(&emulator, &all);
    assert!(
        updates.iter().all(|&n| n >= 4),
        "updates per message: {updates:?}"
    );
}

/// The same fleet without Redis overruns the app's limit: the shared windows are what keeps
/// it within (this is the failure the tests above would show without them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_the_same_fleet_is_throttled() {
    let emulator = emulator().await;
    let (stop, told) = watch::channel(false);
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let client = replica(emulator.base_url(), None);
        let ids = messages(&emulator, 10);
        let told = told.clone();
        tasks.push(tokio::spawn(async move {
            stream(&client, &ids, Until::Told(told)).await
        }));
    }
    // Every message at its own 5 per second is 200 per second for the fleet, four times the
    // app's 50. The streams stop at the first 429 (the retries after each are slow), or
    // after 200 accepted updates without one, which fails the test below.
    let seen = emulator
        .wait_for_counts(|c| c.rate_limited_total() > 0 || accepted(c) >= 200)
        .await;
    let _ = stop.send(true);
    for task in tasks {
        task.await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(seen.rate_limited_total() > 0, "{seen:?}");
    let counts = emulator.counts();
    assert!(counts.endpoint(Endpoint::TenantAccessToken) >= 4);
}

/// Eight replicas start at once: one tenant token fetch for all of them; after Lark revokes
/// it (99991663), one more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_fetch_for_the_fleet_and_one_refresh_after_99991663() {
    let Some((url, _guard)) = shared_redis("the Redis fleet tests") else {
        return;
    };
    let emulator = emulator().await;
    let prefix = prefix();
    let clients: Vec<Client> = (0..8)
        .map(|_| replica(emulator.base_url(), Some((&url, &prefix))))
        .collect();
    let ids = messages(&emulator, 8);
    let update_all = |n: u64| {
        let clients = clients.clone();
        let ids = ids.clone();
        async move {
            let mut tasks = Vec::new();
            for (client, id) in clients.into_iter().zip(ids) {
                tasks.push(tokio::spawn(async move {
                    client.update_card(&id, &state(n, false)).await
                }));
            }
            for task in tasks {
                task.await
                    .unwrap_or_else(|e| panic!("{e}"))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    };
    update_all(1).await;
    assert_eq!(emulator.counts().endpoint(Endpoint::TenantAccessToken), 1);
    update_all(2).await;
    assert_eq!(emulator.counts().endpoint(Endpoint::TenantAccessToken), 1);
    emulator.revoke_tokens();
    update_all(3).await;
    let counts = emulator.counts();
    assert_eq!(
        counts.endpoint(Endpoint::TenantAccessToken),
        2,
        "{counts:?}"
    );
    assert_eq!(
        counts.code(LarkCode::TenantTokenInvalid.code()),
        8,
        "each replica was told once"
    );
}

/// Redis is killed mid-stream and restarted on the same port once the replicas have gone on
/// without it: every final state is delivered, nothing is throttled (the replicas keep to a
/// share of the limits meanwhile), updates go on during the outage, every replica sees Redis
/// come back, and nothing the logs hold is a secret.
#[test]
fn a_redis_restart_mid_stream_loses_no_update() {
    let Some(mut redis) = RedisServer::start("the Redis fleet tests") else {
        return;
    };
    let (capture, subscriber) = log_capture::capturing(tracing::Level::INFO);
    // Logs are captured on this thread: everything runs on it.
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let url = redis.url();
    let (emulator, all, delivered) = runtime.block_on(async {
        let emulator = emulator().await;
        let prefix = prefix();
        let (stop, told) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut all = Vec::new();
        for _ in 0..3 {
            let client = replica(emulator.base_url(), Some((&url, &prefix)));
            let ids = messages(&emulator, 10);
            all.extend(ids.clone());
            let told = told.clone();
            tasks.push(tokio::spawn(async move {
                stream(&client, &ids, Until::Told(told)).await
            }));
        }
        // Two updates per message through Redis first.
        emulator.wait_for_counts(|c| accepted(c) >= 60).await;
        redis.kill();
        // Each replica streams without a pause, so each asks Redis again and notices.
        capture.wait_for("Redis is failing", 3).await;
        // Updates go on during the outage: a message has at most one update in flight, so
        // of 60 more accepted, at least 30 were sent after every replica knew Redis was gone.
        let before = accepted(&emulator.counts());
        emulator
            .wait_for_counts(|c| accepted(c) >= before + 60)
            .await;
        redis.spawn();
        // Each replica's probe finds it (the probes run while the replica sends).
        capture.wait_for("Redis is back", 3).await;
        let _ = stop.send(true);
        let mut delivered = 0;
        for task in tasks {
            delivered += task.await.unwrap_or_else(|e| panic!("{e}"));
        }
        (emulator, all, delivered)
    });
    let counts = emulator.counts();
    let logs = capture.text();
    assert_eq!(delivered, 30, "every final state delivered");
    assert_eq!(finals(&emulator, &all), 30);
    assert_eq!(
        (counts.rate_limited_total(), counts.throttled_total()),
        (0, 0),
        "throttled: {counts:?}"
    );
    assert!(logs.contains("Redis is failing"), "no warning:\n{logs}");
    assert!(logs.contains("Redis is back"), "no recovery:\n{logs}");
    let token = emulator.tenant_token(APP).unwrap_or_default();
    assert!(!logs.contains(SECRET), "the app secret was logged:\n{logs}");
    assert!(
        !token.is_empty() && !logs.contains(&token),
        "a token was logged:\n{logs}"
    );
}

/// Redis is restarted at once mid-stream (empty, on the same port): replicas that were asleep
/// on a reservation may see no failure at all, only a Redis that lost the fleet's windows.
/// They notice it by its epoch and keep to a share for a while: nothing is throttled, every
/// final state is delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_comes_back_empty_throttles_nothing() {
    let Some(mut redis) = RedisServer::start("the Redis fleet tests") else {
        return;
    };
    let emulator = emulator().await;
    let prefix = prefix();
    let url = redis.url();
    let (stop, told) = watch::channel(false);
    let mut tasks = Vec::new();
    let mut all = Vec::new();
    for _ in 0..4 {
        let client = replica(emulator.base_url(), Some((&url, &prefix)));
        let ids = messages(&emulator, 10);
        all.extend(ids.clone());
        let told = told.clone();
        tasks.push(tokio::spawn(async move {
            stream(&client, &ids, Until::Told(told)).await
        }));
    }
    // Two updates per message through Redis first.
    emulator.wait_for_counts(|c| accepted(c) >= 80).await;
    redis.kill();
    redis.spawn();
    // A message has at most one update in flight: of 80 more accepted, at least 40 were sent
    // after the restart.
    let restarted = accepted(&emulator.counts());
    emulator
        .wait_for_counts(|c| accepted(c) >= restarted + 80)
        .await;
    let _ = stop.send(true);
    let mut delivered = 0;
    for task in tasks {
        delivered += task.await.unwrap_or_else(|e| panic!("{e}"));
    }
    let counts = emulator.counts();
    assert_eq!(delivered, 40, "every stream delivered its final state");
    assert_eq!(finals(&emulator, &all), 40);
    assert_eq!(
        (counts.rate_limited_total(), counts.throttled_total()),
        (0, 0),
        "throttled: {counts:?}"
    );
}

/// Replicas as separate processes (this test binary, re-executed): three processes share the
/// app's limits and one token through Redis.
#[test]
fn replicas_as_separate_processes_share_limits_and_token() {
    let Some((url, _guard)) = shared_redis("the Redis fleet tests") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let emulator = runtime.block_on(emulator());
    let prefix = prefix();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let children: Vec<Child> = (0..3)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "replica_process",
                    "--exact",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env("LARK_FLEET_CHILD", "1")
                .env("LARK_FLEET_EMULATOR", emulator.base_url())
                .env("LARK_FLEET_REDIS", &url)
                .env("LARK_FLEET_PREFIX", &prefix)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("replica delivered 10 of 10"),
            "a replica failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let counts = emulator.counts();
    assert_eq!(
        (counts.rate_limited_total(), counts.throttled_total()),
        (0, 0),
        "throttled: {counts:?}"
    );
    assert_eq!(
        counts.endpoint(Endpoint::TenantAccessToken),
        1,
        "{counts:?}"
    );
    // 3 processes x 10 cards sent through the client, then streamed.
    assert_eq!(counts.endpoint(Endpoint::SendMessage), 30);
    let finals = emulator
        .messages()
        .iter()
        .filter(|m| m.content.contains("final"))
        .count();
    assert_eq!(finals, 30);
    runtime.block_on(async { drop(emulator) });
}

/// The replica run by the test above (a no-op when run by itself).
#[test]
fn replica_process() {
    if std::env::var("LARK_FLEET_CHILD").is_err() {
        return;
    }
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let (base, url, prefix) = (
        var("LARK_FLEET_EMULATOR"),
        var("LARK_FLEET_REDIS"),
        var("LARK_FLEET_PREFIX"),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let delivered = runtime.block_on(async {
        let client = replica(&base, Some((&url, &prefix)));
        let mut ids = Vec::new();
        for _ in 0..10 {
            ids.push(
                client
                    .send_card(&Recipient::chat("oc_fleet"), &state(0, false))
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        stream(&client, &ids, Until::Delivered(3)).await
    });
    println!("replica delivered {delivered} of 10");
}
