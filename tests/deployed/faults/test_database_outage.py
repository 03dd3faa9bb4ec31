"""A short database outage: pages answer 503 "try again in a moment" in the language of the
address, with Retry-After, and come back by themselves once the database does. Errors that are
bugs (a ProgrammingError) stay server errors."""

import time

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.test import Client

from members.models import Registration
from tests.deployed.people import PASSWORD, REGISTRATION, person_member
from tests.deployed.waiting import wait_for

from .conftest import database_stopped

pytestmark = pytest.mark.integration

TEXT = {
    "en": ("Try again in a moment", "PeerNet is briefly unavailable."),
    "fr": ("Réessayez dans un instant", "PeerNet est momentanément indisponible."),
}


def assert_outage_page(response, language):
    title, sentence = TEXT[language]
    assert response.status == 503
    assert response.header("retry-after") == "30"
    assert response.header("cache-control") == "no-store"
    assert f'<html lang="{language}">' in response.text
    assert f"<h1>{title}</h1>" in response.text
    assert sentence in response.text


def test_pages_answer_503_while_the_database_is_stopped_and_come_back_after(site):
    visitor = site.client()
    member = site.client(client_ip="203.0.113.20")
    visitor.timeout = member.timeout = 10
    person = person_member(user__email="jordan@calgary.ca")
    assert member.login(person.email, PASSWORD).status == 200
    assert visitor.get("/en/register/").status == 200  # the form's CSRF cookie

    started = time.monotonic()
    with database_stopped():
        english = visitor.get("/en/")
        french = visitor.get("/fr/")
        posted = visitor.post("/fr/inscription/", REGISTRATION)
        # A signed-in person's session is read by a middleware, before any view.
        signed_in = member.get("/en/")
        probe = visitor.get("/healthz")
    down_for = time.monotonic() - started

    assert_outage_page(english, "en")
    assert_outage_page(french, "fr")
    assert_outage_page(posted, "fr")
    assert_outage_page(signed_in, "en")
    # The outage page sets no cookie: the session and the CSRF token are left as they were.
    assert [answer.header("set-cookie") for answer in (english, french, signed_in)] == [None] * 3
    # The health probe still says which service failed, in its own JSON.
    assert (probe.status, probe.header("content-type")) == (503, "application/json")
    assert '"database": "unavailable"' in probe.text

    back = wait_for(lambda: visitor.get("/en/").status == 200, timeout=10)
    assert back, site.log()
    assert visitor.get("/fr/").status == 200
    # The member is still signed in: the session outlived the outage.
    assert member.get("/en/me/").status == 200
    # The member's own request only: the form sent during the outage saved nothing.
    assert list(Registration.objects.values_list("user__email", flat=True)) == ["jordan@calgary.ca"]
    assert down_for < 15, f"the outage lasted {down_for:.1f} s"


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection"), InterfaceError("connection already closed")],
)
def test_an_unreachable_database_in_a_view_gives_the_translated_outage_page(db, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("staff.views.HomeView.get_context_data", fail)
    response = Client(raise_request_exception=False).get("/fr/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "<h1>Réessayez dans un instant</h1>" in response.content.decode()


def test_an_unreachable_database_in_a_middleware_gives_the_outage_page(db, monkeypatch):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32

    def fail(self):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", fail)
    response = client.get("/en/")
    assert response.status_code == 503
    assert "<h1>Try again in a moment</h1>" in response.content.decode()


def test_a_programming_error_stays_a_server_error(db, monkeypatch):
    def fail(*args, **kwargs):
        raise ProgrammingError('relation "meetings_meeting" does not exist')

    monkeypatch.setattr("staff.views.HomeView.get_context_data", fail)
    response = Client(raise_request_exception=False).get("/en/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "<h1>Server error</h1>" in response.content.decode()


def test_a_public_page_kept_before_the_outage_is_still_served_to_anonymous_visitors(site):
    visitor = site.client("203.0.113.21")
    visitor.timeout = 10
    kept = visitor.get("/fr/")
    assert kept.status == 200, site.log()
    with database_stopped():
        during = visitor.get("/fr/")
        not_kept = visitor.get("/en/")
    assert (during.status, during.body) == (200, kept.body)
    assert_outage_page(not_kept, "en")
