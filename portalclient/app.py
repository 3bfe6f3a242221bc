"""The portal application factory (imported lazily by the ``portalclient`` package).

``create_app`` only wires things together: configuration, i18n, the CRM client, the caches,
the customer session, blueprints and error handlers.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portalclient import auth, home
from portalclient.cache import init_cache
from portalclient.config import EXTENSION_KEY as CONFIG_KEY
from portalclient.config import PortalConfig, load_config
from portalclient.crm_access import init_crm
from portalclient.errors import register_error_handlers
from portalclient.headers import content_security_policy, init_headers
from portalclient.health import init_health
from portalclient.i18n import init_i18n
from portalclient.logs import install_log_redaction
from portalclient.pages import register_pages
from portalclient.pages.common import init_common
from portalclient.pages.files import init_uploads
from portalclient.pages.links import init_links
from portalclient.session import init_session
from portalclient.throttle import init_throttle

log = logging.getLogger(__name__)

__all__ = ["create_app", "content_security_policy", "url_prefix"]

def _templates_dir() -> Path:
    """The checkout's top-level ``templates/``, or the copy a wheel carries inside the package."""
    package = Path(__file__).resolve().parent
    candidates = (package.parent / "templates", package / "templates")
    return next((path for path in candidates if path.is_dir()), candidates[0])


TEMPLATES_DIR = _templates_dir()


def create_app(config_path: str | os.PathLike | None = None,
               overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal application from ``PortalConfig.toml`` (see ``load_config``)."""
    install_log_redaction()
    config = load_config(config_path, overrides)
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR))
    app.config.update(SECRET_KEY=config.security.secret_key,
                      MAX_CONTENT_LENGTH=config.uploads.max_mb * 1024 * 1024 + 64 * 1024,
                      APPLICATION_ROOT=url_prefix(config) or "/")
    app.extensions[CONFIG_KEY] = config
    init_i18n(app, config)
    init_session(app, config)
    init_throttle(app, config)
    init_crm(app, config.to_crm_settings())
    init_cache(app, config.cache)
    init_uploads(app, config.upload_dir)
    init_common(app)
    init_links(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    init_health(app, config)
    register_pages(app)
    register_error_handlers(app)
    init_headers(app, config)
    _wrap_wsgi(app, config)
    return app


def url_prefix(config: PortalConfig) -> str:
    """The sub-path the portal lives under, from Authenticate_Path ("" at the root)."""
    return urlsplit(config.authenticate_path).path.rstrip("/")


def _wrap_wsgi(app: Flask, config: PortalConfig) -> None:
    prefix = url_prefix(config)
    if prefix:
        app.wsgi_app = _PrefixMiddleware(app.wsgi_app, prefix)
    hops = config.security.trusted_proxies
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)


class _PrefixMiddleware:
    """Serve the app under ``prefix``: URLs are built with it, and requests may carry it or not
    (a reverse proxy may strip it)."""

    def __init__(self, wsgi_app: Any, prefix: str) -> None:
        self.wsgi_app = wsgi_app
        self.prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ["PATH_INFO"] = path[len(self.prefix):] or "/"
        environ["SCRIPT_NAME"] = self.prefix
        return self.wsgi_app(environ, start_response)
