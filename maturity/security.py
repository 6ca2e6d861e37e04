"""Response headers, proxy trust and cookie hardening applied to every response."""
from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import NullSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

API_PREFIX = "/api/"


class CookieFreeApiSessions(SecureCookieSessionInterface):
    """The public API never reads or writes the session cookie: under /api/ the session is a
    NullSession (reading gives nothing, writing raises), so no cookie can steer an API call."""

    def open_session(self, app: Flask, request):
        if request.path.startswith(API_PREFIX):
            return NullSession()
        return super().open_session(app, request)

# No inline script anywhere: all JavaScript lives in static/js. Inline style attributes are not
# used either, so style-src needs no 'unsafe-inline'.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def _set_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages can hold business-confidential answers: never store them in shared caches.
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.session_interface = CookieFreeApiSessions()
    app.after_request(_set_headers)
