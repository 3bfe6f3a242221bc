"""Local list handling (search, sort, paging) and CRM values shown in the customer's locale."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel

from portalclient.pages.common import (PER_PAGE_CHOICES, matches, paginate, sort_key, sorted_by,
                                       url_with)
from portalclient.pages.formatting import human_size, localized


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: app.config["TEST_LOCALE"])
    app.config["TEST_LOCALE"] = "en"

    @app.route("/tickets/<state>")
    def tickets(state):
        return state

    return app


def test_every_word_must_occur_somewhere_ignoring_case():
    assert matches("widget START", ["TT1", "Widget Pro does not start"])
    assert matches("tt1 widget", ["TT1", "Widget Pro does not start"])
    assert not matches("widget invoice", ["TT1", "Widget Pro does not start"])
    assert matches("", ["anything"])


def test_sort_keys_order_numbers_and_amounts_by_value_and_text_without_case():
    values = ["10", "9", "(€)100.50", "(€)20", "beta", "Alpha"]
    assert sorted(values, key=sort_key) == ["9", "10", "(€)20", "(€)100.50", "Alpha", "beta"]
    assert sorted(["2026-11-01", "2025-12-31"], key=sort_key) == ["2025-12-31", "2026-11-01"]


def test_sorted_by_is_stable_and_reversible():
    rows = [("a", "2"), ("b", "10"), ("c", "2")]
    assert sorted_by(rows, lambda row: row[1], descending=False) == [
        ("a", "2"), ("c", "2"), ("b", "10")]
    assert sorted_by(rows, lambda row: row[1], descending=True)[0] == ("b", "10")


@pytest.mark.parametrize("query, number, first, last, pages", [
    ("", 1, 1, 25, 3), ("page=3", 3, 51, 60, 3), ("page=99", 3, 51, 60, 3),
    ("page=x", 1, 1, 25, 3), ("page=2&per_page=50", 2, 51, 60, 2),
    ("per_page=7", 1, 1, 25, 3),
])
def test_paginate_clamps_bad_page_numbers_and_sizes(app, query, number, first, last, pages):
    with app.test_request_context(f"/?{query}"):
        page = paginate(list(range(60)))
    assert (page.number, page.first, page.last, page.pages, page.total) == (
        number, first, last, pages, 60)
    assert page.per_page in PER_PAGE_CHOICES


def test_an_empty_list_is_one_empty_page(app):
    with app.test_request_context("/"):
        page = paginate([])
    assert (page.number, page.pages, page.first, page.last, list(page.items)) == (1, 1, 0, 0, [])


def test_url_with_changes_and_removes_query_arguments(app):
    with app.test_request_context("/tickets/open?q=widget&page=3"):
        assert url_with(sort="1", page=None) == "/tickets/open?q=widget&sort=1"


def test_url_with_ignores_url_for_instructions_smuggled_into_the_query(app):
    with app.test_request_context("/tickets/open?_scheme=javascript&_external=1&_anchor=x&q=a"):
        assert url_with(page=2) == "/tickets/open?q=a&page=2"


@pytest.mark.parametrize("locale, text, shown", [
    ("en", "2026-11-01", "Nov 1, 2026"),
    ("de", "2026-11-01", "01.11.2026"),
    ("en", "(€)2227.5", "€\u00a02,227.50"),
    ("de", "(€)2227.5", "€\u00a02.227,50"),
    ("en", "0000-00-00", "0000-00-00"),
    ("en", "Widget Pro", "Widget Pro"),
    ("en", "4711", "4711"),
])
def test_localized_formats_dates_and_amounts_and_leaves_the_rest(app, locale, text, shown):
    app.config["TEST_LOCALE"] = locale
    with app.test_request_context("/"):
        assert localized(text) == shown


@pytest.mark.parametrize("locale, size, shown", [
    ("en", 163, "163 byte"), ("en", 1536, "1.5 kB"), ("en", 5 * 1024 * 1024, "5 MB"),
    ("de", 1536, "1,5 kB"), ("en", None, ""),
])
def test_file_sizes_in_the_customers_locale(app, locale, size, shown):
    app.config["TEST_LOCALE"] = locale
    with app.test_request_context("/"):
        assert human_size(size) == shown
