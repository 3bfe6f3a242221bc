"""What a CRM administrator does to the stub: contacts, portal logins, portal settings.

Plain functions over a ``Store`` so tests and the ``crm-stub admin`` command share them. Refusals
raise ``AdminError`` with a message meant for the administrator. Portal passwords are never set
here: enabling a login mails a one-use set-password link instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Sequence

from werkzeug.security import generate_password_hash

from crm_stub import mail
from crm_stub.set_password import WELCOME_LINK_LIFETIME, issue_token, link_for, void_links
from crm_stub.operations.visibility import AUTHORIZATION_MODES, AUTHORIZATION_PREF
from crm_stub.store import Store, full_name

log = logging.getLogger(__name__)

MODULE_ALIASES = {"tickets": "HelpDesk"}
DEFAULT_SUPPORT_DAYS = 365
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")


class AdminError(Exception):
    """An administrator's request the CRM refuses; the message says why."""


@dataclass(frozen=True)
class Invitation:
    """A freshly enabled portal login and its set-password token (held in memory only)."""

    contact_id: int
    email: str
    name: str
    language: str
    token: str
    lifetime: dt.timedelta


@dataclass(frozen=True)
class PortalUser:
    """One row of ``portal-user list``."""

    contact_id: int
    user_name: str
    name: str
    account: str
    active: bool
    support_start: str
    support_end: str
    language: str
    last_login: str


def _contact_by_email(store: Store, email: str):
    rows = store.query(
        "SELECT c.* FROM contacts c JOIN entities e ON e.id = c.id"
        " WHERE lower(c.email) = lower(?) AND e.deleted = 0", (email.strip(),))
    if not rows:
        raise AdminError(f"no contact with e-mail {email}; add it with `contact add`")
    if len(rows) > 1:
        raise AdminError(f"{len(rows)} contacts share e-mail {email}; fix them in the CRM first")
    return rows[0]


def _account_id(store: Store, name: str) -> int:
    rows = store.query(
        "SELECT a.id FROM accounts a JOIN entities e ON e.id = a.id"
        " WHERE a.name = ? AND e.deleted = 0", (name,))
    if len(rows) != 1:
        raise AdminError(f"no single organization named {name!r}")
    return int(rows[0]["id"])


def add_contact(store: Store, *, first: str, last: str, email: str, account: str | None = None,
                now: dt.datetime) -> int:
    """Create a contact (not yet a portal user) and return its record id."""
    if not last.strip():
        raise AdminError("a contact needs a last name")
    if not _EMAIL.match(email.strip()):
        raise AdminError(f"{email!r} is not an e-mail address")
    with store.transaction():
        if store.query_one("SELECT 1 FROM contacts c JOIN entities e ON e.id = c.id"
                           " WHERE lower(c.email) = lower(?) AND e.deleted = 0", (email.strip(),)):
            raise AdminError(f"a contact with e-mail {email} already exists")
        account_id = _account_id(store, account) if account else None
        owner = int(store.pref("userid", "1"))
        contact_id = store.new_entity("Contacts", owner, now=now)
        store.insert("contacts", id=contact_id, contact_no=f"CON{contact_id}",
                     account_id=account_id, firstname=first.strip(), lastname=last.strip(),
                     email=email.strip())
    return contact_id


def _support_window(contact, start: dt.date | None, end: dt.date | None,
                    today: dt.date) -> tuple[str, str]:
    """The new support dates: given ones, else the contact's, else today + one year."""
    first = start.isoformat() if start else contact["support_start"] or today.isoformat()
    last = end.isoformat() if end else (
        contact["support_end"] or (today + dt.timedelta(days=DEFAULT_SUPPORT_DAYS)).isoformat())
    if first > last:
        raise AdminError(f"support would end ({last}) before it starts ({first})")
    return first, last


def _ensure_login(store: Store, contact_id: int, user_name: str) -> None:
    """Activate the contact's portal login, creating it with an unusable random password."""
    clash = store.query_one("SELECT contact_id FROM portal_users WHERE user_name = ?",
                            (user_name,))
    if clash is not None and clash["contact_id"] != contact_id:
        raise AdminError(f"portal user name {user_name} belongs to contact {clash['contact_id']}")
    if store.query_one("SELECT 1 FROM portal_users WHERE contact_id = ?", (contact_id,)):
        store.execute("UPDATE portal_users SET is_active = 1 WHERE contact_id = ?", (contact_id,))
        return
    store.insert("portal_users", contact_id=contact_id, user_name=user_name, is_active=1,
                 password_hash=generate_password_hash(secrets.token_urlsafe(32)))


def enable_portal_user(store: Store, email: str, *, now: dt.datetime,
                       start: dt.date | None = None, end: dt.date | None = None,
                       language: str | None = None,
                       lifetime: dt.timedelta = WELCOME_LINK_LIFETIME) -> Invitation:
    """Tick "Portal User" on the contact, set support dates/language, issue a welcome token."""
    if language is not None and language and not _LANGUAGE.match(language):
        raise AdminError(f"{language!r} is not a language tag such as 'it' or 'pt-BR'")
    with store.transaction():
        contact = _contact_by_email(store, email)
        first, last = _support_window(contact, start, end, now.date())
        lang = contact["language"] if language is None else language.replace("_", "-")
        store.execute("UPDATE contacts SET portal = 1, support_start = ?, support_end = ?,"
                      " language = ? WHERE id = ?", (first, last, lang, contact["id"]))
        _ensure_login(store, contact["id"], contact["email"])
        token = issue_token(store, contact["id"], now, lifetime)
    name = full_name(contact["firstname"], contact["lastname"])
    log.info("portal access enabled for contact %s", contact["id"])
    return Invitation(contact["id"], contact["email"], name, lang, token, lifetime)


def send_welcome(mailer: mail.Mailer, invitation: Invitation, base_url: str) -> None:
    """Mail the invitation's set-password link to the contact."""
    mail.send_link_mail(mailer, "welcome", to=invitation.email, name=invitation.name,
                        user_name=invitation.email, language=invitation.language,
                        link=link_for(base_url, invitation.token),
                        hours=int(invitation.lifetime.total_seconds() // 3600))


def disable_portal_user(store: Store, email: str) -> int:
    """Untick "Portal User": deactivate the login, end its session, void its links."""
    with store.transaction():
        contact = _contact_by_email(store, email)
        store.execute("UPDATE contacts SET portal = 0 WHERE id = ?", (contact["id"],))
        store.execute("UPDATE portal_users SET is_active = 0 WHERE contact_id = ?",
                      (contact["id"],))
        store.execute("DELETE FROM sessions WHERE contact_id = ?", (contact["id"],))
        void_links(store, contact["id"])
    return int(contact["id"])


def list_portal_users(store: Store) -> list[PortalUser]:
    """Every portal login with its contact, organization and support window, by user name."""
    rows = store.query(
        "SELECT p.contact_id, p.user_name, p.is_active, p.last_login_time, c.firstname,"
        " c.lastname, c.portal, c.support_start, c.support_end, c.language, a.name AS account"
        " FROM portal_users p JOIN contacts c ON c.id = p.contact_id"
        " JOIN entities e ON e.id = c.id LEFT JOIN accounts a ON a.id = c.account_id"
        " WHERE e.deleted = 0 ORDER BY p.user_name")
    return [PortalUser(int(r["contact_id"]), r["user_name"],
                       full_name(r["firstname"], r["lastname"]),
                       r["account"] or "", bool(r["is_active"] and r["portal"]),
                       r["support_start"] or "", r["support_end"] or "", r["language"],
                       r["last_login_time"] or "") for r in rows]


@dataclass(frozen=True)
class ModuleSetting:
    """One portal module as ``modules list`` shows it."""

    name: str
    sequence: int
    visible: bool
    enabled: bool
    show_all: bool


def module_name(store: Store, module: str) -> str:
    """The portal module called ``module`` (any case; 'Tickets' = HelpDesk), else AdminError."""
    wanted = MODULE_ALIASES.get(module.lower(), module)
    row = store.query_one("SELECT name FROM portal_modules WHERE lower(name) = lower(?)",
                          (wanted,))
    if row is None:
        known = ", ".join(r["name"] for r in store.query(
            "SELECT name FROM portal_modules ORDER BY sequence, tabid"))
        raise AdminError(f"unknown portal module {module!r}; known: {known}")
    return row["name"]


def list_modules(store: Store) -> list[ModuleSetting]:
    """Every portal module in portal order."""
    rows = store.query("SELECT name, sequence, visible, enabled, show_related"
                       " FROM portal_modules ORDER BY sequence, tabid")
    return [ModuleSetting(r["name"], int(r["sequence"]), bool(r["visible"]), bool(r["enabled"]),
                          bool(r["show_related"])) for r in rows]


def set_module_visible(store: Store, module: str, visible: bool) -> ModuleSetting:
    """Show or hide a module's tab in the portal (vtiger_customerportal_tabs.visible)."""
    name = module_name(store, module)
    store.execute("UPDATE portal_modules SET visible = ? WHERE name = ?", (int(visible), name))
    return next(m for m in list_modules(store) if m.name == name)


def reorder(current: Sequence[str], first: Sequence[str]) -> list[str]:
    """``first`` in the given order, then the remaining names of ``current`` as they were."""
    return list(first) + [name for name in current if name not in first]


def order_modules(store: Store, modules: Sequence[str]) -> list[str]:
    """Put ``modules`` first, in that order (the first is the portal's landing page)."""
    names = [module_name(store, module) for module in modules]
    if len(set(names)) != len(names):
        raise AdminError("a module is named twice")
    order = reorder([m.name for m in list_modules(store)], names)
    with store.transaction():
        for sequence, name in enumerate(order, start=1):
            store.execute("UPDATE portal_modules SET sequence = ? WHERE name = ?",
                          (sequence, name))
    return order


def set_show_all(store: Store, module: str, on: bool) -> str:
    """Set "See records across organization" (showrelatedinfo) for a module."""
    name = module_name(store, module)
    store.execute("UPDATE portal_modules SET show_related = ? WHERE name = ?", (int(on), name))
    return name


@dataclass(frozen=True)
class FieldSetting:
    """A portal field of a module and whether the portal user's profile hides it."""

    fieldname: str
    label: str
    hidden: bool


def list_fields(store: Store, module: str) -> list[FieldSetting]:
    """The module's portal fields (detail view order) with their hidden flag."""
    name = module_name(store, module)
    hidden = {r["fieldname"] for r in store.query(
        "SELECT fieldname FROM hidden_fields WHERE module = ?", (name,))}
    rows = store.query("SELECT fieldname, label FROM portal_fields WHERE module = ?"
                       " ORDER BY rowid", (name,))
    return [FieldSetting(r["fieldname"], r["label"], r["fieldname"] in hidden) for r in rows]


def set_field_hidden(store: Store, module: str, fieldname: str, hidden: bool) -> FieldSetting:
    """Hide or show one field of a module in the portal (lists and details)."""
    name = module_name(store, module)
    field = next((f for f in list_fields(store, name) if f.fieldname == fieldname), None)
    if field is None:
        raise AdminError(f"{name} has no portal field {fieldname!r}; see `fields list {name}`")
    if hidden:
        store.execute("INSERT OR IGNORE INTO hidden_fields(module, fieldname) VALUES (?, ?)",
                      (name, fieldname))
    else:
        store.execute("DELETE FROM hidden_fields WHERE module = ? AND fieldname = ?",
                      (name, fieldname))
    return FieldSetting(field.fieldname, field.label, hidden)


def _owner_candidates(store: Store, name: str) -> list[tuple[int, str, str]]:
    users = store.query(
        "SELECT id, user_name, first_name, last_name FROM users WHERE lower(user_name) = lower(?)"
        " OR lower(trim(first_name || ' ' || last_name)) = lower(?)", (name, name))
    groups = store.query("SELECT id, name FROM groups WHERE lower(name) = lower(?)", (name,))
    return ([(int(u["id"]), "user", u["user_name"]) for u in users]
            + [(int(g["id"]), "group", g["name"]) for g in groups])


def set_default_assignee(store: Store, name: str) -> tuple[int, str, str]:
    """Make a CRM user or group the owner of portal tickets: (id, 'user'|'group', name)."""
    candidates = _owner_candidates(store, name.strip())
    if not candidates:
        raise AdminError(f"no CRM user or group named {name!r}")
    if len(candidates) > 1:
        raise AdminError(f"{name!r} names several users/groups; use the user name")
    owner_id, kind, label = candidates[0]
    store.execute("INSERT INTO portal_prefs(key, value) VALUES ('defaultassignee', ?)"
                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(owner_id),))
    return owner_id, kind, label


def set_authorization(store: Store, mode: str) -> str:
    """Record checks: 'strict' (the stub's default) or 'lax' (a real berliCRM's worst case)."""
    if mode not in AUTHORIZATION_MODES:
        raise AdminError(f"unknown authorization mode {mode!r}; known: strict, lax")
    store.execute("INSERT INTO portal_prefs(key, value) VALUES (?, ?)"
                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (AUTHORIZATION_PREF, mode))
    return mode
