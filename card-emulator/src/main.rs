//! `lark-card-emulator`: the local Lark Open API as a program, for tests in any language.
//!
//! ```text
//! lark-card-emulator [serve] [--port PORT] [--app APP_ID:APP_SECRET]... [--seed N] [--verbose]
//!               [--callback-url URL --verification-token TOKEN [--encrypt-key KEY]]
//!               [--ping-interval SECONDS] [--fragment-size BYTES]
//! lark-card-emulator render CARD.json [-o CARD.html] [--png] [--dark] [--mobile] [--locale L]
//! ```
//!
//! `serve` prints its base URL (`http://127.0.0.1:PORT`) as the first line on stdout, then
//! serves until Ctrl-C; the viewer is at that URL, and it is the domain a bot on the long
//! connection is given (`POST /callback/ws/endpoint`). Without `--app` it has the app `cli_test`
//! with secret `secret`.
//!
//! `render` writes a self-contained HTML file of one card, drawn as the viewer draws it, and
//! with `--png` a picture of it through a local Chromium.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use lark_card_emulator::{CallbackApp, ClientConfig, Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};

/// The local Lark Open API for cards: token, send, update and CardKit endpoints with Lark's
/// rules, limits and error codes, on 127.0.0.1.
#[derive(Parser)]
#[command(
    name = "lark-card-emulator",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Inspection and control: /__emulator/messages, /__emulator/counts, \
                  /__emulator/clock/advance, /__emulator/faults ... (see the lark_card_emulator crate docs)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Without a command: `serve` with these options.
    #[command(flatten)]
    serve: Serve,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default): prints the base URL on the first line of stdout, then
    /// runs until Ctrl-C.
    Serve(Serve),
    /// Draw one card as a self-contained HTML file (no script, no network), and with --png a
    /// picture of it through a local Chromium.
    Render(Render),
}

/// Options of `render`.
#[derive(Args)]
struct Render {
    /// The card JSON file.
    card: PathBuf,
    /// Where to write the HTML (default: the card's path with `.html`).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write a PNG beside the HTML (needs Chromium: `apt-get install chromium`).
    #[arg(long)]
    png: bool,
    /// The dark theme.
    #[arg(long)]
    dark: bool,
    /// A phone's width instead of the desktop client's.
    #[arg(long)]
    mobile: bool,
    /// The locale of `i18n_*` content to show (default: zh_cn, else en_us, else the first).
    #[arg(long)]
    locale: Option<String>,
}

/// Options of `serve`.
#[derive(Args, Default)]
struct Serve {
    /// Listen on PORT (0: the system picks one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// An app that can get tokens, as APP_ID:APP_SECRET (repeatable; default cli_test:secret).
    #[arg(long = "app", value_name = "APP_ID:APP_SECRET", value_parser = app)]
    apps: Vec<App>,
    /// Seed for message ids, tokens and log ids (repeatable runs).
    #[arg(long)]
    seed: Option<u64>,
    /// Log every request on stderr.
    #[arg(long, short)]
    verbose: bool,
    /// The first app's card callback URL: simulated interactions
    /// (`POST /__emulator/messages/{id}/actions`) post their callbacks there.
    #[arg(long, value_name = "URL", requires = "verification_token")]
    callback_url: Option<String>,
    /// The first app's Verification Token, sent in every callback.
    #[arg(long, value_name = "TOKEN", requires = "callback_url")]
    verification_token: Option<String>,
    /// The first app's Encrypt Key: callbacks are encrypted and signed with it.
    #[arg(long, value_name = "KEY", requires = "callback_url")]
    encrypt_key: Option<String>,
    /// The long connection's `PingInterval` handed to clients, in seconds (Lark's: 120).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    ping_interval: Option<u64>,
    /// Events longer than BYTES go over the long connection in fragments of BYTES.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    fragment_size: Option<u64>,
}

/// An app's credentials from the command line. No `Debug`: the secret stays out of logs.
#[derive(Clone)]
struct App {
    id: String,
    secret: String,
}

fn app(text: &str) -> Result<App, String> {
    text.split_once(':')
        .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
        .map(|(id, secret)| App {
            id: id.to_owned(),
            secret: secret.to_owned(),
        })
        .ok_or_else(|| "expected APP_ID:APP_SECRET".to_owned())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serve = match cli.command {
        Some(Command::Serve(serve)) => serve,
        Some(Command::Render(options)) => return render(&options),
        None => cli.serve,
    };
    if serve.verbose {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(std::io::stderr)
            .try_init()
            .ok();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("lark-card-emulator: cannot start a runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(serve))
}

/// `render`: the card as an HTML file, and a PNG with `--png`.
fn render(options: &Render) -> ExitCode {
    let text = match std::fs::read_to_string(&options.card) {
        Ok(text) => text,
        Err(error) => {
            eprintln!(
                "lark-card-emulator: cannot read {}: {error}",
                options.card.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let card: serde_json::Value = match serde_json::from_str(&text) {
        Ok(card) => card,
        Err(error) => {
            eprintln!(
                "lark-card-emulator: {} is not JSON: {error}",
                options.card.display()
            );
            return ExitCode::FAILURE;
        }
    };
    // Drawn all the same: seeing a card Lark would refuse helps to fix it.
    if let Err(error) = lark_card::Card::<lark_card::NoUpdateMulti>::from_json(&text) {
        eprintln!("lark-card-emulator: warning: Lark would refuse this card: {error}");
    }
    let look = lark_card_render::Options {
        theme: if options.dark {
            lark_card_render::Theme::Dark
        } else {
            lark_card_render::Theme::Light
        },
        width: if options.mobile {
            lark_card_render::Width::Mobile
        } else {
            lark_card_render::Width::Desktop
        },
        locale: options.locale.clone(),
        id_prefix: None,
    };
    let html = options
        .output
        .clone()
        .unwrap_or_else(|| options.card.with_extension("html"));
    if let Err(error) = std::fs::write(&html, lark_card_render::page(&card, &look)) {
        eprintln!(
            "lark-card-emulator: cannot write {}: {error}",
            html.display()
        );
        return ExitCode::FAILURE;
    }
    println!("{}", html.display());
    if options.png {
        let png = html.with_extension("png");
        let width = lark_card_render::screenshot::window_width(&look);
        if let Err(error) = lark_card_render::screenshot::screenshot(&html, &png, width) {
            eprintln!("lark-card-emulator: no PNG: {error}");
            return ExitCode::FAILURE;
        }
        println!("{}", png.display());
    }
    ExitCode::SUCCESS
}

async fn run(options: Serve) -> ExitCode {
    let mut builder = Emulator::builder().port(options.port);
    let apps = if options.apps.is_empty() {
        vec![App {
            id: DEFAULT_APP_ID.to_owned(),
            secret: DEFAULT_APP_SECRET.to_owned(),
        }]
    } else {
        options.apps
    };
    for app in &apps {
        builder = builder.app(app.id.clone(), app.secret.clone());
    }
    if let Some(seed) = options.seed {
        builder = builder.seed(seed);
    }
    if let Some(seconds) = options.ping_interval {
        let mut config = ClientConfig::default();
        config.ping_interval = std::time::Duration::from_secs(seconds.max(1));
        builder = builder.client_config(config);
    }
    if let Some(bytes) = options.fragment_size {
        builder = builder.fragment_size(usize::try_from(bytes).unwrap_or(usize::MAX));
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("lark-card-emulator: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(url), Some(token), Some(first)) = (
        options.callback_url,
        options.verification_token,
        apps.first(),
    ) {
        let mut callback = CallbackApp::new(url, token);
        if let Some(key) = options.encrypt_key {
            callback = callback.encrypt_key(key);
        }
        emulator.set_callback(&first.id, callback);
    }
    // The first line is the contract with scripts that start the binary: flush it at once.
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    for app in &apps {
        eprintln!("lark-card-emulator: app {}", app.id);
    }
    eprintln!(
        "lark-card-emulator: serving on {} until Ctrl-C",
        emulator.base_url()
    );
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("lark-card-emulator: cannot wait for Ctrl-C: {error}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(list: &[&str]) -> Result<Serve, clap::Error> {
        let cli =
            Cli::try_parse_from(std::iter::once("lark-card-emulator").chain(list.iter().copied()))?;
        match cli.command {
            Some(Command::Serve(serve)) => Ok(serve),
            None => Ok(cli.serve),
            Some(Command::Render(_)) => {
                Err(clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))
            }
        }
    }

    #[test]
    fn parses_render() {
        let cli = Cli::try_parse_from([
            "lark-card-emulator",
            "render",
            "card.json",
            "-o",
            "out.html",
            "--png",
            "--dark",
        ]);
        let Ok(Some(Command::Render(render))) = cli.map(|cli| cli.command) else {
            unreachable!("`render` did not parse");
        };
        assert_eq!(render.card, PathBuf::from("card.json"));
        assert_eq!(render.output, Some(PathBuf::from("out.html")));
        assert!(render.png && render.dark && !render.mobile);
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_ports_and_apps_with_or_without_serve() {
        for prefix in [&[][..], &["serve"][..]] {
            let mut list = prefix.to_vec();
            list.extend([
                "--port",
                "8080",
                "--app",
                "cli_a:s1",
                "--app=cli_b:s2",
                "--seed",
                "7",
            ]);
            let options = parse(&list).unwrap_or_default();
            assert_eq!(options.port, 8080);
            assert_eq!(options.seed, Some(7));
            let apps: Vec<_> = options
                .apps
                .iter()
                .map(|app| (app.id.as_str(), app.secret.as_str()))
                .collect();
            assert_eq!(apps, [("cli_a", "s1"), ("cli_b", "s2")]);
        }
    }

    #[test]
    fn takes_the_callback_settings_together() {
        let options = parse(&[
            "--callback-url",
            "http://127.0.0.1:9000/lark/callback",
            "--verification-token",
            "vt",
            "--encrypt-key",
            "ek",
        ])
        .unwrap_or_default();
        assert_eq!(
            options.callback_url.as_deref(),
            Some("http://127.0.0.1:9000/lark/callback")
        );
        assert_eq!(options.verification_token.as_deref(), Some("vt"));
        assert_eq!(options.encrypt_key.as_deref(), Some("ek"));
        // A URL without its token, or a key without a URL, is refused.
        assert!(parse(&["--callback-url", "http://127.0.0.1:9000/"]).is_err());
        assert!(parse(&["--encrypt-key", "ek"]).is_err());
    }

    #[test]
    fn takes_the_long_connection_s_settings() {
        let options =
            parse(&["--ping-interval", "5", "--fragment-size", "1024"]).unwrap_or_default();
        assert_eq!(
            (options.ping_interval, options.fragment_size),
            (Some(5), Some(1024))
        );
        assert!(parse(&["--ping-interval", "0"]).is_err());
    }

    #[test]
    fn rejects_bad_arguments() {
        for bad in [
            &["--port", "http"][..],
            &["--app", "no-secret"],
            &["--app", ":secret"],
            &["--port"],
            &["--frobnicate"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let help = parse(&["--help"]).err().map(|e| e.kind());
        assert_eq!(help, Some(clap::error::ErrorKind::DisplayHelp));
    }
}
