//! The HTTP server: its own accept loop over hyper, so that a connection can be closed without
//! an answer (a dropped-connection fault), and one wrapper around the router for what every
//! request gets: its body read, a log id, counting, and transport faults.
//!
//! `axum::serve` would hide the connection; here each connection task races hyper's
//! connection future against a "drop" signal, and dropping the future closes the socket.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::FromRef;
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, Request};
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::body::{self, ReadBody};
use crate::clock::millis;
use crate::delivery::Delivery;
use crate::faults::Transport;
use crate::inspect::{bump, redact_authorization, Endpoint, RecordedRequest, REQUEST_LOG};
use crate::journal::Rejection;
use crate::paths;
use crate::routes::{self, gateway_failure, LogId, ReceivedBody, ReplyCode};
use crate::state::Shared;
use crate::viewer;

/// What the handlers share; each takes its slice (`State<Arc<Shared>>`,
/// `State<Arc<Delivery>>`) through `FromRef`.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) shared: Arc<Shared>,
    pub(crate) delivery: Arc<Delivery>,
}

impl FromRef<AppState> for Arc<Shared> {
    fn from_ref(state: &AppState) -> Arc<Shared> {
        state.shared.clone()
    }
}

impl FromRef<AppState> for Arc<Delivery> {
    fn from_ref(state: &AppState) -> Arc<Delivery> {
        state.delivery.clone()
    }
}

/// Serves until `shutdown` turns true (or its sender is gone); then every open connection is
/// closed.
pub(crate) async fn serve(
    listener: TcpListener,
    app: AppState,
    mut shutdown: watch::Receiver<bool>,
) {
    let shared = app.shared.clone();
    let app_delivery = app.delivery.clone();
    let router = routes::router()
        .merge(viewer::router())
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::not_found)
        .with_state(app);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, shared.clone(), router.clone()));
                }
                Err(error) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Dropping the set aborts every connection task; the long connections, served by tasks
    // of their own once upgraded, are told to close.
    app_delivery.hub.shut_down();
    connections.shutdown().await;
}

/// One connection, served until the client closes it or a fault drops it.
async fn connection(stream: TcpStream, shared: Arc<Shared>, router: Router) {
    let _ = stream.set_nodelay(true);
    let drop_signal = Arc::new(Notify::new());
    let service = {
        let drop_signal = drop_signal.clone();
        hyper::service::service_fn(move |request| {
            handle(shared.clone(), router.clone(), request, drop_signal.clone())
        })
    };
    // Header names go out as `X-Tt-Logid`, as Lark's do: clients that read them from a plain,
    // case-sensitive map (the Python SDK's `get_log_id`) find them.
    let served = hyper::server::conn::http1::Builder::new()
        .title_case_headers(true)
        .serve_connection(TokioIo::new(stream), service)
        // The long connection's WebSocket is an upgrade of one of these connections.
        .with_upgrades();
    tokio::select! {
        result = served => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        () = drop_signal.notified() => {
            tracing::debug!("connection dropped by fault injection");
        }
    }
}

/// Every request: read the body, apply transport faults, route, then stamp and count the
/// answer.
async fn handle(
    shared: Arc<Shared>,
    router: Router,
    request: Request<Incoming>,
    drop_signal: Arc<Notify>,
) -> Result<Response, Infallible> {
    let log_id = shared.log_id();
    let (parts, incoming) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let control = paths::is_control(&path);
    let (endpoint, message_id) = Endpoint::classify(&parts.method, &path);

    // The whole body is read before anything answers, so that an early answer (a missing
    // token, say) never leaves unread bytes that would make the close a reset.
    let body = body::read(Body::new(incoming), body::KEEP, body::CAP)
        .await
        .unwrap_or(ReadBody {
            bytes: Vec::new(),
            len: 0,
            complete: false,
        });
    let complete = body.complete;

    if !control {
        {
            let header = |name| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let recorded = RecordedRequest {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                content_type: header(axum::http::header::CONTENT_TYPE),
                authorization: header(axum::http::header::AUTHORIZATION)
                    .map(|v| redact_authorization(&v)),
                body: String::from_utf8_lossy(&body.bytes).into_owned(),
            };
            let mut state = shared.lock();
            if state.requests.len() == REQUEST_LOG {
                state.requests.pop_front();
            }
            state.requests.push_back(recorded);
            state.counts.requests += 1;
            bump(&mut state.counts.by_endpoint, endpoint);
            if let Some(id) = &message_id {
                bump(&mut state.counts.by_message, id.clone());
            }
        }
        shared.counts_changed();
        let (latency, transport) = shared.faults.take_transport();
        if let Some(latency) = latency {
            // On the emulator's clock: with the clock paused, a held answer goes when the test
            // advances the clock past it.
            let until = shared.clock.now_ms().saturating_add(millis(latency));
            shared.lock().counts.held += 1;
            shared.counts_changed();
            let release = Release(&shared);
            shared.clock.reached(until).await;
            drop(release);
        }
        match transport {
            Transport::Pass => {}
            Transport::Drop => {
                shared.lock().counts.dropped += 1;
                shared.counts_changed();
                drop_signal.notify_one();
                // The connection task drops this future with the connection.
                let never: Infallible = std::future::pending().await;
                match never {}
            }
            Transport::Fail(status) => {
                shared.lock().counts.injected_failures += 1;
                shared.counts_changed();
                let response = gateway_failure(status, &log_id);
                return Ok(finish(&shared, response, &log_id, true, complete));
            }
        }
    }

    let mut request = Request::from_parts(parts, Body::empty());
    request.extensions_mut().insert(LogId(log_id.clone()));
    request
        .extensions_mut()
        .insert(ReceivedBody(Arc::new(body)));
    let method = request.method().clone();
    let mut response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if !control {
        if let Some(status) = shared.faults.take_failure_after() {
            // Handled, and its answer lost on the way back.
            shared.lock().counts.injected_failures += 1;
            response = gateway_failure(status, &log_id);
        }
    }
    let response = finish(&shared, response, &log_id, !control, complete);
    if let (Some(id), Endpoint::UpdateCard | Endpoint::EditMessage) = (message_id, endpoint) {
        let code = response.extensions().get::<ReplyCode>().map(|c| c.0);
        if let Some(code) = code.filter(|code| *code != lark_card::lark::SUCCESS) {
            let at_ms = shared.clock.now_ms();
            shared.lock().journal.reject(
                id,
                Rejection {
                    at_ms,
                    method: method.to_string(),
                    status: response.status().as_u16(),
                    code,
                },
            );
        }
    }
    tracing::debug!(
        %method,
        path = %path,
        status = response.status().as_u16(),
        code = response.extensions().get::<ReplyCode>().map(|c| c.0),
        log_id = %log_id,
        "answered"
    );
    Ok(response)
}

/// Adds `X-Tt-Logid` (every answer has one, as Lark's do), closes the connection after an
/// unread body, and counts the answer.
fn finish(
    shared: &Shared,
    mut response: Response,
    log_id: &str,
    count: bool,
    complete: bool,
) -> Response {
    if let Ok(value) = HeaderValue::from_str(log_id) {
        response.headers_mut().insert("x-tt-logid", value);
    }
    if !complete {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    if count {
        let code = response.extensions().get::<ReplyCode>().map(|c| c.0);
        let mut state = shared.lock();
        bump(&mut state.counts.by_status, response.status().as_u16());
        if let Some(code) = code {
            bump(&mut state.counts.by_code, code);
        }
        drop(state);
        shared.counts_changed();
    }
    response
}

/// A request's hold by injected latency, ended when dropped: also when its connection
/// closes mid-hold and the request's future is dropped with it.
struct Release<'a>(&'a Shared);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.counts.held = state.counts.held.saturating_sub(1);
        drop(state);
        self.0.counts_changed();
    }
}
