"""A real CalDAV server accepts the invitation and its update as one event.

Radicale (from PyPI) is started by the test on 127.0.0.1 with its storage in a temporary
folder; the invitation is PUT (201), then the update with the higher SEQUENCE under the same
name (204), and what the server stored is read back.
"""

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
import vobject

from meetings import ical
from meetings.models import Meeting
from tests.meetings.factories import eastern

pytestmark = pytest.mark.integration

AUTH = "Basic " + base64.b64encode(b"peernet:any").decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def radicale(tmp_path):
    port = _free_port()
    config = tmp_path / "radicale.cfg"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = none\n"
        "[storage]\n"
        f"filesystem_folder = {tmp_path / 'collections'}\n"
        "[logging]\n"
        "level = warning\n"
    )
    log = open(tmp_path / "radicale.log", "w+b")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail("Radicale did not start:\n" + log.read().decode()[-3000:])
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _request(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", AUTH)
    if body is not None:
        request.add_header("Content-Type", "text/calendar; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _invitation(meeting: Meeting) -> bytes:
    text = ical.calendar_request(
        meeting=meeting,
        attendee=ical.Person(name="Amélie Tremblay", email="amelie@gatineau.ca"),
        language="fr",
        links={"detail": "https://peernet.example/fr/rencontres/1/"},
    )
    return text.encode("utf-8")


def test_radicale_stores_the_invitation_and_its_update_as_one_event(radicale):
    meeting = Meeting(
        pk=1,
        title_en="Heat and Health",
        title_fr="Chaleur et santé",
        starts_at=eastern(2026, 7, 8, 13),
        ends_at=eastern(2026, 7, 8, 14),
        join_url="https://zoom.us/j/81234567890",
        passcode="482913",
        calendar_uid="7b0c1f7e-1d1c-4d0b-9a0f-1e2d3c4b5a69@peernet",
        sequence=0,
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
        updated_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    collection = f"{radicale}/peernet/meetings/"
    status, body = _request("MKCALENDAR", collection)
    assert status == 201, body
    resource = collection + "invitation.ics"

    status, body = _request("PUT", resource, _invitation(meeting))
    assert status == 201, body

    meeting.starts_at += timedelta(days=7)
    meeting.ends_at += timedelta(days=7)
    meeting.sequence = 1
    status, body = _request("PUT", resource, _invitation(meeting))
    assert status == 204, body

    status, stored = _request("GET", resource)
    assert status == 200
    event = vobject.readOne(stored.decode("utf-8")).vevent
    assert event.uid.value == meeting.calendar_uid
    assert event.sequence.value == "1"
    assert event.dtstart.value.astimezone(UTC) == datetime(2026, 7, 15, 17, 0, tzinfo=UTC)
    assert event.summary.value == "Chaleur et santé"

    # The same UID under another name is refused: the server sees one event, not two.
    status, _body = _request("PUT", collection + "copy.ics", _invitation(meeting))
    assert status == 409
