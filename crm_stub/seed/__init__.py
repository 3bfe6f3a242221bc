"""Demo-data seeders, run in module-name order when a new store is created.

Each module defines ``seed(store, now: datetime) -> None`` and may define ``DEMO_LOGINS``, a
list of (e-mail, password) pairs of the portal users it created.
"""
