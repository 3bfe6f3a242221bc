"""Starting and stopping the stub CRM and the portal as subprocesses, as in production.

Both run under gunicorn in their own process trees, so the benchmark can read their CPU time and
memory from /proc. Their output goes to log files in the run's work folder.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60.0
PORTAL_MAIN = "import sys; from portalclient.cli import main; sys.exit(main())"


class ServerFailed(RuntimeError):
    """A server subprocess did not come up; the message names its log file."""


@dataclass
class Server:
    """A running server subprocess and the URL it answers on."""

    name: str
    url: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        """The pid of the gunicorn master (the root of the server's process tree)."""
        return self.process.pid

    def stop(self) -> None:
        """Ask gunicorn to shut down gracefully; kill it if it does not."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop; killing it", self.name)
            self.process.kill()
            self.process.wait()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _wait_until_accepting(server: Server, port: int, log_file: Path) -> None:
    """Block until the server accepts connections; fail early if its process died."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(f"{server.name} exited at start; see {log_file}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise ServerFailed(f"{server.name} did not start within {STARTUP_SECONDS:.0f} s; "
                       f"see {log_file}")


def _start(name: str, command: list[str], port: int, log_file: Path) -> Server:
    # gunicorn puts its control socket in $XDG_RUNTIME_DIR (else one path under ~ shared by
    # every gunicorn on the machine): give each server its own, inside the run's work folder.
    runtime_dir = log_file.parent / f"run-{port}"
    runtime_dir.mkdir(mode=0o700, exist_ok=True)
    environ = dict(os.environ, XDG_RUNTIME_DIR=str(runtime_dir))
    with log_file.open("ab") as output:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=output, env=environ,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(name, f"http://127.0.0.1:{port}", process)
    _wait_until_accepting(server, port, log_file)
    log.info("%s listening on %s (pid %d)", name, server.url, server.pid)
    return server


def start_stub(data_dir: Path, work: Path, threads: int) -> Server:
    """The stub CRM on ``data_dir`` with a SOAP call counter, on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "bench.stub_server", "--data", str(data_dir),
               "--port", str(port), "--threads", str(threads)]
    return _start("stub CRM", command, port, work / "stub.log")


def write_portal_config(work: Path, server_path: str, port: int) -> Path:
    """A PortalConfig.toml for the benchmark: the given CRM, a fixed secret shared by workers."""
    values = {"Server_Path": server_path, "Authenticate_Path": f"http://127.0.0.1:{port}/",
              "upload_dir": str(work / "uploads")}
    lines = ["# Written by bench/run.py for one benchmark run.\n"]
    lines += [f"{key} = {json.dumps(value)}\n" for key, value in values.items()]
    lines.append(f"[security]\nsecret_key = {json.dumps(secrets.token_hex(32))}\n")
    path = work / "PortalConfig.toml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def start_portal(server_path: str, work: Path, workers: int, threads: int) -> Server:
    """``portalclient serve`` against ``server_path`` with ``workers`` × ``threads``."""
    port = free_port()
    config = write_portal_config(work, server_path, port)
    command = [sys.executable, "-c", PORTAL_MAIN, "serve", "--config", str(config),
               "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    return _start("portal", command, port, work / "portal.log")
