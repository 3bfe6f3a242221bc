"""Logs never carry passwords, CRM session ids or cookies.

Two layers. Libraries that can dump whole SOAP envelopes or HTTP headers at DEBUG (zeep, urllib3)
stay at WARNING unless an operator set their level on purpose. And every record is redacted when
it is made (a log record factory), so the rule holds for every handler — gunicorn's, an
operator's dictConfig, a test's — and for records of any library; ``RedactSecrets`` is the same
as a ``logging.Filter`` for setups that prefer filters on their own handlers.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

MASK = "[redacted]"
#: Loggers kept at WARNING unless configured: zeep logs envelopes, urllib3 connection details.
NOISY_LOGGERS = ("zeep", "urllib3")

_SECRET_NAMES = (r"(?:[\w-]*password|passwd|pwd|sessionid|session_id|csrf_token|secret_key"
                 r"|portal_session|session)")
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # HTTP headers that carry credentials: everything up to the end of the line or quote
    (re.compile(r"(\b(?:set-cookie|cookie|authorization|proxy-authorization)['\"]?\s*[:=]\s*"
                r"['\"]?)[^'\"\r\n]+", re.I), r"\1" + MASK),
    # SOAP elements: <password xsi:type="xsd:string">…</password>, <sessionid>…</sessionid>
    (re.compile(rf"(<(?:\w+:)?{_SECRET_NAMES}\b[^>]*>)[^<]*", re.I), r"\1" + MASK),
    # 'key': 'value', "key": "value" (quoted values may hold spaces)
    (re.compile(rf"(\b{_SECRET_NAMES}['\"]?\s*[:=]\s*)(['\"])(?:(?!\2).)*\2", re.I),
     r"\1\2" + MASK + r"\2"),
    # key=value, key: value
    (re.compile(rf"(\b{_SECRET_NAMES}\s*[:=]\s*)[^'\"\s&,;}})<]+", re.I), r"\1" + MASK),
    # credentials inside URLs: scheme://user:secret@host
    (re.compile(r"(://[^/\s:@]+:)[^@/\s]+@"), r"\1" + MASK + "@"),
]


def redact(text: str) -> str:
    """``text`` with every value that looks like a password, session id or cookie masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_record(record: logging.LogRecord) -> None:
    """Mask secrets in a record's message and traceback, in place (left alone when clean)."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        return  # a broken format string: logging reports it itself when the record is emitted
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))


class RedactSecrets(logging.Filter):
    """A filter for handlers (dictConfig: ``()``: ``portalclient.logs.RedactSecrets``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_log_redaction() -> None:
    """Quiet the envelope-dumping libraries and redact every record made in this process
    (idempotent: several apps in one process install it once)."""
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return
    logging.setLogRecordFactory(_redacting_factory(previous))


def _redacting_factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., Any]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts = True  # type: ignore[attr-defined]
    return factory
