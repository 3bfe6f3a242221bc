"""The set-password page over real HTTP: one-use, expiring links that end in a working login."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import shutil
from urllib.parse import urlsplit

import pytest
import requests
from lxml import html as lxml_html

from crm_stub import admin_actions as actions
from crm_stub import create_app, set_password
from crm_stub.operations.auth import authenticate_user
from crm_stub.operations.registry import OPERATIONS
from crm_stub.store import DB_NAME
from tests.servers import serve_wsgi
from tests.stub.support import Clock

NOW = dt.datetime(2026, 3, 10, 9, 0)
NEW_PASSWORD = "correct horse battery"


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def app(tmp_path, clock, seeded_db_at):
    shutil.copy(seeded_db_at(NOW), tmp_path / DB_NAME)
    return create_app(tmp_path, clock=clock, testing=True)


@pytest.fixture
def ctx(app):
    return app.extensions["crm_stub"]


@pytest.fixture
def base_url(app):
    with serve_wsgi(app) as url:
        yield url


def _invite(ctx, email_address="bob@acme.example") -> str:
    return actions.enable_portal_user(ctx.store, email_address, now=ctx.clock()).token


def _page(response) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(response.text)


def _post(base_url, token, password=NEW_PASSWORD, confirmation=None):
    return requests.post(f"{base_url}{set_password.PATH}", timeout=10, data={
        "token": token, "password": password,
        "confirmation": password if confirmation is None else confirmation})


def test_form_shows_the_login_and_carries_the_token(base_url, ctx):
    token = _invite(ctx)
    response = requests.get(f"{base_url}{set_password.PATH}", params={"token": token},
                            timeout=10)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    page = _page(response)
    assert page.xpath("//strong/text()") == ["bob@acme.example"]
    assert page.xpath("//form/@action") == [set_password.PATH]
    assert page.xpath("//input[@name='token']/@value") == [token]
    assert page.xpath("//input[@type='password']/@minlength") == ["8", "8"]


def test_setting_the_password_lets_the_contact_log_in_with_it(base_url, ctx):
    session = authenticate_user(ctx, "bob@acme.example", "bob123", "6.5.0")[0]["sessionid"]
    token = _invite(ctx)
    response = _post(base_url, token)
    assert response.status_code == 200
    assert "The password for bob@acme.example has been set." in " ".join(
        _page(response).text_content().split())
    [user] = authenticate_user(ctx, "bob@acme.example", NEW_PASSWORD, "6.5.0", "false")
    assert (user["id"], user["user_name"]) == ("5", "bob@acme.example")
    assert authenticate_user(ctx, "bob@acme.example", "bob123", "6.5.0") == [
        "INVALID_USERNAME_OR_PASSWORD"]
    assert ctx.store.scalar("SELECT session_id FROM sessions WHERE contact_id = 5") != session


def test_a_spent_link_is_refused(base_url, ctx):
    token = _invite(ctx)
    assert _post(base_url, token).status_code == 200
    again = _post(base_url, token, "another password")
    assert again.status_code == 410
    assert _page(again).xpath("//h1/text()") == ["Link no longer valid"]
    assert requests.get(f"{base_url}{set_password.PATH}", params={"token": token},
                        timeout=10).status_code == 410
    assert authenticate_user(ctx, "bob@acme.example", "another password", "6.5.0",
                             "false") == ["INVALID_USERNAME_OR_PASSWORD"]


@pytest.mark.parametrize("password, confirmation, message", [
    ("short", "short", "at least 8 characters"),
    ("long enough", "long enougH", "The two passwords differ."),
    ("x" * 257, "x" * 257, "at most 256 characters"),
])
def test_weak_or_mismatched_passwords_keep_the_link_usable(base_url, ctx, password,
                                                            confirmation, message):
    token = _invite(ctx)
    response = _post(base_url, token, password, confirmation)
    assert response.status_code == 400
    page = _page(response)
    assert message in page.xpath("//p[@role='alert']/text()")[0]
    assert page.xpath("//input[@name='token']/@value") == [token]
    assert "bob123" not in response.text
    assert _post(base_url, token).status_code == 200


def test_an_expired_link_is_refused(base_url, ctx, clock):
    token = _invite(ctx)
    clock.now = NOW + set_password.WELCOME_LINK_LIFETIME
    assert _post(base_url, token).status_code == 410
    assert authenticate_user(ctx, "bob@acme.example", "bob123", "6.5.0", "false")[0][
        "user_name"] == "bob@acme.example"


@pytest.mark.parametrize("token", ["", "nope", "A" * 43, "<script>" * 6])
def test_unknown_tokens_get_the_invalid_page(base_url, token):
    response = requests.get(f"{base_url}{set_password.PATH}", params={"token": token},
                            timeout=10)
    assert response.status_code == 410
    assert "<script>" not in response.text


def test_a_disabled_login_cannot_use_its_link(base_url, ctx):
    token = _invite(ctx)
    actions.disable_portal_user(ctx.store, "bob@acme.example")
    assert _post(base_url, token).status_code == 410


def test_the_user_name_is_html_escaped(base_url, ctx):
    ctx.store.execute("UPDATE contacts SET email = ? WHERE id = 5", ("<b>bob</b>@acme.example",))
    ctx.store.execute("UPDATE portal_users SET user_name = ? WHERE contact_id = 5",
                      ("<b>bob</b>@acme.example",))
    token = _invite(ctx, "<b>bob</b>@acme.example")
    response = requests.get(f"{base_url}{set_password.PATH}", params={"token": token},
                            timeout=10)
    assert "&lt;b&gt;bob&lt;/b&gt;@acme.example" in response.text
    assert _page(response).xpath("//strong/text()") == ["<b>bob</b>@acme.example"]
    assert not _page(response).xpath("//strong/b")


def test_the_reset_mail_link_of_send_mail_for_password_opens_the_form(base_url, ctx):
    answer = OPERATIONS["send_mail_for_password"].func(ctx, "alice@acme.example")
    assert answer.startswith("true@@@")
    [eml] = (ctx.data_dir / "outbox").glob("*.eml")
    text = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    link = next(word for word in text.get_body(("plain",)).get_content().split()
                if "token=" in word)
    parts = urlsplit(link)
    response = requests.get(f"{base_url}{parts.path}?{parts.query}", timeout=10)
    assert response.status_code == 200
    assert _page(response).xpath("//strong/text()") == ["alice@acme.example"]
    token = _page(response).xpath("//input[@name='token']/@value")[0]
    assert ctx.store.scalar("SELECT contact_id FROM password_tokens WHERE token_hash = ?",
                            (hashlib.sha256(token.encode()).hexdigest(),)) == 4
    assert _post(base_url, token).status_code == 200
    assert authenticate_user(ctx, "alice@acme.example", NEW_PASSWORD, "6.5.0", "false")[0][
        "id"] == "4"


def test_create_app_serves_the_page_only_at_the_canonical_path(app, base_url, ctx):
    token = _invite(ctx)
    assert "set_password" in app.blueprints
    assert requests.get(f"{base_url}{set_password.PATH}", params={"token": token},
                        timeout=10).status_code == 200
    assert requests.get(f"{base_url}/set-password", params={"token": token},
                        timeout=10).status_code == 404
