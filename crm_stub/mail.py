"""Outgoing mail of the stub CRM: SMTP or an ``.eml`` outbox, and the templated link mails.

A mailer is any ``mailer(to, subject, text)`` callable (as ``StubContext.mailer``). The mailers
here build a UTF-8 ``multipart/alternative`` message whose HTML part is derived from the text with
lxml, so no HTML is ever assembled from strings and every paragraph gets ``dir="auto"`` (Persian
reads right to left next to the English original).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Callable, Mapping

import jinja2
from lxml import etree
from lxml.html import builder as E

log = logging.getLogger(__name__)

Mailer = Callable[[str, str, str], None]

DEFAULT_SENDER = "Stub CRM <crm@localhost>"
SECURITY_MODES = ("none", "starttls", "ssl")
#: Languages with mail templates besides English (``templates/mail/<kind>/<lang>.txt``).
MAIL_LANGUAGES = ("de", "es", "fa", "fr", "it", "ja", "ru", "sv", "tr", "zh")
_URL = re.compile(r"https?://[^\s<>\"]+")
_SECTION_RULE = "-" * 40


def build_message(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    """An RFC 5322 message: the text, plus an HTML alternative derived from it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain="crm-stub.invalid")
    message.set_content(text, charset="utf-8")
    message.add_alternative(text_to_html(text), subtype="html", charset="utf-8")
    return message


def _linkified(line: str) -> list:
    """A text line as lxml content: plain strings with http(s) URLs turned into anchors."""
    parts: list = []
    position = 0
    for match in _URL.finditer(line):
        parts.append(line[position:match.start()])
        parts.append(E.A(match.group(), href=match.group()))
        position = match.end()
    parts.append(line[position:])
    return [part for part in parts if not isinstance(part, str) or part]


def _paragraph(block: str) -> etree._Element:
    content: list = []
    for number, line in enumerate(block.splitlines()):
        if number:
            content.append(E.BR())
        content.extend(_linkified(line))
    return E.P(*content, dir="auto")


def text_to_html(text: str) -> str:
    """An HTML document with one paragraph per blank-line-separated block; rules become <hr>."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    body = [E.HR() if block.strip() == _SECTION_RULE else _paragraph(block) for block in blocks]
    page = E.HTML(E.HEAD(E.META(charset="utf-8")), E.BODY(*body))
    return etree.tostring(page, method="html", encoding="unicode", doctype="<!DOCTYPE html>")


@dataclass(frozen=True)
class SmtpMailer:
    """Sends each message over a fresh SMTP connection (smtplib), optionally TLS and login."""

    host: str
    port: int = 25
    sender: str = DEFAULT_SENDER
    username: str | None = None
    password: str | None = None
    security: str = "none"
    timeout: float = 10.0

    def __call__(self, to: str, subject: str, text: str) -> None:
        message = build_message(self.sender, to, subject, text)
        with self._connect() as smtp:
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)
        log.info("mail %r sent to %s via %s:%s", subject, to, self.host, self.port)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp


@dataclass(frozen=True)
class OutboxMailer:
    """Demo mode: writes each message as ``<time>-<random>.eml`` into a directory."""

    directory: Path
    sender: str = DEFAULT_SENDER

    def __call__(self, to: str, subject: str, text: str) -> None:
        message = build_message(self.sender, to, subject, text)
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{secrets.token_hex(4)}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, path)  # readers never see a half-written message
        log.info("mail %r to %s written to %s", subject, to, path)


def make_mailer(smtp_host: str, smtp_port: int = 25, sender: str = DEFAULT_SENDER, *,
                username: str | None = None, password: str | None = None,
                security: str = "none", timeout: float = 10.0) -> SmtpMailer:
    """A mailer that delivers over SMTP; ``security`` is 'none', 'starttls' or 'ssl'."""
    if security not in SECURITY_MODES:
        raise ValueError(f"SMTP security must be one of {', '.join(SECURITY_MODES)}")
    return SmtpMailer(smtp_host, int(smtp_port), sender, username, password, security, timeout)


def outbox_mailer(directory: str | Path, sender: str = DEFAULT_SENDER) -> OutboxMailer:
    """A mailer that writes ``.eml`` files into ``directory`` (created on first mail)."""
    return OutboxMailer(Path(directory), sender)


def mailer_from_env(environ: Mapping[str, str] | None = None,
                    data_dir: str | Path | None = None) -> Mailer | None:
    """SMTP if CRM_STUB_SMTP_HOST is set, else an outbox (CRM_STUB_OUTBOX or data_dir/outbox)."""
    env = os.environ if environ is None else environ
    sender = env.get("CRM_STUB_MAIL_FROM") or DEFAULT_SENDER
    if env.get("CRM_STUB_SMTP_HOST"):
        return make_mailer(
            env["CRM_STUB_SMTP_HOST"], int(env.get("CRM_STUB_SMTP_PORT") or 25), sender,
            username=env.get("CRM_STUB_SMTP_USER") or None,
            password=env.get("CRM_STUB_SMTP_PASSWORD") or None,
            security=(env.get("CRM_STUB_SMTP_SECURITY") or "none").lower(),
            timeout=float(env.get("CRM_STUB_SMTP_TIMEOUT") or 10))
    if env.get("CRM_STUB_OUTBOX"):
        return outbox_mailer(env["CRM_STUB_OUTBOX"], sender)
    if data_dir is not None:
        return outbox_mailer(Path(data_dir) / "outbox", sender)
    return None


def mailer_for(mailer: Mailer | None, data_dir: str | Path) -> Mailer:
    """The context's mailer, or the ``data_dir/outbox`` writer when it has none."""
    return mailer if mailer is not None else outbox_mailer(Path(data_dir) / "outbox")


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("crm_stub", "templates"),
    autoescape=False,  # plain-text mail; the HTML part is built by lxml from the text
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=False,
)


def mail_language(language: str | None) -> str | None:
    """The template language for a contact's BCP 47 tag ('sv-SE' -> 'sv'), None for English."""
    primary = (language or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in MAIL_LANGUAGES else None


def _render(kind: str, language: str, values: Mapping[str, object]) -> tuple[str, str]:
    template = _TEMPLATES.get_template(f"mail/{kind}/{language}.txt")
    context = template.new_context(dict(values))
    subject = "".join(template.blocks["subject"](context)).strip()
    body = "".join(template.blocks["body"](context)).strip()
    return subject, body


def render_mail(kind: str, language: str | None, **values: object) -> tuple[str, str]:
    """(subject, text) of mail ``kind`` in English, followed by the contact's language if known."""
    subject, body = _render(kind, "en", values)
    other = mail_language(language)
    if other is None:
        return subject, body + "\n"
    local_subject, local_body = _render(kind, other, values)
    return f"{subject} / {local_subject}", f"{body}\n\n{_SECTION_RULE}\n\n{local_body}\n"


def send_link_mail(mailer: Mailer, kind: str, *, to: str, name: str, user_name: str,
                   language: str | None, link: str, hours: int) -> None:
    """Send a 'welcome' or 'reset' mail carrying a one-use set-password link."""
    subject, text = render_mail(kind, language, name=name, user_name=user_name, link=link,
                                hours=hours)
    mailer(to, subject, text)
