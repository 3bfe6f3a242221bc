"""Health endpoints for load balancers (blueprint ``health``).

``/health`` is liveness: the process answers; no CRM call, no session, no cookie. ``/health/crm``
is readiness: 200 while the CRM lists its portal modules (``get_modules``, which needs no
login), else 503. That probe has its own short timeout and its answer is reused for
``READY_TTL`` seconds, and only one request at a time probes, so a load balancer polling every
second from many places costs the CRM one call per ``READY_TTL``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Callable

from flask import Blueprint, Flask, Response, current_app

from portalclient.config import PortalConfig
from portalclient.crm.client import CrmClient
from portalclient.crm.errors import CrmError
from portalclient.crm.settings import CrmSettings
from portalclient.session import stateless

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

EXTENSION_KEY = "portalclient.health"
#: Seconds a readiness answer is reused.
READY_TTL = 10.0
#: Upper bound on one readiness probe (the configured CRM timeout when that is shorter).
PROBE_TIMEOUT = 5.0


class ReadinessProbe:
    """Whether the CRM answers, asked at most once per ``ttl`` seconds by one thread."""

    def __init__(self, probe: Callable[[], bool], *, ttl: float = READY_TTL,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self._probe = probe
        self._ttl = ttl
        self._timer = timer
        self._lock = threading.Lock()
        self._ready: bool | None = None
        self._checked_at = float("-inf")

    def ready(self) -> bool:
        """The last answer while it is fresh; otherwise probe (or, while another request is
        probing, reuse the last answer instead of waiting)."""
        if self._fresh():
            return bool(self._ready)
        if not self._lock.acquire(blocking=self._ready is None):
            return bool(self._ready)
        try:
            if not self._fresh():
                self._ready = self._probe()
                self._checked_at = self._timer()
        finally:
            self._lock.release()
        return bool(self._ready)

    def _fresh(self) -> bool:
        return self._ready is not None and self._timer() - self._checked_at < self._ttl


class CrmModulesProbe:
    """The readiness question: does the CRM list at least one portal module? Its own client
    (created on first use) with a short timeout and one connection."""

    def __init__(self, settings: CrmSettings) -> None:
        self._settings = dataclasses.replace(
            settings, timeout=min(settings.timeout, PROBE_TIMEOUT), pool_size=1)
        self._client: CrmClient | None = None

    def __call__(self) -> bool:
        if self._client is None:
            self._client = CrmClient(self._settings)
        try:
            ready = bool(self._client.modules())
        except CrmError as exc:
            log.warning("readiness probe: the CRM does not answer: %s", exc)
            return False
        if not ready:
            log.warning("readiness probe: the CRM lists no portal module")
        return ready


def init_health(app: Flask, config: PortalConfig) -> None:
    """Register the endpoints with a readiness probe for this app's CRM."""
    app.extensions[EXTENSION_KEY] = ReadinessProbe(CrmModulesProbe(config.to_crm_settings()))
    app.register_blueprint(bp)


@bp.route("/health")
@stateless
def live() -> Response:
    """Liveness: this process serves requests."""
    return _plain("ok", 200)


@bp.route("/health/crm")
@stateless
def ready() -> Response:
    """Readiness: 200 while the CRM answers, 503 otherwise (answer cached a few seconds)."""
    if current_app.extensions[EXTENSION_KEY].ready():
        return _plain("ok", 200)
    return _plain("crm unavailable", 503)


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain",
                    headers={"Cache-Control": "no-store"})
