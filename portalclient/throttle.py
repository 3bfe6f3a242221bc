"""Brute-force protection for login and the password mail.

Failed tries are counted per account (the e-mail address typed) and per client address (after
ProxyFix, so the address a trusted proxy saw). After ``throttle_attempts`` failures of one key
within ``throttle_window_minutes``, every try for that key is refused for
``throttle_lockout_minutes`` — a temporary lockout rather than a growing delay, because a delay
would park a worker thread per try and let an attacker use up the portal's threads.

The counts live in this process (bounded TTL caches under a lock): with N worker processes an
attacker gets up to N times the attempts. Unknown and known accounts are counted alike, so a
refusal never tells whether an account exists.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from cachetools import TTLCache
from flask import Flask, current_app, request

from portalclient.config import PortalConfig

EXTENSION_KEY = "portalclient.throttle"
#: Keys (accounts + addresses) remembered per purpose: bounds memory under a flood of names.
MAX_KEYS = 10_000
LOGIN = "login"
PASSWORD_MAIL = "password_mail"

Key = tuple[str, str]


@dataclass(frozen=True)
class ThrottleRules:
    """How many failures within which window lead to how long a lockout (seconds)."""

    attempts: int
    window_seconds: float
    lockout_seconds: float

    @classmethod
    def from_config(cls, config: PortalConfig) -> "ThrottleRules":
        security = config.security
        return cls(attempts=security.throttle_attempts,
                   window_seconds=security.throttle_window_minutes * 60.0,
                   lockout_seconds=security.throttle_lockout_minutes * 60.0)


class Throttle:
    """Failure counts and lockouts of one purpose (login or password mail), thread-safe."""

    def __init__(self, rules: ThrottleRules, *, maxsize: int = MAX_KEYS,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self.rules = rules
        self._timer = timer
        self._failures: TTLCache = TTLCache(maxsize, rules.window_seconds, timer=timer)
        self._locked: TTLCache = TTLCache(maxsize, rules.lockout_seconds, timer=timer)
        self._lock = threading.Lock()

    def retry_after(self, keys: Iterable[Key]) -> int:
        """Whole seconds until every key may try again; 0 when none is locked out."""
        now = self._timer()
        with self._lock:
            until = max((self._locked.get(key, now) for key in keys), default=now)
        return math.ceil(until - now) if until > now else 0

    def record_failure(self, keys: Iterable[Key]) -> None:
        """Count one failed try for each key; a key reaching the limit is locked out."""
        now = self._timer()
        window_start = now - self.rules.window_seconds
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, ()) if t > window_start] + [now]
                if len(recent) >= self.rules.attempts:
                    self._failures.pop(key, None)
                    self._locked[key] = now + self.rules.lockout_seconds
                else:
                    self._failures[key] = tuple(recent)

    def clear(self, key: Key) -> None:
        """Forget the failures of ``key`` (a successful login clears its account)."""
        with self._lock:
            self._failures.pop(key, None)

    def __len__(self) -> int:
        """Keys currently remembered (failures and lockouts), for tests and monitoring."""
        with self._lock:
            return len(self._failures) + len(self._locked)


def init_throttle(app: Flask, config: PortalConfig) -> None:
    """One login and one password-mail throttle per app, from ``[security] throttle_*``."""
    rules = ThrottleRules.from_config(config)
    app.extensions[EXTENSION_KEY] = {LOGIN: Throttle(rules), PASSWORD_MAIL: Throttle(rules)}


def get_throttle(purpose: str) -> Throttle:
    """The running app's throttle for ``purpose`` (LOGIN or PASSWORD_MAIL)."""
    return current_app.extensions[EXTENSION_KEY][purpose]


def account_key(email: str) -> Key:
    """The account an attempt is about, spelled as the CRM compares it (case-insensitively)."""
    return ("account", email.strip().lower()[:320])


def client_keys(email: str) -> list[Key]:
    """The keys a try from this request counts against: the client address and the account."""
    keys: list[Key] = [("address", request.remote_addr or "unknown")]
    if email.strip():
        keys.append(account_key(email))
    return keys
