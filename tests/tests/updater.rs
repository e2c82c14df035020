//! The updater against the emulator: per message, states are sent in order, coalesced to the
//! latest, within 5 per second, and the final state is always delivered, through faults.
//!
//! The tests pace their pushes by the updater's own events, never by sleeping: states are
//! pushed in bursts, and each burst ends with `flush`, which returns once the burst's last
//! state is delivered. A burst pushed while its first state is being sent is what coalesces.

use std::time::Duration;

use lark_card::client::{Client, ClientError, RetryPolicy};
use lark_card::lark::LarkCode;
use lark_card::{card, Card, MessageId, Shared};
use lark_card_emulator::{Emulator, Endpoint};

const APP: &str = "cli_test";
const SECRET: &str = "s3cr3t";

async fn setup() -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .app(APP, SECRET)
        .start()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .retry(RetryPolicy::new(
            4,
            Duration::from_millis(20),
            Duration::from_millis(200),
        ))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    (emulator, client)
}

fn state(n: u32) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (format!("state {n}")) }
    ] } })
}

fn message(emulator: &Emulator) -> MessageId {
    emulator
        .send_card("oc_team", &state(0).to_content())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The state numbers the message went through, in order.
fn states(emulator: &Emulator, id: &MessageId) -> Vec<u32> {
    emulator
        .history(id)
        .iter()
        .filter_map(|r| {
            let at = r.content.find("state ")? + "state ".len();
            r.content[at..].split('"').next()?.parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn states_arrive_in_order_coalesced_and_the_last_one_is_delivered() {
    let (emulator, client) = setup().await;
    let id = message(&emulator);
    let updater = client.updater();
    // Four bursts of ten states, each flushed: its last state must be delivered.
    for burst in 0..4 {
        for n in burst * 10 + 1..=burst * 10 + 10 {
            updater
                .push(&id, &state(n))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        updater.flush(&id).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let seen = states(&emulator, &id);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "out of order: {seen:?}"
    );
    for last in [10, 20, 30, 40] {
        assert!(
            seen.contains(&last),
            "burst ending {last} not delivered: {seen:?}"
        );
    }
    // Ten states pushed at once cannot all be sent at 5 per second: older ones were skipped.
    assert!(seen.len() < 40, "{seen:?}");
    assert_eq!(emulator.counts().throttled_total(), 0);
    let status = updater.status(&id).unwrap_or_else(|| panic!("no status"));
    assert_eq!(
        (status.pushed, status.delivered, status.pending),
        (40, 40, false)
    );
    assert_eq!(status.sent as usize, seen.len() - 1);
}

#[tokio::test]
async fn many_messages_stream_at_once_without_throttles() {
    let (emulator, client) = setup().await;
    let ids: Vec<MessageId> = (0..8).map(|_| message(&emulator)).collect();
    let updater = client.updater();
    // Three bursts of five states to every message; the streams run side by side, so waiting
    // for each in turn waits for the slowest.
    for burst in 0..3 {
        for n in burst * 5 + 1..=burst * 5 + 5 {
            for id in &ids {
                updater
                    .push(id, &state(n))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        for id in &ids {
            updater.flush(id).await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(states(&emulator, id).last(), Some(&(burst * 5 + 5)));
        }
    }
    let report = updater.finish().await;
    assert!(report.all_delivered(), "{report:?}");
    for id in &ids {
        assert_eq!(states(&emulator, id).last(), Some(&15));
    }
    let counts = emulator.counts();
    assert_eq!(counts.throttled_total() + counts.rate_limited_total(), 0);
}

#[tokio::test]
async fn the_final_state_is_delivered_through_faults() {
    let (emulator, client) = setup().await;
    let id = message(&emulator);
    emulator.faults().fail_fraction(0.3, 7);
    let updater = client.updater();
    for burst in 0..4 {
        for n in burst * 5 + 1..=burst * 5 + 5 {
            updater
                .push(&id, &state(n))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        if burst == 1 {
            emulator.faults().throttle_message_next(3).drop_next(1);
        }
        updater.flush(&id).await.unwrap_or_else(|e| panic!("{e}"));
    }
    emulator.faults().clear();
    let seen = states(&emulator, &id);
    assert_eq!(seen.last(), Some(&20), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert!(
        emulator.counts().injected_failures > 0,
        "no fault was injected"
    );
}

#[tokio::test]
async fn a_terminal_error_stops_that_stream_and_is_reported() {
    let (emulator, client) = setup().await;
    let stopped = message(&emulator);
    let alive = message(&emulator);
    let updater = client.updater();
    updater
        .push(&stopped, &state(1))
        .unwrap_or_else(|e| panic!("{e}"));
    updater
        .flush(&stopped)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    emulator.recall(&stopped).unwrap_or_else(|e| panic!("{e}"));
    updater
        .push(&stopped, &state(2))
        .unwrap_or_else(|e| panic!("{e}"));
    updater
        .push(&alive, &state(2))
        .unwrap_or_else(|e| panic!("{e}"));
    let Err(error) = updater.flush(&stopped).await else {
        panic!("a recalled message kept streaming");
    };
    assert_eq!(error.lark_code(), Some(LarkCode::MessageRecalled));
    assert!(matches!(
        updater.push(&stopped, &state(3)),
        Err(ClientError::StreamStopped { .. })
    ));
    updater
        .flush(&alive)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let report = updater.finish().await;
    assert!(!report.all_delivered());
    assert_eq!(states(&emulator, &alive).last(), Some(&2));
    // The recalled message got one refused request, and no retries.
    assert_eq!(emulator.counts().code(LarkCode::MessageRecalled.code()), 1);
}

/// D6: the token comes before an update's turns, so no slot sits idle during the fetch and
/// none is spent the moment the token comes. Seen from outside: a worker takes its stream's
/// state right after its turns, and before the fix the first update took its turns and its
/// state and then fetched the token, so its state was gone by the time the token request
/// reached the emulator; now every state still waits while the fetch is held.
#[tokio::test]
async fn updates_take_no_turn_while_the_token_is_fetched() {
    // Paused: the token's answer is held until the test moves the clock.
    let emulator = Emulator::builder()
        .app(APP, SECRET)
        .paused_clock()
        .start()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<MessageId> = (0..3).map(|_| message(&emulator)).collect();
    let held = Duration::from_secs(1);
    emulator.faults().latency(held);
    let updater = client.updater();
    for id in &ids {
        updater
            .push(id, &state(1))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    // The first update needs a token: its fetch arrives and is held.
    let counts = emulator.wait_for_counts(|c| c.held == 1).await;
    assert_eq!(
        counts.endpoint(Endpoint::TenantAccessToken),
        1,
        "{counts:?}"
    );
    for id in &ids {
        let status = updater.status(id).unwrap_or_else(|| panic!("no status"));
        assert!(
            status.pending && status.sent == 0,
            "{id} took its turn during the token fetch: {status:?}"
        );
    }
    assert_eq!(counts.endpoint(Endpoint::UpdateCard), 0, "{counts:?}");
    // The updates themselves are not held: the fetch is released, and they follow.
    emulator.faults().clear_latency();
    emulator.clock().advance(held);
    let report = updater.finish().await;
    assert!(report.all_delivered(), "{report:?}");
    let counts = emulator.counts();
    assert_eq!(
        counts.endpoint(Endpoint::TenantAccessToken),
        1,
        "{counts:?}"
    );
    assert_eq!(counts.endpoint(Endpoint::UpdateCard), 3, "{counts:?}");
    assert_eq!(counts.throttled_total(), 0);
}

#[tokio::test]
async fn a_delivered_idle_stream_is_forgotten_and_counted_in_the_report() {
    let (emulator, client) = setup().await;
    let ids: Vec<MessageId> = (0..3).map(|_| message(&emulator)).collect();
    let stopped = message(&emulator);
    emulator.recall(&stopped).unwrap_or_else(|e| panic!("{e}"));
    let updater = client.updater();
    for id in ids.iter().chain([&stopped]) {
        updater
            .push(id, &state(1))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let report = updater.finish().await;
    assert!(!report.all_delivered(), "{report:?}");

    updater.until_delivered_streams_are_forgotten().await;
    let report = updater.finish().await;
    // The stopped stream stays, to refuse later pushes; the delivered ones are gone.
    assert_eq!(report.streams.len(), 1, "{report:?}");
    assert_eq!(report.streams[0].0, stopped);
    assert_eq!(report.retired, 3);
    assert_eq!(updater.status(&ids[0]), None);
    assert!(updater.push(&stopped, &state(2)).is_err());

    // A forgotten message streams again, from version 1.
    updater
        .push(&ids[0], &state(2))
        .unwrap_or_else(|e| panic!("{e}"));
    updater
        .flush(&ids[0])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(states(&emulator, &ids[0]).last(), Some(&2));
    let status = updater
        .status(&ids[0])
        .unwrap_or_else(|| panic!("no status"));
    assert_eq!((status.pushed, status.delivered), (1, 1));
}
