"""The stub CRM as the benchmark runs it: gunicorn, one process, SOAP calls counted.

``python -m bench.stub_server --data DIR --port P [--threads T]``. One worker process keeps the
counts in one place (``bench.soapcount``) and the stub's CPU in one process tree.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, Sequence

from bench.soapcount import SoapCounter

log = logging.getLogger(__name__)


def counted_stub_app(data_dir: Path, base_url: str) -> SoapCounter:
    """The stub CRM's app on ``data_dir`` wrapped in a SOAP call counter."""
    import crm_stub

    return SoapCounter(crm_stub.create_app(data_dir, base_url=base_url))


def serve(data_dir: Path, host: str, port: int, threads: int) -> None:
    """Run the counted stub with gunicorn until terminated."""
    from gunicorn.app.base import BaseApplication

    options = {"bind": f"{host}:{port}", "workers": 1, "threads": max(1, threads),
               "worker_class": "gthread", "errorlog": "-", "loglevel": "warning",
               "control_socket_disable": True}

    class StubServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return counted_stub_app(data_dir, f"http://{host}:{port}")

    StubServer().run()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    serve(args.data, args.host, args.port, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
