"""Per-customer cache keys: contact id and CRM session, so a new login starts afresh and no
session id is ever kept or logged in a key."""

from __future__ import annotations

from flask import Flask, session

from portalclient.cache import (GENERATION_KEY, PortalCache, customer_key, next_generation,
                                session_tag)
from portalclient.config import CacheSection
from portalclient.crm.models import CrmSession

ALICE_1 = CrmSession("4", "session-one", "alice@acme.example")
ALICE_2 = CrmSession("4", "session-two", "alice@acme.example")
DAVE = CrmSession("23", "session-one", "dave@globex.example")


def test_keys_hold_the_contact_and_a_digest_of_the_session_never_the_session_id():
    contact, tag, generation = customer_key(ALICE_1)
    assert contact == "4" and len(tag) == 16 and generation == 0
    assert "session-one" not in tag
    assert customer_key(ALICE_2) != customer_key(ALICE_1)
    assert session_tag("") == ""
    assert customer_key("4") == ("4", "", 0)  # no request: a bare contact id


def test_a_new_session_of_the_same_contact_starts_afresh():
    cache = PortalCache(CacheSection(customer_ttl_seconds=60))
    assert cache.for_customer(ALICE_1, "tickets", compute=lambda: "first") == "first"
    assert cache.for_customer(ALICE_1, "tickets", compute=lambda: "again") == "first"
    assert cache.for_customer(ALICE_2, "tickets", compute=lambda: "second") == "second"
    assert cache.for_customer(DAVE, "tickets", compute=lambda: "dave's") == "dave's"


def test_renew_replaces_and_forget_drops_every_session_of_the_contact_only():
    cache = PortalCache(CacheSection(customer_ttl_seconds=60))
    cache.for_customer(ALICE_1, "k", compute=lambda: "old")
    assert cache.renew_for_customer(ALICE_1, "k", compute=lambda: "new") == "new"
    assert cache.for_customer(ALICE_1, "k", compute=lambda: "unused") == "new"
    cache.for_customer(ALICE_2, "k", compute=lambda: "two")
    cache.for_customer(DAVE, "k", compute=lambda: "dave's")
    cache.forget_customer("4")
    assert cache.for_customer(ALICE_1, "k", compute=lambda: "fresh 1") == "fresh 1"
    assert cache.for_customer(ALICE_2, "k", compute=lambda: "fresh 2") == "fresh 2"
    assert cache.for_customer(DAVE, "k", compute=lambda: "unused") == "dave's"


def test_a_write_moves_the_customer_to_a_new_generation_carried_in_the_session_cookie():
    """Another worker process sees the new generation in the cookie and so reads afresh."""
    app = Flask(__name__)
    app.secret_key = "test"
    cache = PortalCache(CacheSection(customer_ttl_seconds=60))
    with app.test_request_context():
        assert cache.for_customer(ALICE_1, "k", compute=lambda: "before") == "before"
        first = customer_key(ALICE_1)
        next_generation()
        assert customer_key(ALICE_1) == (*first[:2], first[2] + 1)
        assert session[GENERATION_KEY] == 1
        assert cache.for_customer(ALICE_1, "k", compute=lambda: "after") == "after"
