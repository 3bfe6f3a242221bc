"""Security headers on every GET endpoint of the running portal (app.url_map walked, anonymous
and logged in, real records reached by following the portal's own links), error pages,
downloads and static files; and no inline script or style in any page, so the strict CSP holds."""

from __future__ import annotations

from collections import Counter, deque
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
import requests
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from portalclient import create_app
from tests.integration.conftest import Customer, csrf_token_of, log_in_as, portal_overrides

MAX_PAGES = 250
#: Pages visited per endpoint: sort orders and pages of one list add nothing new.
PER_ENDPOINT = 3
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture(scope="module")
def url_map(tmp_path_factory) -> Map:
    """The portal's routes (an app built like the running one)."""
    root = tmp_path_factory.mktemp("routes")
    return create_app(overrides=portal_overrides("http://127.0.0.1:9", root)).url_map


def csp_directives(policy: str) -> dict[str, list[str]]:
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {words[0]: words[1:] for words in parts}


def header_problems(response: requests.Response) -> list[str]:
    """What is missing or too weak in one response's headers."""
    problems = [f"{name}={response.headers.get(name)!r}" for name, value in EXPECTED.items()
                if response.headers.get(name) != value]
    policy = csp_directives(response.headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    if scripts is None or UNSAFE_SOURCES & set(scripts):
        problems.append(f"script sources {scripts}")
    if policy.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {policy.get('frame-ancestors')}")
    if not response.headers.get("Permissions-Policy"):
        problems.append("no Permissions-Policy")
    if response.headers.get("Content-Type", "").startswith("text/html"):
        problems += inline_code(response.text)
        if "no-store" not in response.headers.get("Cache-Control", ""):
            problems.append("HTML page may be cached")
    return [f"{response.request.method} {response.url} [{response.status_code}]: {problem}"
            for problem in problems]


def inline_code(html: str) -> list[str]:
    """Inline script or style the CSP would block: script bodies, handlers, style attributes."""
    tree = lxml.html.fromstring(html)
    found = [f"inline <script> {s.text[:40]!r}" for s in tree.xpath("//script[not(@src)]")]
    found += ["<style> element" for _ in tree.xpath("//style")]
    found += [f"{el.tag} {name}=" for el in tree.iter() if isinstance(el.tag, str)
              for name in el.attrib if name.startswith("on") or name == "style"]
    found += [f"javascript: link {href[:40]!r}"
              for href in tree.xpath("//@href | //@action | //@src")
              if href.strip().lower().startswith("javascript:")]
    return found


def crawl(browser: requests.Session, base: str, url_map: Map) -> Iterator[requests.Response]:
    """Same-site pages reachable by links from the home page (GET only, a few per endpoint)."""
    seen, queue, per_endpoint = set(), deque([f"{base}/"]), Counter()
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        endpoint = endpoint_of(url_map, url)
        if url in seen or per_endpoint[endpoint] >= PER_ENDPOINT:
            continue
        seen.add(url)
        per_endpoint[endpoint] += 1
        response = browser.get(url, allow_redirects=False)
        yield response
        if response.headers.get("Content-Type", "").startswith("text/html"):
            queue.extend(links_of(response, base))


def links_of(response: requests.Response, base: str) -> list[str]:
    tree = lxml.html.fromstring(response.text)
    found = []
    for href in tree.xpath("//a/@href | //link/@href | //script/@src | //img/@src"):
        url = urljoin(response.url, href).split("#")[0]
        if url.startswith(base) and "lang=" not in url and "/logout" not in url:
            found.append(url)
    return found


def endpoint_of(url_map: Map, url: str) -> str | None:
    try:
        return url_map.bind("127.0.0.1").match(urlsplit(url).path, method="GET")[0]
    except HTTPException:  # the router's redirect or 404: no endpoint
        return None


def placeholder_urls(url_map: Map, base: str) -> dict[str, str]:
    """One URL per GET rule, with 1 for every argument (reaches the view or its 404/403)."""
    urls = {}
    for rule in url_map.iter_rules():
        if "GET" in rule.methods:
            args = {name: "favicon.svg" if name == "filename" else "1" for name in rule.arguments}
            urls[rule.endpoint] = base + url_map.bind("127.0.0.1").build(rule.endpoint, args)
    return urls


@pytest.fixture(scope="module")
def alice_m(demo) -> Iterator[Customer]:
    with requests.Session() as browser:
        yield log_in_as(demo[0], browser, demo[1], "alice@acme.example")


def test_every_get_endpoint_anonymous(demo, url_map):
    problems = []
    with requests.Session() as browser:
        for url in placeholder_urls(url_map, demo[1]).values():
            problems += header_problems(browser.get(url, allow_redirects=False))
    assert problems == []


def test_every_get_endpoint_logged_in_with_real_records(demo, url_map, alice_m):
    problems, reached = [], set()
    for response in crawl(alice_m.browser, demo[1], url_map):
        problems += header_problems(response)
        reached.add(endpoint_of(url_map, response.url))
    missing = set(placeholder_urls(url_map, demo[1])) - reached
    for endpoint in sorted(missing):
        url = placeholder_urls(url_map, demo[1])[endpoint]
        problems += header_problems(alice_m.browser.get(url, allow_redirects=False))
    assert problems == []
    assert {"tickets.detail", "tickets.attachment", "sales.invoice_pdf", "documents.download",
            "faq.detail", "static"} <= reached


def test_error_pages_carry_the_headers(demo, alice_m):
    base = demo[1]
    responses = [
        requests.get(f"{base}/no-such-page"),
        requests.post(f"{base}/tickets"),  # 405
        alice_m.browser.post(f"{base}/logout", data={"csrf_token": "forged"}),  # 400
        alice_m.get("/tickets/999999"),
        alice_m.get("/documents/999999/download"),
    ]
    assert [r.status_code for r in responses[:3]] == [404, 405, 400]
    assert [p for r in responses for p in header_problems(r)] == []


def test_form_posts_and_throttled_answers_carry_the_headers(demo):
    with requests.Session() as browser:
        token = csrf_token_of(browser.get(f"{demo[1]}/login"))
        refused = browser.post(f"{demo[1]}/login", data={
            "csrf_token": token, "email": "alice@acme.example", "password": "wrong"})
    assert refused.status_code == 401
    assert header_problems(refused) == []


def test_downloads_keep_their_sandbox_and_gain_frame_ancestors(demo, alice_m):
    invoice = demo[0].store.scalar("SELECT id FROM invoices WHERE contact_id = 4 LIMIT 1")
    pdf = alice_m.get(f"/invoices/{invoice}/pdf")
    assert pdf.status_code == 200
    policy = csp_directives(pdf.headers["Content-Security-Policy"])
    assert "sandbox" in policy
    assert policy["frame-ancestors"] == ["'none'"]
    assert "no-store" in pdf.headers["Cache-Control"]


def test_https_deployments_send_hsts(stub_crm, make_portal):
    portal = make_portal(stub_crm.url, Authenticate_Path="https://127.0.0.1/")
    assert requests.get(f"{portal}/login").headers["Strict-Transport-Security"] == (
        "max-age=31536000")
    plain = make_portal(stub_crm.url)
    assert "Strict-Transport-Security" not in requests.get(f"{plain}/login").headers
