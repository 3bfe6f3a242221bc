"""Dates, times and numbers in the customer's locale: Jalali on Persian pages, Persian digits,
Japanese written forms, and the template filters every page's dates go through."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.dates import format_datetime
from flask import Flask, render_template_string

from portalclient.config import EXTENSION_KEY, load_config
from portalclient.i18n import init_i18n
from portalclient.pages.formatting import (format_day, format_moment, format_number, format_share,
                                           human_size, init_formatting, localized, native_digits)
from portalclient.pages.jalali import format_jalali

DAY = dt.date(2026, 11, 24)  # a Tuesday; 3 Azar 1405 in the solar hijri calendar
MOMENT = dt.datetime(2026, 11, 24, 14, 5, 9)


def _app(calendar: str) -> Flask:
    config = load_config(overrides={
        "Server_Path": "http://crm.test", "Authenticate_Path": "http://portal.test/",
        "upload_dir": "/tmp/uploads", "languages": ["en", "de", "fa", "ja", "ru", "zh_CN"],
        "locale": {"persian_calendar": calendar}, "security": {"secret_key": "unit-test"}})
    app = Flask(__name__)
    app.config["SECRET_KEY"] = config.security.secret_key
    app.extensions[EXTENSION_KEY] = config
    init_i18n(app, config)
    init_formatting(app)
    return app


@pytest.fixture(scope="module")
def app() -> Flask:
    return _app("jalali")


@pytest.fixture(scope="module")
def gregorian_app() -> Flask:
    return _app("gregorian")


@pytest.mark.parametrize("width, shown", [
    ("short", "1405/09/03"), ("medium", "3 آذر 1405"), ("long", "3 آذر 1405"),
    ("full", "سه\u200cشنبه 3 آذر 1405")])
def test_jalali_forms(width, shown):
    assert format_jalali(DAY, width) == shown


def test_jalali_year_boundary_nowruz():
    assert format_jalali(dt.date(2026, 3, 21), "short") == "1405/01/01"
    assert format_jalali(dt.date(2026, 3, 20), "short") == "1404/12/29"


@pytest.mark.parametrize("lang, width, shown", [
    ("fa", "medium", "۳ آذر ۱۴۰۵"),
    ("fa", "short", "۱۴۰۵/۰۹/۰۳"),
    ("ja", "medium", "2026年11月24日"),
    ("ja", "long", "2026年11月24日"),
    ("ja", "short", "2026/11/24"),
    ("en", "medium", "Nov 24, 2026"),
    ("de", "long", "24. November 2026"),
    ("ru", "long", "24 ноября 2026\u202fг."),
    ("zh_CN", "medium", "2026年11月24日"),
])
def test_dates_in_the_customers_locale_and_calendar(app, lang, width, shown):
    with app.test_request_context(f"/?lang={lang}"):
        assert format_day(DAY, width) == shown
        assert format_day(DAY.isoformat(), width) == shown


def test_persian_with_the_gregorian_calendar_keeps_persian_digits(gregorian_app):
    with gregorian_app.test_request_context("/?lang=fa"):
        assert format_day(DAY, "long") == "۲۴ نوامبر ۲۰۲۶"


@pytest.mark.parametrize("lang, shown", [
    ("en", "Nov 24, 2026, 2:05:09\u202fPM"),
    ("de", "24.11.2026, 14:05:09"),
    ("ja", "2026年11月24日 14:05:09"),
    ("fa", "۳ آذر ۱۴۰۵،\u200f ۱۴:۰۵:۰۹"),
])
def test_date_times(app, lang, shown):
    with app.test_request_context(f"/?lang={lang}"):
        assert format_moment(MOMENT) == shown


def test_date_times_match_babels_outside_persian_and_japanese(app):
    with app.test_request_context("/?lang=ru"):
        for width in ("short", "medium", "long"):
            assert format_moment(MOMENT, width) == format_datetime(MOMENT, width, locale="ru")


def test_aware_date_times_are_shown_in_the_portals_time_zone(app):
    moment = dt.datetime(2026, 11, 24, 16, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with app.test_request_context("/?lang=de"):
        assert format_moment(moment, "short") == "24.11.26, 14:05"


@pytest.mark.parametrize("lang, text, shown", [
    ("fa", "2026-11-24", "۳ آذر ۱۴۰۵"),
    ("fa", "(€)2227.5", "€\u00a0۲٬۲۲۷٫۵۰"),
    ("fa", "Widget Pro 2000", "Widget Pro 2000"),  # CRM text stays as sent
    ("fa", "0000-00-00", "0000-00-00"),
    ("ja", "2026-11-24 14:05:00", "2026/11/24 14:05"),
    ("ru", "($)1234.5", "$\u00a01\u00a0234,50"),
])
def test_crm_values(app, lang, text, shown):
    with app.test_request_context(f"/?lang={lang}"):
        assert localized(text) == shown


def test_numbers_and_sizes_in_persian_digits(app):
    with app.test_request_context("/?lang=fa"):
        assert format_number(1234) == "۱٬۲۳۴"
        assert format_number(Decimal("1234.5"), "#,##0.00") == "۱٬۲۳۴٫۵۰"
        assert human_size(1536) == "۱٫۵ kB"
        assert native_digits("TT17") == "TT۱۷"
        assert format_share(0.4) == "۴۰%"  # CLDR keeps the Latin sign for Persian
    with app.test_request_context("/?lang=en"):
        assert format_number(1234) == "1,234"
        assert native_digits("TT17") == "TT17"
        assert format_share(0.4) == "40%"


def test_template_filters_all_go_through_the_calendar(app):
    source = ("{{ day|dateformat('long') }}|{{ day|date }}|{{ moment|datetimeformat('medium') }}|"
              "{{ none|dateformat }}|{{ 12|number }}")
    with app.test_request_context("/?lang=fa"):
        shown = render_template_string(source, day=DAY, moment=MOMENT, none=None)
    assert shown == "۳ آذر ۱۴۰۵|۳ آذر ۱۴۰۵|۳ آذر ۱۴۰۵،\u200f ۱۴:۰۵:۰۹||۱۲"
