//! The client of Lark's message API: send a card, update a sent card, and stream updates;
//! and of CardKit: make a card entity, send it by `card_id`, operate it, and stream text into
//! it ([`Client::stream`]).
//!
//! ```no_run
//! use lark_card::client::{Client, Recipient};
//! use lark_card::card;
//!
//! # async fn run() -> Result<(), lark_card::client::ClientError> {
//! let client = Client::builder().app("cli_a1b2c3", "app secret").build()?;
//! let card = card!({ "schema": "2.0", "body": { "elements": [
//!     { "tag": "markdown", "content": "Deploy **started**" }
//! ] } });
//! let id = client.send_card(&Recipient::chat("oc_84983ff6516d731e5b5f68d4ea2e1da5"), &card).await?;
//! let done = card!({ "schema": "2.0", "body": { "elements": [
//!     { "tag": "markdown", "content": "Deploy **finished**" }
//! ] } });
//! client.update_card(&id, &done).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Modules
//!
//! `api` is the client and its calls; `cardkit` CardKit's calls on a card entity, each with
//! the card's `sequence` counter (`sequences`: in process, and the seam to the fleet's);
//! `stream` the stream handle on top of them. The limits are data (`limits`); the limiter
//! (`limiter`) asks backends behind one trait (`ratelimit`): the in-process windows (`local`)
//! and, with feature `redis`, the fleet's windows and token in Redis (`redis`). Neither
//! backend knows the other, and nothing here imports in a circle (checked by a test below).

mod api;
mod auth;
mod cardkit;
mod error;
#[cfg(any(feature = "callback", feature = "long-connection"))]
mod later;
mod limiter;
mod limits;
mod local;
mod ratelimit;
#[cfg(feature = "redis")]
mod redis;
mod retry;
mod sequences;
mod stream;
mod updater;

pub use api::{Client, ClientBuilder, Domain, Recipient};
pub use auth::Credentials;
pub use cardkit::{CardEntity, Destination};
#[cfg(any(feature = "callback", feature = "long-connection"))]
pub use error::SpentToken;
#[cfg(feature = "long-connection")]
pub(crate) use error::WithCauses;
pub use error::{ApiError, CardContentError, ClientError, ConfigError};
pub use limits::Limits;
#[cfg(feature = "redis")]
pub use redis::RedisConfig;
pub use retry::RetryPolicy;
pub use stream::{CardStream, ProgressWatch, StreamProgress, StreamReport, StreamedCard};
pub use updater::{Delivered, Deliveries, Delivery, StreamStatus, Updater, UpdaterReport};

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    /// The modules of `src/client` that each one names (`super::x`, `crate::client::x`, and
    /// in `mod.rs` the `use x::` of its children); an item of `mod.rs` itself counts as
    /// `mod`.
    fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/client");
        let mut sources = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                // Comments may name modules in links: only code counts.
                let code: String = std::fs::read_to_string(&path)
                    .unwrap_or_default()
                    .lines()
                    .map(|line| line.split("//").next().unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n");
                sources.insert(name, code);
            }
        }
        let modules: BTreeSet<String> = sources.keys().cloned().collect();
        let mut graph = BTreeMap::new();
        for (name, code) in &sources {
            // A unit test's `use super::*` is its own module's, not an import.
            let code = code.split("#[cfg(test)]").next().unwrap_or("");
            let prefixes: &[&str] = if name == "mod" {
                &["use ", "pub use ", "self::"]
            } else {
                &["super::", "crate::client::"]
            };
            let mut named = BTreeSet::new();
            for prefix in prefixes {
                for (at, _) in code.match_indices(prefix) {
                    let rest = &code[at + prefix.len()..];
                    let first: Vec<&str> = match rest.strip_prefix('{') {
                        Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                        None => vec![rest],
                    };
                    for path in first {
                        let ident: String = path
                            .trim()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        let is_module = modules.contains(&ident)
                            && path.trim()[ident.len()..].starts_with("::");
                        if is_module && ident != *name {
                            named.insert(ident);
                        } else if name != "mod" && !ident.is_empty() && !is_module {
                            named.insert("mod".to_string());
                        }
                    }
                }
            }
            graph.insert(name.clone(), named);
        }
        graph
    }

    #[test]
    fn the_client_modules_import_in_no_circle() {
        let graph = module_graph();
        println!("{}", card_test_support::printed(&graph));
        assert!(
            graph.len() > 5 && graph["api"].contains("limiter"),
            "{graph:?}"
        );
        assert_eq!(card_test_support::find_cycle(&graph), None, "{graph:?}");
    }
}
