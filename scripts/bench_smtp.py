"""A real SMTP server for `make bench`: accepts every message and appends one JSON line per
message (arrival time, recipients) to a log file that the benchmark reads with `SmtpLog`.

The reply to DATA waits as many seconds as the delay file says when the message arrives, so the
benchmark can make the server slow and fast again without restarting the Celery worker.

    python scripts/bench_smtp.py --port 2525 --log messages.jsonl --delay-file delay
"""

import argparse
import asyncio
import contextlib
import json
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class RecordingHandler:
    def __init__(self, log_path: Path, delay_path: Path | None):
        self.log = log_path.open("a", encoding="utf-8")
        self.delay_path = delay_path
        self.lock = threading.Lock()

    def delay(self) -> float:
        if self.delay_path is None:
            return 0.0
        try:
            return max(float(self.delay_path.read_text().strip() or 0), 0.0)
        except (OSError, ValueError):
            return 0.0

    async def handle_DATA(self, server, session, envelope):
        received = time.time()
        delay = self.delay()
        if delay:
            await asyncio.sleep(delay)
        line = {
            "received": received,
            "answered": time.time(),
            "delay": delay,
            "to": list(envelope.rcpt_tos),
            "bytes": len(envelope.content or b""),
        }
        # Written only once the server has accepted, so the log counts delivered messages.
        with self.lock:
            self.log.write(json.dumps(line) + "\n")
            self.log.flush()
        return "250 Message accepted for delivery"


class SmtpLog:
    """The messages the SMTP server has accepted, read as its log grows."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self.messages: list[dict] = []

    def read(self) -> list[dict]:
        with contextlib.suppress(FileNotFoundError), self.path.open("rb") as stream:
            stream.seek(self.offset)
            chunk = stream.read()
            complete = chunk[: chunk.rfind(b"\n") + 1]
            self.offset += len(complete)
            self.messages += [json.loads(line) for line in complete.splitlines() if line]
        return self.messages

    def to(self, predicate) -> list[dict]:
        return [m for m in self.read() if any(predicate(address) for address in m["to"])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--delay-file", type=Path)
    options = parser.parse_args()

    handler = RecordingHandler(options.log, options.delay_file)
    # Large enough for an invitation with its calendar file; the default would do too.
    controller = Controller(
        handler, hostname=options.host, port=options.port, data_size_limit=10 * 1024 * 1024
    )
    controller.start()
    stopped = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda *_: stopped.set())
    print(f"SMTP server listening on {options.host}:{options.port}", flush=True)
    try:
        while not stopped.wait(1):
            pass
    finally:
        controller.stop()
        handler.log.close()


if __name__ == "__main__":
    main()
