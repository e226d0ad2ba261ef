"""Who may use the server, and what is logged of what they do.

On loopback (the default) only this machine may connect, and only under a loopback
host name: a page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding)
is refused by its Host header. On any other address every request must carry the
token printed at start, as Jupyter does: in the address (once: it becomes a cookie and
the address is cleaned), a cookie, or an ``Authorization: Bearer`` header.

The log says method, path, status and time: never a query string, a header or a body,
so a patient's plan posted to the print desk leaves no trace in it.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("handouts.serve.access")

COOKIE = "handouts-token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    """The server's rule: loopback only (no token), or a token on every request."""

    token: str | None

    @classmethod
    def for_host(cls, host: str, token: str | None = None) -> Access:
        """Loopback needs no token; any other address gets one (given, or made now)."""
        if is_loopback(host):
            return cls(token)
        return cls(token or secrets.token_urlsafe(24))


class AccessMiddleware:
    """Refuses requests the rule does not allow; logs the others without their data."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        request = HTTPConnection(scope)
        refusal = self._refusal(request)
        status = 0

        async def logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        if refusal is not None:
            await PlainTextResponse(refusal + "\n", 403)(scope, receive, logged)
        elif self.access.token and request.query_params.get("token") == self.access.token:
            await self._to_cookie(request)(scope, receive, logged)
        else:
            await self.app(scope, receive, logged)
        if scope["path"] != "/events":  # one per open page, for as long as it is open
            log.info(
                "%s %s %s %.0f ms",
                scope.get("method", "WS"), scope["path"], status,
                (time.monotonic() - started) * 1000,
            )  # fmt: skip

    def _refusal(self, request: HTTPConnection) -> str | None:
        headers = request.headers
        if self.access.token is None:
            if request.client is None or not is_loopback(request.client.host):
                return "refused: this server answers this computer only (start it with --host)"
            try:
                host = urlsplit("//" + headers.get("host", "")).hostname or ""
            except ValueError:  # not a host name at all
                host = ""
            if host not in LOOPBACK_NAMES:
                return "refused: unknown host name"
            return None
        given = [
            request.cookies.get(COOKIE, ""),
            headers.get("authorization", "").removeprefix("Bearer "),
            request.query_params.get("token", ""),
        ]
        if any(g and secrets.compare_digest(g, self.access.token) for g in given):
            return None
        return "refused: open the address with the token that 'handouts serve' printed"

    def _to_cookie(self, request: HTTPConnection) -> Response:
        """The token from the address into a cookie, and the address without it, so
        it is not left in the history, bookmarks or a screenshot."""
        assert self.access.token is not None
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        location = request.url.path + (f"?{urlencode(query)}" if query else "")
        response = RedirectResponse(location, 303, headers={"cache-control": "no-store"})
        cookie = f"{COOKIE}={self.access.token}; HttpOnly; SameSite=Strict; Path=/"
        response.headers.append("set-cookie", cookie)
        return response
