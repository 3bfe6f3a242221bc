"""Security headers on every response (pages, error pages, downloads, static files).

A few lines of our own rather than flask-talisman: the portal needs one fixed policy plus one
per-deployment origin (an operator's https stylesheet), no nonces (there is no inline script or
style at all), and no https redirect (the reverse proxy owns TLS). Talisman would add a
dependency and many switches to get the same headers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app

from portalclient.config import PortalConfig

EXTENSION_KEY = "portalclient.headers"

#: A strict policy: the portal ships no inline script or style and loads nothing third-party
#: (except an operator's https stylesheet, whose origin is added to style-src).
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data: https:; style-src {styles}; "
                           "script-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                           "base-uri 'none'; object-src 'none'")

#: Set on every response unless the view chose its own value.
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
#: Browsers remember "https only" for a year once they saw the portal over https.
HSTS = "max-age=31536000"


def content_security_policy(config: PortalConfig) -> str:
    """The CSP for this deployment: 'self' plus the origin of an https ``extra_css``."""
    styles = ["'self'"]
    extra = urlsplit(config.branding.extra_css)
    if extra.scheme == "https" and extra.netloc:
        styles.append(f"https://{extra.netloc}")
    return CONTENT_SECURITY_POLICY.format(styles=" ".join(styles))


def init_headers(app: Flask, config: PortalConfig) -> None:
    """Compute this deployment's headers once and add them after every request."""
    headers = {"Content-Security-Policy": content_security_policy(config), **FIXED_HEADERS}
    if config.authenticate_path.lower().startswith("https:"):
        headers["Strict-Transport-Security"] = HSTS
    app.extensions[EXTENSION_KEY] = headers
    app.after_request(security_headers)


def security_headers(response: Response) -> Response:
    """Hardening headers on every response; a view's own CSP (downloads: sandbox) is kept but
    never without frame-ancestors 'none'."""
    headers = response.headers
    for name, value in current_app.extensions[EXTENSION_KEY].items():
        headers.setdefault(name, value)
    if "frame-ancestors" not in headers["Content-Security-Policy"]:
        headers["Content-Security-Policy"] += "; frame-ancestors 'none'"
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response
