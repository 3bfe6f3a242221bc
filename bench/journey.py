"""The customer journey: log in, find record ids on the list pages, walk the ten pages.

Each virtual customer is a ``requests.Session`` (its own cookie, its own CRM session) used by
one thread, closed-loop: the next page is asked for as soon as the previous one arrived.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
import requests

from bench.provision import Login
from bench.stats import Sample

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 60.0
#: (page name, path); ``{name}`` is filled with a record id found on a list page. Lists ask for
#: the organisation's records (``scope=all``): the bench's fresh contacts own none themselves.
JOURNEY = (
    ("ticket list", "/tickets?scope=all"),
    ("ticket detail", "/tickets/{ticket}"),
    ("FAQ list", "/faq"),
    ("FAQ detail", "/faq/{faq}"),
    ("invoice list", "/invoices?scope=all"),
    ("invoice detail", "/invoices/{invoice}"),
    ("documents", "/documents?scope=all"),
    ("products", "/products?scope=all"),
    ("project detail", "/projects/{project}"),
    ("my settings", "/settings"),
)
PAGES = tuple(page for page, _ in JOURNEY)
#: Where each id is looked for, once, before the measurement: id name -> (list page, the
#: detail pages' path prefix).
ID_SOURCES = {"ticket": ("/tickets?scope=all", "/tickets"), "faq": ("/faq", "/faq"),
              "invoice": ("/invoices?scope=all", "/invoices"),
              "project": ("/projects?scope=all", "/projects")}
#: Used when a list page has no record link yet: the detail page then answers 404 (an error).
MISSING_ID = "0"


class LoginFailed(RuntimeError):
    """The portal did not accept a virtual customer's login."""


def csrf_token_of(html: str) -> str:
    """The value of the form's hidden ``csrf_token`` field."""
    values = lxml.html.fromstring(html).xpath("//input[@name='csrf_token']/@value")
    if not values:
        raise LoginFailed("the login page has no csrf_token field")
    return values[0]


def first_record_id(html: str, base_url: str, prefix: str) -> str | None:
    """The id of the first link to ``<prefix>/<digits>`` on a page, if any."""
    pattern = re.compile("^" + re.escape(prefix) + r"/(\d+)/?$")
    for href in lxml.html.fromstring(html).xpath("//a/@href"):
        match = pattern.search(urlsplit(urljoin(base_url, href)).path)
        if match:
            return match.group(1)
    return None


@dataclass
class Customer:
    """One virtual customer: a login and a browser-like HTTP session on the portal."""

    base_url: str
    login: Login

    def __post_init__(self) -> None:
        self.http = requests.Session()

    def log_in(self) -> None:
        """Log in through the portal's form, as a browser does; LoginFailed if refused."""
        form = self.http.get(self.base_url + "/login", timeout=REQUEST_TIMEOUT)
        form.raise_for_status()
        answer = self.http.post(
            self.base_url + "/login", allow_redirects=False, timeout=REQUEST_TIMEOUT,
            data={"email": self.login.email, "password": self.login.password,
                  "csrf_token": csrf_token_of(form.text)})
        if answer.status_code != 302:
            raise LoginFailed(f"{self.login.email}: login answered {answer.status_code}")

    def discover_ids(self) -> dict[str, str]:
        """One record id per detail page, from the list pages' links (MISSING_ID if none)."""
        ids = {}
        for name, (path, prefix) in ID_SOURCES.items():
            page = self.http.get(self.base_url + path, timeout=REQUEST_TIMEOUT)
            found = first_record_id(page.text, page.url, prefix) if page.ok else None
            if found is None:
                log.warning("no %s id found on %s (HTTP %d): its detail page will be an "
                            "error", name, path, page.status_code)
            ids[name] = found or MISSING_ID
        return ids

    def fetch(self, page: str, path: str) -> Sample:
        """Time one page request; a transport failure is status 0."""
        started = time.perf_counter()
        try:
            response = self.http.get(self.base_url + path, allow_redirects=False,
                                     timeout=REQUEST_TIMEOUT)
            status = response.status_code
        except requests.RequestException as exc:
            log.warning("%s: %s", path, exc)
            status = 0
        return Sample(page, time.perf_counter() - started, status)


def journey_paths(ids: dict[str, str]) -> list[tuple[str, str]]:
    """The journey's (page, path) pairs with the discovered ids filled in."""
    return [(page, path.format(**ids)) for page, path in JOURNEY]


@dataclass
class Walk:
    """What one customer's thread measured: every page sample and every full journey's time."""

    samples: list[Sample]
    journeys: list[float]


def walk_until(customer: Customer, paths: list[tuple[str, str]], deadline: float) -> Walk:
    """Walk the journey over and over; start no page after ``deadline`` (perf_counter)."""
    walk = Walk([], [])
    while True:
        began = time.perf_counter()
        for page, path in paths:
            if time.perf_counter() >= deadline:
                return walk
            walk.samples.append(customer.fetch(page, path))
        walk.journeys.append(time.perf_counter() - began)
