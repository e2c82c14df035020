//! `card-emulator`: the local Lark Open API as a program, for tests in any language.
//!
//! ```text
//! card-emulator [--port PORT] [--app APP_ID:APP_SECRET]... [--seed N] [--verbose]
//! ```
//!
//! Prints its base URL (`http://127.0.0.1:PORT`) as the first line on stdout, then serves
//! until Ctrl-C. Without `--app` it has the app `cli_test` with secret `secret`.

use std::io::Write;
use std::process::ExitCode;

use card_emulator::{Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};

const USAGE: &str = "\
usage: card-emulator [--port PORT] [--app APP_ID:APP_SECRET]... [--seed N] [--verbose]

Serves the Lark Open API endpoints for cards (token, send, update) on 127.0.0.1.
Prints the base URL on the first line of stdout, then runs until Ctrl-C.

  --port PORT               listen on PORT (default 0: the system picks one)
  --app APP_ID:APP_SECRET   an app that can get tokens (repeatable; default cli_test:secret)
  --seed N                  seed for message ids, tokens and log ids (repeatable runs)
  --verbose                 log every request on stderr
  --help                    this text

Inspection and control: /__emulator/messages, /__emulator/counts, /__emulator/clock/advance,
/__emulator/faults ... (see the card_emulator crate docs).";

#[derive(Debug, Default)]
struct Options {
    port: u16,
    apps: Vec<(String, String)>,
    seed: Option<u64>,
    verbose: bool,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--verbose" | "-v" => options.verbose = true,
            "--port" => {
                let text = value("--port")?;
                options.port = text
                    .parse()
                    .map_err(|_| format!("--port: `{text}` is not a port number"))?;
            }
            "--seed" => {
                let text = value("--seed")?;
                options.seed = Some(
                    text.parse()
                        .map_err(|_| format!("--seed: `{text}` is not a number"))?,
                );
            }
            "--app" => {
                let text = value("--app")?;
                let (id, secret) = text
                    .split_once(':')
                    .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
                    .ok_or_else(|| format!("--app: `{text}` is not APP_ID:APP_SECRET"))?;
                options.apps.push((id.to_owned(), secret.to_owned()));
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("card-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if options.verbose {
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
            eprintln!("card-emulator: cannot start a runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(options))
}

async fn run(options: Options) -> ExitCode {
    let mut builder = Emulator::builder().port(options.port);
    let apps = if options.apps.is_empty() {
        vec![(DEFAULT_APP_ID.to_owned(), DEFAULT_APP_SECRET.to_owned())]
    } else {
        options.apps
    };
    for (id, secret) in &apps {
        builder = builder.app(id.clone(), secret.clone());
    }
    if let Some(seed) = options.seed {
        builder = builder.seed(seed);
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("card-emulator: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The first line is the contract with scripts that start the binary: flush it at once.
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    for (id, _) in &apps {
        eprintln!("card-emulator: app {id}");
    }
    eprintln!(
        "card-emulator: serving on {} until Ctrl-C",
        emulator.base_url()
    );
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("card-emulator: cannot wait for Ctrl-C: {error}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_ports_and_apps() {
        let options = parse(args(&[
            "--port",
            "8080",
            "--app",
            "cli_a:s1",
            "--app=cli_b:s2",
        ]));
        let options = options.ok().flatten().unwrap_or_default();
        assert_eq!(options.port, 8080);
        assert_eq!(
            options.apps,
            vec![
                ("cli_a".to_owned(), "s1".to_owned()),
                ("cli_b".to_owned(), "s2".to_owned())
            ]
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse(args(&["--port", "http"])).is_err());
        assert!(parse(args(&["--app", "no-secret"])).is_err());
        assert!(parse(args(&["--port"])).is_err());
        assert!(parse(args(&["--frobnicate"])).is_err());
        assert!(matches!(parse(args(&["--help"])), Ok(None)));
    }
}
