//! An approval bot: a card JSON 2.0 card with Approve and Reject buttons, and the handler
//! that answers their clicks. Approve answers a `success` toast and a card saying who
//! approved; Reject answers a card saying `Rejected`. The one handler serves both ways Lark
//! delivers clicks: HTTP callbacks (the `Receiver`) and the long connection.
//!
//! Without environment it runs against the local Lark emulator in-process: it sends two
//! approval cards, simulates a click on Approve on the first and on Reject on the second, and
//! prints the final cards. Its last line on stdout is the final content of the approved card.
//!
//! With `LARK_LONG_CONNECTION=1`, `LARK_APP_ID` and `LARK_APP_SECRET` it is a real bot on
//! Lark's long connection (no public address needed): it connects to Lark (or to
//! `LARK_BASE_URL`), sends an approval card to `LARK_CHAT_ID` if set, and serves the clicks
//! until Ctrl-C. Wrong credentials end it at once, non-zero, with Lark's code.
//!
//! With `LARK_CALLBACK_ADDR` (`host:port`), `LARK_VERIFICATION_TOKEN` and `LARK_ENCRYPT_KEY`
//! it is a real bot on HTTP callbacks: it serves `POST /lark/callback` on that address until
//! Ctrl-C (point the app's callback URL there). With `LARK_APP_ID`, `LARK_APP_SECRET` and
//! `LARK_CHAT_ID` too, it first sends an approval card to that chat (to Lark, or to
//! `LARK_BASE_URL`).
//!
//! ```sh
//! cargo run --example callback_bot
//! ```

use std::error::Error;
use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use lark_card::callback::{Answer, CardAction, Receiver, Toast, V2Card};
use lark_card::client::{Client, Domain, Recipient};
use lark_card::long_connection::LongConnection;
use lark_card::{card, escape_markdown, markdown, trusted_markdown, Card, Shared, TrustedMarkdown};
use lark_card_emulator::{
    CallbackApp, Click, Emulator, Operator, DEFAULT_APP_ID, DEFAULT_APP_SECRET,
};
use serde::Deserialize;

/// The value of the buttons' callbacks.
#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
enum Decision {
    Approve,
    Reject,
}

/// The question is markdown: the bot's own bold stays bold, what came from users (written
/// into it with `markdown!`) shows as typed.
fn approval_card(what: TrustedMarkdown) -> Card<Shared> {
    card!({
        "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": "Approval" }, "template": "blue" },
        "body": { "elements": [
            { "tag": "markdown", "content": (what) },
            { "tag": "column_set", "columns": [
                { "tag": "column", "elements": [
                    { "tag": "button", "element_id": "approve", "type": "primary",
                      "text": { "tag": "plain_text", "content": "Approve" },
                      "behaviors": [ { "type": "callback", "value": { "action": "approve" } } ] }
                ] },
                { "tag": "column", "elements": [
                    { "tag": "button", "element_id": "reject", "type": "danger",
                      "text": { "tag": "plain_text", "content": "Reject" },
                      "behaviors": [ { "type": "callback", "value": { "action": "reject" } } ] }
                ] }
            ] }
        ] }
    })
}

/// A card of one markdown line, already safe to render: card JSON 2.0, as the clicked card is.
fn decided(markdown: String) -> V2Card {
    card!(V2Card, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (trusted_markdown(markdown)) }
    ] } })
}

/// `<at id=…></at>` for an open id Lark sent; anything else is shown as text.
fn mention(open_id: &str) -> String {
    let plain = !open_id.is_empty()
        && open_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("<at id={open_id}></at>")
    } else {
        escape_markdown(open_id).into_owned()
    }
}

/// The bot: what each click answers.
async fn on_click(action: CardAction) -> Answer {
    let answer = match action.action.value::<Decision>() {
        Ok(Decision::Approve) => {
            Answer::v2()
                .toast(Toast::success("Approved"))
                .card(decided(format!(
                    "Approved by {}",
                    mention(&action.operator.open_id)
                )))
        }
        Ok(Decision::Reject) => Answer::v2().card(decided("Rejected".to_owned())),
        Err(_) => Answer::v2().toast(Toast::error("This button is not one of the bot's")),
    };
    answer.into()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[tokio::main]
async fn main() -> ExitCode {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let run = if env("LARK_LONG_CONNECTION").as_deref() == Some("1") {
        long_connection(ctrl_c).await
    } else {
        match (
            env("LARK_CALLBACK_ADDR"),
            env("LARK_VERIFICATION_TOKEN"),
            env("LARK_ENCRYPT_KEY"),
        ) {
            (Some(addr), Some(token), Some(key)) => serve(&addr, token, key, ctrl_c).await,
            _ => offline().await,
        }
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The error and its causes, each of them readable (Lark's code is in them).
            let mut message = format!("error: {error}");
            let mut cause = error.source();
            while let Some(error) = cause {
                message.push_str(&format!(": {error}"));
                cause = error.source();
            }
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The app's client, to Lark or to `LARK_BASE_URL`; `None` without an app id and secret.
fn app_client() -> Result<Option<Client>, Box<dyn Error>> {
    let (Some(app_id), Some(secret)) = (env("LARK_APP_ID"), env("LARK_APP_SECRET")) else {
        return Ok(None);
    };
    let domain = env("LARK_BASE_URL").map_or(Domain::Lark, Domain::Custom);
    Ok(Some(
        Client::builder()
            .app(app_id, secret)
            .domain(domain)
            .build()?,
    ))
}

/// Sends an approval card to `LARK_CHAT_ID`, if set.
async fn send_approval(client: &Client) -> Result<(), Box<dyn Error>> {
    if let Some(chat) = env("LARK_CHAT_ID") {
        let card = approval_card(markdown!("Deploy **{}** to production?", "v1.4.2"));
        let id = client.send_card(&Recipient::chat(chat), &card).await?;
        println!("sent the approval card: {id}");
    }
    Ok(())
}

/// A real bot on the long connection, until `stop`.
async fn long_connection(stop: impl Future<Output = ()>) -> Result<(), Box<dyn Error>> {
    let client =
        app_client()?.ok_or("LARK_LONG_CONNECTION=1 needs LARK_APP_ID and LARK_APP_SECRET")?;
    let mut running = LongConnection::builder(&client)
        .on_card_action(on_click)
        .build()?
        .spawn();
    // Wrong credentials (or the 50-connection limit) end it here, with Lark's code; once
    // connected, the card's clicks can be served.
    running.connected().await?;
    println!("connected: serving clicks over the long connection until Ctrl-C");
    send_approval(&client).await?;
    tokio::select! {
        stopped = running.stopped() => return Ok(stopped?),
        () = stop => {}
    }
    running.shutdown().await?;
    Ok(())
}

/// A real bot on `addr`, until `stop`.
async fn serve(
    addr: &str,
    token: String,
    key: String,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Box<dyn Error>> {
    let mut builder = Receiver::builder()
        .verification_token(token)
        .encrypt_key(key);
    if let Some(client) = app_client()? {
        send_approval(&client).await?;
        builder = builder.late_updates(client);
    }
    let receiver = builder.build(on_click)?;
    let app = axum::Router::new().route_service("/lark/callback", receiver);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "serving POST http://{}/lark/callback until Ctrl-C",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}

/// Against the in-process emulator: two cards, two clicks.
async fn offline() -> Result<(), Box<dyn Error>> {
    const TOKEN: &str = "example-verification-token";
    const KEY: &str = "example-encrypt-key";
    let emulator = Emulator::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .start()
        .await?;
    let client = Client::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .base_url(emulator.base_url())
        .build()?;
    let receiver = Receiver::builder()
        .verification_token(TOKEN)
        .encrypt_key(KEY)
        .late_updates(client.clone())
        .build(on_click)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/lark/callback", listener.local_addr()?);
    let app = axum::Router::new().route_service("/lark/callback", receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    emulator.set_callback(
        DEFAULT_APP_ID,
        CallbackApp::new(&url, TOKEN).encrypt_key(KEY),
    );

    let chat = Recipient::chat("oc_approvals");
    let expense = client
        .send_card(
            &chat,
            &approval_card(markdown!("{} asks for **{}** of travel", "Ann", "120 EUR")),
        )
        .await?;
    let holiday = client
        .send_card(
            &chat,
            &approval_card(markdown!("{} asks for **{}** off", "Bob", "3 days")),
        )
        .await?;

    let approved = emulator
        .click(
            &expense,
            Click::element("approve").by(Operator::new("ou_7d8a6e6df7621556ce0d21922b676706")),
        )
        .await?;
    println!(
        "approve: Lark code {}, toast {}, answered in {} ms",
        approved.code,
        approved.toast.map(|t| t.to_string()).unwrap_or_default(),
        approved.latency_ms
    );
    let rejected = emulator
        .click(
            &holiday,
            Click::value(serde_json::json!({ "action": "reject" })),
        )
        .await?;
    println!(
        "reject: Lark code {}, answered in {} ms",
        rejected.code, rejected.latency_ms
    );
    let stats = receiver.stats();
    println!(
        "receiver: {} answered, {} refused",
        stats.answered,
        stats.refused_total()
    );
    // Give a late update (none expected here) a moment, then show the cards.
    tokio::time::sleep(Duration::from_millis(10)).await;
    let holiday_card = emulator
        .message(&holiday)
        .map(|m| m.content)
        .unwrap_or_default();
    println!("rejected card: {holiday_card}");
    let expense_card = emulator
        .message(&expense)
        .map(|m| m.content)
        .unwrap_or_default();
    println!("{expense_card}");
    if approved.code != 0 || rejected.code != 0 || !expense_card.contains("Approved by <at id=") {
        return Err("the clicks were not answered as expected".into());
    }
    Ok(())
}
