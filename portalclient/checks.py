"""``portalclient check``: probe the configured CRM the way the portal will use it.

Probes, in order, each timed; the first failure stops the run (later ones would only repeat it):
reachable (any HTTP answer at the endpoint), protocol (``show_all``, which needs no login),
version (``authenticate_user`` of a made-up login with login='false': 'NOT COMPATIBLE' means
our version is refused, a refused login means it is accepted; nothing is created in the CRM),
modules (``get_modules``: a CRM with no portal module lets no customer log in).
Messages are plain English for operators and all live in MESSAGES.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO, TypeVar

import requests

from portalclient.config import load_config
from portalclient.crm.client import CrmClient
from portalclient.crm.errors import CrmError, CrmTimeout, SoapFault, VersionIncompatible
from portalclient.crm.settings import CrmSettings
from portalclient.crm.transport import build_session

T = TypeVar("T")

MESSAGES = {
    "reachable_ok": "HTTP {status} from {url}",
    "reachable_failed": "cannot reach the CRM at {url}: {reason}",
    "protocol_ok": "show_all('HelpDesk') answered {answer}",
    "protocol_failed": "the CRM at {url} does not answer the customer-portal protocol: {reason}",
    "version_ok": "portal protocol version {version} accepted",
    "version_refused": "the CRM refuses this portal's protocol version {version} "
                       "(it answers NOT COMPATIBLE)",
    "version_failed": "the CRM could not check a login: {reason}",
    "modules_ok": "portal modules: {modules}",
    "modules_none": "the CRM enables no customer-portal module, so no customer can log in "
                    "(enable the customer portal in the CRM's settings)",
    "modules_failed": "the CRM did not list its portal modules: {reason}",
    "config_ok": "{path}: Server_Path {server}, Authenticate_Path {portal}",
    "passed": "all checks passed",
    "failed": "check failed: {message}",
}
PASSED_LINE = "ok   {name:<10} {detail}"
#: A login no CRM has; its password is random, so the probe can never log anyone in.
PROBE_USER = "portalclient-check@invalid.invalid"


class ProbeFailed(Exception):
    """One probe failed; the message says what an operator should look at."""


@dataclass(frozen=True)
class ProbeResult:
    """A passed probe: its name, what it found and how long it took."""

    name: str
    detail: str
    seconds: float

    def line(self) -> str:
        timed = f"{self.detail} ({self.seconds * 1000:.0f} ms)"
        return PASSED_LINE.format(name=self.name, detail=timed)


def run_probes(settings: CrmSettings, report: Callable[[str], None]) -> None:
    """Run every probe, reporting a line per passed probe; raise ProbeFailed on the first
    failure."""
    client = CrmClient(settings)
    try:
        for name, probe in (("reachable", probe_reachable), ("protocol", probe_protocol),
                            ("version", probe_version), ("modules", probe_modules)):
            started = time.perf_counter()
            detail = probe(settings, client)
            report(ProbeResult(name, detail, time.perf_counter() - started).line())
    finally:
        client.close()


def probe_reachable(settings: CrmSettings, client: CrmClient) -> str:
    """Any HTTP answer at the endpoint (through the configured proxy) counts as reachable."""
    session = build_session(settings)
    try:
        with session.get(settings.endpoint, timeout=settings.timeout, allow_redirects=False,
                         stream=True) as response:
            return MESSAGES["reachable_ok"].format(status=response.status_code,
                                                   url=settings.endpoint)
    except requests.RequestException as exc:
        raise ProbeFailed(MESSAGES["reachable_failed"].format(
            url=settings.endpoint, reason=_transport_reason(exc, settings.timeout))) from None
    finally:
        session.close()


def probe_protocol(settings: CrmSettings, client: CrmClient) -> str:
    """show_all needs no login and answers 'true' or 'false' on every CRM of the family."""
    answer = _ask(lambda: client.show_all("HelpDesk"), "protocol_failed", settings)
    return MESSAGES["protocol_ok"].format(answer="'true'" if answer else "'false'")


def probe_version(settings: CrmSettings, client: CrmClient) -> str:
    """authenticate_user of a made-up login: only 'NOT COMPATIBLE' fails the probe."""
    try:
        _ask(lambda: client.verify_password(PROBE_USER, secrets.token_urlsafe(24)),
             "version_failed", settings)
    except VersionIncompatible:
        raise ProbeFailed(MESSAGES["version_refused"].format(version=settings.version)) from None
    return MESSAGES["version_ok"].format(version=settings.version)


def probe_modules(settings: CrmSettings, client: CrmClient) -> str:
    """get_modules: the tabs customers will see; none means nobody can log in."""
    modules = _ask(client.modules, "modules_failed", settings)
    if not modules:
        raise ProbeFailed(MESSAGES["modules_none"])
    return MESSAGES["modules_ok"].format(modules=", ".join(modules))


def _ask(call: Callable[[], T], failure: str, settings: CrmSettings) -> T:
    """Run a CRM call; its CrmError becomes ProbeFailed with the ``failure`` message (a refused
    version propagates, probe_version words it)."""
    try:
        return call()
    except VersionIncompatible:
        raise
    except CrmError as exc:
        reason = _crm_reason(exc, settings.timeout)
        raise ProbeFailed(MESSAGES[failure].format(url=settings.endpoint, reason=reason)) from None


def _crm_reason(exc: CrmError, timeout: float) -> str:
    if isinstance(exc, CrmTimeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, SoapFault):
        return f"SOAP fault {exc}"
    return f"{type(exc).__name__}: {exc}"


def _transport_reason(exc: requests.RequestException, timeout: float) -> str:
    """A short reason for a failed HTTP request (requests' own texts are a screen long)."""
    text = str(exc)
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed (certificate?)"
    if "refused" in text.lower():
        return "connection refused (nothing listens on that host and port)"
    if "resolve" in text.lower() or "name or service not known" in text.lower():
        return "host name not found"
    return type(exc).__name__


def run_check(config_path: Path, out: TextIO, err: TextIO) -> int:
    """The whole ``check`` command: 0 when every probe passed, 1 with a message on ``err``
    otherwise (a ConfigError propagates: the command line reports it, naming the key)."""
    config = load_config(config_path)
    print(PASSED_LINE.format(name="config", detail=MESSAGES["config_ok"].format(
        path=config_path, server=config.server_path, portal=config.authenticate_path)),
        file=out, flush=True)
    try:
        run_probes(config.to_crm_settings(), lambda line: print(line, file=out, flush=True))
    except ProbeFailed as exc:
        print(MESSAGES["failed"].format(message=exc), file=err, flush=True)
        return 1
    print(MESSAGES["passed"], file=out, flush=True)
    return 0
