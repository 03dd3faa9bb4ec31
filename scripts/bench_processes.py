"""The processes a `make bench` run starts: started in their own process group, logged to a file,
waited for, and stopped with all their children, even when the run itself is killed."""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PYTHON = sys.executable

STARTED = time.monotonic()


def log(message: str) -> None:
    # Time since the start, not the clock: Django's setup changes the process's time zone.
    minutes, seconds = divmod(int(time.monotonic() - STARTED), 60)
    print(f"[{minutes:02d}:{seconds:02d}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    # A child left behind by a killed benchmark would hold its port and keep loading the
    # machine: the kernel sends it SIGTERM when this process goes away.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Service:
    """A process started for the run, in its own process group, stopped with all its children."""

    def __init__(self, name: str, argv: list[str], *, env: dict, log_dir: Path):
        self.name = name
        self.argv = argv
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def check_running(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def tail(self, size: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-size:]

    def stop(self, timeout: float = 15) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Workers that outlived their master (it was killed first) go with the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


def wait_until(condition, *, timeout: float, what: str, services=(), interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        for service in services:
            service.check_running()
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(interval)


def manage(args: list[str], *, env: dict, log_dir: Path, timeout: float = 300) -> None:
    log_path = log_dir / f"manage-{args[0]}.log"
    with log_path.open("wb") as output:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT, timeout=timeout,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n" + log_path.read_text()[-4000:])
