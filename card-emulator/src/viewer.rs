//! The viewer: the emulator's chats and their cards in a browser, at the base URL (`/`).
//!
//! Every message sits in an element with `data-message-id="om_…"`, drawn by
//! [`lark_card_render`] from the content the emulator holds. The page follows the emulator live:
//! each change (a send, an update, a recall, a rejected update) bumps a version that
//! `GET /__emulator/viewer/events` streams as server-sent events; the page's script then
//! fetches the chats again and swaps in the messages whose revision changed, without a reload.
//! A message's history (each accepted state, each rejected request with its code) is one
//! click away, at `/__emulator/viewer/messages/{id}`.
//!
//! The page's script also makes the cards usable: a button click, a choice in a select,
//! overflow, picker or image select, a toggled checker, or a submitted form (its fields
//! collected by `name` into `form_value`) posts a [`Click`](crate::Click) to
//! `POST /__emulator/messages/{id}/actions`, naming the element by its `element_id`, else its
//! callback value, else its `name` (read from the renderer's `data-lk-action`). The answer's
//! toast shows in `#notices` (`[data-toast][data-toast-type]`, gone after a few seconds), its
//! card arrives by the event stream, and a non-zero Lark code or a refused request shows as
//! `[data-action-error][data-code]` until closed. Elements that open a URL (`url`,
//! `multi_url`, an `open_url` behavior) show it as a link with `target=_blank` and
//! `rel=noopener`: the page never navigates away.
//!
//! A message sent by a CardKit card entity carries `data-card-id`, `data-streaming` and the
//! card's printing settings (`data-print-frequency-ms`, `data-print-step`,
//! `data-print-strategy`, Lark's defaults when the card sets none). When its markdown text
//! grows by an operation, the script types the new text as Lark's clients do: `print_step`
//! characters every `print_frequency_ms`; text that does not extend the old one shows at once;
//! with `fast`, text still unprinted when new text comes shows at once, with `delay` it is
//! typed out first (the element has `data-typing` while it types). The chat list shows the
//! entity's summary (`[data-summary]`: "[生成中...]" while it streams without one).
//!
//! Card text is never code: the HTML is built with maud (escaped by construction), and every
//! page is sent with a Content-Security-Policy that allows only the viewer's own script file
//! (`script-src 'self'`), so a card that carries `<script>` or `onerror=` shows it as text.
//!
//! | path | serves |
//! |---|---|
//! | `GET /` | the page; `?theme=dark`, `?width=mobile` |
//! | `GET /__emulator/viewer/chats` | the chats alone (what the script fetches) |
//! | `GET /__emulator/viewer/messages/{id}` | one message's history |
//! | `GET /__emulator/viewer/events` | server-sent events: `change` with the version |
//! | `GET /__emulator/viewer/viewer.js`, `viewer.css`, `card.css` | the static files |

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use lark_card_render::{Options, Theme, Width};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use crate::callbacks::Via;
use crate::card_entity::CardEntityView;
use crate::inspect::{MessageState, MessageView, RevisionKind};
use crate::paths::VIEWER_PREFIX;
use crate::state::Shared;
use lark_card::lark::LarkCode;

/// The policy of every viewer page: the viewer's script and styles from the emulator itself,
/// style attributes (the renderer writes only checked values into them), nothing else.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The viewer's page and paths, for any state that holds the emulator's state.
pub(crate) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
{
    let base = VIEWER_PREFIX;
    Router::new()
        .route("/", get(index))
        .route(&format!("{base}/chats"), get(chats_fragment))
        .route(&format!("{base}/messages/{{id}}"), get(history_page))
        .route(&format!("{base}/events"), get(events))
        .route(&format!("{base}/viewer.js"), get(script))
        .route(&format!("{base}/viewer.css"), get(viewer_css))
        .route(&format!("{base}/card.css"), get(card_css))
}

/// `?theme=dark&width=mobile`.
#[derive(Debug, Default, Deserialize)]
struct Look {
    theme: Option<String>,
    width: Option<String>,
}

impl Look {
    fn options(&self, id_prefix: &str) -> Options {
        Options {
            theme: if self.theme.as_deref() == Some("dark") {
                Theme::Dark
            } else {
                Theme::Light
            },
            width: if self.width.as_deref() == Some("mobile") {
                Width::Mobile
            } else {
                Width::Desktop
            },
            locale: None,
            id_prefix: Some(id_prefix.to_owned()),
        }
    }

    fn dark(&self) -> bool {
        self.theme.as_deref() == Some("dark")
    }
}

fn html_response(markup: Markup) -> Response {
    let mut response = (StatusCode::OK, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        HeaderName::from_static("content-security-policy"),
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    response
}

async fn script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("viewer/viewer.js"),
    )
}

async fn viewer_css() -> Response {
    static_file("text/css; charset=utf-8", include_str!("viewer/viewer.css"))
}

async fn card_css() -> Response {
    static_file("text/css; charset=utf-8", lark_card_render::stylesheet())
}

/// A time of the emulator's clock as `YYYY-MM-DD HH:MM:SS` (UTC).
fn clock_text(ms: u64) -> String {
    let secs = ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    let (year, month, day) = crate::ids::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn ms_of(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, crate::clock::millis)
}

fn layout(title: &str, look: &Look, body: Markup) -> Markup {
    let theme = if look.dark() { "dark" } else { "light" };
    html! {
        (DOCTYPE)
        html lang="en" data-theme=(theme) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                // No favicon request (it would be a 404 in the console).
                link rel="icon" href="data:,";
                link rel="stylesheet" href=(format!("{VIEWER_PREFIX}/card.css"));
                link rel="stylesheet" href=(format!("{VIEWER_PREFIX}/viewer.css"));
                script src=(format!("{VIEWER_PREFIX}/viewer.js")) defer {}
            }
            body { (body) }
        }
    }
}

/// What the page shows of a message, and a revision string that changes whenever that does.
struct Shown {
    view: MessageView,
    rejections: usize,
    /// The CardKit card entity the message was sent by, if it was.
    entity: Option<CardEntityView>,
}

impl Shown {
    fn revision(&self) -> String {
        format!(
            "{}-{}-{:?}-{}-{}",
            self.view.updates,
            ms_of(self.view.updated_at),
            self.view.state,
            self.rejections,
            self.entity.as_ref().map_or(0, |entity| entity.operations)
        )
    }
}

/// The chats, in the order their first message was sent, each with its messages in order.
fn chats_markup(shared: &Shared, look: &Look) -> Markup {
    let (version, messages) = {
        let mut state = shared.lock();
        let views = state.messages();
        let messages: Vec<Shown> = views
            .into_iter()
            .map(|view| Shown {
                rejections: state.journal.rejections(&view.message_id).len(),
                entity: state.card_entity_of_message(&view.message_id),
                view,
            })
            .collect();
        (state.journal.version(), messages)
    };
    let mut chats: Vec<(String, Vec<&Shown>)> = Vec::new();
    for shown in &messages {
        match chats.iter_mut().find(|(id, _)| *id == shown.view.chat_id) {
            Some((_, list)) => list.push(shown),
            None => chats.push((shown.view.chat_id.clone(), vec![shown])),
        }
    }
    html! {
        div #chats data-version=(version) {
            nav.chat-list {
                @if chats.is_empty() { p.empty { "No messages yet: send a card to this emulator." } }
                @for (chat, list) in &chats {
                    a href=(format!("#chat-{chat}")) data-chat-link=(chat) {
                        span.chat-name { (chat) span.count { (list.len()) } }
                        // Lark's chat list previews the last message: a card entity's summary
                        // ("[生成中...]" while it streams without one).
                        @if let Some(entity) = list.last().and_then(|shown| shown.entity.as_ref()) {
                            @if let Some(summary) = &entity.summary {
                                span.summary data-summary data-streaming=(entity.streaming_mode) { (summary) }
                            }
                        }
                    }
                }
            }
            div.chat-panes {
                @for (chat, list) in &chats {
                    section.chat id=(format!("chat-{chat}")) data-chat-id=(chat) {
                        h2 { (chat) }
                        @for shown in list { (message_markup(shown, look)) }
                    }
                }
            }
        }
    }
}

fn state_label(state: MessageState) -> &'static str {
    match state {
        MessageState::Live => "live",
        MessageState::Recalled => "recalled",
        MessageState::Deleted => "deleted",
    }
}

fn content_markup(msg_type: &str, content: &str, options: &Options) -> Markup {
    if msg_type == "interactive" {
        lark_card_render::content_to_html(content, options)
    } else {
        let text = serde_json::from_str::<serde_json::Value>(content)
            .ok()
            .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
            .unwrap_or_else(|| content.to_owned());
        html! { div.text-message { (text) } }
    }
}

fn message_markup(shown: &Shown, look: &Look) -> Markup {
    let view = &shown.view;
    let id = &view.message_id;
    html! {
        article.message data-message-id=(id) data-rev=(shown.revision())
            data-state=(state_label(view.state)) data-app-id=(view.app_id)
            data-card-id=[shown.entity.as_ref().and_then(|e| e.card_id.as_ref()).map(|id| id.as_str())]
            data-streaming=[shown.entity.as_ref().map(|e| e.streaming_mode)]
            data-print-frequency-ms=[shown.entity.as_ref().map(|e| e.print_frequency_ms)]
            data-print-step=[shown.entity.as_ref().map(|e| e.print_step)]
            data-print-strategy=[shown.entity.as_ref().map(|e| e.print_strategy.as_str())] {
            div.meta {
                span.sender { (view.app_id) }
                time { (clock_text(ms_of(view.created_at))) }
                @if view.updates > 0 {
                    span.updated { "updated " (view.updates) "×, last " (clock_text(ms_of(view.updated_at))) }
                }
                @if view.state != MessageState::Live { span.badge { (state_label(view.state)) } }
                @if shown.rejections > 0 { span.badge.rejected { (shown.rejections) " rejected" } }
                a.history href=(format!("{VIEWER_PREFIX}/messages/{id}")) { "history" }
            }
            div.bubble { (content_markup(&view.msg_type, &view.content, &look.options(id))) }
        }
    }
}

async fn index(
    State(shared): State<Arc<Shared>>,
    look: Result<Query<Look>, QueryRejection>,
) -> Response {
    let look = look.map(|Query(look)| look).unwrap_or_default();
    let other_theme = if look.dark() { "light" } else { "dark" };
    let width = look.width.clone().unwrap_or_else(|| "desktop".to_owned());
    let other_width = if width == "mobile" {
        "desktop"
    } else {
        "mobile"
    };
    let theme = if look.dark() { "dark" } else { "light" };
    html_response(layout(
        "lark-card-emulator",
        &look,
        html! {
            header.top {
                strong { "lark-card-emulator" }
                span.live title="follows the emulator's changes" { "live" }
                span.muted { "Lark chats as this emulator holds them." }
                a href=(format!("?theme={other_theme}&width={width}")) { (other_theme) }
                a href=(format!("?theme={theme}&width={other_width}")) { (other_width) }
            }
            main { (chats_markup(&shared, &look)) }
            // Toasts of the bot's answers, errors of interactions, URLs a card would open.
            div #notices aria-live="polite" {}
        },
    ))
}

async fn chats_fragment(
    State(shared): State<Arc<Shared>>,
    look: Result<Query<Look>, QueryRejection>,
) -> Response {
    let look = look.map(|Query(look)| look).unwrap_or_default();
    html_response(chats_markup(&shared, &look))
}

/// A history entry's kind as the page's `data-kind` (the JSON's name).
fn kind_label(kind: RevisionKind) -> &'static str {
    match kind {
        RevisionKind::Sent => "sent",
        RevisionKind::Updated => "updated",
        RevisionKind::Clicked => "clicked",
        RevisionKind::CallbackAnswer => "callback_answer",
        RevisionKind::DelayedUpdate => "delayed_update",
        RevisionKind::Undone => "undone",
        RevisionKind::CardKit => "card_kit",
    }
}

/// A history entry's kind as a person reads it.
fn kind_text(kind: RevisionKind) -> &'static str {
    match kind {
        RevisionKind::Sent => "sent",
        RevisionKind::Updated => "updated",
        RevisionKind::Clicked => "clicked",
        RevisionKind::CallbackAnswer => "card of a callback's answer",
        RevisionKind::DelayedUpdate => "delayed update (callback token)",
        RevisionKind::Undone => "undone: a delayed update came before the callback's answer",
        RevisionKind::CardKit => "changed by a CardKit operation",
    }
}

async fn history_page(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    look: Result<Query<Look>, QueryRejection>,
) -> Response {
    let look = look.map(|Query(look)| look).unwrap_or_default();
    let (view, history, rejections) = {
        let mut state = shared.lock();
        (
            state.message(&id),
            state.history(&id).unwrap_or_default(),
            state.journal.rejections(&id).to_vec(),
        )
    };
    let Some(view) = view else {
        let mut response = html_response(layout(
            "no such message",
            &look,
            html! { main { p { "No message " code { (id) } "." } a href="/" { "back" } } },
        ));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    };
    html_response(layout(
        &format!("history of {id}"),
        &look,
        html! {
            header.top { a href="/" { "← chats" } strong { "history of " (id) } span.muted { "in " (view.chat_id) ", " (state_label(view.state)) } }
            main.history-page data-message-id=(id) {
                h2 { "Accepted states (" (history.iter().filter(|r| r.kind.changes_content()).count()) ") and interactions" }
                ol.revisions {
                    @for (n, revision) in history.iter().enumerate() {
                        @if let Some(clicked) = &revision.interaction {
                            li.interaction data-kind=(kind_label(revision.kind)) data-event-id=(clicked.event_id) {
                                div.meta {
                                    strong { "clicked" }
                                    time { (clock_text(ms_of(revision.at))) }
                                    span { code { (clicked.tag) } " by " (clicked.open_id) }
                                    @match clicked.code {
                                        None => span.muted { "waiting for the answer" },
                                        Some(0) => span { "answered" },
                                        Some(code) => span.badge.rejected data-code=(code) { "code " (code) },
                                    }
                                    @match clicked.via {
                                        Some(Via::LongConnection) => span.via data-via="long_connection" { "via long connection" },
                                        Some(Via::Http) => span.via data-via="http" { "via callback URL" },
                                        None => {},
                                    }
                                    @if let Some(toast) = &clicked.toast {
                                        span.toast { "toast: " (toast.get("content").and_then(|c| c.as_str()).unwrap_or_default()) }
                                    }
                                }
                            }
                        } @else {
                            li.revision data-kind=(kind_label(revision.kind)) {
                                div.meta {
                                    strong { (kind_text(revision.kind)) }
                                    @if let Some(operation) = &revision.operation {
                                        code.operation data-operation=(operation) { (operation) }
                                    }
                                    time { (clock_text(ms_of(revision.at))) }
                                }
                                div.bubble { (content_markup(&view.msg_type, &revision.content, &look.options(&format!("{id}-r{n}")))) }
                                details { summary { "JSON" } pre.json { (revision.content) } }
                            }
                        }
                    }
                }
                h2 { "Rejected requests (" (rejections.len()) ")" }
                @if rejections.is_empty() { p.muted { "None." } } @else {
                    table.rejections {
                        thead { tr { th { "time" } th { "request" } th { "HTTP" } th { "code" } th { "meaning" } } }
                        tbody {
                            @for rejection in &rejections {
                                tr.rejection data-code=(rejection.code) {
                                    td { (clock_text(rejection.at_ms)) }
                                    td { (rejection.method) }
                                    td { (rejection.status) }
                                    td { code { (rejection.code) } }
                                    @let code = LarkCode::from_code(rejection.code);
                                    td { (code.msg().unwrap_or(code.meaning())) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// `change` events with the journal's version: the current one first, so a page that loaded
/// just before a change still hears of it.
async fn events(State(shared): State<Arc<Shared>>) -> Response {
    let receiver = shared.lock().journal.subscribe();
    let stream =
        futures_util::stream::unfold((receiver, true), |(mut receiver, first)| async move {
            if !first && receiver.changed().await.is_err() {
                return None;
            }
            let version = *receiver.borrow_and_update();
            let event = Event::default().event("change").data(version.to_string());
            Some((Ok::<Event, Infallible>(event), (receiver, false)))
        });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_text_is_utc() {
        assert_eq!(clock_text(0), "1970-01-01 00:00:00");
        assert_eq!(clock_text(1_700_000_000_000), "2023-11-14 22:13:20");
    }
}
