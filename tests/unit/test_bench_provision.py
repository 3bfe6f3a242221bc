"""bench.provision: fresh stub contacts in Acme with active portal logins and known passwords."""

from __future__ import annotations

from werkzeug.security import check_password_hash

from bench.provision import ORGANISATION, PASSWORD, Login, bench_email, provision_stub
from crm_stub.admin_actions import list_portal_users
from crm_stub.store import Store


def test_one_active_acme_login_per_virtual_customer(tmp_path):
    logins = provision_stub(tmp_path, 2)
    assert logins == [Login("bench001@acme.example", PASSWORD),
                      Login("bench002@acme.example", PASSWORD)]
    store = Store.open(tmp_path)
    try:
        users = {user.user_name: user for user in list_portal_users(store)}
        for number in (1, 2):
            user = users[bench_email(number)]
            assert user.active
            assert user.account == ORGANISATION
            assert user.name == f"Bench Customer {number}"
            stored = store.scalar("SELECT password_hash FROM portal_users WHERE user_name = ?",
                                  (user.user_name,))
            assert check_password_hash(stored, PASSWORD)
        assert "alice@acme.example" in users  # the seeded demo data is still there
    finally:
        store.close()
