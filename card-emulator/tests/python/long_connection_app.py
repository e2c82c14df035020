#!/usr/bin/env python3
"""An app that receives card callbacks over Lark's long connection with Lark's official Python
SDK (lark-oapi's `lark_oapi.ws.Client`).

usage: long_connection_app.py BASE_URL APP_ID APP_SECRET

Points the SDK's domain at BASE_URL (the emulator), connects (`POST /callback/ws/endpoint`,
then the WebSocket), and answers every `card.action.trigger` (registered with
`register_p2_card_action_trigger`) with a `success` toast and a card JSON 2.0 card naming the
action's `value.action` and the operator's open_id. It also prints each user message
(`im.message.receive_v1`) it receives as `message: TEXT` on stdout. Serves until killed.

Exits 3 when lark-oapi is missing.
"""

import sys

try:
    import lark_oapi as lark
    from lark_oapi.api.im.v1 import P2ImMessageReceiveV1
    from lark_oapi.event.callback.model.p2_card_action_trigger import (
        P2CardActionTrigger,
        P2CardActionTriggerResponse,
    )
    from card_answer import card_answer
except ImportError as error:
    sys.stderr.write(
        f"lark-oapi is not installed ({error}); install it with `pip install lark-oapi`\n"
    )
    sys.exit(3)


def on_card_action(data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
    return card_answer(data, "python ws saw", "Python over the long connection")


def on_message(data: P2ImMessageReceiveV1) -> None:
    print(f"message: {data.event.message.content}", flush=True)


def main() -> None:
    base_url, app_id, app_secret = sys.argv[1], sys.argv[2], sys.argv[3]
    handler = (
        lark.EventDispatcherHandler.builder("", "")
        .register_p2_card_action_trigger(on_card_action)
        .register_p2_im_message_receive_v1(on_message)
        .build()
    )
    client = lark.ws.Client(
        app_id,
        app_secret,
        event_handler=handler,
        domain=base_url,
        log_level=lark.LogLevel.DEBUG,
    )
    client.start()


if __name__ == "__main__":
    main()
