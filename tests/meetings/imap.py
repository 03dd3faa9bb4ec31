"""A real IMAP server for the tests: Dovecot from Debian's packages, without systemd.

Everything lives in one temporary folder (configuration, a passwd-file user, Maildir, logs),
and the server runs in the foreground as a child of the test process, stopped by its pid.
Plain login is allowed because it listens on the loopback address only.
"""

import imaplib
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.dovecot import DOVECOT, dovecot_configure, folder_count

# Dovecot's local delivery agent, as a mail server's mailbox_command runs it.
DOVECOT_LDA = "/usr/lib/dovecot/dovecot-lda"
USER = "organizer"
PASSWORD = "s3cret/with@signs%"  # characters that must be percent-encoded in the URL


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ImapServer:
    root: Path
    port: int
    process: subprocess.Popen

    user: str = USER
    password: str = PASSWORD

    def url(self, folder: str = "INBOX") -> str:
        from urllib.parse import quote

        return f"imap://{quote(self.user, safe='')}:{quote(self.password, safe='')}@127.0.0.1:{self.port}/{folder}"

    def client(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        connection.login(self.user, self.password)
        return connection

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        connection = self.client()
        try:
            status, _ = connection.append(folder, None, None, raw)
            assert status == "OK"
        finally:
            connection.logout()

    def deliver(self, raw: bytes, *, recipient: str, sender: str = "") -> None:
        """Deliver a message as Postfix's local delivery hands it to Dovecot (``mailbox_command
        = dovecot-lda -a "$RECIPIENT"``): to the mailbox's user, with ``recipient`` (which may
        carry a sub-address, RFC 5233) as the original recipient, into the INBOX."""
        subprocess.run(
            [
                DOVECOT_LDA,
                "-c",
                str(self.root / "dovecot.conf"),
                "-d",
                self.user,
                "-a",
                recipient,
                "-f",
                sender or "sender@example.com",
            ],
            input=raw,
            check=True,
            capture_output=True,
        )

    def count(self, folder: str) -> int:
        connection = self.client()
        try:
            return folder_count(connection, folder)
        finally:
            connection.logout()

    def messages(self, folder: str) -> list[bytes]:
        connection = self.client()
        try:
            status, _ = connection.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = connection.search(None, "ALL")
            found = []
            for number in data[0].split():
                _, fetched = connection.fetch(number, "(BODY.PEEK[])")
                found.append(fetched[0][1])
            return found
        finally:
            connection.logout()


def imap_server_start() -> ImapServer:
    root = Path(tempfile.mkdtemp(prefix="peernet-imap-"))
    port = _free_port()
    config = dovecot_configure(root=root, port=port, user=USER, password=PASSWORD)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = ImapServer(root=root, port=port, process=process)
    # Ready when a login succeeds; a server that died says why in its log.
    for _ in range(100):
        if process.poll() is not None:
            break
        try:
            server.client().logout()
            return server
        except OSError:
            time.sleep(0.1)
    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
    imap_server_stop(server)
    raise RuntimeError(f"Dovecot did not start: {process.stderr.read().decode()} {log}")


def imap_server_stop(server: ImapServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    shutil.rmtree(server.root, ignore_errors=True)
