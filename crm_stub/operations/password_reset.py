"""send_mail_for_password, done safely: a time-limited set-password link instead of a reset.

berliCRM resets the password of any known address before it knows whether mail can be sent
(PROTOCOL 3.8). The stub never changes a password here: it mails a one-time link whose token
is stored only as a SHA-256 hash, and answers every non-empty address with the same generic
``true@@@`` text, so the answer does not reveal which addresses have a portal login. Send
failures are logged, not reported, for the same reason. A second request for the same contact
within ``RESEND_PAUSE`` sends nothing (no mail flooding).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from werkzeug.security import generate_password_hash

from crm_stub.context import StubContext
from crm_stub.operations.formatting import to_php_string
from crm_stub.operations.registry import operation
from crm_stub.store import format_time

log = logging.getLogger(__name__)

TOKEN_LIFETIME = dt.timedelta(hours=1)
RESEND_PAUSE = dt.timedelta(minutes=1)
SET_PASSWORD_PATH = "/portal/set-password"  # served by crm_stub.set_password
SENDER = "portal@crm.example"
GENERIC_ANSWER = ("true@@@<b>If this address belongs to an active portal login, a mail with a "
                  "link to set a new password has been sent to it.</b>")
EMPTY_ANSWER = "false@@@<b>Please give your email id</b>"
SUBJECT = "Customer portal: set a new password"
BODY = ("Hello {name},\n\nsomeone (hopefully you) asked to set a new password for the customer "
        "portal login {login}.\nOpen this link within {minutes} minutes to choose one:\n\n{link}"
        "\n\nIf you did not ask for this, ignore this mail; your password is unchanged.\n")
#: The same message in the languages demo contacts may have; English is always included.
TRANSLATIONS = {
    "de": "Öffnen Sie den Link innerhalb von {minutes} Minuten, um ein neues Passwort zu "
          "wählen. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Mail.",
    "it": "Apra il link entro {minutes} minuti per scegliere una nuova password. Se non l'ha "
          "richiesto, ignori questa e-mail.",
    "sv": "Öppna länken inom {minutes} minuter för att välja ett nytt lösenord. Om du inte har "
          "bett om detta kan du ignorera mejlet.",
    "ja": "{minutes}分以内にリンクを開いて新しいパスワードを設定してください。"
          "心当たりがない場合は、このメールを無視してください。",
    "ru": "Откройте ссылку в течение {minutes} минут, чтобы задать новый пароль. Если вы этого "
          "не запрашивали, просто проигнорируйте письмо.",
    "fa": "برای انتخاب گذرواژهٔ جدید، پیوند را ظرف {minutes} دقیقه باز کنید. اگر این درخواست "
          "از شما نبوده است، این نامه را نادیده بگیرید.",
}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _active_login(ctx: StubContext, address: str) -> Any:
    """The active, portal-enabled login of that address (the support window is not checked)."""
    return ctx.store.query_one(
        "SELECT p.contact_id, p.user_name, c.firstname, c.lastname, c.email, c.language"
        " FROM portal_users p JOIN contacts c ON c.id = p.contact_id"
        " JOIN entities e ON e.id = c.id"
        " WHERE p.user_name = ? AND p.is_active = 1 AND c.portal = 1 AND e.deleted = 0",
        (address,))


def _recently_sent(ctx: StubContext, contact_id: int, now: dt.datetime) -> bool:
    newest = ctx.store.scalar("SELECT MAX(expires) FROM password_tokens WHERE contact_id = ?",
                              (contact_id,))
    return newest is not None and newest > format_time(now + TOKEN_LIFETIME - RESEND_PAUSE)


def _issue_token(ctx: StubContext, contact_id: int, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    ctx.store.insert("password_tokens", token_hash=_token_hash(token), contact_id=contact_id,
                     expires=format_time(now + TOKEN_LIFETIME))
    return token


def compose_mail(ctx: StubContext, login: Any, token: str) -> EmailMessage:
    """The set-password mail: English, plus the contact's language when we have it."""
    minutes = int(TOKEN_LIFETIME.total_seconds() // 60)
    link = f"{ctx.base_url.rstrip('/')}{SET_PASSWORD_PATH}?token={quote(token)}"
    name = " ".join(part for part in (login["firstname"], login["lastname"]) if part)
    body = BODY.format(name=name, login=login["user_name"], minutes=minutes, link=link)
    extra = TRANSLATIONS.get(login["language"] or "")
    if extra:
        body += "\n--\n" + extra.format(minutes=minutes) + "\n" + link + "\n"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, login["email"], SUBJECT
    message.set_content(body)
    return message


def _deliver(ctx: StubContext, message: EmailMessage) -> None:
    """Send through ``ctx.mailer``, or drop an .eml file into ``data_dir/outbox``."""
    if ctx.mailer is not None:
        ctx.mailer(message["To"], message["Subject"], message.get_content())
        return
    outbox = ctx.data_dir / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = ctx.clock().strftime("%Y%m%d-%H%M%S")
    path = outbox / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(message.as_bytes())
    log.info("password mail written to %s", path)


@operation("send_mail_for_password", returns="string")
def send_mail_for_password(ctx: StubContext, email: Any) -> str:
    """Mail a set-password link to an active login; the same answer for every address."""
    address = to_php_string(email).strip() if not isinstance(email, (dict, list)) else ""
    if not address:
        return EMPTY_ANSWER
    login = _active_login(ctx, address)
    now = ctx.clock()
    if login is None or _recently_sent(ctx, login["contact_id"], now):
        return GENERIC_ANSWER
    token = _issue_token(ctx, login["contact_id"], now)
    try:
        _deliver(ctx, compose_mail(ctx, login, token))
    except OSError:  # SMTP and file errors alike; the answer must not differ (see module doc)
        log.exception("could not send the password mail for contact %s", login["contact_id"])
    return GENERIC_ANSWER


def token_contact(ctx: StubContext, token: str) -> int | None:
    """The contact a valid (unused, unexpired) set-password token belongs to, else None."""
    if not isinstance(token, str) or not token:
        return None
    row = ctx.store.query_one(
        "SELECT contact_id FROM password_tokens WHERE token_hash = ? AND used = 0"
        " AND expires > ?", (_token_hash(token), format_time(ctx.clock())))
    return None if row is None else int(row["contact_id"])


def redeem_token(ctx: StubContext, token: str, new_password: str) -> bool:
    """Set the password of a valid token's contact, consuming all its tokens; False if invalid."""
    if not isinstance(new_password, str) or not new_password:
        return False
    with ctx.store.transaction():
        contact_id = token_contact(ctx, token)
        if contact_id is None:
            return False
        ctx.store.execute("UPDATE portal_users SET password_hash = ? WHERE contact_id = ?",
                          (generate_password_hash(new_password), contact_id))
        ctx.store.execute("UPDATE password_tokens SET used = 1 WHERE contact_id = ?",
                          (contact_id,))
    return True
