"""The organiser's mailbox of a `make bench` run: Dovecot configured as for the tests
(scripts/dovecot.py), but started as a Service of the run, so that it is logged and stopped
with the rest even when the run is killed."""

import imaplib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench_processes import Service, free_port, wait_until
from dovecot import DOVECOT, dovecot_configure, dovecot_install, folder_count

USER = "organizer"
PASSWORD = "bench-organizer"


@dataclass
class Mailbox:
    service: Service
    port: int

    @property
    def url(self) -> str:
        return f"imap://{quote(USER)}:{quote(PASSWORD)}@127.0.0.1:{self.port}/INBOX"

    def client(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        connection.login(USER, PASSWORD)
        return connection

    def append_all(self, messages) -> int:
        """APPEND each message to the INBOX over one connection, as a mail server delivers."""
        connection = self.client()
        count = 0
        try:
            for raw in messages:
                status, answer = connection.append("INBOX", None, None, raw)
                if status != "OK":
                    raise RuntimeError(f"APPEND answered {status} {answer}")
                count += 1
        finally:
            connection.logout()
        return count

    def count(self, folder: str) -> int:
        connection = self.client()
        try:
            return folder_count(connection, folder)
        finally:
            connection.logout()


def mailbox_start(services: list[Service], *, work: Path, env: dict, log_dir: Path) -> Mailbox:
    if not dovecot_install():
        raise RuntimeError("Missing Debian package: dovecot-imapd (run as root, or install it).")
    work.chmod(0o755)  # Dovecot's mail processes, as nobody, reach the Maildir through it
    port = free_port()
    root = work / "imap"
    root.mkdir()
    config = dovecot_configure(root=root, port=port, user=USER, password=PASSWORD)
    service = Service("dovecot", [DOVECOT, "-F", "-c", str(config)], env=env, log_dir=log_dir)
    services.append(service)
    mailbox = Mailbox(service=service, port=port)

    def logs_in() -> bool:
        try:
            mailbox.client().logout()
        except OSError:
            return False
        return True

    wait_until(logs_in, timeout=30, what="Dovecot", services=[service])
    return mailbox
