"""What keeps the local web application local: host checks, the access token, CSRF, headers.

The server binds to loopback unless told otherwise. Any other bind needs an access
token, which a browser presents once in the address (`?token=…`) and then as a cookie,
and a script as `Authorization: Bearer …`. Every state-changing request carries the
page's CSRF token. Pages may load nothing from another origin.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "brochure_token"
CSRF_COOKIE = "brochure_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

HEADERS = {
    # Everything from this server; inline scripts and styles refused, so a profile's text
    # can never run as script even if a template forgot to escape it.
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data: blob:; object-src 'self'; frame-src 'self'; "
        "style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "SAMEORIGIN",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    """`127.0.0.1`, `::1`, `localhost`: reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _host_name(header: str) -> str:
    """`localhost:8000` → `localhost`; `[::1]:8000` → `::1`."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0].lower()
    return header.rsplit(":", 1)[0].lower()


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _refuse(status: int, reason: str) -> Response:
    return PlainTextResponse(reason + "\n", status_code=status, headers=HEADERS)


class Guard:
    """ASGI-level checks before any route runs, and the headers on every response."""

    def __init__(self, *, token: str | None, hosts: frozenset[str] | None) -> None:
        self.token = token
        self.hosts = hosts  # None: any Host header (a non-loopback bind, behind a proxy)

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        refused = self.check(request)
        if refused is not None:
            return refused
        if self.token is not None and request.query_params.get("token"):
            # The token in the address becomes a cookie, and leaves the address bar.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response: Response = RedirectResponse(target, status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        else:
            response = await call_next(request)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, csrf_token(request), samesite="strict")
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def check(self, request: Request) -> Response | None:
        """A refusal, or None when the request may go on."""
        host = _host_name(request.headers.get("host") or "")
        if self.hosts is not None and host not in self.hosts:
            # A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding)
            # would otherwise reach this server with the browser's full trust.
            return _refuse(421, f"this server answers to {', '.join(sorted(self.hosts))} only")
        if self.token is not None and not self._authorized(request):
            return _refuse(401, "an access token is needed: open the address printed at start")
        if request.method not in SAFE_METHODS and not self._bearer(request):
            # A script presenting the token needs no CSRF token: a page on another site
            # cannot make a browser send an Authorization header.
            sent = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
            cookie = request.cookies.get(CSRF_COOKIE)
            if cookie is None or not _same(sent, cookie):
                return _refuse(403, "missing or wrong CSRF token: reload the page and try again")
        return None

    def _bearer(self, request: Request) -> bool:
        bearer = request.headers.get("authorization", "")
        if self.token is None or not bearer.startswith("Bearer "):
            return False
        return _same(bearer.removeprefix("Bearer ").strip() or None, self.token)

    def _authorized(self, request: Request) -> bool:
        assert self.token is not None
        return (
            _same(request.cookies.get(TOKEN_COOKIE), self.token)
            or self._bearer(request)
            or _same(request.query_params.get("token"), self.token)
        )


def csrf_token(request: Request) -> str:
    """The page's CSRF token: the cookie's, or a new one the response will set."""
    found = request.cookies.get(CSRF_COOKIE)
    if found:
        return found
    made = request.scope.setdefault("brochure.csrf", secrets.token_urlsafe(24))
    return str(made)
