"""Bounded load test (issue 5): ``python bench/load.py [--customers 32] [--seconds 60]``.

Many customers, each with its own portal contact, use the portal at once for a fixed time
against a fresh stub CRM (or ``--server-path`` with ``--logins``): the ten-page journey, and
every few journeys a FAQ comment (a write, with its CSRF and submission tokens). It prints the
requests made, the errors by page and status (there must be none: the exit status is 1
otherwise) and the portal's memory before and after, so a leak or a crash under load shows.
It is a script, not a test: nothing here is a timed assertion.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import lxml.html

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import procstat  # noqa: E402
from bench.journey import REQUEST_TIMEOUT, Customer, journey_paths  # noqa: E402
from bench.provision import Login, provision_stub, read_logins  # noqa: E402
from bench.servers import ServerFailed, start_portal, start_stub  # noqa: E402
from bench.stats import Sample  # noqa: E402

log = logging.getLogger("bench.load")

#: A FAQ comment after every this many journeys of one customer.
WRITE_EVERY = 5
COMMENT_PAGE = "FAQ comment"


@dataclass
class Tally:
    """One customer thread's requests and the failed ones as (page, status)."""

    requests: int = 0
    writes: int = 0
    failures: Counter = field(default_factory=Counter)

    def add(self, sample: Sample, ok: bool) -> None:
        self.requests += 1
        self.writes += sample.page == COMMENT_PAGE
        if not ok:
            self.failures[(sample.page, sample.status)] += 1


def comment_on_faq(customer: Customer, faq_path: str, number: int) -> Sample:
    """Send a FAQ comment through the page's form, as a browser does (a 303/302 is success)."""
    started = time.perf_counter()
    try:
        form_page = customer.http.get(customer.base_url + faq_path, timeout=REQUEST_TIMEOUT)
        doc = lxml.html.fromstring(form_page.text)
        form = doc.xpath("//form[.//textarea[@name='comment']]")[0]
        data = {name: value for name, value in form.fields.items() if value is not None}
        data["comment"] = f"Load test comment {number} from {customer.login.email}"
        answer = customer.http.post(customer.base_url + form.get("action"), data=data,
                                    allow_redirects=False, timeout=REQUEST_TIMEOUT)
        status = answer.status_code
    except (IndexError, OSError, ValueError) as exc:  # no form, transport error, bad HTML
        log.warning("%s: comment failed: %s", customer.login.email, exc)
        status = 0
    return Sample(COMMENT_PAGE, time.perf_counter() - started, status)


def use_portal(customer: Customer, paths: list[tuple[str, str]], faq_path: str,
               deadline: float) -> Tally:
    """Journeys until ``deadline``, with a FAQ comment every WRITE_EVERY journeys."""
    tally, journeys = Tally(), 0
    while time.perf_counter() < deadline:
        for page, path in paths:
            sample = customer.fetch(page, path)
            tally.add(sample, sample.status == 200)
        journeys += 1
        if journeys % WRITE_EVERY == 0:
            sample = comment_on_faq(customer, faq_path, journeys)
            tally.add(sample, sample.status in (302, 303))
    return tally


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench/load.py", description=__doc__)
    parser.add_argument("--customers", type=int, default=32, help="concurrent customers")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load lasts")
    parser.add_argument("--workers", type=int, default=2, help="portal gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per portal worker")
    parser.add_argument("--server-path", help="a CRM's Server_Path instead of the stub CRM")
    parser.add_argument("--logins", type=Path, help="with --server-path: 'e-mail password' lines")
    return parser


def _memory_line(label: str, memory: procstat.Memory) -> str:
    return (f"  portal memory {label}: RSS {memory.rss_kb / 1024:.1f} MB, "
            f"PSS {memory.pss_kb / 1024:.1f} MB over {memory.processes} processes")


def _report(tallies: list[Tally], elapsed: float, before: procstat.Memory,
            after: procstat.Memory) -> int:
    """Print the figures; the number of failed requests."""
    requests = sum(tally.requests for tally in tallies)
    failures = sum((tally.failures for tally in tallies), Counter())
    errors = sum(failures.values())
    print(f"== load: {len(tallies)} customers for {elapsed:.1f} s ==")
    writes = sum(tally.writes for tally in tallies)
    print(f"  requests {requests}   ({requests / elapsed:.1f}/s, {writes} of them FAQ comments)"
          f"   errors {errors}")
    for (page, status), count in sorted(failures.items()):
        print(f"    {page}: HTTP {status or 'no answer'} x {count}")
    print(_memory_line("before", before))
    print(_memory_line("after ", after))
    growth = (after.pss_kb - before.pss_kb) / 1024
    print(f"  PSS growth {growth:+.1f} MB")
    return errors


def _logins(args: argparse.Namespace, work: Path):
    if args.server_path:
        return read_logins(args.logins)[:args.customers], None
    data_dir = Path(tempfile.mkdtemp(prefix="crm-", dir=work))
    logins: list[Login] = provision_stub(data_dir, args.customers)
    return logins, start_stub(data_dir, work, 16)


def _load(args: argparse.Namespace, work: Path) -> int:
    logins, stub = _logins(args, work)
    try:
        portal = start_portal(args.server_path or stub.url, work, args.workers, args.threads)
        try:
            return _drive(args, logins, portal.pid, portal.url)
        finally:
            portal.stop()
    finally:
        if stub is not None:
            stub.stop()


def _drive(args: argparse.Namespace, logins: list[Login], portal_pid: int, url: str) -> int:
    """Log everyone in, read memory, load for ``--seconds``, read memory again, report."""
    customers = [Customer(url, login) for login in logins]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(Customer.log_in, customers))
    ids = customers[0].discover_ids()
    paths, faq_path = journey_paths(ids), f"/faq/{ids['faq']}"
    pids = procstat.process_tree(portal_pid)
    before = procstat.memory(pids)
    started = time.perf_counter()
    deadline = started + args.seconds
    with ThreadPoolExecutor(max_workers=len(customers)) as pool:
        tallies = list(pool.map(lambda c: use_portal(c, paths, faq_path, deadline), customers))
    after = procstat.memory(procstat.process_tree(portal_pid))
    return _report(tallies, time.perf_counter() - started, before, after)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load; exit 1 when any request failed."""
    args = _parser().parse_args(argv)
    if bool(args.server_path) != bool(args.logins):
        raise SystemExit("--server-path and --logins go together")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    work = Path(tempfile.mkdtemp(prefix="portalclient-load-"))
    log.info("work folder (config, data, server logs): %s", work)
    try:
        errors = _load(args, work)
    except ServerFailed as exc:
        print(f"load: {exc} (server logs in {work})", file=sys.stderr)
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
