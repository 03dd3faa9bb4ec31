"""The deployed portal answers its public pages in both languages behind the TLS proxy."""

import pytest

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
