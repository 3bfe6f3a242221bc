"""Dates in the solar hijri (Jalali) calendar, the civil calendar of Iran, with Persian names.

Babel only knows the Gregorian calendar; jdatetime converts. Digits are left Latin here: the
caller writes them in the page locale's own digits.
"""

from __future__ import annotations

import datetime as dt

import jdatetime


def format_jalali(day: dt.date, width: str = "medium") -> str:
    """``day`` as a Persian reader writes it: "1405/09/03" (short), "3 آذر 1405" (medium, long),
    "سه‌شنبه 3 آذر 1405" (full)."""
    jday = jdatetime.date.fromgregorian(date=day)
    if width == "short":
        return f"{jday.year}/{jday.month:02d}/{jday.day:02d}"
    text = f"{jday.day} {jdatetime.date.j_months_fa[jday.month - 1]} {jday.year}"
    if width == "full":
        return f"{jdatetime.date.j_weekdays_fa[jday.weekday()]} {text}"
    return text
