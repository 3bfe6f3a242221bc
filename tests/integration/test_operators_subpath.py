"""The portal under a sub-path behind a reverse proxy that strips the prefix or passes it on:
every link, form, stylesheet and redirect carries the prefix, and the cookie is scoped to it."""

from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy
from typing import Any, Iterable

import pytest
import requests

from tests.integration.conftest import csrf_token_of, page
from tests.servers import serve_wsgi

PREFIX = "/customerportal"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
              "content-encoding", "te", "trailer", "upgrade", "proxy-authenticate"}


class ReverseProxy:
    """A tiny WSGI reverse proxy for ``PREFIX``: forwards to ``backend`` (stripping the prefix or
    not), adds X-Forwarded-* headers, and passes answers back untouched (no Location rewriting,
    so the portal must build prefixed URLs itself)."""

    def __init__(self, backend: str, strip: bool) -> None:
        self.backend = backend
        self.strip = strip
        self.http = requests.Session()
        # A proxy must not keep cookies of its own: they would leak between browsers.
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not behind this proxy"]
        upstream = (path[len(PREFIX):] or "/") if self.strip else path
        query = environ.get("QUERY_STRING", "")
        answer = self.http.request(
            environ["REQUEST_METHOD"], f"{self.backend}{upstream}" + (f"?{query}" if query else ""),
            headers=self._headers(environ), data=self._body(environ), allow_redirects=False,
            timeout=10)
        headers = [(name, value) for name, value in answer.raw.headers.items()
                   if name.lower() not in HOP_BY_HOP]
        start_response(f"{answer.status_code} {answer.reason}", headers)
        return [answer.content]

    @staticmethod
    def _headers(environ: dict[str, Any]) -> dict[str, str]:
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and key not in ("HTTP_HOST", "HTTP_CONNECTION")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        headers.update({"X-Forwarded-For": environ.get("REMOTE_ADDR", ""),
                        "X-Forwarded-Proto": environ["wsgi.url_scheme"],
                        "X-Forwarded-Host": environ.get("HTTP_HOST", "")})
        return headers

    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return environ["wsgi.input"].read(length) if length else b""


@pytest.fixture(params=["strip", "keep"])
def public_url(request, stub_crm, make_portal) -> Iterable[str]:
    """The portal's public base URL (with the prefix), through a proxy of either kind."""
    backend = make_portal(stub_crm.url, Authenticate_Path=f"http://127.0.0.1{PREFIX}/",
                          security={"secret_key": "subpath-secret", "trusted_proxies": 1})
    proxy = ReverseProxy(backend, strip=request.param == "strip")
    with serve_wsgi(proxy) as proxy_url:
        yield f"{proxy_url}{PREFIX}"
    proxy.http.close()


def local_urls(response: requests.Response) -> list[str]:
    """Every site-local URL the page points at (links, forms, images, stylesheets)."""
    urls = page(response).xpath("//@href | //@src | //@action")
    return [str(url) for url in urls if str(url).startswith("/")]


def assert_all_prefixed(response: requests.Response) -> None:
    urls = local_urls(response)
    assert urls, "the page has no local links at all"
    assert [url for url in urls if not url.startswith(PREFIX + "/")] == []


def log_in(browser: requests.Session, login_page: requests.Response) -> requests.Response:
    form = page(login_page).xpath("//form[@method='post']")[0]
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    action = requests.compat.urljoin(login_page.url, form.get("action"))
    return browser.post(action, data={**fields, "email": "alice@acme.example",
                                      "password": "alice123"})


def test_login_home_and_logout_under_the_prefix(public_url, browser):
    entry = browser.get(f"{public_url}/", allow_redirects=False)
    assert entry.status_code == 302
    assert entry.headers["Location"] == f"{PREFIX}/login?next={PREFIX}/"
    login_page = browser.get(f"{public_url}/login", params={"next": f"{PREFIX}/"})
    assert_all_prefixed(login_page)
    assert page(login_page).xpath("//form[@method='post']/@action") == [f"{PREFIX}/login"]
    home = log_in(browser, login_page)
    assert home.url == f"{public_url}/"
    assert page(home).xpath("//table[@id='open-tickets']//td[@class='ticket-number']/text()")
    assert_all_prefixed(home)
    [cookie] = [c for c in browser.cookies if c.name == "portal_session"]
    assert cookie.path == PREFIX
    token = csrf_token_of(home)
    out = browser.post(f"{public_url}/logout", data={"csrf_token": token},
                       allow_redirects=False)
    assert out.headers["Location"] == f"{PREFIX}/login"


def test_stylesheets_and_account_pages_work_through_the_proxy(public_url, browser):
    home = log_in(browser, browser.get(f"{public_url}/login"))
    for href in page(home).xpath("//link[@rel='stylesheet']/@href"):
        sheet = browser.get(requests.compat.urljoin(home.url, href))
        assert sheet.status_code == 200, href
        assert sheet.headers["Content-Type"].startswith("text/css")
    settings = browser.get(f"{public_url}/settings")
    assert settings.status_code == 200
    assert_all_prefixed(settings)
    assert page(settings).xpath("//a[@id='change-password-link']/@href") == [
        f"{PREFIX}/settings/password"]
    assert_all_prefixed(browser.get(f"{public_url}/settings/password"))
    assert_all_prefixed(browser.get(f"{public_url}/forgot-password"))


def test_next_and_a_lost_session_keep_the_prefix(public_url, browser):
    wanted = browser.get(f"{public_url}/settings", allow_redirects=False)
    assert wanted.headers["Location"] == f"{PREFIX}/login?next={PREFIX}/settings"
    back = log_in(browser, browser.get(f"{public_url}/login",
                                       params={"next": f"{PREFIX}/settings"}))
    assert back.url == f"{public_url}/settings"
    token = csrf_token_of(browser.get(f"{public_url}/settings/password"))
    with requests.Session() as elsewhere:
        log_in(elsewhere, elsewhere.get(f"{public_url}/login"))
    sent = browser.post(f"{public_url}/settings/password", allow_redirects=False, headers={
        "Referer": f"{public_url}/settings"}, data={
        "csrf_token": token, "old_password": "alice123", "new_password": "another secret",
        "repeat_password": "another secret"})
    # The Referer is checked against the public host the proxy forwarded (X-Forwarded-Host).
    assert sent.headers["Location"] == f"{PREFIX}/login?next={PREFIX}/settings"
