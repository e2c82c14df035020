//! The delayed update: a card replaced with the token of a callback
//! (`POST /open-apis/interactive/v1/card/update`), when the answer within 3 seconds could not
//! carry it.

use super::api::{Call, Client};
use super::error::{ClientError, SpentToken};
use crate::callback::CallbackToken;
use crate::card::{UpdatableCard, MAX_UPDATE_BODY_BYTES};
use crate::error::CardError;
use crate::lark::limits::{CALLBACK_TOKEN_LIFETIME, CALLBACK_TOKEN_USES};

impl Client {
    /// Replaces the card a user clicked, with the token of the callback: the way to update it
    /// after the 3-second answer (a slow job, say). Call it only after the callback was
    /// answered: Lark undoes an update made before.
    ///
    /// The token updates the card for 30 minutes, twice at most; a token that came with a
    /// callback and is spent is refused here without a request ([`ClientError::SpentToken`]),
    /// others by Lark (300030 expired, 300040 used up). The card must be within 30 KB. The
    /// limits and retries are those of every call.
    ///
    /// ```no_run
    /// use lark_card::{card, callback::CardAction, client::Client};
    ///
    /// # async fn run(client: Client, action: CardAction) -> Result<(), lark_card::client::ClientError> {
    /// let done = card!({ "schema": "2.0", "body": { "elements": [
    ///     { "tag": "markdown", "content": "Report **ready**" }
    /// ] } });
    /// client.update_card_later(&action.token, &done).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn update_card_later(
        &self,
        token: &CallbackToken,
        card: &(dyn UpdatableCard + Sync),
    ) -> Result<(), ClientError> {
        let content = card.content()?;
        self.update_content_later(token, &content).await
    }

    /// [`Client::update_card_later`] with card content made already.
    pub(crate) async fn update_content_later(
        &self,
        token: &CallbackToken,
        content: &str,
    ) -> Result<(), ClientError> {
        if content.len() > MAX_UPDATE_BODY_BYTES {
            return Err(CardError::TooLarge {
                size: content.len(),
                limit: MAX_UPDATE_BODY_BYTES,
            }
            .into());
        }
        if token
            .received_at()
            .is_some_and(|at| at.elapsed() >= CALLBACK_TOKEN_LIFETIME)
        {
            return Err(ClientError::SpentToken(SpentToken::Expired));
        }
        if token.received_at().is_some() && token.take_use() >= CALLBACK_TOKEN_USES {
            return Err(ClientError::SpentToken(SpentToken::UsedUp));
        }
        // The card goes in as an object (not a string, unlike a message update).
        let mut body = String::with_capacity(content.len() + 64);
        body.push_str(r#"{"token":"#);
        lark_card_schema::json::write_string(token.expose(), &mut body);
        body.push_str(r#","card":"#);
        body.push_str(content);
        body.push('}');
        let call = Call {
            method: reqwest::Method::POST,
            path: "/open-apis/interactive/v1/card/update".to_owned(),
            body,
            message_id: None,
            chat: None,
            card: None,
        };
        self.call(call, self.retry_policy(), None).await.map(|_| ())
    }
}
