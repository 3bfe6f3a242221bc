"""authenticate_user, change_password, update_login_details, send_mail_for_password."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes, policy

import pytest

from crm_stub.operations.auth import version_compare
from crm_stub import admin_actions, set_password
from crm_stub.operations.password_reset import GENERIC_ANSWER, RESEND_PAUSE
from crm_stub.operations.visibility import valid_session
from tests.stub.support import NOW, call, login, trace


def _auth(ctx, user, password, version="6.0.0", *login_flag):
    return call(ctx, "authenticate_user", user, password, version, *login_flag)


def test_login_answers_like_the_trace(ctx):
    result = _auth(ctx, "alice@acme.example", "alice123")
    expected = trace("authenticate_user")
    assert list(result[0]) == list(expected[0])
    for key in ("id", "user_name", "user_password", "last_login_time"):
        assert result[0][key] == expected[0][key]
    assert result[0]["support_start_date"] == "2025-01-01"
    assert result[0]["support_end_date"] == "2030-12-31"
    assert re.fullmatch(r"[A-Za-z0-9]{32}", result[0]["sessionid"])


def test_user_name_is_case_insensitive_and_the_sent_password_is_echoed(ctx):
    result = _auth(ctx, "ALICE@ACME.EXAMPLE", "alice123")
    assert result[0]["user_name"] == "alice@acme.example"
    assert result[0]["user_password"] == "alice123"


@pytest.mark.parametrize("user, password", [
    ("alice@acme.example", "wrong"), ("nobody@acme.example", "alice123"),
    ("carol@globex.example", "carol123"),  # support period ended
    ("frank@globex.example", "frank123"),  # portal login deactivated
    ("alice@acme.example", ""),
])
def test_refused_logins(ctx, user, password):
    assert _auth(ctx, user, password) == ["INVALID_USERNAME_OR_PASSWORD"]


def test_old_portal_versions_are_not_compatible(ctx):
    assert _auth(ctx, "alice@acme.example", "alice123", "5.0.4") == ["NOT COMPATIBLE"]
    assert _auth(ctx, "alice@acme.example", "alice123", "5.1.0")[0]["id"] == "4"


@pytest.mark.parametrize("left, right, expected", [
    ("6.0.0", "5.1.0", 1), ("5.1", "5.1.0", -1), ("5.1.0", "5.1.0", 0),
    ("5.1.0rc1", "5.1.0", -1), ("5.1.0pl1", "5.1.0", 1), ("", "5.1.0", -1), ("10", "5.1.0", 1),
])
def test_version_compare_follows_php(left, right, expected):
    assert version_compare(left, right) == expected


def test_login_false_verifies_without_touching_the_session(ctx):
    session = login(ctx)
    result = _auth(ctx, "alice@acme.example", "alice123", "6.0.0", "false")
    assert "sessionid" not in result[0] and result[0]["id"] == "4"
    assert valid_session(ctx, "4", session["sessionid"])


def test_a_boolean_false_login_flag_still_replaces_the_session(ctx):
    session = login(ctx)
    result = _auth(ctx, "alice@acme.example", "alice123", "6.0.0", False)
    assert "sessionid" in result[0]
    assert not valid_session(ctx, "4", session["sessionid"])


def test_session_ids_must_be_strings(ctx):
    session = login(ctx)
    assert valid_session(ctx, 4, session["sessionid"])
    assert not valid_session(ctx, "4", True)
    assert not valid_session(ctx, "4", 0)
    assert not valid_session(ctx, "4", "")
    assert not valid_session(ctx, "5", session["sessionid"])


def _change(ctx, session, username, password):
    return call(ctx, "change_password", {**session, "username": username, "password": password,
                                         "version": "6.0.0"})


def test_change_password_answers_the_internal_authentication(ctx):
    session = login(ctx)
    assert _change(ctx, session, "alice@acme.example", "N3w-secret") == \
        trace("change_password")
    assert _auth(ctx, "alice@acme.example", "alice123") == ["INVALID_USERNAME_OR_PASSWORD"]
    assert _auth(ctx, "alice@acme.example", "N3w-secret", "6.0.0", "false")[0]["id"] == "4"
    assert valid_session(ctx, "4", session["sessionid"])


def test_change_password_to_the_same_password_returns_the_user(ctx):
    session = login(ctx)
    result = _change(ctx, session, "alice@acme.example", "alice123")
    assert result[0]["id"] == "4" and "sessionid" not in result[0]


def test_change_password_refuses_another_contacts_credentials(ctx):
    session = login(ctx)
    assert _change(ctx, session, "bob@acme.example", "bob123") == ["MORE_THAN_ONE_USER"]
    assert _auth(ctx, "bob@acme.example", "bob123", "6.0.0", "false")[0]["id"] == "5"


def test_change_password_with_a_foreign_user_name_changes_nothing(ctx):
    session = login(ctx)
    assert _change(ctx, session, "carol@globex.example", "x") == ["INVALID_USERNAME_OR_PASSWORD"]
    assert _auth(ctx, "alice@acme.example", "alice123", "6.0.0", "false")[0]["id"] == "4"


def test_change_password_needs_a_session(ctx):
    assert _change(ctx, {"id": "4", "sessionid": "nope"}, "alice@acme.example", "x") is None


def test_login_details_set_last_login_time_on_logout(ctx):
    session = login(ctx)
    ctx.clock.now = NOW + dt.timedelta(minutes=1)
    assert call(ctx, "update_login_details", {**session, "flag": "login"}) is None
    ctx.clock.now = NOW + dt.timedelta(minutes=9)
    assert call(ctx, "update_login_details", {**session, "flag": "logout"}) is None
    row = ctx.store.query_one("SELECT * FROM portal_users WHERE contact_id = 4")
    assert (row["login_time"], row["logout_time"], row["last_login_time"]) == (
        "2026-11-23 23:31:00", "2026-11-23 23:39:00", "2026-11-23 23:31:00")
    assert valid_session(ctx, "4", session["sessionid"])
    assert _auth(ctx, "alice@acme.example", "alice123")[0]["last_login_time"] == \
        "2026-11-23 23:31:00"


def test_login_details_ignore_a_bad_session(ctx):
    assert call(ctx, "update_login_details", {"id": "4", "sessionid": "x", "flag": "login"}) \
        is None
    assert ctx.store.scalar("SELECT login_time FROM portal_users WHERE contact_id = 4") is None


def _token_from(body: str) -> str:
    return re.search(r"/set-password\?token=([A-Za-z0-9_%-]+)", body).group(1)


def _holder(ctx, token):
    return set_password.holder_of(ctx.store, token, ctx.clock())


def _redeem(ctx, token, password):
    return set_password.redeem(ctx.store, token, password, ctx.clock())


def test_password_mail_sends_a_link_and_changes_nothing_yet(ctx):
    assert call(ctx, "send_mail_for_password", "alice@acme.example") == GENERIC_ANSWER
    [(to, subject, body)] = ctx.mailer.sent
    assert to == "alice@acme.example" and subject == "Set a new customer portal password"
    assert "http://crm.test/portal/set-password?token=" in body
    assert "expires in 2 hours" in body
    assert _auth(ctx, "alice@acme.example", "alice123", "6.0.0", "false")[0]["id"] == "4"
    token = _token_from(body)
    assert _holder(ctx, token) == set_password.LinkHolder(4, "alice@acme.example")
    assert _redeem(ctx, token, "Fresh-pass1") is not None
    assert _auth(ctx, "alice@acme.example", "Fresh-pass1", "6.0.0", "false")[0]["id"] == "4"
    assert _redeem(ctx, token, "again") is None


def test_password_mail_stores_a_reset_token(ctx):
    call(ctx, "send_mail_for_password", "alice@acme.example")
    row = ctx.store.query_one("SELECT * FROM password_tokens WHERE contact_id = 4")
    assert (row["kind"], row["created"], row["expires"], row["used"]) == (
        "reset", "2026-11-23 23:30:00", "2026-11-24 01:30:00", 0)
    assert row["token_hash"] == set_password.token_hash(_token_from(ctx.mailer.sent[0][2]))


def test_password_mail_does_not_reveal_unknown_or_inactive_addresses(ctx):
    assert call(ctx, "send_mail_for_password", "nobody@acme.example") == GENERIC_ANSWER
    assert call(ctx, "send_mail_for_password", "frank@globex.example") == GENERIC_ANSWER
    assert ctx.mailer.sent == []
    assert call(ctx, "send_mail_for_password", "") == \
        "false@@@<b>Please give your email id</b>"


def test_password_links_expire_and_are_not_resent_at_once(ctx):
    call(ctx, "send_mail_for_password", "alice@acme.example")
    call(ctx, "send_mail_for_password", "alice@acme.example")
    assert len(ctx.mailer.sent) == 1
    token = _token_from(ctx.mailer.sent[0][2])
    ctx.clock.now = NOW + set_password.RESET_LINK_LIFETIME
    assert _holder(ctx, token) is None
    assert _redeem(ctx, token, "late") is None


def test_a_new_link_is_sent_after_the_pause_and_voids_the_old_one(ctx):
    call(ctx, "send_mail_for_password", "alice@acme.example")
    ctx.clock.now = NOW + RESEND_PAUSE
    assert call(ctx, "send_mail_for_password", "alice@acme.example") == GENERIC_ANSWER
    first, second = (_token_from(body) for _, _, body in ctx.mailer.sent)
    assert _holder(ctx, first) is None
    assert _holder(ctx, second).contact_id == 4


def test_a_fresh_welcome_link_does_not_hold_back_a_reset_mail(ctx):
    # Regression: the pause once looked at the newest expiry of any token, so a 72-hour welcome
    # link silenced "forgot password" for about 71 hours.
    welcome = admin_actions.enable_portal_user(ctx.store, "bob@acme.example", now=NOW).token
    ctx.clock.now = NOW + dt.timedelta(hours=1)
    assert call(ctx, "send_mail_for_password", "bob@acme.example") == GENERIC_ANSWER
    [(to, _, body)] = ctx.mailer.sent
    assert to == "bob@acme.example"
    assert _holder(ctx, _token_from(body)).user_name == "bob@acme.example"
    assert _holder(ctx, welcome) is None


def test_password_mail_adds_the_contacts_language_and_uses_the_outbox(ctx):
    ctx.mailer = None
    call(ctx, "send_mail_for_password", "dave@globex.example")
    [eml] = list((ctx.data_dir / "outbox").iterdir())
    text = eml.read_bytes().decode("utf-8", "replace")
    assert "To: dave@globex.example" in text
    assert eml.suffix == ".eml"
    body = message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(
        ("plain",)).get_content()
    assert "新しいパスワード" in body and "set-password?token=" in body
