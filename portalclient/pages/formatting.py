"""CRM values shown in the customer's locale: ISO dates and date-times, amounts, file sizes.

The CRM sends dates as ISO text and amounts as "<symbol><number>" (PROTOCOL 4.x); Babel renders
them the way the customer's locale writes them. Anything else is shown exactly as the CRM sent it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Callable

from babel.units import format_unit
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from portalclient.crm.markup import parse_currency

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")


def localized(text: str) -> str:
    """A CRM value for display: ISO dates and amounts in the customer's locale, else as sent."""
    stripped = text.strip()
    if ISO_DATE.match(stripped):
        return _date_or_text(stripped, lambda: format_date(dt.date.fromisoformat(stripped)))
    if ISO_DATETIME.match(stripped):
        return _date_or_text(stripped, lambda: format_datetime(
            dt.datetime.fromisoformat(stripped), "short"))
    symbol, amount = parse_currency(stripped)
    if symbol and amount:
        return f"{symbol}\u00a0{_decimal(amount)}"
    return text


def _date_or_text(text: str, render: Callable[[], str]) -> str:
    try:
        return render()
    except ValueError:  # 0000-00-00 and other impossible dates the CRM may hold
        return text


def _decimal(amount: str) -> str:
    try:
        return format_decimal(Decimal(amount.replace(",", "")), format="#,##0.00")
    except InvalidOperation:
        return amount


_SIZE_UNITS = ((1024 ** 3, "digital-gigabyte"), (1024 ** 2, "digital-megabyte"),
               (1024, "digital-kilobyte"))


def human_size(size: int | None) -> str:
    """A byte count the way the customer's locale writes it ("1.5 MB", "۱٫۵ مگابایت")."""
    if size is None:
        return ""
    for factor, unit in _SIZE_UNITS:
        if size >= factor:
            value = round(size / factor, 1)
            return format_unit(int(value) if value.is_integer() else value, unit,
                               length="short", locale=get_locale())
    return format_unit(size, "digital-byte", length="short", locale=get_locale())


def init_formatting(app) -> None:
    """The ``localized`` and ``filesize`` template filters."""
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["filesize"] = human_size
