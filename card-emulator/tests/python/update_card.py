#!/usr/bin/env python3
"""Drives the card emulator with Lark's official Python SDK (lark-oapi).

usage: update_card.py BASE_URL [APP_ID APP_SECRET]

Gets a tenant token, sends an interactive card, updates it with PATCH, and checks the
refusals Lark documents: a card sent without `update_multi` (230001), an unknown message
(230001), an id that is no message id (99992354), an invalid card (230099), a recalled
message (230011) and the 5-per-second limit per message (230020). The emulator must run with
a paused clock (as `tests/python_sdk.rs` starts it) for the rate-limit check to be exact.

Exits 0 when every check passes, 1 on the first failed check, 3 when lark-oapi is missing.
"""

import json
import sys
import urllib.request

try:
    import lark_oapi as lark
    from lark_oapi.api.auth.v3 import (
        InternalTenantAccessTokenRequest,
        InternalTenantAccessTokenRequestBody,
    )
    from lark_oapi.api.im.v1 import (
        CreateMessageRequest,
        CreateMessageRequestBody,
        PatchMessageRequest,
        PatchMessageRequestBody,
    )
except ImportError as error:
    sys.stderr.write(
        f"lark-oapi is not installed ({error}); install it with `pip install lark-oapi`\n"
    )
    sys.exit(3)

CHAT = "oc_python_sdk"
checks = 0


def check(condition, what, response=None):
    """Fails the run with `what` (and the response's code and msg) unless `condition`."""
    global checks
    if not condition:
        detail = ""
        if response is not None:
            detail = f" (code={response.code}, msg={response.msg!r}, log_id={response.get_log_id()})"
        sys.stderr.write(f"FAILED: {what}{detail}\n")
        sys.exit(1)
    checks += 1


def shared_card(text):
    return json.dumps(
        {
            "config": {"update_multi": True},
            "elements": [{"tag": "markdown", "content": text}],
        }
    )


def exclusive_card(text):
    return json.dumps({"elements": [{"tag": "markdown", "content": text}]})


def main():
    if len(sys.argv) not in (2, 4):
        sys.stderr.write(__doc__)
        sys.exit(2)
    base_url = sys.argv[1].rstrip("/")
    app_id, app_secret = (sys.argv[2], sys.argv[3]) if len(sys.argv) == 4 else ("cli_test", "secret")

    client = (
        lark.Client.builder()
        .app_id(app_id)
        .app_secret(app_secret)
        .domain(base_url)
        .log_level(lark.LogLevel.ERROR)
        .build()
    )

    # The token, explicitly: Lark answers it at the top level, not under `data`.
    token_response = client.auth.v3.tenant_access_token.internal(
        InternalTenantAccessTokenRequest.builder()
        .request_body(
            InternalTenantAccessTokenRequestBody.builder()
            .app_id(app_id)
            .app_secret(app_secret)
            .build()
        )
        .build()
    )
    check(token_response.success(), "get a tenant access token", token_response)
    token = json.loads(token_response.raw.content)
    check(token["tenant_access_token"].startswith("t-"), "the token starts with t-")
    check(0 < token["expire"] <= 7200, "the token expires within two hours")

    def send(card):
        return client.im.v1.message.create(
            CreateMessageRequest.builder()
            .receive_id_type("chat_id")
            .request_body(
                CreateMessageRequestBody.builder()
                .receive_id(CHAT)
                .msg_type("interactive")
                .content(card)
                .build()
            )
            .build()
        )

    def patch(message_id, card):
        return client.im.v1.message.patch(
            PatchMessageRequest.builder()
            .message_id(message_id)
            .request_body(PatchMessageRequestBody.builder().content(card).build())
            .build()
        )

    # Send a shared card, then update it.
    sent = send(shared_card("**Deploy** started"))
    check(sent.success(), "send an interactive card", sent)
    message_id = sent.data.message_id
    check(message_id.startswith("om_"), f"the message id is om_…: {message_id}")
    check(sent.get_log_id() is not None, "the answer has an X-Tt-Logid header")

    updated_card = shared_card("**Deploy** finished")
    updated = patch(message_id, updated_card)
    check(updated.success(), "update the card with PATCH", updated)

    with urllib.request.urlopen(f"{base_url}/__emulator/messages/{message_id}") as answer:
        stored = json.loads(answer.read())
    check(stored["content"] == updated_card, "the emulator holds the updated card")
    check(stored["updates"] == 1, "one update recorded")

    # Four more updates fill the second's budget of five; the sixth is throttled.
    for i in range(4):
        check(patch(message_id, shared_card(f"step {i}")).success(), f"update {i + 2} of 5")
    throttled = patch(message_id, shared_card("one too many"))
    check(throttled.code == 230020, "a sixth update within a second is 230020", throttled)

    # A card sent without update_multi cannot be updated.
    exclusive = send(exclusive_card("not shared"))
    check(exclusive.success(), "send a card that is not shared", exclusive)
    refused = patch(exclusive.data.message_id, shared_card("v2"))
    check(refused.code == 230001, "updating a card that is not shared is 230001", refused)
    check("update_multi" in refused.msg, "the refusal names update_multi", refused)
    # The SDK keeps `error` as the raw object here.
    error = refused.error if isinstance(refused.error, dict) else vars(refused.error or {})
    check(error.get("log_id") == refused.get_log_id() is not None,
          "error.log_id repeats the X-Tt-Logid header", refused)

    # Bad message ids.
    unknown = patch("om_" + "0" * 32, shared_card("v2"))
    check(unknown.code == 230001, "an unknown message is 230001", unknown)
    not_an_id = patch("c-7f1bcd13fc57d46bac21793a18e560", shared_card("v2"))
    check(not_an_id.code == 99992354, "an id that is no message id is 99992354", not_an_id)

    # An invalid card: the reason is in msg, after ext=.
    other = send(shared_card("for the invalid card"))
    check(other.success(), "send another card", other)
    invalid = patch(other.data.message_id, json.dumps({"config": {"update_multi": True}, "elements": [{"tag": "buton"}]}))
    check(invalid.code == 230099, "an invalid card is 230099", invalid)
    check("ext=ErrCode: " in invalid.msg and "ErrPath: ROOT -> elements -> [0]" in invalid.msg,
          "230099 names the sub-code and the path", invalid)

    # A recalled message.
    request = urllib.request.Request(
        f"{base_url}/__emulator/messages/{other.data.message_id}/recall", method="POST"
    )
    urllib.request.urlopen(request).close()
    recalled = patch(other.data.message_id, shared_card("too late"))
    check(recalled.code == 230011, "a recalled message is 230011", recalled)

    print(f"ok: {checks} checks passed with lark-oapi against {base_url}")


if __name__ == "__main__":
    main()
