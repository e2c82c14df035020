//! What the emulator remembers of callbacks: each app's callback settings, the tokens handed
//! out with callbacks (for the delayed update), and the simulated interactions. Plain data,
//! kept in the emulator's state under its one lock; sending callbacks is
//! [`delivery`](crate::delivery)'s job.

use std::collections::HashMap;

use lark_card::lark::LarkCode;
use lark_card::MessageId;

use crate::callbacks::{CallbackApp, Interaction, TOKEN_LIFETIME, TOKEN_USES};
use crate::clock::millis;
use crate::errors::ApiError;

/// A token handed out with a callback.
#[derive(Debug)]
struct IssuedToken {
    message_id: MessageId,
    app_id: String,
    issued_ms: u64,
    uses: u32,
    /// Whether the callback's exchange ended (answered, or not at all).
    answered: bool,
    /// The card before a delayed update made while the callback still waited for its
    /// answer: Lark undoes such an update when the answer comes.
    undo_to: Option<String>,
}

/// Callback settings, tokens and interactions.
#[derive(Debug, Default)]
pub(crate) struct CallbackRegistry {
    apps: HashMap<String, CallbackApp>,
    tokens: HashMap<String, IssuedToken>,
    interactions: Vec<Interaction>,
}

impl CallbackRegistry {
    pub(crate) fn set_app(&mut self, app_id: &str, app: CallbackApp) {
        self.apps.insert(app_id.to_owned(), app);
    }

    /// The callback settings of an app, if it has any.
    pub(crate) fn app(&self, app_id: &str) -> Option<&CallbackApp> {
        self.apps.get(app_id)
    }

    /// Remembers the token of a callback about `message_id`, unused.
    pub(crate) fn issue_token(
        &mut self,
        token: &str,
        message_id: &MessageId,
        app_id: &str,
        now: u64,
    ) {
        self.tokens.insert(
            token.to_owned(),
            IssuedToken {
                message_id: message_id.clone(),
                app_id: app_id.to_owned(),
                issued_ms: now,
                uses: 0,
                answered: false,
                undo_to: None,
            },
        );
    }

    /// The message a delayed update with `token` may change, if `app_id` may still use the
    /// token: 300030 unknown or expired, 200310 another app's, 300040 used up.
    pub(crate) fn usable_token(
        &self,
        token: &str,
        app_id: &str,
        now: u64,
    ) -> Result<&MessageId, ApiError> {
        let Some(issued) = self.tokens.get(token) else {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenExpired,
                "the token is invalid or expired",
            ));
        };
        if issued.app_id != app_id {
            return Err(ApiError::with_msg(
                LarkCode::DelayedCardOfOtherApp,
                "the card was sent by another app",
            ));
        }
        if now.saturating_sub(issued.issued_ms) >= millis(TOKEN_LIFETIME) {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenExpired,
                "the token expired (30 minutes)",
            ));
        }
        if issued.uses >= TOKEN_USES {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenUsedUp,
                format!("the token was used {TOKEN_USES} times already"),
            ));
        }
        Ok(&issued.message_id)
    }

    /// Counts a successful delayed update with `token`, which replaced `previous`: kept to
    /// be restored if the callback has not been answered yet.
    pub(crate) fn use_token(&mut self, token: &str, previous: &str) {
        if let Some(issued) = self.tokens.get_mut(token) {
            issued.uses += 1;
            if !issued.answered && issued.undo_to.is_none() {
                issued.undo_to = Some(previous.to_owned());
            }
        }
    }

    /// The callback of `token` is over; the card to restore if a delayed update came before
    /// its answer.
    pub(crate) fn answered(&mut self, token: &str) -> Option<String> {
        let issued = self.tokens.get_mut(token)?;
        issued.answered = true;
        issued.undo_to.take()
    }

    pub(crate) fn push_interaction(&mut self, interaction: Interaction) {
        self.interactions.push(interaction);
    }

    /// Every simulated interaction so far, oldest first.
    pub(crate) fn interactions(&self) -> &[Interaction] {
        &self.interactions
    }
}
