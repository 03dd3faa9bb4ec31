"""The deployed portal answers its public pages in both languages behind the TLS proxy."""

import json

import pytest

from tests.cohorts.factories import CommunityFactory
from tests.peernet.test_media import checked_logo, checked_roadmap

pytestmark = [pytest.mark.integration]


@pytest.mark.parametrize("path", ["/en/", "/fr/"])
def test_home_page_is_served_by_gunicorn_with_the_production_settings(site, path):
    response = site.client().get(path)
    assert response.status == 200, site.log()
    assert "PeerNet" in response.text
    assert response.header("x-content-type-options") == "nosniff"
    assert response.header("x-frame-options") == "DENY"


def test_plain_http_is_sent_to_https(site):
    response = site.client().get("/en/", headers={"X-Forwarded-Proto": "http"})
    assert response.status == 301
    assert response.location == "https://peernet.test/en/"


def test_the_health_probe_answers_over_plain_http(site):
    response = site.client().get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert response.status == 200
    assert json.loads(response.body) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def test_public_uploads_are_served_sandboxed_and_nothing_else_is(site):
    community = CommunityFactory(logo=checked_logo("PNG"), roadmap_document=checked_roadmap())
    client = site.client()
    logo = client.get(community.logo.url)
    assert logo.status == 200, site.log()
    assert logo.body[:8] == b"\x89PNG\r\n\x1a\n"
    assert logo.header("content-type") == "image/png"
    assert logo.header("x-content-type-options") == "nosniff"
    assert logo.header("content-security-policy") == "sandbox; default-src 'none'"
    roadmap = client.get(community.roadmap_document.url)
    assert roadmap.status == 200
    assert roadmap.header("content-type") == "application/pdf"
    assert roadmap.header("content-disposition").startswith("attachment")

    (site.media_root / "cohorts" / "left-behind.png").write_bytes(logo.body)
    for path in ["/media/cohorts/left-behind.png", "/media/../manage.py",
                 "/media/%2e%2e/manage.py", "/media/cohorts/", "/media/"]:  # fmt: skip
        assert client.get(path).status == 404, path
