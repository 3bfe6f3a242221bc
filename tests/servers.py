"""Run a WSGI app on a real local socket so tests can talk to it over HTTP."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from typing import Iterator

from werkzeug.serving import WSGIRequestHandler, make_server

log = logging.getLogger(__name__)

_STARTUP_TIMEOUT = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 with nothing listening on it a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppHeadersRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its own ``Server`` header: the app's header is the only one."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def log_request(self, code="-", size="-") -> None:
        log.debug("%s %s -> %s", self.command, self.path, code)


def _wait_until_accepting(host: str, port: int, timeout: float = _STARTUP_TIMEOUT) -> None:
    """Block until ``host:port`` accepts a TCP connection, so the first request never races."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"test server on {host}:{port} did not start") from None
            time.sleep(0.02)


@contextlib.contextmanager
def serve_wsgi(app, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` on ``host`` at a free port in a background thread; yield its base URL."""
    server = make_server(host, 0, app, threaded=True, request_handler=AppHeadersRequestHandler)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, name=f"wsgi-{port}", daemon=True)
    thread.start()
    try:
        _wait_until_accepting(host, port)
        log.debug("test server listening on %s:%s", host, port)
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
