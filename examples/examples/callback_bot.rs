//! An approval bot: a card JSON 2.0 card with Approve and Reject buttons, and the callback
//! receiver that answers their clicks. Approve answers a `success` toast and a card saying
//! who approved; Reject answers a card saying `Rejected`.
//!
//! Without environment it runs against the local Lark emulator in-process: it sends two
//! approval cards, simulates a click on Approve on the first and on Reject on the second, and
//! prints the final cards. Its last line on stdout is the final content of the approved card.
//!
//! With `LARK_CALLBACK_ADDR` (`host:port`), `LARK_VERIFICATION_TOKEN` and `LARK_ENCRYPT_KEY`
//! it is a real bot: it serves `POST /lark/callback` on that address until Ctrl-C (point the
//! app's callback URL there). With `LARK_APP_ID`, `LARK_APP_SECRET` and `LARK_CHAT_ID` too, it
//! first sends an approval card to that chat (to Lark, or to `LARK_BASE_URL`).
//!
//! ```sh
//! cargo run --example callback_bot
//! ```

use std::error::Error;
use std::time::Duration;

use lark_card::callback::{Answer, CardAction, Receiver, Toast, V2Card};
use lark_card::client::{Client, Domain, Recipient};
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
async fn main() -> Result<(), Box<dyn Error>> {
    match (
        env("LARK_CALLBACK_ADDR"),
        env("LARK_VERIFICATION_TOKEN"),
        env("LARK_ENCRYPT_KEY"),
    ) {
        (Some(addr), Some(token), Some(key)) => serve(&addr, token, key).await,
        _ => offline().await,
    }
}

/// A real bot on `addr`.
async fn serve(addr: &str, token: String, key: String) -> Result<(), Box<dyn Error>> {
    let mut builder = Receiver::builder()
        .verification_token(token)
        .encrypt_key(key);
    if let (Some(app_id), Some(secret)) = (env("LARK_APP_ID"), env("LARK_APP_SECRET")) {
        let domain = env("LARK_BASE_URL").map_or(Domain::Lark, Domain::Custom);
        let client = Client::builder()
            .app(app_id, secret)
            .domain(domain)
            .build()?;
        if let Some(chat) = env("LARK_CHAT_ID") {
            let card = approval_card(markdown!("Deploy **{}** to production?", "v1.4.2"));
            let id = client.send_card(&Recipient::chat(chat), &card).await?;
            println!("sent the approval card: {id}");
        }
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
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
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
