"""Portal logins for the virtual customers: new stub contacts, or a file of existing logins.

The CRM allows one session per contact, so every virtual customer needs its own contact. On the
stub they are created in Alice's organisation (Acme) so the organisation-wide lists have data.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from crm_stub import admin_actions, set_password
from crm_stub.store import Store

log = logging.getLogger(__name__)

ORGANISATION = "Acme Corporation"
PASSWORD = "bench-password-1"


@dataclass(frozen=True)
class Login:
    """A portal login of one virtual customer."""

    email: str
    password: str


def bench_email(number: int) -> str:
    """The e-mail address of virtual customer ``number``."""
    return f"bench{number:03d}@acme.example"


def provision_stub(data_dir: Path, count: int) -> list[Login]:
    """Create (and seed) the stub store in ``data_dir`` with ``count`` active portal logins."""
    now = dt.datetime.now().replace(microsecond=0)
    store = Store.open(data_dir, now=now)
    try:
        logins = [_add_customer(store, number, now) for number in range(1, count + 1)]
    finally:
        store.close()
    log.info("provisioned %d portal contacts in %s", count, data_dir)
    return logins


def _add_customer(store: Store, number: int, now: dt.datetime) -> Login:
    """One contact in Acme, portal access enabled, password set through its welcome token."""
    email = bench_email(number)
    admin_actions.add_contact(store, first="Bench", last=f"Customer {number}", email=email,
                              account=ORGANISATION, now=now)
    invitation = admin_actions.enable_portal_user(store, email, now=now, language="en")
    if set_password.redeem(store, invitation.token, PASSWORD, now) is None:
        raise RuntimeError(f"the stub refused the welcome token of {email}")
    return Login(email, PASSWORD)


def parse_logins(text: str) -> list[Login]:
    """'e-mail password' per line (``crm-stub demo-users`` prints that); skips # and blanks."""
    logins = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        email, _, password = line.partition(" ")
        if not password.strip():
            raise ValueError(f"line {number}: expected 'e-mail password'")
        logins.append(Login(email, password.strip()))
    return logins


def read_logins(path: Path) -> list[Login]:
    """The logins listed in the file at ``path``."""
    return parse_logins(path.read_text(encoding="utf-8"))
