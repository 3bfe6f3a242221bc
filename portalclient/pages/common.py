"""What every customer page shares: the module and record-ownership guard, Mine/All scope, local search, sorting and
paging (CRM values in the customer's locale live in ``formatting``).

The CRM has no paging, sorting or safe search (PROTOCOL 4.4, 6.1): lists arrive whole, and the
portal does all of that locally on typed rows, never by sending user text to the CRM.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Generic, Iterable, Sequence, TypeVar

from flask import abort, request, url_for

from portalclient.cache import get_cache
from portalclient.crm.markup import parse_currency
from portalclient.crm_access import get_crm
from portalclient.pages.formatting import ISO_DATE, ISO_DATETIME, init_formatting
from portalclient.pages.trans_digits import init_trans_digits
from portalclient.pages.ownership import require_visible
from portalclient.session import current_customer, login_required

T = TypeVar("T")

DEFAULT_PER_PAGE = 25
PER_PAGE_CHOICES = (10, 25, 50, 100)
MAX_QUERY_LENGTH = 200

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


# -- module guard and scope ---------------------------------------------------------------------

def require_module(module: str) -> None:
    """404 unless the CRM has ``module`` enabled for the portal (a disabled module has no page)."""
    if module not in get_cache().modules(get_crm()):
        abort(404)


def module_page(module: str, *, records: str | None = None
                ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the customer must be logged in and the CRM must enable ``module``; a view
    taking ``record_id`` gets only ids of ``records`` (default ``module``) the customer may see,
    any other id is refused before the view runs (``ownership``)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            require_module(module)
            if "record_id" in kwargs:
                require_visible(current_customer(), records or module, str(kwargs["record_id"]))
            return view(*args, **kwargs)

        return login_required(guarded)

    return decorate


@dataclass(frozen=True)
class Scope:
    """Whose records a list shows: the customer's own, or the whole organization's."""

    can_see_all: bool
    name: str  # "mine" or "all"

    @property
    def only_mine(self) -> bool:
        return self.name != "all"


def list_scope(module: str) -> Scope:
    """``?scope=all`` where the CRM lets this module show the organization's records."""
    can_see_all = get_cache().show_all(get_crm(), module)
    wanted = request.args.get("scope")
    return Scope(can_see_all, "all" if can_see_all and wanted == "all" else "mine")


# -- search, sort, paging ----------------------------------------------------------------------

def search_query() -> str:
    """The customer's search text (``?q=``), trimmed and bounded."""
    return request.args.get("q", "").strip()[:MAX_QUERY_LENGTH]


def matches(query: str, texts: Iterable[str]) -> bool:
    """Whether every word of ``query`` occurs in one of ``texts`` (case-insensitive)."""
    words = query.casefold().split()
    haystack = " ".join(text.casefold() for text in texts)
    return all(word in haystack for word in words)


def sort_key(text: str) -> tuple:
    """Order numbers as numbers, amounts by value, ISO dates by date, the rest by text."""
    stripped = text.strip()
    _symbol, amount = parse_currency(stripped)
    candidate = amount or stripped
    if _NUMBER.match(candidate):
        return (0, Decimal(candidate), "")
    if ISO_DATE.match(stripped) or ISO_DATETIME.match(stripped):
        return (1, Decimal(0), stripped)
    return (2, Decimal(0), stripped.casefold())


@dataclass(frozen=True)
class SortOrder:
    """``?sort=<column>&dir=asc|desc`` as requested (column validated by the caller)."""

    column: str
    descending: bool


def sort_order(allowed: Sequence[str], default: str = "", descending: bool = False) -> SortOrder:
    """The requested sort column if it is one of ``allowed``, else the default."""
    column = request.args.get("sort", "")
    if column not in allowed:
        return SortOrder(default, descending)
    return SortOrder(column, request.args.get("dir") == "desc")


def sorted_by(items: Sequence[T], key: Callable[[T], str], descending: bool) -> list[T]:
    """``items`` ordered by the text ``key`` returns (see ``sort_key``), stable."""
    return sorted(items, key=lambda item: sort_key(key(item)), reverse=descending)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list."""

    items: Sequence[T]
    number: int
    pages: int
    total: int
    per_page: int

    @property
    def first(self) -> int:
        """1-based position of the first item shown (0 when empty)."""
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.total else 0


def paginate(items: Sequence[T], page_arg: str = "page") -> Page[T]:
    """The page ``?<page_arg>=`` of ``items`` with ``?per_page=`` rows (bad values fall back);
    a page showing several lists gives each its own ``page_arg``."""
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE)
    if per_page not in PER_PAGE_CHOICES:
        per_page = DEFAULT_PER_PAGE
    pages = max(1, math.ceil(len(items) / per_page))
    number = min(max(1, _int_arg(page_arg, 1)), pages)
    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, pages, len(items), per_page)


def _int_arg(name: str, default: int) -> int:
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


def url_with(**changes: Any) -> str:
    """This page's URL with query arguments changed (None removes one); for sort and pager.

    Arguments starting with ``_`` are dropped: ``url_for`` reads ``_external``, ``_scheme`` and
    ``_anchor`` as instructions, and a visitor's query must never steer how links are built.
    """
    args = {key: value for key, value in request.args.items() if not key.startswith("_")}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_common(app) -> None:
    """Template helpers: ``url_with``, the locale filters of ``formatting``, and translated
    text whose numbers are in the customer's digits (``trans_digits``)."""
    app.jinja_env.globals["url_with"] = url_with
    init_formatting(app)
    init_trans_digits(app)
