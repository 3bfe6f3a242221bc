"""The stub CRM's mail: real SMTP to a local aiosmtpd server, the .eml outbox, templates."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest
from lxml import html as lxml_html

from crm_stub import mail
from tests.mailbox import smtp_mailbox
from tests.servers import free_port

LINK = "http://crm.test/portal/set-password?token=abc_DEF-123&x=1"


@pytest.fixture
def smtp_server():
    with smtp_mailbox() as running:
        yield running


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _parts(message: EmailMessage) -> tuple[str, str]:
    """(text, html) with line ends as written (SMTP carries CRLF)."""
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    page = message.get_body(("html",)).get_content()
    return text, page


def test_link_mail_over_real_smtp_reaches_the_recipient(smtp_server):
    controller, recorder = smtp_server
    mailer = mail.make_mailer("127.0.0.1", controller.port, "CRM <crm@crm.test>")
    mail.send_link_mail(mailer, "welcome", to="gina@globex.example", name="Gina Gómez",
                        user_name="gina@globex.example", language=None, link=LINK, hours=72)
    [envelope] = recorder.envelopes
    assert envelope.mail_from == "crm@crm.test"
    assert envelope.rcpt_tos == ["gina@globex.example"]
    message = _parse(envelope.original_content)
    assert message["Subject"] == "Your customer portal access"
    assert message["To"] == "gina@globex.example"
    assert message.get_content_type() == "multipart/alternative"
    text, page = _parts(message)
    assert "Hello Gina Gómez," in text
    assert f"\n{LINK}\n" in text
    assert "expires in 72 hours" in text
    anchors = lxml_html.fromstring(page).xpath("//a")
    assert [a.get("href") for a in anchors] == [LINK]


def test_bilingual_mail_carries_both_languages_in_subject_and_body(smtp_server):
    controller, recorder = smtp_server
    mailer = mail.make_mailer("127.0.0.1", controller.port)
    mail.send_link_mail(mailer, "reset", to="dave@globex.example", name="Dave Dawson",
                        user_name="dave@globex.example", language="ja-JP", link=LINK, hours=2)
    message = _parse(recorder.envelopes[0].original_content)
    assert message["Subject"] == ("Set a new customer portal password / "
                                  "カスタマーポータルのパスワード再設定")
    text, page = _parts(message)
    assert text.index("Hello Dave Dawson,") < text.index("Dave Dawson 様")
    assert text.count(LINK) == 2
    assert "2 時間で有効期限が切れます" in text
    assert len(lxml_html.fromstring(page).xpath("//hr")) == 1


def test_unreachable_smtp_server_raises_an_os_error():
    mailer = mail.make_mailer("127.0.0.1", free_port(), timeout=2)
    with pytest.raises(OSError):
        mailer("a@b.example", "subject", "text")


def test_outbox_mailer_writes_complete_eml_files(tmp_path):
    outbox = tmp_path / "outbox"
    mailer = mail.outbox_mailer(outbox, "CRM <crm@crm.test>")
    mailer("erin@globex.example", "Hej / Ünïcode", "Line one\n\nhttps://x.test/a?b=1&c=2\n")
    [path] = outbox.iterdir()
    assert path.suffix == ".eml"
    message = _parse(path.read_bytes())
    assert message["From"] == "CRM <crm@crm.test>"
    assert message["To"] == "erin@globex.example"
    assert message["Subject"] == "Hej / Ünïcode"
    assert message["Message-ID"].endswith("@crm-stub.invalid>")
    text, page = _parts(message)
    assert text == "Line one\n\nhttps://x.test/a?b=1&c=2\n"
    assert lxml_html.fromstring(page).xpath("//a/@href") == ["https://x.test/a?b=1&c=2"]


def test_text_to_html_escapes_text_and_marks_paragraph_direction():
    page = mail.text_to_html("Hi <script>alert(1)</script> & co\nline 2\n\n"
                             + "-" * 40 + "\n\nسلام http://x.test/?a=<b>")
    assert "<script>" not in page
    tree = lxml_html.fromstring(page)
    paragraphs = tree.xpath("//p")
    assert [p.get("dir") for p in paragraphs] == ["auto", "auto"]
    assert paragraphs[0].text_content() == "Hi <script>alert(1)</script> & co" + "line 2"
    assert len(paragraphs[0].xpath("br")) == 1
    assert len(tree.xpath("//hr")) == 1
    assert paragraphs[1].xpath("a/@href") == ["http://x.test/?a="]


@pytest.mark.parametrize("tag, expected", [("sv-SE", "sv"), ("pt_BR", None), ("FA", "fa"),
                                           ("", None), (None, None), ("en", None)])
def test_mail_language_picks_a_template_language(tag, expected):
    assert mail.mail_language(tag) == expected


@pytest.mark.parametrize("language", mail.MAIL_LANGUAGES)
def test_every_language_has_both_mails_with_the_link(language):
    for kind in ("welcome", "reset"):
        subject, text = mail.render_mail(kind, language, name="N", user_name="u@x.test",
                                         link=LINK, hours=5)
        english, local = subject.split(" / ")
        assert english and local
        assert text.count(LINK) == 2
        assert text.count("u@x.test") == 2
        assert "5" in text.split("-" * 40)[1]


def test_mailer_from_env_prefers_smtp_then_outbox_then_data_dir(tmp_path):
    smtp = mail.mailer_from_env({"CRM_STUB_SMTP_HOST": "mx.test", "CRM_STUB_SMTP_PORT": "2525",
                                 "CRM_STUB_SMTP_USER": "u", "CRM_STUB_SMTP_PASSWORD": "p",
                                 "CRM_STUB_SMTP_SECURITY": "STARTTLS",
                                 "CRM_STUB_MAIL_FROM": "crm@mx.test"}, tmp_path)
    assert smtp == mail.SmtpMailer("mx.test", 2525, "crm@mx.test", "u", "p", "starttls", 10.0)
    outbox = mail.mailer_from_env({"CRM_STUB_OUTBOX": str(tmp_path / "box")}, tmp_path)
    assert outbox == mail.OutboxMailer(tmp_path / "box", mail.DEFAULT_SENDER)
    assert mail.mailer_from_env({}, tmp_path) == mail.OutboxMailer(tmp_path / "outbox")
    assert mail.mailer_from_env({}) is None


def test_unknown_smtp_security_is_refused():
    with pytest.raises(ValueError, match="starttls"):
        mail.make_mailer("mx.test", 25, security="tls")


def test_mailer_for_falls_back_to_the_data_dir_outbox(tmp_path):
    def mine(to, subject, text):
        return None
    assert mail.mailer_for(mine, tmp_path) is mine
    assert mail.mailer_for(None, tmp_path) == mail.OutboxMailer(tmp_path / "outbox")
