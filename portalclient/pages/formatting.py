"""Dates, times, numbers and CRM values in the customer's locale — one place for every page.

The templates' ``dateformat``/``datetimeformat`` filters (Flask-Babel's names) are replaced by
``format_day``/``format_moment`` here, so a locale's calendar (Persian: Jalali, when PortalConfig
says so), its own digits (Persian: ۰–۹) and its natural written forms (Japanese: 2026年11月24日)
apply on every page. The CRM sends dates as ISO text and amounts as "<symbol><number>"
(PROTOCOL 4.x); ``localized`` renders those and shows anything else exactly as sent.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Callable

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit
from flask_babel import get_locale, to_user_timezone

from portalclient.config import portal_config
from portalclient.crm.markup import parse_currency
from portalclient.pages import jalali

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
AMOUNT_PATTERN = "#,##0.00"

#: Digits of the numbering systems a configured locale may default to (Babel formats numbers
#: with the system's separators, but always writes Latin digits).
_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}
#: Where CLDR's pattern for a width reads like a machine's rather than how people write a date:
#: Japanese "medium" is 2026/11/24, a letter or a notice says 2026年11月24日.
_DATE_PATTERNS = {("ja", "medium"): "y年M月d日"}


def _locale() -> Locale:
    return get_locale() or Locale("en")


def native_digits(text: str, locale: Locale | None = None) -> str:
    """``text`` with Latin digits written in the locale's own ("2026" -> "۲۰۲۶" in Persian)."""
    digits = _DIGITS.get((locale or _locale()).default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def uses_jalali(locale: Locale | None = None) -> bool:
    """True on Persian pages when PortalConfig's ``[locale] persian_calendar`` is "jalali"."""
    return ((locale or _locale()).language == "fa"
            and portal_config().locale.persian_calendar == "jalali")


def format_day(value: dt.date | str | None, width: str = "medium") -> str:
    """A date ("short", "medium", "long", "full") in the customer's locale and calendar."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    locale = _locale()
    if uses_jalali(locale):
        return native_digits(jalali.format_jalali(day, width), locale)
    pattern = _DATE_PATTERNS.get((locale.language, width), width)
    return native_digits(format_date(day, pattern, locale=locale), locale)


def format_moment(value: dt.datetime | str | None, width: str = "medium") -> str:
    """A date and time of day in the customer's locale and calendar, in the portal's time zone
    (the time part as Babel's ``width`` gives it: "medium" has seconds, "short" does not)."""
    moment = _as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    locale = _locale()
    moment = to_user_timezone(moment)
    clock = native_digits(format_time(moment, width, tzinfo=moment.tzinfo, locale=locale), locale)
    joiner = locale.datetime_formats.get(width, locale.datetime_formats["medium"])
    return (str(joiner).replace("'", "").replace("{0}", clock)
            .replace("{1}", format_day(moment.date(), width)))


def format_number(value: int | float | Decimal | str, pattern: str | None = None) -> str:
    """A number with the locale's separators and digits ("1,234.5", "۱٬۲۳۴٫۵")."""
    locale = _locale()
    text = format_decimal(value, pattern, locale=locale, numbering_system="default")
    return native_digits(text, locale)


def format_share(ratio: float | Decimal) -> str:
    """A ratio as a percentage with the locale's sign and digits (0.4 -> "40%", "۴۰٪")."""
    locale = _locale()
    return native_digits(format_percent(ratio, locale=locale, numbering_system="default"), locale)


def localized(text: str) -> str:
    """A CRM value for display: ISO dates and amounts in the customer's locale, else as sent."""
    stripped = text.strip()
    if ISO_DATE.match(stripped):
        return _date_or_text(stripped, lambda: format_day(dt.date.fromisoformat(stripped)))
    if ISO_DATETIME.match(stripped):
        return _date_or_text(stripped, lambda: format_moment(
            dt.datetime.fromisoformat(stripped), "short"))
    symbol, amount = parse_currency(stripped)
    if symbol and amount:
        return f"{symbol}\u00a0{_amount(amount)}"
    return text


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        return dt.date.fromisoformat(value.strip())
    return None


def _as_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATETIME.match(value.strip()):
        return dt.datetime.fromisoformat(value.strip())
    return None


def _date_or_text(text: str, render: Callable[[], str]) -> str:
    try:
        return render()
    except ValueError:  # 0000-00-00 and other impossible dates the CRM may hold
        return text


def _amount(amount: str) -> str:
    try:
        return format_number(Decimal(amount.replace(",", "")), AMOUNT_PATTERN)
    except InvalidOperation:
        return amount


_SIZE_UNITS = ((1024 ** 3, "digital-gigabyte"), (1024 ** 2, "digital-megabyte"),
               (1024, "digital-kilobyte"))


def human_size(size: int | None) -> str:
    """A byte count the way the customer's locale writes it ("1.5 MB", "۱٫۵ MB")."""
    if size is None:
        return ""
    locale = _locale()
    value, unit = size, "digital-byte"
    for factor, candidate in _SIZE_UNITS:
        if size >= factor:
            rounded = round(size / factor, 1)
            value, unit = (int(rounded) if rounded.is_integer() else rounded), candidate
            break
    text = format_unit(value, unit, length="short", locale=locale, numbering_system="default")
    return native_digits(text, locale)


def init_formatting(app) -> None:
    """Template filters: ``localized``, ``filesize``, ``number``, and the date filters (Flask-
    Babel's ``dateformat``/``datetimeformat`` replaced, so the calendar applies everywhere)."""
    app.jinja_env.filters.update(
        localized=localized, filesize=human_size, number=format_number, percent=format_share,
        dateformat=format_day, datetimeformat=format_moment,
        date=format_day, datetime=format_moment)
