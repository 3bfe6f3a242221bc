"""The metadata caches: hit within the TTL, CRM errors not cached, cache failures fall through."""

from __future__ import annotations

import logging
import threading

import pytest

from portalclient.cache import LockedCache, PortalCache
from portalclient.config import CacheSection
from portalclient.crm.errors import CrmUnavailable


class CountingCrm:
    """A stand-in CRM answering the two global metadata calls and counting them."""

    def __init__(self, modules=("HelpDesk", "Faq")) -> None:
        self.answers = list(modules)
        self.calls: list[str] = []
        self.fail = False

    def modules(self) -> tuple[str, ...]:
        self.calls.append("modules")
        if self.fail:
            raise CrmUnavailable("down", operation="get_modules")
        return tuple(self.answers)

    def picklist(self, session: object, name: str) -> tuple[str, ...]:
        self.calls.append(f"picklist:{name}")
        return ("Low", "Normal", "High") if name == "ticketpriorities" else ("Open", "Closed")

    def show_all(self, module: str) -> bool:
        self.calls.append(f"show_all:{module}")
        return module == "HelpDesk"


def test_modules_are_fetched_once_within_the_ttl():
    cache, crm = PortalCache(CacheSection(modules_ttl_seconds=60)), CountingCrm()
    assert cache.modules(crm) == ("HelpDesk", "Faq")
    crm.answers = ["Faq"]
    assert cache.modules(crm) == ("HelpDesk", "Faq")
    assert crm.calls == ["modules"]


def test_clear_and_zero_ttl_ask_again():
    crm = CountingCrm()
    cache = PortalCache(CacheSection(modules_ttl_seconds=60))
    cache.modules(crm)
    cache.clear()
    crm.answers = ["Faq"]
    assert cache.modules(crm) == ("Faq",)
    uncached = PortalCache(CacheSection(modules_ttl_seconds=0))
    uncached.modules(crm)
    uncached.modules(crm)
    assert crm.calls == ["modules"] * 4


def test_show_all_is_cached_per_module():
    cache, crm = PortalCache(CacheSection()), CountingCrm()
    assert cache.show_all(crm, "HelpDesk") is True
    assert cache.show_all(crm, "Faq") is False
    assert cache.show_all(crm, "HelpDesk") is True
    assert crm.calls == ["show_all:HelpDesk", "show_all:Faq"]


def test_picklists_are_shared_between_customers_but_keyed_by_name():
    cache, crm = PortalCache(CacheSection()), CountingCrm()
    assert cache.picklist(crm, "alice-session", "ticketpriorities") == ("Low", "Normal", "High")
    assert cache.picklist(crm, "bob-session", "ticketpriorities") == ("Low", "Normal", "High")
    assert cache.picklist(crm, "bob-session", "ticketstatus") == ("Open", "Closed")
    assert crm.calls == ["picklist:ticketpriorities", "picklist:ticketstatus"]


def test_generic_metadata_is_keyed_by_everything_given():
    cache = PortalCache(CacheSection())
    assert cache.metadata("labels", "de", compute=lambda: "Titel") == "Titel"
    assert cache.metadata("labels", "en", compute=lambda: "Title") == "Title"
    assert cache.metadata("labels", "de", compute=lambda: "changed") == "Titel"


def test_crm_errors_reach_the_caller_and_are_not_cached():
    cache, crm = PortalCache(CacheSection()), CountingCrm()
    crm.fail = True
    with pytest.raises(CrmUnavailable):
        cache.modules(crm)
    crm.fail = False
    assert cache.modules(crm) == ("HelpDesk", "Faq")


def test_a_broken_cache_logs_and_falls_through(caplog):
    cache = LockedCache("broken", maxsize=4, ttl=60)
    with caplog.at_level(logging.WARNING, logger="portalclient.cache"):
        assert cache.get_or_compute(["unhashable"], lambda: 42) == 42
    assert "cache broken" in caplog.text


def test_concurrent_use_is_safe():
    cache = LockedCache("threads", maxsize=1000, ttl=60)
    results: list[int] = []

    def worker(base: int) -> None:
        for i in range(200):
            results.append(cache.get_or_compute((base + i) % 50, lambda v=(base + i) % 50: v))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 1600
    assert sorted(set(results)) == list(range(50))


def test_customer_entries_are_keyed_by_contact_and_dropped_for_that_contact_only():
    cache = PortalCache(CacheSection(customer_ttl_seconds=60))
    calls: list[str] = []

    def answer(who: str) -> str:
        calls.append(who)
        return f"tickets of {who}"

    assert cache.for_customer("4", "tickets", compute=lambda: answer("4")) == "tickets of 4"
    assert cache.for_customer("23", "tickets", compute=lambda: answer("23")) == "tickets of 23"
    assert cache.for_customer("4", "tickets", compute=lambda: answer("again")) == "tickets of 4"
    cache.forget_customer("4")
    assert cache.for_customer("4", "tickets", compute=lambda: answer("4")) == "tickets of 4"
    assert cache.for_customer("23", "tickets", compute=lambda: answer("x")) == "tickets of 23"
    assert calls == ["4", "23", "4"]


class KnowledgeBaseCrm:
    def __init__(self) -> None:
        self.calls = 0

    def knowledge_base(self, session: object) -> str:
        self.calls += 1
        return f"kb#{self.calls}"


def test_knowledge_base_is_shared_and_replaced_after_a_comment():
    cache, crm = PortalCache(CacheSection(faq_ttl_seconds=60)), KnowledgeBaseCrm()
    assert cache.knowledge_base(crm, "session of alice") == "kb#1"
    assert cache.knowledge_base(crm, "session of dave") == "kb#1"
    cache.replace_knowledge_base("kb with the new comment")
    assert cache.knowledge_base(crm, "session of alice") == "kb with the new comment"
    assert crm.calls == 1


def test_a_zero_ttl_never_keeps_a_customer_answer():
    cache = PortalCache(CacheSection(customer_ttl_seconds=0))
    answers = iter(["first", "second"])
    assert cache.for_customer("4", "k", compute=lambda: next(answers)) == "first"
    assert cache.for_customer("4", "k", compute=lambda: next(answers)) == "second"
