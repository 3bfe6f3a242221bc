"""Every cache of the portal, in one object in ``app.extensions``.

Global caches hold CRM metadata that is the same for every customer (the portal module list, the
per-module "see records across the organization" flags, picklists, the FAQ knowledge base).
The per-customer cache holds short-lived answers that depend on who asks; its keys always start
with the CRM contact id, so one customer's answer can never be served to another, and a
customer's own writes drop their entries. Each cachetools cache sits behind its own lock. A failing cache logs and falls through to the CRM, it never
breaks a page; CRM errors are not cached and reach the caller.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from typing import Any, Callable, Hashable, TypeVar

from cachetools import TTLCache
from flask import Flask, current_app, has_request_context, session

from portalclient.config import CacheSection
from portalclient.crm.models import CrmSession
from portalclient.session import current_customer

log = logging.getLogger(__name__)

EXTENSION_KEY = "portalclient.cache"
#: Session-cookie counter of the customer's writes: part of every per-customer key, so a write
#: handled by one worker process makes every other process (and host) read the lists afresh.
GENERATION_KEY = "lists_gen"
#: When the lists were last read afresh for an id they did not name (seconds since the epoch).
RENEWED_KEY = "lists_renewed"
#: At most one such re-read per customer in this many seconds, so probing ids costs the CRM
#: nothing more than one list call per interval.
RENEW_INTERVAL_SECONDS = 10
T = TypeVar("T")
_MISSING = object()


class LockedCache:
    """A TTLCache with a lock, whose failures are logged instead of raised."""

    def __init__(self, name: str, *, maxsize: int, ttl: float) -> None:
        self.name = name
        self._cache: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key``, else ``compute()`` (called outside the lock) stored."""
        value = self._lookup(key)
        if value is not _MISSING:
            return value
        value = compute()
        self._store(key, value)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key``, replacing what was there."""
        self._store(key, value)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def discard_where(self, predicate: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key satisfies ``predicate``."""
        with self._lock:
            for key in [key for key in self._cache if predicate(key)]:
                self._cache.pop(key, None)

    def _lookup(self, key: Hashable) -> Any:
        try:
            with self._lock:
                return self._cache.get(key, _MISSING)
        except (TypeError, ValueError, KeyError):
            log.warning("cache %s: lookup of %r failed; asking the CRM", self.name, key,
                        exc_info=True)
            return _MISSING

    def _store(self, key: Hashable, value: Any) -> None:
        try:
            with self._lock:
                self._cache[key] = value
        except (TypeError, ValueError, KeyError):
            log.warning("cache %s: could not keep %r", self.name, key, exc_info=True)


class PortalCache:
    """The portal's metadata caches; the CRM client is passed in so tests can use any client."""

    def __init__(self, config: CacheSection) -> None:
        ttl = config.modules_ttl_seconds
        self.modules_cache = LockedCache("modules", maxsize=1, ttl=ttl)
        self.show_all_cache = LockedCache("show_all", maxsize=config.maxsize, ttl=ttl)
        self.metadata_cache = LockedCache("metadata", maxsize=config.maxsize,
                                          ttl=config.metadata_ttl_seconds)
        self.faq_cache = LockedCache("faq", maxsize=1, ttl=config.faq_ttl_seconds)
        self.customer_cache = LockedCache("customer", maxsize=config.maxsize * 16,
                                          ttl=config.customer_ttl_seconds)

    def modules(self, crm: Any) -> tuple[str, ...]:
        """The CRM's portal modules in the admin's order (global, not per customer)."""
        return self.modules_cache.get_or_compute("modules", crm.modules)

    def show_all(self, crm: Any, module: str) -> bool:
        """Whether ``module`` may show records of the customer's whole organization."""
        return self.show_all_cache.get_or_compute(module, lambda: crm.show_all(module))

    def picklist(self, crm: Any, session: Any, name: str) -> tuple[str, ...]:
        """A picklist's values: the same for every customer, so the session is not in the key."""
        return self.metadata("picklist", name, compute=lambda: crm.picklist(session, name))

    def metadata(self, *key: Hashable, compute: Callable[[], T]) -> T:
        """Any other global CRM metadata; ``key`` must hold everything that changes the answer
        (never a customer's data: that goes through ``for_customer``)."""
        return self.metadata_cache.get_or_compute(key, compute)

    def knowledge_base(self, crm: Any, session: Any) -> Any:
        """The published FAQs: the same for every portal user (PROTOCOL 4.7)."""
        return self.faq_cache.get_or_compute("kbase", lambda: crm.knowledge_base(session))

    def replace_knowledge_base(self, knowledge_base: Any) -> None:
        """Keep the knowledge base the CRM just answered with (after a comment)."""
        self.faq_cache.clear()
        self.faq_cache.get_or_compute("kbase", lambda: knowledge_base)

    def for_customer(self, customer: CrmSession | str, *key: Hashable,
                     compute: Callable[[], T]) -> T:
        """A short-lived answer for one customer's CRM session (see ``customer_key``)."""
        return self.customer_cache.get_or_compute((*customer_key(customer), *key), compute)

    def renew_for_customer(self, customer: CrmSession | str, *key: Hashable,
                           compute: Callable[[], T]) -> T:
        """``compute()`` now, kept for the customer's session in place of any older answer."""
        value = compute()
        self.customer_cache.put((*customer_key(customer), *key), value)
        return value

    def forget_customer(self, contact_id: str) -> None:
        """Drop a customer's cached answers (after they changed something in the CRM) here, and
        move the request's customer to a new generation so other processes drop them too."""
        self.customer_cache.discard_where(lambda key: key[0] == contact_id)
        current = _request_customer()
        if current is not None and current.contact_id == contact_id:
            next_generation()

    def clear(self) -> None:
        """Forget everything (after an admin changed the portal set-up)."""
        for cache in (self.modules_cache, self.show_all_cache, self.metadata_cache,
                      self.faq_cache, self.customer_cache):
            cache.clear()


def session_tag(session_id: str) -> str:
    """A short digest of a CRM session id: tells sessions apart in keys without keeping (or
    logging) the id itself."""
    if not session_id:
        return ""
    return hashlib.blake2b(session_id.encode("utf-8"), digest_size=8).hexdigest()


def customer_key(customer: CrmSession | str) -> tuple[str, str, int]:
    """(contact id, session tag, write generation) that starts every per-customer key.

    A bare contact id (older callers) takes the session tag of the request's logged-in customer
    when it is the same contact, so their entries, too, end with that CRM session.
    """
    if isinstance(customer, CrmSession):
        return customer.contact_id, session_tag(customer.session_id), generation()
    current = _request_customer()
    if current is not None and current.contact_id == customer:
        return customer, session_tag(current.session_id), generation()
    return customer, "", 0


def generation() -> int:
    """The request's customer's write generation (0 outside a request)."""
    if not has_request_context():
        return 0
    value = session.get(GENERATION_KEY, 0)
    return value if isinstance(value, int) else 0


def next_generation() -> None:
    """Start a new generation: every per-customer answer is read from the CRM again."""
    session[GENERATION_KEY] = generation() + 1


def renew_for_missing_record() -> bool:
    """Start a new generation because a record id was not in the cached lists (the CRM may have
    made it since: a ticket staff opened for the customer); False when one was started less
    than RENEW_INTERVAL_SECONDS ago, and the lists are then taken as they are."""
    now = int(time.time())
    last = session.get(RENEWED_KEY, 0)
    if isinstance(last, int) and 0 <= now - last < RENEW_INTERVAL_SECONDS:
        return False
    session[RENEWED_KEY] = now
    next_generation()
    return True


def _request_customer() -> CrmSession | None:
    """The logged-in customer of the current request, if there is one."""
    return current_customer() if has_request_context() else None


def init_cache(app: Flask, config: CacheSection) -> None:
    app.extensions[EXTENSION_KEY] = PortalCache(config)


def get_cache() -> PortalCache:
    """The running app's caches."""
    return current_app.extensions[EXTENSION_KEY]
