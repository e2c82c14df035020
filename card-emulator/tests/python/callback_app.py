#!/usr/bin/env python3
"""An app that receives card callbacks with Lark's official Python SDK (lark-oapi).

usage: callback_app.py VERIFICATION_TOKEN ENCRYPT_KEY

Serves the SDK's `EventDispatcherHandler` (with `register_p2_card_action_trigger`) on
127.0.0.1, prints its callback URL on the first line of stdout, and serves until killed. The
dispatcher checks the Verification Token, the signature and decrypts the body as it does for
Lark; the handler answers a `success` toast and a card JSON 2.0 card naming the action's
`value.action` and the operator's open_id, so the caller can see both went through.

Exits 3 when lark-oapi is missing.
"""

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import lark_oapi as lark
    from lark_oapi.core.model import RawRequest
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
    return card_answer(data, "python saw", "Python")


def main() -> None:
    token, key = sys.argv[1], sys.argv[2]
    dispatcher = (
        lark.EventDispatcherHandler.builder(key, token)
        .register_p2_card_action_trigger(on_card_action)
        .build()
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = RawRequest()
            request.uri = self.path
            request.body = self.rfile.read(length)
            # The SDK reads `X-Lark-Signature` and friends from a plain dict: give it the
            # names as Lark writes them, whatever case they came in.
            request.headers = {name.title(): value for name, value in self.headers.items()}
            response = dispatcher.do(request)
            self.send_response(response.status_code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            sys.stderr.write("callback_app: " + (format % args) + "\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/lark/callback", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Serve until the caller closes stdin or kills the process.
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
