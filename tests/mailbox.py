"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it is sent, for mail tests."""

from __future__ import annotations

import contextlib
import email
import email.policy
from email.message import EmailMessage
from typing import Any, Iterator

from aiosmtpd.controller import Controller

from tests.servers import free_port


class Mailbox:
    """aiosmtpd handler keeping every envelope it accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        """The accepted mails, parsed."""
        return [email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                for envelope in self.envelopes]


@contextlib.contextmanager
def smtp_mailbox() -> Iterator[tuple[Controller, Mailbox]]:
    """The running server (``.hostname``, ``.port``) and its mailbox; stopped afterwards."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()
