//! Lark's facts, written once: every documented error code of the token, send, update and
//! CardKit endpoints (number, HTTP status, Lark's own `msg`, meaning, how a client reacts),
//! the sub-codes of 230099, and the limits of these endpoints.
//!
//! The client (`lark-card`), the emulator (`lark-card-emulator`), the schema and the tests all read
//! this table; none of them writes a code number or a limit again.
//!
//! Sources: the pages of the "update a sent message card" endpoint
//! (<https://open.feishu.cn/document/server-docs/im-v1/message-card/patch>), of "send a
//! message" (<https://open.feishu.cn/document/server-docs/im-v1/message/create>, its error
//! codes and the 230099 sub-codes), of the tenant access token
//! (<https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal>)
//! the server-side common error codes
//! (<https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code>) and the
//! pages of CardKit's ten endpoints (<https://open.feishu.cn/document/cardkit-v1/card/create>
//! and its siblings). Where a page
//! gives no HTTP status or `msg` for a code, the table says `None` rather than guess.
//!
//! ```
//! use lark_card_schema::lark::{LarkCode, Retry};
//!
//! let code = LarkCode::from_code(230011);
//! assert_eq!(code, LarkCode::MessageRecalled);
//! assert_eq!(code.status(), Some(400));
//! assert_eq!(code.msg(), Some("The message is recalled."));
//! assert_eq!(code.retry(), Retry::Never);
//! assert_eq!(LarkCode::MessageRateLimited.retry(), Retry::Backoff);
//! assert_eq!(LarkCode::from_code(12345), LarkCode::Other(12345));
//! ```

/// The `code` of a successful answer.
pub const SUCCESS: i64 = 0;

/// The tags whose text CardKit streams (`PUT /open-apis/cardkit/v1/cards/:card_id/elements/
/// :element_id/content`): a `markdown` element and a `plain_text` text object with an
/// `element_id`. Streaming into any other element is refused with 300310
/// ([`LarkCode::NotStreamable`]).
pub const STREAMABLE_TAGS: &[&str] = &["markdown", "plain_text"];

/// What the chat list shows for a card entity while its streaming mode is on and its
/// `config.summary.content` is empty or absent: "为卡片开启流式更新模式后，该摘要将默认为
/// “[生成中...]”" ("流式更新卡片",
/// <https://open.feishu.cn/document/cardkit-v1/streaming-updates-openapi-overview>). Closing
/// streaming mode does not reset a summary the card set.
pub const STREAMING_SUMMARY: &str = "[生成中...]";

/// How streamed text is printed when the card's `streaming_config` does not say: the
/// defaults of "流式更新卡片"
/// (<https://open.feishu.cn/document/cardkit-v1/streaming-updates-openapi-overview>).
pub mod streaming_print {
    /// `print_frequency_ms`: milliseconds between two printing steps ("默认为 70 ms").
    pub const DEFAULT_FREQUENCY_MS: u32 = 70;
    /// `print_step`: characters printed per step ("默认为 1").
    pub const DEFAULT_STEP: u32 = 1;
    /// `print_strategy`: `fast` ("默认为 fast"): text not yet printed when new text comes is
    /// shown at once, then the new text is printed; `delay` prints the old text out first.
    pub const DEFAULT_STRATEGY: &str = "fast";
}

/// Whether, and how, a request that got a code may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retry {
    /// Never: retrying gives the same answer (recalled, deleted, too old, invalid card...).
    Never,
    /// After a wait: a frequency limit or a transient failure.
    Backoff,
    /// Once, with a fresh tenant token.
    RefreshToken,
    /// After catching up: the CardKit operation's `sequence` was not above the card's last
    /// one (300317). Take a `sequence` above every one used on the card, then send again; a
    /// counter that is not advanced after this answer fails every later operation.
    Resync,
    /// Not as it was: the card's streaming mode is closed (200850 it timed out, 300309 it is
    /// off). Reopen it with the settings operation (`streaming_mode: true`) and stream on, or
    /// finish with a full update, which works without streaming mode. Retrying the refused
    /// call is answered 300309 again, however often.
    Reopen,
}

/// `Some(x)` when the row gives `x`, `None` when the row leaves it out.
macro_rules! optional {
    () => {
        None
    };
    ($value:expr) => {
        Some($value)
    };
}

macro_rules! lark_codes {
    (
        $( $(#[doc = $doc:literal])*
           $variant:ident = $code:literal $([$status:literal $(, $msg:literal)?])?, $meaning:literal, $class:ident; )*
    ) => {
        /// A Lark error code, by name. Unknown codes are kept as [`LarkCode::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum LarkCode {
            $( $(#[doc = $doc])* $variant, )*
            /// A code this library does not know.
            Other(i64),
        }

        impl LarkCode {
            /// Every code of the table, in the table's order.
            pub const ALL: &'static [LarkCode] = &[ $( LarkCode::$variant, )* ];

            /// The code for a number.
            pub const fn from_code(code: i64) -> Self {
                match code {
                    $( $code => LarkCode::$variant, )*
                    other => LarkCode::Other(other),
                }
            }

            /// The number.
            pub const fn code(self) -> i64 {
                match self {
                    $( LarkCode::$variant => $code, )*
                    LarkCode::Other(code) => code,
                }
            }

            /// The HTTP status Lark documents for it, if a page gives one.
            pub const fn status(self) -> Option<u16> {
                match self {
                    $( LarkCode::$variant => optional!($($status)?), )*
                    LarkCode::Other(_) => None,
                }
            }

            /// Lark's own `msg` for it, as its pages write it, if they do.
            pub const fn msg(self) -> Option<&'static str> {
                match self {
                    $( LarkCode::$variant => optional!($($($msg)?)?), )*
                    LarkCode::Other(_) => None,
                }
            }

            /// What it means, in our words.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $( LarkCode::$variant => $meaning, )*
                    LarkCode::Other(_) => "an error code this library does not know",
                }
            }

            /// How a client should react to it.
            pub const fn retry(self) -> Retry {
                match self {
                    $( LarkCode::$variant => Retry::$class, )*
                    LarkCode::Other(_) => Retry::Never,
                }
            }
        }
    };
}

lark_codes! {
    /// 230001: invalid request parameter (also "this message is NOT a card", and `PUT` on a card).
    InvalidParameter = 230001 [400, "Your request contains an invalid request parameter."],
        "invalid request parameter (for example the message is not a card)", Never;
    /// 230002: the bot is not in the chat.
    BotNotInChat = 230002 [400, "The bot can not be outside the group."],
        "the bot is not in the chat", Never;
    /// 230006: the app's bot ability is not activated.
    BotAbilityInactive = 230006 [400, "Bot ability is not activated."],
        "the bot ability of the app is not activated", Never;
    /// 230011: the message was recalled.
    MessageRecalled = 230011 [400, "The message is recalled."],
        "the message was recalled", Never;
    /// 230013: the bot is not available to this user.
    NoAvailability = 230013 [400, "Bot has NO availability to this user."],
        "the bot is not available to this user", Never;
    /// 230017: the bot is not the owner of the resource.
    NotResourceOwner = 230017 [400, "Bot is NOT the owner of the resource."],
        "the bot does not own the resource", Never;
    /// 230018: the chat's settings forbid the operation.
    ChatForbids = 230018 [400, "These operations are NOT allowed at current group settings."],
        "the chat's settings forbid this operation", Never;
    /// 230020: the per-message (update) or per-chat (send) frequency limit was hit. The
    /// emulator also answers it beyond CardKit's [`limits::PER_CARD_ENTITY_PER_SECOND`]: the
    /// CardKit pages give the limit ("单个卡片实体的操作频率上限为 10 次/秒") but no code for
    /// it, and Lark's own CardKit client (larksuite/openclaw-lark, `src/card/card-error.ts`,
    /// `isCardRateLimitError`) handles 230020 from CardKit's endpoints.
    MessageRateLimited = 230020 [400, "This operation triggers the frequency limit."],
        "the frequency limit of the message (or chat) was hit", Backoff;
    /// 230022: the content was judged sensitive.
    SensitiveContent = 230022 [400, "The content of the message contains sensitive information."],
        "the content was judged sensitive", Never;
    /// 230025: the request body is over the size limit ([`limits::MAX_CARD_BODY`] for cards).
    ContentTooLong = 230025 [400, "The length of the message content reaches its limit."],
        "the message content is over the size limit (30 KB for a card)", Never;
    /// 230027: permissions are missing (or the chat is external).
    LackOfPermissions = 230027 [400, "Lack of necessary permissions."],
        "necessary permissions are missing", Never;
    /// 230028: the content failed the DLP audit.
    AuditFailed = 230028 [400, "The messages do NOT pass the audit."],
        "the message did not pass the content audit", Never;
    /// 230029: the user has resigned.
    UserResigned = 230029 [400, "User has resigned."],
        "the user has resigned", Never;
    /// 230031: the message is older than [`limits::UPDATE_WINDOW`].
    MessageTooOld = 230031 [400, "Message can only be modified within 14 days after sending."],
        "a message can only be updated within 14 days of sending", Never;
    /// 230034: the `receive_id` is invalid.
    InvalidReceiveId = 230034 [400, "The receive_id is invalid."],
        "the receive_id is invalid", Never;
    /// 230035: no permission to send.
    NoSendPermission = 230035 [400, "Send Message Permission deny."],
        "the app may not send this message", Never;
    /// 230053: the user blocked the bot.
    BotBlocked = 230053 [400, "The user has stopped the bot from sending messages."],
        "the user blocked the bot", Never;
    /// 230099: the card content could not be built (see the sub-code, [`CardSubCode`]).
    CardContentFailed = 230099 [400, "Failed to create card content."],
        "the card content could not be created (see the sub-code and path)", Never;
    /// 230110: the message was deleted.
    MessageDeleted = 230110 [400, "Action unavailable as the message has been deleted."],
        "the message was deleted", Never;
    /// 232009: the chat was dissolved.
    ChatDissolved = 232009 [400, "Your request specifies a chat which has already been dissolved."],
        "the chat was dissolved", Never;
    /// 2200: internal error, usually under heavy calling.
    InternalError = 2200 [500, "internal error"],
        "Lark internal error (often from calling too fast)", Backoff;
    /// 99991400: the app's API rate limit ([`limits::PER_APP_PER_SECOND`],
    /// [`limits::PER_APP_PER_MINUTE`]) was hit; HTTP 429 with `x-ogw-ratelimit-reset`.
    AppRateLimited = 99991400 [429, "request trigger frequency limit"],
        "the app's request rate limit was hit", Backoff;
    /// 99991401: the caller's IP is not allowed.
    IpNotAllowed = 99991401,
        "the caller's IP address is not in the app's allow-list", Never;
    /// 99991403: the monthly API quota is used up.
    QuotaExhausted = 99991403,
        "the monthly API quota is used up", Never;
    /// 99991661: no access token (or an ill-formed `Authorization` header).
    TokenMissing = 99991661 [400, "Missing access token for authorization. Please make a request with token attached."],
        "the request has no access token", Never;
    /// 99991663: the tenant access token is invalid or expired (sometimes with HTTP 200).
    TenantTokenInvalid = 99991663 [400, "Invalid access token for authorization. Please make a request with token attached."],
        "the tenant access token is invalid or expired", RefreshToken;
    /// 99991664: the app access token is invalid.
    AppTokenInvalid = 99991664,
        "the app access token is invalid", RefreshToken;
    /// 99991668: the user access token is invalid.
    UserTokenInvalid = 99991668 [400, "Invalid access token for authorization. Please make a request with token attached."],
        "the user access token is invalid", Never;
    /// 99991671: the token is not a `t-` or `u-` token.
    TokenMalformed = 99991671 [400, "Invalid token: must start with t-/u-"],
        "the access token must start with `t-` or `u-`", RefreshToken;
    /// 99991672: the app lacks a scope.
    MissingScope = 99991672,
        "the app lacks a required scope", Never;
    /// 99991677: the user access token expired.
    UserTokenExpired = 99991677,
        "the user access token expired", Never;
    /// 99991201: no such API (an unknown path or method).
    NotFound = 99991201 [404, "resource not find"],
        "no such API (unknown path or method)", Never;
    /// 99992354: an id in the request does not exist (a message id that is not an `om_…` id).
    MessageNotFound = 99992354 [400, "these ids not existed"],
        "no message has this id", Never;
    /// 99992402: a query parameter is missing or invalid (`receive_id_type`).
    FieldValidationFailed = 99992402 [400, "field validation failed"],
        "a query parameter is missing or invalid", Never;
    /// 10003: invalid app credentials (token endpoint: `app_id` missing or unknown).
    InvalidCredentials = 10003 [400, "invalid param"],
        "the app id or app secret is wrong", Never;
    /// 10014: invalid app secret (token endpoint).
    InvalidAppSecret = 10014 [400, "app secret invalid"],
        "the app secret is wrong", Never;
    /// 200340: the app has no card callback URL, or an invalid one (shown by the Lark client).
    CallbackUrlMissing = 200340,
        "the app has no valid card callback URL", Never;
    /// 200341: the app's callback URL did not answer within [`limits::CALLBACK_ANSWER_WITHIN`].
    CallbackTimeout = 200341,
        "the app's callback did not answer within 3 seconds", Never;
    /// 200342: Lark could not connect to the callback URL.
    CallbackUnreachable = 200342,
        "Lark could not connect to the app's callback URL", Never;
    /// 200671: the app's callback answered another status than HTTP 200.
    CallbackNot200 = 200671,
        "the app's callback answered another status than HTTP 200", Never;
    /// 200672: the app's callback answered a body that is not a callback answer.
    CallbackBadBody = 200672,
        "the app's callback answered a body of the wrong shape", Never;
    /// 200673: the card of the app's callback answer is wrong.
    CallbackBadCard = 200673,
        "the app's callback answered an invalid card", Never;
    /// 200830: a card JSON 2.0 card was answered with a 1.0 card.
    CallbackV2ToV1 = 200830,
        "a card JSON 2.0 card cannot become a 1.0 card", Never;
    /// 10002: a request parameter is wrong: the body of a delayed update lacks `token` or
    /// `card`, or a CardKit request has an invalid parameter. The CardKit pages give it HTTP
    /// 400; the delayed update page gives no status.
    BadParam = 10002,
        "a request parameter is wrong (a delayed update without `token` or `card`, an invalid CardKit parameter)", Never;
    /// 11311: the card of a delayed update is invalid.
    DelayedCardInvalid = 11311,
        "the card of the delayed update is invalid", Never;
    /// 100030: the body of a delayed update is not JSON.
    DelayedBodyNotJson = 100030,
        "the body of the delayed update is not JSON", Never;
    /// 200000: the card of a delayed update was recalled.
    DelayedCardRecalled = 200000,
        "the card's message was recalled", Never;
    /// 200310: a delayed update of a card another app sent.
    DelayedCardOfOtherApp = 200310,
        "the card was sent by another app", Never;
    /// 300020: the token of a delayed update is not a `c-…` callback token.
    CallbackTokenMalformed = 300020,
        "the token is not a `c-…` callback token", Never;
    /// 300030: the callback token expired ([`limits::CALLBACK_TOKEN_LIFETIME`]).
    CallbackTokenExpired = 300030,
        "the callback token expired (30 minutes)", Never;
    /// 300040: the callback token was used [`limits::CALLBACK_TOKEN_USES`] times already.
    CallbackTokenUsedUp = 300040,
        "the callback token was used too often (2 updates)", Never;
    /// 300090: a delayed update of a card that is not shared needs `open_ids`.
    DelayedOpenIdsRequired = 300090,
        "a card that is not shared needs `open_ids` in a delayed update", Never;

    // CardKit (card entities, streaming): every endpoint under `/open-apis/cardkit/v1`
    // answers these with HTTP 400 and the code in the body; the `msg` is the description of
    // the pages' error tables.
    /// 200220: CardKit could not generate the card content.
    CardKitContentFailed = 200220 [400, "Failed to generate card content"],
        "CardKit could not generate the card content", Never;
    /// 200740: no card entity has this `card_id` (or it is not this app's to see).
    CardEntityNotFound = 200740 [400, "The card entity does not exist"],
        "no card entity has this card_id", Never;
    /// 200750: the card entity expired, [`limits::CARD_ENTITY_LIFETIME`] after it was
    /// created; create a new one.
    CardEntityExpired = 200750 [400, "The card entity has expired"],
        "the card entity expired (14 days after it was created)", Never;
    /// 200770: the `uuid` was already used by another operation on the card.
    UuidConflict = 200770 [400, "UUID conflict"],
        "the uuid of the operation conflicts with an earlier one", Never;
    /// 200810: the card is in an ongoing interaction (a callback is being answered).
    CardInInteraction = 200810 [400, "The card is in an ongoing interaction and cannot be updated"],
        "the card is in an ongoing interaction (a callback is being answered)", Backoff;
    /// 200850: streaming mode timed out: Lark closed it [`limits::STREAMING_AUTO_CLOSE`] after
    /// it was last enabled. The add-elements page lists this as 200510, the other pages as
    /// 200850; 200510 is taken to be that page's typo and has no row.
    StreamingTimedOut = 200850 [400, "Card streaming timeout"],
        "streaming mode timed out (closed 10 minutes after it was last enabled); reopen it with the settings", Reopen;
    /// 200860: the card entity would be over [`limits::MAX_CARD_BODY`].
    CardEntityTooLarge = 200860 [400, "Card content exceeds limit."],
        "the card would be over 30 KB", Never;
    /// 300120: CardKit's internal error; its pages say to check that `sequence` increases and
    /// to retry later.
    CardKitInternal = 300120 [400, "Server Internal Error"],
        "CardKit internal error (check that sequence increases, then retry later)", Backoff;
    /// 300121: replacing the element failed.
    ReplaceElementFailed = 300121 [400, "Failed to replace element"],
        "replacing the element failed", Never;
    /// 300122: updating the card's settings failed.
    UpdateSettingsFailed = 300122 [400, "Failed to update card configuration"],
        "updating the card's settings (config) failed", Never;
    /// 300301: two elements with one `element_id`.
    DuplicateElementId = 300301 [400, "Duplicate element_id in card component."],
        "an element_id is used twice in the card", Never;
    /// 300302: a card entity must be shared: `update_multi` cannot be false.
    CardEntityNotShared = 300302 [400, "update_multi property is false"],
        "a card entity cannot have `update_multi: false`", Never;
    /// 300303: CardKit takes card JSON 2.0 only.
    CardKitNeedsV2 = 300303 [400, "Only schema 2.0 is supported"],
        "CardKit takes card JSON 2.0 only (`\"schema\": \"2.0\"`)", Never;
    /// 300305: the card would have more than [`limits::MAX_CARD_ELEMENTS`] elements and
    /// components (a `plain_text` text object inside an element counts as one).
    TooManyElements = 300305 [400, "The number of card components exceeds 200"],
        "the card would have more than 200 elements and components", Never;
    /// 300307: the card DSL is empty.
    CardDslEmpty = 300307 [400, "The card DSL is empty"],
        "the card JSON is empty", Never;
    /// 300309: streaming mode is closed, so text cannot be streamed.
    StreamingClosed = 300309 [400, "Card streaming closed"],
        "streaming mode is closed; reopen it with the settings before streaming text", Reopen;
    /// 300310: only `markdown` elements and `plain_text` text objects can be streamed.
    NotStreamable = 300310 [400, "Only update text"],
        "only a `markdown` or `plain_text` element can be streamed", Never;
    /// 300311: the app may not operate this card entity (another app created it).
    NoCardPermission = 300311 [400, "The current application does not have permission to update/use this card"],
        "the app has no permission on this card entity (only the app that created it has)", Never;
    /// 300312: an element's `tag` cannot change.
    TagCannotChange = 300312 [400, "Unable to update element tag"],
        "an element's tag cannot change", Never;
    /// 300313: updating an element's properties failed (often: no element has this id).
    ElementUpdateFailed = 300313 [400, "Failed to update element properties"],
        "updating the element's properties failed (is the element_id in the card?)", Never;
    /// 300314: deleting the element failed.
    DeleteElementFailed = 300314 [400, "Failed to delete element"],
        "deleting the element failed", Never;
    /// 300315: adding the elements failed.
    AddElementsFailed = 300315 [400, "Failed to add element"],
        "adding the elements failed", Never;
    /// 300317: the `sequence` is not above the card's last one.
    SequenceNotIncreasing = 300317 [400, "The sequence number for operating on the card did not increment consecutively"],
        "the sequence is not above the last one used on the card; advance it and send again", Resync;

    // The long connection (`POST /callback/ws/endpoint` and its WebSocket).
    /// 1: the long connection's endpoint is busy (`POST /callback/ws/endpoint`); the SDKs retry.
    LongConnectionBusy = 1,
        "the long connection service is busy (system busy)", Backoff;
    /// 1000040343: the long connection's endpoint failed inside; the SDKs retry.
    LongConnectionInternal = 1000040343,
        "the long connection service failed (internal error)", Backoff;
    /// 1000040344: the long connection's endpoint got no app id or secret.
    LongConnectionNoCredential = 1000040344,
        "the long connection needs the app id and secret", Never;
    /// 1000040350: the app has [`long_connection::MAX_CONNECTIONS_PER_APP`] connections
    /// already (`Handshake-Autherrcode` of a refused WebSocket upgrade).
    LongConnectionLimit = 1000040350,
        "the app has the most long connections Lark allows (50)", Never;
    /// 403: the long connection's handshake was forbidden (`Handshake-Status: 403`; the SDKs'
    /// `FORBIDDEN`, a client error they do not retry).
    LongConnectionForbidden = 403,
        "the long connection's handshake was forbidden", Never;
    /// 514: the long connection's authentication failed (`Handshake-Status: 514`, the SDKs'
    /// `AUTH_FAILED`; with `Handshake-Autherrcode` 1000040350 the connection limit, alone a
    /// bad ticket, which a new endpoint call replaces).
    LongConnectionAuthFailed = 514,
        "the long connection's authentication failed", Never;
}

impl LarkCode {
    /// 10002 by the name the delayed update gave it first: [`LarkCode::BadParam`].
    #[allow(non_upper_case_globals)]
    pub const DelayedCardParamInvalid: LarkCode = LarkCode::BadParam;

    /// The codes CardKit's endpoints (`/open-apis/cardkit/v1`) answer, all with HTTP 400.
    ///
    /// ```
    /// use lark_card_schema::lark::{LarkCode, Retry};
    ///
    /// assert!(LarkCode::CARDKIT.contains(&LarkCode::SequenceNotIncreasing));
    /// assert_eq!(LarkCode::from_code(300317).retry(), Retry::Resync);
    /// assert_eq!(LarkCode::from_code(300309).retry(), Retry::Reopen);
    /// ```
    pub const CARDKIT: &'static [LarkCode] = &[
        LarkCode::BadParam,
        LarkCode::CardKitContentFailed,
        LarkCode::CardEntityNotFound,
        LarkCode::CardEntityExpired,
        LarkCode::UuidConflict,
        LarkCode::CardInInteraction,
        LarkCode::StreamingTimedOut,
        LarkCode::CardEntityTooLarge,
        LarkCode::CardKitInternal,
        LarkCode::ReplaceElementFailed,
        LarkCode::UpdateSettingsFailed,
        LarkCode::DuplicateElementId,
        LarkCode::CardEntityNotShared,
        LarkCode::CardKitNeedsV2,
        LarkCode::TooManyElements,
        LarkCode::CardDslEmpty,
        LarkCode::StreamingClosed,
        LarkCode::NotStreamable,
        LarkCode::NoCardPermission,
        LarkCode::TagCannotChange,
        LarkCode::ElementUpdateFailed,
        LarkCode::DeleteElementFailed,
        LarkCode::AddElementsFailed,
        LarkCode::SequenceNotIncreasing,
    ];
}

macro_rules! card_sub_codes {
    ( $( $(#[doc = $doc:literal])* $variant:ident = $code:literal, $errmsg:literal; )* ) => {
        /// A sub-code of 230099 ("failed to create card content"), in `msg` as
        /// `ext=ErrCode: N; ErrMsg: …; ErrPath: …`. Unknown ones are kept as
        /// [`CardSubCode::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CardSubCode {
            $( $(#[doc = $doc])* $variant, )*
            /// A sub-code this library does not know.
            Other(i64),
        }

        impl CardSubCode {
            /// Every sub-code of the table.
            pub const ALL: &'static [CardSubCode] = &[ $( CardSubCode::$variant, )* ];

            /// The sub-code for a number.
            pub const fn from_code(code: i64) -> Self {
                match code {
                    $( $code => CardSubCode::$variant, )*
                    other => CardSubCode::Other(other),
                }
            }

            /// The number.
            pub const fn code(self) -> i64 {
                match self {
                    $( CardSubCode::$variant => $code, )*
                    CardSubCode::Other(code) => code,
                }
            }

            /// Lark's `ErrMsg` for it, as the send page writes it.
            pub const fn err_msg(self) -> Option<&'static str> {
                match self {
                    $( CardSubCode::$variant => Some($errmsg), )*
                    CardSubCode::Other(_) => None,
                }
            }
        }
    };
}

card_sub_codes! {
    /// An invalid user id in an `<at>` or person component.
    InvalidUser = 100290, "There is an invalid user resource(at/person) in your card";
    /// A limit of the card (more than 200 elements in 2.0), a card being interacted with, or a
    /// template the app may not use.
    LimitOrLocked = 11310, "element exceeds the limit";
    /// No such template (or it is not published).
    TemplateNotFound = 200380, "template does not exist, please confirm whether this template has been released";
    /// The app may not use the template.
    TemplateNotVisible = 200381, "template is not visible to app, please confirm whether the app is allowed to use this template";
    /// The card JSON does not parse, or breaks a rule of the card schema.
    ParseError = 200621, "parse card json err, please check whether the card json is correct";
    /// A template variable has the wrong type.
    VariableType = 200732, "the actual type of the variable is inconsistent with the specified type in the template. Please check the type of the variable";
    /// A template variable has the wrong format.
    VariableFormat = 200737, "the format of the variable is incorrect. Please check the format of the variable";
    /// A chart's `chart_spec` is invalid.
    ChartSpecInvalid = 200550, "chart spec is invalid";
    /// A 1.0-only tag or field in a 2.0 card.
    UnsupportedInV2 = 200861, "cards of schema V2 no longer support this capability";
    /// An `img_key` that is not the app's.
    InvalidImageKey = 200570, "card contains invalid image keys";
    /// A table's `rows` are invalid.
    TableRowsInvalid = 200914, "table rows is invalid";
    /// A table row names a column that is not declared.
    TableRowNameInvalid = 200915, "table rows name is invalid";
    /// An audio `file_key` the app cannot read.
    AudioFileInvalid = 300240, "This application cannot retrieve audio information. Please check if the application used for uploading audio is the same as the one used for sending messages";
    /// Two audio components with one `audio_id`.
    DuplicateAudioId = 300230, "duplicate audio id";
    /// A card with audio must not be forwardable.
    AudioNotForwardable = 300220, "audio elem don't support forward";
}

/// The limits of the token, send, update and CardKit endpoints.
pub mod limits {
    use core::time::Duration;

    /// Updates allowed per message per [`PER_MESSAGE_WINDOW`] (230020 beyond): "单条消息更新频控
    /// 为5QPS" on the update page.
    pub const PER_MESSAGE_PER_SECOND: usize = 5;
    /// The window of [`PER_MESSAGE_PER_SECOND`] and [`PER_CHAT_PER_SECOND`].
    pub const PER_MESSAGE_WINDOW: Duration = Duration::from_secs(1);
    /// Messages allowed per chat (or user) per second when sending (230020 beyond).
    pub const PER_CHAT_PER_SECOND: usize = 5;
    /// Requests allowed per app per API per second (HTTP 429, 99991400 beyond).
    pub const PER_APP_PER_SECOND: usize = 50;
    /// Requests allowed per app per API per minute (HTTP 429, 99991400 beyond).
    pub const PER_APP_PER_MINUTE: usize = 1000;
    /// The largest card (and post) request body, in bytes: "卡片及富文本消息请求体最大不能超过
    /// 30KB". Lark measures the whole request body, `{"content":"…"}` with its escapes.
    pub const MAX_CARD_BODY: usize = 30 * 1024;
    /// The largest text message request body, in bytes: "文本消息请求体最大不能超过150KB".
    pub const MAX_TEXT_BODY: usize = 150 * 1024;
    /// How long after sending a message can be updated (230031 beyond): "仅支持修改14天内发送的
    /// 消息".
    pub const UPDATE_WINDOW: Duration = Duration::from_secs(14 * 24 * 3600);
    /// How long a tenant access token lives (`expire` of a new token, in seconds).
    pub const TENANT_TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 3600);
    /// Asked for a token with more than this left, Lark answers the same token; with less, a
    /// new one.
    pub const TENANT_TOKEN_RENEW_WITHIN: Duration = Duration::from_secs(30 * 60);
    /// The longest `uuid` (de-duplication key) of a send, in characters.
    pub const MAX_UUID_CHARS: usize = 50;
    /// How long a send's `uuid` de-duplicates: a second send with the same `uuid` within it
    /// returns the first message.
    pub const UUID_WINDOW: Duration = Duration::from_secs(3600);
    /// How long Lark waits for the answer to a card callback (200341 beyond): "需要在 3 秒内
    /// 响应回调请求".
    pub const CALLBACK_ANSWER_WITHIN: Duration = Duration::from_secs(3);
    /// How long a callback's token (`c-…`) updates the card with the delayed update (300030
    /// beyond): "有效期为 30 分钟".
    pub const CALLBACK_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);
    /// How many delayed updates one callback token makes (300040 beyond): "同一个 token 只能使用
    /// 2 次" (one page says 3; 2 holds under both).
    pub const CALLBACK_TOKEN_USES: u32 = 2;

    // CardKit (`/open-apis/cardkit/v1`): the pages of its ten endpoints and "流式更新卡片"
    // (<https://open.feishu.cn/document/cardkit-v1/streaming-updates-openapi-overview>).
    // Each endpoint also has the app limits [`PER_APP_PER_SECOND`] and [`PER_APP_PER_MINUTE`].

    /// Operations allowed per card entity per [`PER_CARD_ENTITY_WINDOW`], over all its card
    /// and element endpoints: "单个卡片实体每秒最多 10 次操作".
    pub const PER_CARD_ENTITY_PER_SECOND: usize = 10;
    /// The window of [`PER_CARD_ENTITY_PER_SECOND`].
    pub const PER_CARD_ENTITY_WINDOW: Duration = Duration::from_secs(1);
    /// The longest text of one streaming operation (`content`), in characters. The card's
    /// [`MAX_CARD_BODY`] (200860 beyond) usually binds first.
    pub const MAX_STREAM_CONTENT_CHARS: usize = 100_000;
    /// The longest `data` (card JSON as a string) when creating a card entity, in characters.
    pub const MAX_CREATE_DATA_CHARS: usize = 3_000_000;
    /// The longest card JSON of a full update (`card.data`), and the longest `actions` of a
    /// batch update, in characters.
    pub const MAX_UPDATE_DATA_CHARS: usize = 1_000_000;
    /// The longest `settings` string of the settings operation, in characters.
    pub const MAX_SETTINGS_CHARS: usize = 100_000;
    /// The longest `card_id`, in characters.
    pub const MAX_CARD_ID_CHARS: usize = 20;
    /// The longest `message_id` that `POST /open-apis/cardkit/v1/cards/id_convert` takes, in
    /// characters ("转换 ID" page: 1 to 50).
    pub const MAX_CONVERT_MESSAGE_ID_CHARS: usize = 50;
    /// The longest `element_id` (a letter, then letters, digits or `_`), in characters.
    pub const MAX_ELEMENT_ID_CHARS: usize = 20;
    /// The shortest `uuid` (idempotency key) of a CardKit operation, in characters.
    pub const MIN_CARDKIT_UUID_CHARS: usize = 1;
    /// The longest `uuid` (idempotency key) of a CardKit operation, in characters (a send's
    /// `uuid` has [`MAX_UUID_CHARS`]).
    pub const MAX_CARDKIT_UUID_CHARS: usize = 64;
    /// The smallest `sequence` of a CardKit operation.
    pub const MIN_SEQUENCE: i32 = 1;
    /// The largest `sequence` of a CardKit operation (an `int32`).
    pub const MAX_SEQUENCE: i32 = i32::MAX;
    /// How long streaming mode stays on after it was last enabled: Lark closes it then
    /// (200850, and 300309 for every streaming operation after).
    pub const STREAMING_AUTO_CLOSE: Duration = Duration::from_secs(10 * 60);
    /// How long a card entity can be sent and operated after it was created (200750 beyond).
    pub const CARD_ENTITY_LIFETIME: Duration = Duration::from_secs(14 * 24 * 3600);
    /// Most elements and components in a card JSON 2.0 card (300305 beyond; the schema's
    /// own limit, counted as Lark counts: a `plain_text` text object inside an element is
    /// one).
    pub use crate::catalogue::MAX_ELEMENTS_V2 as MAX_CARD_ELEMENTS;
}

/// The long connection (a WebSocket the app dials out to, for events and callbacks): its
/// constants and defaults, as the official SDKs (Go `ws/const.go`, Python
/// `lark_oapi/ws/const.py`) and Lark's guide ("使用长连接接收事件/回调") give them.
pub mod long_connection {
    use core::time::Duration;

    /// The endpoint that answers the WebSocket URL and the `ClientConfig`: `POST
    /// {domain}/callback/ws/endpoint` (not under `/open-apis`).
    pub const ENDPOINT_PATH: &str = "/callback/ws/endpoint";
    /// At most this many connections per app; the next upgrade is refused with
    /// [`HANDSHAKE_AUTH_FAILED`] and `Handshake-Autherrcode: 1000040350`.
    pub const MAX_CONNECTIONS_PER_APP: usize = 50;
    /// How long the app has to answer an event or a callback frame (200341 for a callback
    /// beyond; an event is pushed again).
    pub const ANSWER_WITHIN: Duration = Duration::from_secs(3);
    /// When Lark pushes an unanswered event again, after the first push.
    pub const EVENT_RETRIES_AFTER: [Duration; 4] = [
        Duration::from_secs(15),
        Duration::from_secs(5 * 60),
        Duration::from_secs(3600),
        Duration::from_secs(6 * 3600),
    ];
    /// `PingInterval` when the service gives none.
    pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(120);
    /// `ReconnectInterval` when the service gives none.
    pub const DEFAULT_RECONNECT_INTERVAL: Duration = Duration::from_secs(120);
    /// `ReconnectNonce` when the service gives none: the first reconnection waits a random
    /// time up to it.
    pub const DEFAULT_RECONNECT_NONCE: Duration = Duration::from_secs(30);
    /// `ReconnectCount` when the service gives none: negative is forever.
    pub const DEFAULT_RECONNECT_COUNT: i64 = -1;
    /// How long the SDKs (Go, Python) keep the fragments of an incomplete message, refreshed
    /// by each fragment.
    pub const FRAGMENT_TTL: Duration = Duration::from_secs(5);

    /// `Handshake-Status` of an upgrade refused for its credentials or ticket (with
    /// `Handshake-Autherrcode` 1000040350: the connection limit).
    pub const HANDSHAKE_AUTH_FAILED: u16 = super::LarkCode::LongConnectionAuthFailed.code() as u16;
    /// `Handshake-Status` of a forbidden upgrade.
    pub const HANDSHAKE_FORBIDDEN: u16 = super::LarkCode::LongConnectionForbidden.code() as u16;
    /// The header of a refused upgrade that gives its status.
    pub const HEADER_HANDSHAKE_STATUS: &str = "handshake-status";
    /// The header of a refused upgrade that gives its message.
    pub const HEADER_HANDSHAKE_MSG: &str = "handshake-msg";
    /// The header of a refused upgrade that gives the Lark code.
    pub const HEADER_HANDSHAKE_AUTH_ERRCODE: &str = "handshake-autherrcode";

    /// Frame header: `event`, `card`, `ping` or `pong`.
    pub const HEADER_TYPE: &str = "type";
    /// Frame header: the message id, the same in every fragment of a message.
    pub const HEADER_MESSAGE_ID: &str = "message_id";
    /// Frame header: how many fragments the message has (1 if whole).
    pub const HEADER_SUM: &str = "sum";
    /// Frame header: the fragment's index, from 0.
    pub const HEADER_SEQ: &str = "seq";
    /// Frame header: the trace id.
    pub const HEADER_TRACE_ID: &str = "trace_id";
    /// Frame header, added by the app to its answer: how long its handler took, in ms.
    pub const HEADER_BIZ_RT: &str = "biz_rt";
    /// `type` of an event (a `card.action.trigger` callback too).
    pub const TYPE_EVENT: &str = "event";
    /// `type` of a card frame (the old card callback; the SDKs drop it).
    pub const TYPE_CARD: &str = "card";
    /// `type` of a ping.
    pub const TYPE_PING: &str = "ping";
    /// `type` of a pong (its payload is the `ClientConfig` JSON).
    pub const TYPE_PONG: &str = "pong";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_names_one_code() {
        // Fails when two rows share a number: `from_code` would give the first for both.
        for &code in LarkCode::ALL {
            assert_eq!(LarkCode::from_code(code.code()), code, "{code:?}");
            assert!(!matches!(code, LarkCode::Other(_)));
        }
        for &code in CardSubCode::ALL {
            assert_eq!(CardSubCode::from_code(code.code()), code, "{code:?}");
        }
    }

    #[test]
    fn a_documented_msg_comes_with_its_status() {
        for &code in LarkCode::ALL {
            assert!(code.msg().is_none() || code.status().is_some(), "{code:?}");
            assert!(!code.meaning().is_empty());
        }
    }

    #[test]
    fn cardkit_codes_are_rows_of_the_table_with_http_400() {
        for &code in LarkCode::CARDKIT {
            assert!(LarkCode::ALL.contains(&code), "{code:?}");
            // 10002 is also the delayed update's, whose page gives no status.
            if code != LarkCode::BadParam {
                assert_eq!(code.status(), Some(400), "{code:?}");
            }
        }
        // The CardKit rows and only them follow CardKit's recoveries.
        for &code in LarkCode::ALL {
            if matches!(code.retry(), Retry::Resync | Retry::Reopen) {
                assert!(LarkCode::CARDKIT.contains(&code), "{code:?}");
            }
        }
        // 200510 is one page's typo for 200850: it is not a row.
        assert_eq!(LarkCode::from_code(200510), LarkCode::Other(200510));
    }

    #[test]
    fn cardkit_recoveries() {
        let class = |code: i64| LarkCode::from_code(code).retry();
        assert_eq!(class(300317), Retry::Resync);
        assert_eq!(
            (class(200850), class(300309)),
            (Retry::Reopen, Retry::Reopen)
        );
        assert_eq!((class(200740), class(200750)), (Retry::Never, Retry::Never));
        assert_eq!(class(300120), Retry::Backoff);
        assert_eq!(class(300310), Retry::Never);
    }

    #[test]
    fn cardkit_limits_reuse_the_card_limits() {
        assert_eq!(limits::MAX_CARD_ELEMENTS, crate::catalogue::MAX_ELEMENTS_V2);
        const { assert!(limits::MIN_SEQUENCE == 1 && limits::MAX_SEQUENCE == i32::MAX) };
        assert!(crate::catalogue::is_element_id(
            &"a".repeat(limits::MAX_ELEMENT_ID_CHARS)
        ));
        assert!(!crate::catalogue::is_element_id(
            &"a".repeat(limits::MAX_ELEMENT_ID_CHARS + 1)
        ));
        assert!(limits::STREAMING_AUTO_CLOSE < limits::CARD_ENTITY_LIFETIME);
    }

    #[test]
    fn unknown_numbers_are_kept() {
        let unknown = LarkCode::from_code(-7);
        assert_eq!(unknown, LarkCode::Other(-7));
        assert_eq!(
            (unknown.code(), unknown.status(), unknown.retry()),
            (-7, None, Retry::Never)
        );
        assert_eq!(CardSubCode::from_code(-7).err_msg(), None);
    }
}
