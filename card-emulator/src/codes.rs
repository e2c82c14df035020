//! The Lark error codes the emulator answers with, each with the HTTP status and `msg` Lark
//! documents for it.
//!
//! Tests compare against these names instead of bare numbers:
//!
//! ```
//! use card_emulator::codes;
//!
//! assert_eq!(codes::MESSAGE_RECALLED, 230011);
//! assert_eq!(codes::describe(codes::MESSAGE_RECALLED), Some((400, "The message is recalled.")));
//! assert_eq!(codes::describe(codes::APP_RATE_LIMITED).map(|(status, _)| status), Some(429));
//! ```

/// Success.
pub const OK: i64 = 0;

/// 230001: invalid request parameter. Also: the message does not exist, is not a card
/// (`ext=This message is NOT a card.`), `PUT` on a card (`ext=invalid msg_type.`), or a card
/// that is not shared (`update_multi`).
pub const INVALID_PARAMETER: i64 = 230001;
/// 230002: the bot is not in the chat.
pub const BOT_NOT_IN_CHAT: i64 = 230002;
/// 230006: the app's bot ability is not activated.
pub const BOT_NOT_ACTIVATED: i64 = 230006;
/// 230011: the message was recalled.
pub const MESSAGE_RECALLED: i64 = 230011;
/// 230013: the bot is not available to this user.
pub const BOT_UNAVAILABLE_TO_USER: i64 = 230013;
/// 230017: the bot is not the owner of the resource (the message was sent by another app).
pub const NOT_RESOURCE_OWNER: i64 = 230017;
/// 230020: the per-message (update) or per-chat (send) frequency limit.
pub const MESSAGE_RATE_LIMITED: i64 = 230020;
/// 230025: the request body is over the size limit (30 KB for cards).
pub const CONTENT_TOO_LONG: i64 = 230025;
/// 230027: lack of necessary permissions.
pub const LACK_OF_PERMISSIONS: i64 = 230027;
/// 230028: the message failed the DLP audit.
pub const AUDIT_FAILED: i64 = 230028;
/// 230031: the message is older than 14 days.
pub const UPDATE_WINDOW_PASSED: i64 = 230031;
/// 230099: the card content is invalid; the sub-code is in `msg` as `ext=ErrCode: N`.
pub const CARD_CONTENT_FAILED: i64 = 230099;
/// 230110: the message was deleted.
pub const MESSAGE_DELETED: i64 = 230110;
/// 232009: the chat was dissolved.
pub const CHAT_DISSOLVED: i64 = 232009;

/// 99991400: the app's API rate limit (HTTP 429, `x-ogw-ratelimit-reset` header).
pub const APP_RATE_LIMITED: i64 = 99991400;
/// 99991661: no access token (`Authorization: Bearer …` missing or ill-formed).
pub const MISSING_TOKEN: i64 = 99991661;
/// 99991663: the tenant access token is invalid, expired or revoked.
pub const INVALID_TENANT_TOKEN: i64 = 99991663;
/// 99991668: the user access token is invalid (the emulator issues none).
pub const INVALID_USER_TOKEN: i64 = 99991668;
/// 99991671: the token does not start with `t-` or `u-`.
pub const MALFORMED_TOKEN: i64 = 99991671;
/// 99991201: no such API (unknown path or method).
pub const NOT_FOUND: i64 = 99991201;
/// 99992354: an id in the request does not exist (a message id that is not an `om_…` id).
pub const IDS_NOT_EXIST: i64 = 99992354;
/// 99992402: a query parameter is missing or invalid (`receive_id_type`).
pub const FIELD_VALIDATION_FAILED: i64 = 99992402;
/// 10003: the token request lacks `app_id`/`app_secret`, or names an unknown app.
pub const INVALID_PARAM: i64 = 10003;
/// 10014: the app secret is wrong.
pub const APP_SECRET_INVALID: i64 = 10014;
/// 2200: internal error (what an injected HTTP 500 carries).
pub const INTERNAL_ERROR: i64 = 2200;

/// Sub-codes of 230099, in `msg` as `ext=ErrCode: N`.
pub mod card {
    /// The card JSON does not parse, or breaks a rule of the card schema.
    pub const PARSE_ERROR: i64 = 200621;
    /// A 1.0-only tag or field in a 2.0 card.
    pub const UNSUPPORTED_IN_V2: i64 = 200861;
    /// A limit of the card (element count, nesting), or a card entity id (not emulated).
    pub const LIMIT_OR_CARD_ID: i64 = 11310;
    /// A template card (not emulated: the emulator holds no templates).
    pub const TEMPLATE_NOT_FOUND: i64 = 200380;
}

/// The HTTP status and `msg` Lark documents for a code, or `None` for a code the emulator
/// does not know (it answers those with HTTP 400).
pub fn describe(code: i64) -> Option<(u16, &'static str)> {
    Some(match code {
        OK => (200, "success"),
        INVALID_PARAMETER => (400, "Your request contains an invalid request parameter."),
        BOT_NOT_IN_CHAT => (400, "The bot can not be outside the group."),
        BOT_NOT_ACTIVATED => (400, "Bot ability is not activated."),
        MESSAGE_RECALLED => (400, "The message is recalled."),
        BOT_UNAVAILABLE_TO_USER => (400, "Bot has NO availability to this user."),
        NOT_RESOURCE_OWNER => (400, "Bot is NOT the owner of the resource."),
        MESSAGE_RATE_LIMITED => (400, "This operation triggers the frequency limit."),
        CONTENT_TOO_LONG => (400, "The length of the message content reaches its limit."),
        LACK_OF_PERMISSIONS => (400, "Lack of necessary permissions."),
        AUDIT_FAILED => (400, "The messages do NOT pass the audit."),
        UPDATE_WINDOW_PASSED => (
            400,
            "Message can only be modified within 14 days after sending.",
        ),
        CARD_CONTENT_FAILED => (400, "Failed to create card content."),
        MESSAGE_DELETED => (400, "Action unavailable as the message has been deleted."),
        CHAT_DISSOLVED => (
            400,
            "Your request specifies a chat which has already been dissolved.",
        ),
        APP_RATE_LIMITED => (429, "request trigger frequency limit"),
        MISSING_TOKEN => (
            400,
            "Missing access token for authorization. Please make a request with token attached.",
        ),
        INVALID_TENANT_TOKEN | INVALID_USER_TOKEN => (
            400,
            "Invalid access token for authorization. Please make a request with token attached.",
        ),
        MALFORMED_TOKEN => (400, "Invalid token: must start with t-/u-"),
        NOT_FOUND => (404, "resource not find"),
        IDS_NOT_EXIST => (400, "these ids not existed"),
        FIELD_VALIDATION_FAILED => (400, "field validation failed"),
        INVALID_PARAM => (400, "invalid param"),
        APP_SECRET_INVALID => (400, "app secret invalid"),
        INTERNAL_ERROR => (500, "internal error"),
        _ => return None,
    })
}
