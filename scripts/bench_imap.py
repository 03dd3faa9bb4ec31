"""The organiser's mailbox of a `make bench` run: Dovecot from Debian's packages, configured as
tests/meetings/imap.py configures it for the tests (everything in one folder of the run, a
passwd-file user, Maildir, plain login on the loopback address only), but started as a Service
of the run, so that it is logged and stopped with the rest even when the run is killed."""

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench_processes import Service, free_port, wait_until

DOVECOT = "/usr/sbin/dovecot"
USER = "organizer"
PASSWORD = "bench-organizer"
MAIL_OWNER = "nobody"  # mail processes cannot run as root
MAIL_GROUP = "nogroup"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/mail/%n
mail_uid = {owner}
mail_gid = {group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/passwd
}}
userdb {{
  driver = static
  args = uid={owner} gid={group} home={root}/home/%n
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def dovecot_install() -> None:
    """Debian's dovecot-imapd, installed when missing and when we may (root)."""
    if os.path.exists(DOVECOT):
        return
    if os.geteuid() != 0:
        raise RuntimeError("Missing Debian package: dovecot-imapd (run as root, or install it).")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=environment)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "dovecot-imapd"],
        check=True, env=environment, capture_output=True,
    )  # fmt: skip


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
            status, data = connection.select(f'"{folder}"', readonly=True)
            return int(data[0]) if status == "OK" else 0
        finally:
            connection.logout()


def mailbox_start(services: list[Service], *, work: Path, env: dict, log_dir: Path) -> Mailbox:
    dovecot_install()
    root = work / "imap"
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir(parents=True)
    root.chmod(0o755)
    work.chmod(0o755)  # Dovecot's mail processes, as nobody, reach the Maildir through it
    for name in ("mail", "home"):
        shutil.chown(root / name, MAIL_OWNER, MAIL_GROUP)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root, port=port, owner=pwd.getpwnam(MAIL_OWNER).pw_uid,
            group=grp.getgrnam(MAIL_GROUP).gr_gid,
        )
    )  # fmt: skip
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
