"""The journey in one process, for finding waste: SOAP calls per page, portal CPU, a profile.

``python bench/profile_journey.py [--journeys 30] [--profile] [--top 30]``. The stub CRM runs
as the benchmark's counted gunicorn subprocess (so its CPU is not the portal's); the portal runs
in this process behind Flask's test client, so ``time.process_time`` is the portal's CPU (the
test client's own share included) and cProfile sees every portal function. It prints the SOAP
operations each page of one steady-state journey makes, then the CPU per page over
``--journeys`` journeys, and with ``--profile`` the functions that cost the most.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.journey import JOURNEY, MISSING_ID, first_record_id  # noqa: E402
from bench.measure import SoapCounts  # noqa: E402
from bench.provision import Login, provision_stub  # noqa: E402
from bench.servers import start_stub  # noqa: E402

log = logging.getLogger("bench.profile_journey")


def portal_client(crm_url: str, work: Path):
    """A test client of a production-configured portal against ``crm_url``."""
    from portalclient import create_app

    app = create_app(overrides={"Server_Path": crm_url, "Authenticate_Path": "http://localhost/",
                                "upload_dir": str(work / "uploads"),
                                "security": {"secret_key": "bench-profile-secret"}})
    return app.test_client()


def log_in(client, login: Login) -> None:
    """Log in through the form, as the benchmark's customers do."""
    from bench.journey import csrf_token_of

    form = client.get("/login")
    token = csrf_token_of(form.get_data(as_text=True))
    answer = client.post("/login", data={"email": login.email, "password": login.password,
                                         "csrf_token": token})
    if answer.status_code != 302:
        raise SystemExit(f"login refused: HTTP {answer.status_code}")


def journey_paths(client) -> list[tuple[str, str]]:
    """The journey with record ids found on the list pages (as bench/journey.py does)."""
    from bench.journey import ID_SOURCES

    ids = {}
    for name, (path, prefix) in ID_SOURCES.items():
        html = client.get(path).get_data(as_text=True)
        ids[name] = first_record_id(html, "http://localhost" + path, prefix) or MISSING_ID
    return [(page, path.format(**ids)) for page, path in JOURNEY]


def calls_per_page(client, paths: list[tuple[str, str]], counts: SoapCounts) -> int:
    """Print the SOAP operations of each page of one journey; returns the journey's total."""
    total = 0
    for page, path in paths:
        counts.reset()
        status = client.get(path).status_code
        made = counts.read()
        total += sum(made.values())
        listed = ", ".join(f"{op}x{n}" if n > 1 else op for op, n in sorted(made.items()))
        print(f"  {page:<16} HTTP {status}  {sum(made.values())} call(s)  {listed}")
    print(f"  SOAP calls per journey: {total}")
    return total


def cpu_per_page(client, paths: list[tuple[str, str]], journeys: int,
                 profiler: cProfile.Profile | None) -> dict[str, float]:
    """Walk ``journeys`` journeys; returns the portal's CPU ms per page, by page."""
    spent = dict.fromkeys((page for page, _ in paths), 0.0)
    if profiler is not None:
        profiler.enable()
    for _ in range(journeys):
        for page, path in paths:
            started = time.process_time()
            client.get(path)
            spent[page] += time.process_time() - started
    if profiler is not None:
        profiler.disable()
    return {page: seconds * 1000 / journeys for page, seconds in spent.items()}


def print_cpu(spent: dict[str, float], journeys: int) -> None:
    """CPU ms of each page and the mean over the journey."""
    for page, ms in spent.items():
        print(f"  {page:<16} {ms:6.2f} ms CPU")
    print(f"  portal CPU per page: {sum(spent.values()) / len(spent):.2f} ms "
          f"(in-process, {journeys} journeys)")


def main(argv: Sequence[str] | None = None) -> int:
    """Start the stub, log in, report calls per page, CPU per page and (optionally) a profile."""
    parser = argparse.ArgumentParser(prog="bench/profile_journey.py", description=__doc__)
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--top", type=int, default=30, help="profile lines to print")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime")
    parser.add_argument("--page", help="profile only this page of the journey (e.g. 'ticket "
                                       "detail')")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="portalclient-profile-"))
    login = provision_stub(work / "crm", 1)[0]
    stub = start_stub(work / "crm", work, threads=4)
    try:
        client = portal_client(stub.url, work)
        log_in(client, login)
        paths = journey_paths(client)
        cpu_per_page(client, paths, 1, None)  # warm-up: caches and connections
        calls_per_page(client, paths, SoapCounts(stub.url))
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        profiled = [(p, path) for p, path in paths if p == args.page] if args.page else paths
        print_cpu(cpu_per_page(client, profiled, args.journeys, profiler), args.journeys)
        if profiler is not None:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    finally:
        stub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
