//! The viewer in a real browser: Chromium (Debian's `chromium` and `chromium-driver`), driven
//! over WebDriver with fantoccini. Each test starts chromedriver itself on a port it picks,
//! with a fresh profile, headless, and no network features.
//!
//! Waits wait for the page's events (a DOM change, the event stream's state), never for a
//! time: a change the emulator made is awaited as the page reaching the emulator's version,
//! and then what it shows is asserted, so a page that renders the wrong thing fails at once
//! and says what it shows instead. Speed is the benchmarks' business, not these tests'.
//!
//! The interaction tests put a real bot behind the emulator: lark-card's `Receiver` served
//! over HTTP on 127.0.0.1, set as the app's callback URL.
//!
//! Without Chromium or chromedriver they follow the workspace's one rule
//! (`card_test_support`): a notice and no browser outside CI, a failure under `CI=true`.

mod common;

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use card_test_support::{on_path, CHROMEDRIVER, CHROMIUM};
use common::*;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use lark_card::callback::{Answer, CardAction, Receiver, Toast, V2Card};
use lark_card::lark::{LarkCode, SUCCESS};
use lark_card::MessageId;
use serde_json::{json, Value};

/// One browser at a time: a Chromium per test at once would crowd the machine's two cores.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A wait's failure condition (a script body returning why, or nothing) for waits that only
/// a page that never changes would fail.
const NEVER: &str = "return null;";

/// A wait's failure condition: the page lost the emulator's event stream (its `error`
/// event), so no change will reach it.
const LOST_STREAM: &str = "return document.documentElement.dataset.live === 'reconnecting' \
    && 'the page lost its event stream from the emulator';";

/// A wait's failure condition: the page shows an interaction's error instead of an answer.
const ERROR_NOTICE: &str = "const e = document.querySelector('[data-action-error]'); \
    return e && ('the page shows an error: ' + e.textContent);";

/// `POST /session/{id}/se/log {"type":"browser"}`: chromedriver's console log, which the
/// W3C protocol has no command for.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// Chromium under chromedriver, both ended when this is dropped.
///
/// The session keeps WebDriver's default script timeout: the waits end on the page's events
/// (see [`Browser::until`]); the timeout only keeps a hung browser from hanging the run.
struct Browser {
    client: Client,
    _driver: tokio::process::Child,
    profile: PathBuf,
}

impl Browser {
    /// `None` (with a notice) when Chromium or chromedriver is missing outside CI.
    async fn start() -> Result<Option<Browser>, Box<dyn Error>> {
        const PART: &str = "the viewer's browser tests";
        let Some(chromium) = CHROMIUM.require(lark_card_render::screenshot::find_chromium(), PART)
        else {
            return Ok(None);
        };
        let chromedriver = std::env::var_os("CHROMEDRIVER")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| on_path(&["chromedriver"]));
        let Some(chromedriver) = CHROMEDRIVER.require(chromedriver, PART) else {
            return Ok(None);
        };
        // chromedriver binds the port itself (`--port=0`: one the system picks) and says
        // which once it listens: no port is freed here for it to take later (another process
        // could take it in between), and its line is the event that it is ready.
        let mut driver = tokio::process::Command::new(&chromedriver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {}: {e}; {}",
                    chromedriver.display(),
                    CHROMEDRIVER.install
                )
            })?;
        let port = listening_port(&mut driver).await?;
        let webdriver = format!("http://127.0.0.1:{port}/");
        let profile = std::env::temp_dir().join(format!(
            "lark-card-emulator-browser-{}-{port}",
            std::process::id()
        ));
        let mut args: Vec<String> = lark_card_render::screenshot::HEADLESS_FLAGS
            .iter()
            .map(|flag| (*flag).to_owned())
            .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push("--window-size=1200,900".to_owned());
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({ "binary": chromium, "args": args }),
        );
        capabilities.insert("goog:loggingPrefs".to_owned(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .map_err(|e| format!("no browser session: {e}"))?;
        Ok(Some(Browser {
            client,
            _driver: driver,
            profile,
        }))
    }

    /// The console entries since the last call.
    async fn console(&self) -> Result<Vec<Value>, Box<dyn Error>> {
        match self.client.issue_cmd(BrowserLog).await? {
            Value::Array(entries) => Ok(entries),
            other => Err(format!("unexpected log answer {other}").into()),
        }
    }

    /// Console entries at level SEVERE (errors, CSP violations, failed loads).
    async fn console_errors(&self) -> Result<Vec<Value>, Box<dyn Error>> {
        Ok(self
            .console()
            .await?
            .into_iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .collect())
    }

    async fn eval(&self, script: &str) -> Result<Value, Box<dyn Error>> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Waits until `condition` (a script body returning a boolean) holds: it is checked now,
    /// then on every change to the document (a `MutationObserver`) and to its ready state.
    /// `failure` (a script body returning why, or nothing) is checked at the same moments:
    /// once it says why, the wait fails with that reason.
    async fn until(&self, condition: &str, failure: &str) -> Result<(), Box<dyn Error>> {
        let script = format!(
            "const done = arguments[arguments.length - 1];
             const holds = () => {{ {condition} }};
             const failed = () => {{ {failure} }};
             const observer = new MutationObserver(() => settle());
             const stop = () => {{
               observer.disconnect();
               document.removeEventListener('readystatechange', settle);
             }};
             function settle() {{
               if (holds()) {{ stop(); done(null); return true; }}
               const why = failed();
               if (why) {{ stop(); done(String(why)); return true; }}
               return false;
             }}
             if (!settle()) {{
               observer.observe(document, {{
                 subtree: true, childList: true, attributes: true, characterData: true
               }});
               document.addEventListener('readystatechange', settle);
             }}"
        );
        match self.client.execute_async(&script, vec![]).await {
            Ok(Value::Null) => Ok(()),
            Ok(why) => Err(format!(
                "{}, waiting for: {condition}",
                why.as_str().unwrap_or_default()
            )
            .into()),
            Err(error) => Err(format!("the page never got to: {condition} ({error})").into()),
        }
    }

    /// Waits until the page shows the emulator's latest change (its `#chats` reached the
    /// version the emulator has now), then checks that `condition` holds there.
    async fn shows(&self, lark: &Lark, condition: &str) -> TestResult {
        let version = emulator_version(lark).await?;
        self.until(
            &format!(
                "const c = document.getElementById('chats'); \
                 return !!c && Number(c.dataset.version) >= {version};"
            ),
            LOST_STREAM,
        )
        .await?;
        let holds = self.eval(condition).await?;
        assert_eq!(
            holds,
            Value::Bool(true),
            "the page shows the emulator's version {version}, but not: {condition}"
        );
        Ok(())
    }

    async fn close(self) -> Result<(), Box<dyn Error>> {
        self.client.clone().close().await?;
        let _ = std::fs::remove_dir_all(&self.profile);
        Ok(())
    }
}

/// The port chromedriver listens on, from its line `ChromeDriver was started successfully on
/// port N.`; an error if it ends first. Its standard output is drained afterwards, so that
/// it never blocks on a full pipe.
async fn listening_port(driver: &mut tokio::process::Child) -> Result<u16, Box<dyn Error>> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    const STARTED: &str = "started successfully on port ";
    let stdout = driver
        .stdout
        .take()
        .ok_or("chromedriver's output is not piped")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    while let Some(line) = lines.next_line().await? {
        if let Some(rest) = line.split_once(STARTED).map(|(_, rest)| rest) {
            let port: u16 = rest.trim_end_matches('.').trim().parse()?;
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Ok(port);
        }
        seen.push(line);
    }
    Err(format!(
        "chromedriver ended before it listened: {}",
        seen.join(" / ")
    )
    .into())
}

/// The emulator's version now: the viewer's `#chats` carries it as `data-version`.
async fn emulator_version(lark: &Lark) -> Result<u64, Box<dyn Error>> {
    const MARK: &str = "data-version=\"";
    let page = call(lark.http.get(lark.url("/__emulator/viewer/chats"))).await?;
    let at = page
        .text
        .find(MARK)
        .ok_or("no data-version in the viewer's chats")?;
    let rest = &page.text[at + MARK.len()..];
    let digits = rest.split('"').next().unwrap_or_default();
    Ok(digits.parse()?)
}

/// `document.querySelector` for a message's element.
fn message_selector(id: &MessageId) -> String {
    format!("[data-message-id=\"{id}\"]")
}

fn corpus() -> Result<Vec<(String, String)>, Box<dyn Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/cards");
    let mut cards = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            cards.push((name, std::fs::read_to_string(&path)?));
        }
    }
    cards.sort();
    Ok(cards)
}

#[tokio::test]
async fn every_corpus_card_renders_with_no_console_error() -> TestResult {
    let _turn = TURN.lock().await;
    let cards = corpus()?;
    assert!(cards.len() >= 60, "corpus has {} cards", cards.len());
    let lark = Lark::start().await?;
    let mut ids = Vec::new();
    for (_, content) in &cards {
        ids.push(lark.emulator.send_card(CHAT, content)?);
    }
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    for look in ["", "?theme=dark", "?width=mobile"] {
        browser.client.goto(&lark.url(&format!("/{look}"))).await?;
        for ((name, _), id) in cards.iter().zip(&ids) {
            let drawn = browser
                .eval(&format!(
                    "const m = document.querySelector('{}');
                     const card = m && m.querySelector('.lk-card');
                     return !!card && !card.classList.contains('lk-error')
                         && card.getBoundingClientRect().height > 20
                         && !m.querySelector('.lk-unknown');",
                    message_selector(id)
                ))
                .await?;
            assert_eq!(drawn, Value::Bool(true), "{name} is not drawn in /{look}");
        }
        let errors = browser.console_errors().await?;
        assert!(errors.is_empty(), "console errors on /{look}: {errors:?}");
    }
    // The same cards as self-contained pages (what `lark-card-emulator render` writes).
    for (name, content) in &cards {
        let card: Value = serde_json::from_str(content)?;
        let page = lark_card_render::page(&card, &lark_card_render::Options::default());
        let path = std::env::temp_dir().join(format!(
            "lark-card-render-{}-{name}.html",
            std::process::id()
        ));
        std::fs::write(&path, page)?;
        browser
            .client
            .goto(&format!("file://{}", path.display()))
            .await?;
        let height = browser
            .eval("return document.querySelector('.lk-card').getBoundingClientRect().height")
            .await?;
        std::fs::remove_file(&path)?;
        assert!(height.as_f64().unwrap_or(0.0) > 20.0, "{name}: {height}");
        let errors = browser.console_errors().await?;
        assert!(errors.is_empty(), "{name} as a page: {errors:?}");
    }
    browser.close().await
}

#[tokio::test]
async fn a_sent_card_shows_its_title_bold_text_and_buttons() -> TestResult {
    let _turn = TURN.lock().await;
    let lark = Lark::start().await?;
    let card = json!({
        "config": { "update_multi": true },
        "header": { "title": { "tag": "plain_text", "content": "Deploy v2.4" }, "template": "green" },
        "elements": [
            { "tag": "markdown", "content": "Build **passed** in 3 min" },
            { "tag": "action", "actions": [
                { "tag": "button", "text": { "tag": "plain_text", "content": "Roll out" }, "type": "primary", "value": { "do": "roll" } },
                { "tag": "button", "text": { "tag": "plain_text", "content": "Cancel" }, "type": "danger", "value": { "do": "cancel" } }
            ] }
        ]
    });
    let id = lark.send_card(&card.to_string()).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    browser.client.goto(&lark.url("/")).await?;
    let message = browser
        .client
        .find(Locator::Css(&message_selector(&id)))
        .await?;
    let title = message.find(Locator::Css(".lk-title-text")).await?;
    assert_eq!(title.text().await?, "Deploy v2.4");
    let bold = message.find(Locator::Css(".lk-md strong")).await?;
    assert_eq!(bold.text().await?, "passed");
    let buttons = message.find_all(Locator::Css("button.lk-btn")).await?;
    let mut labels = Vec::new();
    for button in &buttons {
        labels.push(button.text().await?);
    }
    assert_eq!(labels, ["Roll out", "Cancel"]);
    let primary = browser
        .eval(&format!(
            "return getComputedStyle(document.querySelector('{} .lk-btn-primary')).color",
            message_selector(&id)
        ))
        .await?;
    // The stylesheet applies: a primary button is drawn in the accent colour, not black.
    assert_eq!(primary, json!("rgb(51, 112, 255)"));
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

#[tokio::test]
async fn a_patch_and_a_send_appear_without_reload_and_history_is_one_click_away() -> TestResult {
    let _turn = TURN.lock().await;
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("status: **building**")).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    browser.client.goto(&lark.url("/")).await?;
    browser
        .eval("window.__samePage = 'yes'; return true")
        .await?;
    // Let the page's event stream connect.
    browser
        .until(
            "return document.documentElement.dataset.live === 'connected'",
            LOST_STREAM,
        )
        .await?;

    let reply = lark
        .patch(&id, &shared_card("status: **deployed**"))
        .await?;
    assert_eq!(reply.code(), SUCCESS);
    browser
        .shows(
            &lark,
            &format!(
                "const s = document.querySelector('{} strong'); return !!s && s.textContent === 'deployed'",
                message_selector(&id)
            ),
        )
        .await?;

    let second = lark.send_card(&v2_card("a **second** card")).await?;
    browser
        .shows(
            &lark,
            &format!(
                "return !!document.querySelector('{}')",
                message_selector(&second)
            ),
        )
        .await?;
    let order = browser
        .eval("return [...document.querySelectorAll('[data-message-id]')].map(m => m.dataset.messageId)")
        .await?;
    assert_eq!(order, json!([id, second]));
    // Still the same page: nothing reloaded it.
    assert_eq!(
        browser.eval("return window.__samePage").await?,
        json!("yes")
    );

    // A refused update: the history shows it with its code, next to the accepted states.
    let refused = lark
        .patch(
            &id,
            &json!({ "elements": [ { "tag": "nope" } ] }).to_string(),
        )
        .await?;
    assert_ne!(refused.code(), SUCCESS);
    browser
        .shows(
            &lark,
            &format!(
                "return !!document.querySelector('{} .badge.rejected')",
                message_selector(&id)
            ),
        )
        .await?;
    let link = browser
        .client
        .find(Locator::Css(&format!(
            "{} a.history",
            message_selector(&id)
        )))
        .await?;
    link.click().await?;
    browser
        .until(
            "return !!document.querySelector('main.history-page')",
            NEVER,
        )
        .await?;
    let kinds = browser
        .eval("return [...document.querySelectorAll('li.revision')].map(r => r.dataset.kind)")
        .await?;
    assert_eq!(kinds, json!(["sent", "updated"]));
    let rejected = browser
        .eval("return [...document.querySelectorAll('tr.rejection')].map(r => Number(r.dataset.code))")
        .await?;
    assert_eq!(rejected, json!([refused.code()]));
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

#[tokio::test]
async fn hostile_card_text_runs_nothing() -> TestResult {
    let _turn = TURN.lock().await;
    let lark = Lark::start().await?;
    let card = json!({
        "config": { "update_multi": true },
        "header": { "title": { "tag": "plain_text", "content": "<script>window.__pwned = 1</script>Hostile" }, "template": "red" },
        "elements": [
            { "tag": "markdown", "content": "<img src=x onerror=\"window.__pwned = 3\"> **bold** <script>window.__pwned = 4</script> [link](javascript:window.__pwned=5) <a href='javascript:window.__pwned=6'>a</a>" },
            { "tag": "div", "text": { "tag": "lark_md", "content": "<svg onload=\"window.__pwned = 7\"></svg><iframe src=\"javascript:parent.__pwned=8\"></iframe>" } },
            { "tag": "action", "actions": [
                { "tag": "button", "text": { "tag": "plain_text", "content": "<b onmouseover=\"window.__pwned = 9\">click</b>" }, "type": "primary", "value": { "k": "\"><script>window.__pwned = 10</script>" } }
            ] },
            { "tag": "img", "img_key": "\"><img src=x onerror=window.__pwned=11>", "alt": { "tag": "plain_text", "content": "\" onerror=\"window.__pwned = 12" } }
        ]
    });
    let id = lark.send_card(&card.to_string()).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    browser.client.goto(&lark.url("/")).await?;
    let selector = message_selector(&id);
    // The page's load event comes after every image loaded or failed: an error or load
    // handler, had one been made, has fired by then.
    browser
        .until("return document.readyState === 'complete'", NEVER)
        .await?;
    // Click and hover what can be clicked.
    for element in browser
        .client
        .find_all(Locator::Css(&format!(
            "{selector} button, {selector} a, {selector} .lk-link"
        )))
        .await?
    {
        let _ = element.click().await;
    }
    assert_eq!(
        browser.eval("return typeof window.__pwned").await?,
        json!("undefined")
    );
    let made = browser
        .eval(&format!(
            "return document.querySelectorAll('{selector} script, {selector} img, {selector} svg, {selector} iframe, {selector} [onerror], {selector} [onload], {selector} [onmouseover]').length"
        ))
        .await?;
    assert_eq!(made, json!(0));
    let text = browser
        .eval(&format!(
            "return document.querySelector('{selector}').textContent"
        ))
        .await?;
    let text = text.as_str().unwrap_or_default();
    assert!(
        text.contains("<script>window.__pwned = 1</script>Hostile"),
        "{text}"
    );
    assert!(
        text.contains("<img src=x onerror=\"window.__pwned = 3\">"),
        "{text}"
    );
    assert!(
        text.contains("<b onmouseover=\"window.__pwned = 9\">click</b>"),
        "{text}"
    );
    // Nothing was even attempted: no CSP violation, no failed load.
    let errors = browser.console_errors().await?;
    assert!(errors.is_empty(), "{errors:?}");
    browser.close().await
}

#[tokio::test]
async fn panels_open_and_tables_page_without_script_of_the_card() -> TestResult {
    let _turn = TURN.lock().await;
    let lark = Lark::start().await?;
    let rows: Vec<Value> = (1..=7)
        .map(|n| json!({ "name": format!("row {n}") }))
        .collect();
    let card = json!({
        "schema": "2.0",
        "body": { "elements": [
            { "tag": "collapsible_panel", "expanded": false,
              "header": { "title": { "tag": "plain_text", "content": "Details" } },
              "elements": [ { "tag": "markdown", "content": "hidden **inside**" } ] },
            { "tag": "table", "page_size": 3,
              "columns": [ { "name": "name", "display_name": "Name", "data_type": "text" } ],
              "rows": rows }
        ] }
    });
    let id = lark.send_card(&card.to_string()).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    browser.client.goto(&lark.url("/")).await?;
    let selector = message_selector(&id);
    let visible = |what: &str| {
        format!(
            "return [...document.querySelectorAll('{selector} {what}')].filter(e => e.checkVisibility()).map(e => e.textContent)"
        )
    };
    assert_eq!(
        browser.eval(&visible(".lk-panel-body strong")).await?,
        json!([])
    );
    browser
        .client
        .find(Locator::Css(&format!("{selector} .lk-panel > summary")))
        .await?
        .click()
        .await?;
    assert_eq!(
        browser.eval(&visible(".lk-panel-body strong")).await?,
        json!(["inside"])
    );

    assert_eq!(
        browser.eval(&visible("tbody td")).await?,
        json!(["row 1", "row 2", "row 3"])
    );
    let pages = browser
        .client
        .find_all(Locator::Css(&format!("{selector} .lk-pager label")))
        .await?;
    assert_eq!(pages.len(), 3);
    pages[2].click().await?;
    assert_eq!(browser.eval(&visible("tbody td")).await?, json!(["row 7"]));
    pages[1].click().await?;
    assert_eq!(
        browser.eval(&visible("tbody td")).await?,
        json!(["row 4", "row 5", "row 6"])
    );
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

const BOT_TOKEN: &str = "vt-browser-bot";
const BOT_KEY: &str = "ek-browser-bot";

/// A 2.0 card of one plain-text line (the bot's answers echo what users typed: plain text is
/// never markdown).
fn answer_card(text: &str) -> Result<V2Card, Box<dyn Error>> {
    let card = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "text": { "tag": "plain_text", "content": text } }
    ] } });
    Ok(V2Card::from_json(&card.to_string())?)
}

/// What the bot answers: `Deploy` with a success toast and a card saying who deployed; a
/// submitted form with a toast and a card echoing its `reason`.
fn bot_answer(action: &CardAction) -> Result<Answer, Box<dyn Error>> {
    if let Some(form) = action.action.form() {
        let reason = form.text("reason").unwrap_or_default();
        let answer = Answer::v2()
            .toast(Toast::info("Request filed"))
            .card(answer_card(&format!("Reason received: {reason}"))?);
        return Ok(answer.into());
    }
    let value: Value = action.action.value()?;
    if value["do"] == "deploy" {
        let who = &action.operator.open_id;
        let answer = Answer::v2()
            .toast(Toast::success("Deploying v2.5"))
            .card(answer_card(&format!("Deployed by {who}"))?);
        return Ok(answer.into());
    }
    // Any other element: a toast saying what the bot read.
    let what = match (action.action.option(), action.action.checked()) {
        (Some(option), _) => option.to_owned(),
        (None, Some(checked)) => format!("checked={checked}"),
        (None, None) => "nothing".to_owned(),
    };
    Ok(Answer::new().toast(Toast::info(format!("{} {what}", action.action.tag()))))
}

/// The bot, listening on loopback; its callback URL and the actions it received.
async fn start_bot() -> Result<(String, Arc<Mutex<Vec<CardAction>>>), Box<dyn Error>> {
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&received);
    let receiver = Receiver::builder()
        .verification_token(BOT_TOKEN)
        .encrypt_key(BOT_KEY)
        .build(move |action: CardAction| {
            let answer = bot_answer(&action)
                .unwrap_or_else(|e| Answer::new().toast(Toast::error(e.to_string())));
            if let Ok(mut log) = log.lock() {
                log.push(action);
            }
            async move { answer }
        })?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/lark/callback", listener.local_addr()?);
    let app = axum::Router::new().route_service("/lark/callback", receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, received))
}

/// An emulator whose app calls back the bot, set over the control API (what
/// `--callback-url` does for the binary).
async fn lark_with_bot() -> Result<(Lark, Arc<Mutex<Vec<CardAction>>>), Box<dyn Error>> {
    let lark = Lark::start().await?;
    let (url, received) = start_bot().await?;
    let reply = call(
        lark.http
            .post(lark.url(&format!("/__emulator/apps/{APP_ID}/callback")))
            .json(&json!({ "url": url, "verification_token": BOT_TOKEN, "encrypt_key": BOT_KEY })),
    )
    .await?;
    assert_eq!(reply.status, 200, "{}", reply.text);
    Ok((lark, received))
}

/// Opens the viewer and waits for its event stream.
async fn open_viewer(browser: &Browser, lark: &Lark) -> TestResult {
    browser.client.goto(&lark.url("/")).await?;
    browser
        .eval("window.__samePage = 'yes'; return true")
        .await?;
    browser
        .until(
            "return document.documentElement.dataset.live === 'connected'",
            LOST_STREAM,
        )
        .await?;
    Ok(())
}

/// The texts of the page's toasts, as `type: text`.
const TOASTS: &str = "[...document.querySelectorAll('[data-toast]')].map(t => t.dataset.toastType + ': ' + t.querySelector('.notice-text').textContent)";

#[tokio::test]
async fn a_click_reaches_the_bot_and_its_toast_and_new_card_show_without_reload() -> TestResult {
    let _turn = TURN.lock().await;
    let (lark, received) = lark_with_bot().await?;
    let card = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "Deploy **v2.5**?" },
        { "tag": "button", "element_id": "deploy", "type": "primary",
          "text": { "tag": "plain_text", "content": "Deploy" },
          "behaviors": [ { "type": "callback", "value": { "do": "deploy" } } ] }
    ] } });
    let id = lark.send_card(&card.to_string()).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    open_viewer(&browser, &lark).await?;
    let selector = message_selector(&id);
    browser
        .client
        .find(Locator::Css(&format!("{selector} button.lk-btn")))
        .await?
        .click()
        .await?;
    // The page shows the answer's toast once the emulator applied the answer; its card then
    // comes over the event stream.
    browser
        .until(&format!("return {TOASTS}.length > 0"), ERROR_NOTICE)
        .await?;
    assert_eq!(
        browser.eval(&format!("return {TOASTS}")).await?,
        json!(["success: Deploying v2.5"])
    );
    browser
        .shows(
            &lark,
            &format!("const m = document.querySelector('{selector}'); return !!m && m.textContent.includes('Deployed by ou_emulated_user')"),
        )
        .await?;
    assert_eq!(
        browser
            .eval(&format!(
                "return !!document.querySelector('{selector} button.lk-btn')"
            ))
            .await?,
        json!(false),
        "the new card replaced the button"
    );
    assert_eq!(
        browser.eval("return window.__samePage").await?,
        json!("yes")
    );
    let actions = received.lock().map(|r| r.clone()).unwrap_or_default();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].action.tag(), "button");
    assert_eq!(actions[0].action.raw_value(), &json!({ "do": "deploy" }));
    assert_eq!(
        actions[0]
            .context
            .open_message_id
            .as_ref()
            .map(|id| id.as_str()),
        Some(id.as_str())
    );
    // The toast goes away by itself.
    browser
        .until(&format!("return {TOASTS}.length === 0"), NEVER)
        .await?;
    // The message's history shows the click, with the bot's toast, between the card as sent
    // and the card of the answer.
    browser
        .client
        .goto(&lark.url(&format!("/__emulator/viewer/messages/{id}")))
        .await?;
    let entries = browser
        .eval("return [...document.querySelectorAll('ol.revisions > li')].map(e => e.dataset.kind + (e.querySelector('.toast') ? ' ' + e.querySelector('.toast').textContent : ''))")
        .await?;
    assert_eq!(
        entries,
        json!(["sent", "clicked toast: Deploying v2.5", "callback_answer"])
    );
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

#[tokio::test]
async fn a_submitted_form_sends_its_typed_fields_to_the_bot() -> TestResult {
    let _turn = TURN.lock().await;
    let (lark, received) = lark_with_bot().await?;
    let card = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "form", "name": "leave", "elements": [
            { "tag": "input", "name": "reason",
              "placeholder": { "tag": "plain_text", "content": "Why?" } },
            { "tag": "button", "name": "submit", "type": "primary", "form_action_type": "submit",
              "text": { "tag": "plain_text", "content": "Send" } }
        ] }
    ] } });
    let id = lark.send_card(&card.to_string()).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    open_viewer(&browser, &lark).await?;
    let selector = message_selector(&id);
    let typed = "train <b>late</b> & \"snow\"";
    browser
        .client
        .find(Locator::Css(&format!("{selector} input[name=reason]")))
        .await?
        .send_keys(typed)
        .await?;
    browser
        .client
        .find(Locator::Css(&format!("{selector} button[type=submit]")))
        .await?
        .click()
        .await?;
    browser
        .until(&format!("return {TOASTS}.length > 0"), ERROR_NOTICE)
        .await?;
    assert_eq!(
        browser.eval(&format!("return {TOASTS}")).await?,
        json!(["info: Request filed"])
    );
    let shown = format!("Reason received: {typed}");
    browser
        .shows(
            &lark,
            &format!(
                "const m = document.querySelector('{selector}'); return !!m && m.textContent.includes({})",
                json!(shown)
            ),
        )
        .await?;
    let actions = received.lock().map(|r| r.clone()).unwrap_or_default();
    assert_eq!(actions.len(), 1);
    let action = &actions[0].action;
    assert_eq!(action.name(), Some("submit"));
    let form = action.form().ok_or("no form_value")?;
    assert_eq!(
        form.fields(),
        json!({ "reason": typed }).as_object().ok_or("")?
    );
    assert_eq!(
        browser.eval("return window.__samePage").await?,
        json!("yes")
    );
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

#[tokio::test]
async fn without_a_callback_url_a_click_shows_lark_s_code_and_url_buttons_stay_on_the_page(
) -> TestResult {
    let _turn = TURN.lock().await;
    let lark = Lark::start().await?;
    let card = json!({
        "config": { "update_multi": true },
        "elements": [ { "tag": "action", "actions": [
            { "tag": "button", "text": { "tag": "plain_text", "content": "Approve" }, "value": { "do": "approve" } },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Docs" }, "url": "https://open.feishu.cn/document" }
        ] } ]
    });
    let id = lark.send_card(&card.to_string()).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    open_viewer(&browser, &lark).await?;
    let selector = message_selector(&id);
    let buttons = browser
        .client
        .find_all(Locator::Css(&format!("{selector} button.lk-btn")))
        .await?;
    assert_eq!(buttons.len(), 2);
    buttons[0].click().await?;
    let missing = LarkCode::CallbackUrlMissing.code();
    browser
        .until(
            "return !!document.querySelector('[data-action-error]')",
            "return document.querySelector('[data-toast]') && 'the click was answered with a toast';",
        )
        .await?;
    assert_eq!(
        browser
            .eval("return document.querySelector('[data-action-error]').dataset.code")
            .await?,
        json!(missing.to_string())
    );
    let text = browser
        .eval("return document.querySelector('[data-action-error]').textContent")
        .await?;
    assert!(
        text.as_str().is_some_and(|t| t.contains("--callback-url")),
        "{text}"
    );
    // The emulator recorded the refused interaction with the same code.
    let interactions = lark.emulator.interactions();
    assert_eq!(interactions.len(), 1);
    assert_eq!(interactions[0].code, missing);

    buttons[1].click().await?;
    browser
        .until(
            "return !!document.querySelector('[data-open-url] a')",
            NEVER,
        )
        .await?;
    assert_eq!(
        browser
            .eval("const a = document.querySelector('[data-open-url] a'); return a.href === 'https://open.feishu.cn/document' && a.target === '_blank' && a.rel.includes('noopener')")
            .await?,
        json!(true),
        "the URL is offered in a new tab, without an opener"
    );
    assert_eq!(
        browser.eval("return window.__samePage").await?,
        json!("yes")
    );
    assert_eq!(browser.client.current_url().await?.as_str(), lark.url("/"));
    // The error stays until closed.
    browser
        .client
        .find(Locator::Css("[data-action-error] .notice-close"))
        .await?
        .click()
        .await?;
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('[data-action-error]').length")
            .await?,
        json!(0)
    );
    // A URL button sends no callback.
    assert_eq!(lark.emulator.interactions().len(), 1);
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

#[tokio::test]
async fn a_choice_in_a_select_an_overflow_and_a_checker_calls_back_with_what_was_chosen(
) -> TestResult {
    let _turn = TURN.lock().await;
    let (lark, received) = lark_with_bot().await?;
    let card = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "select_static", "element_id": "env",
          "placeholder": { "tag": "plain_text", "content": "Environment" },
          "options": [
              { "text": { "tag": "plain_text", "content": "Staging" }, "value": "staging" },
              { "text": { "tag": "plain_text", "content": "Production" }, "value": "production" }
          ] },
        { "tag": "overflow", "element_id": "more",
          "options": [ { "text": { "tag": "plain_text", "content": "Restart" }, "value": "restart" } ],
          "behaviors": [ { "type": "callback", "value": { "menu": "more" } } ] },
        { "tag": "checker", "element_id": "done", "checked": false,
          "text": { "tag": "plain_text", "content": "Smoke tests passed" } }
    ] } });
    let id = lark.send_card(&card.to_string()).await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    open_viewer(&browser, &lark).await?;
    let selector = message_selector(&id);
    let shown = |toast: &str| format!("return {TOASTS}.includes('info: {toast}')");

    browser
        .client
        .find(Locator::Css(&format!("{selector} select")))
        .await?
        .select_by_value("production")
        .await?;
    browser
        .until(&shown("select_static production"), ERROR_NOTICE)
        .await?;

    browser
        .client
        .find(Locator::Css(&format!("{selector} .lk-overflow > summary")))
        .await?
        .click()
        .await?;
    browser
        .client
        .find(Locator::Css(&format!("{selector} li[data-lk-option]")))
        .await?
        .click()
        .await?;
    browser
        .until(&shown("overflow restart"), ERROR_NOTICE)
        .await?;

    browser
        .client
        .find(Locator::Css(&format!("{selector} .lk-checker input")))
        .await?
        .click()
        .await?;
    browser
        .until(&shown("checker checked=true"), ERROR_NOTICE)
        .await?;

    let actions = received.lock().map(|r| r.clone()).unwrap_or_default();
    let tags: Vec<&str> = actions.iter().map(|a| a.action.tag()).collect();
    assert_eq!(tags, ["select_static", "overflow", "checker"]);
    // The overflow's own callback value came with the option chosen.
    assert_eq!(actions[1].action.raw_value(), &json!({ "menu": "more" }));
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

#[tokio::test]
async fn streamed_text_is_typed_and_the_chat_list_shows_the_summary() -> TestResult {
    let _turn = TURN.lock().await;
    let lark = Lark::start().await?;
    let (card_id, id) = streaming_entity(&lark, 30, 2, "fast", "Hello").await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    browser.client.goto(&lark.url("/")).await?;
    browser
        .until(
            "return document.documentElement.dataset.live === 'connected'",
            LOST_STREAM,
        )
        .await?;
    let summary = browser
        .eval("const s = document.querySelector('[data-summary]'); return s && s.textContent")
        .await?;
    assert_eq!(summary, json!(lark_card::lark::STREAMING_SUMMARY));

    // Every text the element shows, as it changes.
    let element = format!(
        "{} .lk-el[data-element-id=\"answer\"]",
        message_selector(&id)
    );
    browser
        .eval(&format!(
            "window.__seen = []; new MutationObserver(function () {{ \
               const e = document.querySelector('{element}'); \
               if (e) window.__seen.push([e.textContent, e.hasAttribute('data-typing')]); \
             }}).observe(document.getElementById('chats'), {{ subtree: true, childList: true, characterData: true }}); \
             return true"
        ))
        .await?;
    let full = "Hello, world: typed two characters at a time";
    let streamed = call(
        lark.http
            .put(lark.url(&format!(
                "/open-apis/cardkit/v1/cards/{card_id}/elements/answer/content"
            )))
            .bearer_auth(&lark.token)
            .json(&json!({ "content": full, "sequence": 1 })),
    )
    .await?;
    assert_eq!(streamed.code(), SUCCESS);
    browser
        .until(
            &format!(
                "const e = document.querySelector('{element}'); \
                 return !!e && e.textContent === '{full}' && !e.hasAttribute('data-typing')"
            ),
            LOST_STREAM,
        )
        .await?;
    let seen = browser.eval("return window.__seen").await?;
    let typed: Vec<String> = seen
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry[1] == json!(true))
        .filter_map(|entry| entry[0].as_str().map(str::to_owned))
        .collect();
    // Typed from "Hello" on, two characters a step, each text a prefix of the whole.
    assert!(typed.len() >= 10, "{seen}");
    for text in &typed {
        assert!(full.starts_with(text.as_str()), "{text:?}");
        assert_eq!((text.chars().count() - "Hello".len()) % 2, 0, "{text:?}");
    }
    assert_eq!(typed.first().map(String::as_str), Some("Hello"));

    // Closed with a summary: the chat list shows it.
    let closed = call(
        lark.http
            .patch(lark.url(&format!("/open-apis/cardkit/v1/cards/{card_id}/settings")))
            .bearer_auth(&lark.token)
            .json(&json!({ "sequence": 2, "settings": json!({ "config": {
                "streaming_mode": false, "summary": { "content": "Answered" } } }).to_string() })),
    )
    .await?;
    assert_eq!(closed.code(), SUCCESS);
    browser
        .until(
            "const s = document.querySelector('[data-summary]'); \
             return !!s && s.textContent === 'Answered' && s.dataset.streaming === 'false'",
            LOST_STREAM,
        )
        .await?;
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}

/// Creates a streaming card entity whose `answer` shows `content` and prints `step`
/// characters every `frequency_ms` with `strategy`, sends it, and answers
/// `(card_id, message_id)`.
async fn streaming_entity(
    lark: &Lark,
    frequency_ms: u32,
    step: u32,
    strategy: &str,
    content: &str,
) -> Result<(String, MessageId), Box<dyn Error>> {
    let card = json!({
        "schema": "2.0",
        "config": { "streaming_mode": true, "streaming_config": {
            "print_frequency_ms": { "default": frequency_ms }, "print_step": { "default": step },
            "print_strategy": strategy } },
        "body": { "elements": [ { "tag": "markdown", "element_id": "answer", "content": content } ] }
    });
    let created = call(
        lark.http
            .post(lark.url("/open-apis/cardkit/v1/cards"))
            .bearer_auth(&lark.token)
            .json(&json!({ "type": "card_json", "data": card.to_string() })),
    )
    .await?;
    let card_id = created.body["data"]["card_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let sent = call(
        lark.http
            .post(lark.url("/open-apis/im/v1/messages?receive_id_type=chat_id"))
            .bearer_auth(&lark.token)
            .json(&json!({ "receive_id": CHAT, "msg_type": "interactive",
                "content": json!({ "type": "card", "data": { "card_id": card_id } }).to_string() })),
    )
    .await?;
    assert_eq!(sent.code(), SUCCESS, "{}", sent.text);
    let id: MessageId = sent.body["data"]["message_id"]
        .as_str()
        .unwrap_or_default()
        .parse()?;
    Ok((card_id, id))
}

/// The lengths of the text an element showed while typing, as the page's observer saw them.
async fn typed_lengths(browser: &Browser, id: &MessageId) -> Result<Vec<u64>, Box<dyn Error>> {
    let seen = browser.eval(&format!("return window['seen_{id}']")).await?;
    Ok(seen
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect())
}

#[tokio::test]
async fn new_text_during_typing_shows_the_rest_at_once_with_fast_and_types_it_with_delay(
) -> TestResult {
    let _turn = TURN.lock().await;
    let lark = Lark::start().await?;
    let fast = streaming_entity(&lark, 30, 1, "fast", "Go").await?;
    let delay = streaming_entity(&lark, 30, 1, "delay", "Go").await?;
    let Some(browser) = Browser::start().await? else {
        return Ok(());
    };
    browser.client.goto(&lark.url("/")).await?;
    browser
        .until(
            "return document.documentElement.dataset.live === 'connected'",
            LOST_STREAM,
        )
        .await?;
    // Each text is 100 characters longer than the one before: 3 s of typing at 30 ms.
    let first = format!("Go{}", "a".repeat(100));
    let second = format!("{first}{}", "b".repeat(100));
    for (card_id, id) in [&fast, &delay] {
        let element = format!(
            "{} .lk-el[data-element-id=\"answer\"]",
            message_selector(id)
        );
        browser
            .eval(&format!(
                "window['seen_{id}'] = []; new MutationObserver(function () {{ \
                   const e = document.querySelector('{element}'); \
                   if (e && e.hasAttribute('data-typing')) window['seen_{id}'].push(e.textContent.length); \
                 }}).observe(document.getElementById('chats'), {{ subtree: true, childList: true, characterData: true }}); \
                 return true"
            ))
            .await?;
        let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/answer/content");
        let stream = |text: &str, sequence: i64| {
            lark.http
                .put(lark.url(&path))
                .bearer_auth(&lark.token)
                .json(&json!({ "content": text, "sequence": sequence }))
        };
        assert_eq!(call(stream(&first, 1)).await?.code(), SUCCESS);
        // The second text comes while the first is being typed.
        browser
            .until(
                &format!(
                    "const e = document.querySelector('{element}'); \
                     return !!e && e.hasAttribute('data-typing')"
                ),
                LOST_STREAM,
            )
            .await?;
        assert_eq!(call(stream(&second, 2)).await?.code(), SUCCESS);
        browser
            .until(
                &format!(
                    "const e = document.querySelector('{element}'); \
                     return !!e && e.textContent === '{second}' && !e.hasAttribute('data-typing')"
                ),
                LOST_STREAM,
            )
            .await?;
    }
    let first_len = first.len() as u64;
    // fast: while the first text was being typed the second came, and the rest of the first
    // showed at once: a jump straight to its whole length.
    let fast_seen = typed_lengths(&browser, &fast.1).await?;
    let jumped = fast_seen
        .windows(2)
        .any(|pair| pair[0] + 1 < pair[1] && pair[1] == first_len);
    assert!(jumped, "fast: {fast_seen:?}");
    // delay: every character typed, one a step, through both texts.
    let delay_seen = typed_lengths(&browser, &delay.1).await?;
    assert!(
        delay_seen.windows(2).all(|pair| pair[1] <= pair[0] + 1),
        "delay: {delay_seen:?}"
    );
    assert!(delay_seen.contains(&first_len) && delay_seen.contains(&(first_len + 1)));
    assert!(browser.console_errors().await?.is_empty());
    browser.close().await
}
