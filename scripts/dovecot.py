"""A throwaway Dovecot from Debian's packages, without systemd, for the IMAP mailbox of the
calendar-reply tests (tests/meetings/imap.py) and of `make bench` (scripts/bench_imap.py).

Everything lives in one folder: configuration, a passwd-file user, Maildir and logs. Plain
login is allowed because the server listens on the loopback address only. Each caller starts
the server its own way (a child of the test process, a service of the bench run).
"""

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
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
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
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


def dovecot_install() -> bool:
    """Install Debian's dovecot-imapd when missing and when we may (root); whether it is there."""
    if os.path.exists(DOVECOT):
        return True
    if os.geteuid() != 0:
        return False
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=environment)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "dovecot-imapd"],
        check=False,
        env=environment,
        capture_output=True,
    )
    return os.path.exists(DOVECOT)


def dovecot_configure(*, root: Path, port: int, user: str, password: str) -> Path:
    """Lay out ``root`` for one mailbox user and write the configuration; returns its path."""
    root.chmod(0o755)
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir(parents=True, exist_ok=True)
    for name in ("mail", "home"):
        shutil.chown(root / name, MAIL_OWNER, MAIL_GROUP)
    passwd = root / "passwd"
    passwd.write_text(f"{user}:{{PLAIN}}{password}\n")
    passwd.chmod(0o644)
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=pwd.getpwnam(MAIL_OWNER).pw_uid,
            gid=grp.getgrnam(MAIL_GROUP).gr_gid,
        )
    )
    return config


def folder_count(connection: imaplib.IMAP4, folder: str) -> int:
    """How many messages ``folder`` holds (0 when it does not exist yet), read-only."""
    status, data = connection.select(f'"{folder}"', readonly=True)
    return int(data[0]) if status == "OK" else 0
