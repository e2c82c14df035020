"""The answer both test apps give a `card.action.trigger` with Lark's official Python SDK: a
`success` toast and a card JSON 2.0 card naming the action's `value.action`, the operator's
open_id and the message, so that the caller can see each went through. Imported by
callback_app.py (HTTP) and long_connection_app.py (the long connection); it needs lark-oapi,
which they check first.
"""

from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)


def card_answer(
    data: P2CardActionTrigger, toast_prefix: str, card_prefix: str
) -> P2CardActionTriggerResponse:
    event = data.event
    value = event.action.value or {}
    what = value.get("action", "?")
    who = event.operator.open_id
    return P2CardActionTriggerResponse(
        {
            "toast": {"type": "success", "content": f"{toast_prefix} {what}"},
            "card": {
                "type": "raw",
                "data": {
                    "schema": "2.0",
                    "config": {"update_multi": True},
                    "body": {
                        "elements": [
                            {
                                "tag": "markdown",
                                "content": f"{card_prefix}: {what} by {who} "
                                f"in {event.context.open_message_id}",
                            }
                        ]
                    },
                },
            },
        }
    )
