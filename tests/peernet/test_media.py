"""Uploaded files in production: public logos and roadmaps only, typed by their bytes and
sandboxed; nothing else under MEDIA_ROOT answers."""

import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from cohorts import uploads
from cohorts.choices import RoadmapStatus
from cohorts.models import Community
from peernet.media import PublicFileField, public_file_fields
from tests.cohorts.factories import CommunityFactory, ProgrammePartnerFactory
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SANDBOX = "sandbox; default-src 'none'"


def image_bytes(kind="PNG") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 60)).save(output, format=kind)
    return output.getvalue()


def checked_logo(kind="PNG") -> ContentFile:
    """A logo as the admin stores it: validated, then re-encoded by the upload checks."""
    upload = SimpleUploadedFile(f"logo.{kind.lower()}", image_bytes(kind), f"image/{kind}")
    return uploads.logo_normalise(upload)


def checked_roadmap() -> SimpleUploadedFile:
    upload = SimpleUploadedFile("Feuille de route.pdf", PDF, content_type="application/pdf")
    uploads.roadmap_validate(upload)
    return upload


def media_url(name: str) -> str:
    return f"/media/{name}"


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")],
)
def test_community_logo_is_served_inline_with_its_checked_type(client, kind, content_type):
    community = CommunityFactory(logo=checked_logo(kind))
    assert community.logo.url.startswith("/media/cohorts/logos/")
    response = client.get(community.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "public, max-age=3600"
    assert int(response["Content-Length"]) == community.logo.size
    assert b"".join(response.streaming_content) == stored(community.logo)


def test_community_page_links_to_a_logo_that_answers(client):
    community = CommunityFactory(logo=checked_logo())
    page = client.get(community.get_absolute_url())
    assert page.status_code == 200
    assert f'src="{community.logo.url}"'.encode() in page.content
    assert client.get(community.logo.url).status_code == 200


def test_published_roadmap_is_a_download(client):
    community = CommunityFactory(roadmap_document=checked_roadmap())
    name = Path(community.roadmap_document.name).name
    assert community.roadmap_document.name == f"cohorts/roadmaps/{name}"
    response = client.get(community.roadmap_link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_programme_partner_logo_is_served(client):
    partner = ProgrammePartnerFactory(logo=checked_logo("JPEG"))
    response = client.get(partner.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_the_type_comes_from_the_bytes_not_the_name_or_the_request(client):
    # A PDF stored under a logo's name is still a PDF, and still a download.
    community = CommunityFactory(logo=ContentFile(PDF, name="logo.png"))
    assert community.logo.name.endswith(".png")
    response = client.get(
        community.logo.url, headers={"accept": "text/html"}, QUERY_STRING="format=html"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_referenced_file_of_no_known_kind_is_not_served(client):
    # Bypassing the upload checks (a file copied in by hand): HTML must never be sent.
    community = CommunityFactory(logo=ContentFile(b"<html><script>alert(1)</script>", "a.png"))
    assert client.get(community.logo.url).status_code == 404


def test_head_and_conditional_get(client):
    community = CommunityFactory(logo=checked_logo())
    url = community.logo.url
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(community.logo.size)
    assert head["Content-Type"] == "image/png"
    assert head["Content-Security-Policy"] == SANDBOX

    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_only_reading_methods(client):
    community = CommunityFactory(logo=checked_logo())
    assert client.post(community.logo.url).status_code == 405
    assert client.delete(community.logo.url).status_code == 405
    assert community.logo.storage.exists(community.logo.name)


def test_signed_in_people_get_it_too_but_not_stored(client):
    community = CommunityFactory(logo=checked_logo())
    client.force_login(MemberFactory().user)
    response = client.get(community.logo.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_left_in_the_folder_is_not_served(client, settings):
    community = CommunityFactory(logo=checked_logo())
    logos = Path(settings.MEDIA_ROOT) / "cohorts" / "logos"
    (logos / "left-behind.png").write_bytes(image_bytes())
    assert client.get(media_url("cohorts/logos/left-behind.png")).status_code == 404
    # A logo replaced or removed in the admin stays on disk and is no longer public.
    old_name = community.logo.name
    Community.objects.filter(pk=community.pk).update(logo="")
    assert (Path(settings.MEDIA_ROOT) / old_name).exists()
    assert client.get(media_url(old_name)).status_code == 404


def test_a_referenced_file_missing_from_disk_is_404(client):
    community = CommunityFactory(logo=checked_logo())
    community.logo.storage.delete(community.logo.name)
    assert client.get(community.logo.url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../peernet/settings/base.py",
        "/media/cohorts/logos/../../../manage.py",
        "/media/cohorts/logos/%2e%2e/%2e%2e/secret.png",
        "/media/cohorts%2F..%2F..%2Fsecret.png",
        "/media/cohorts/logos/%252e%252e/secret.png",
        "/media/..%5c..%5csecret.png",
        "/media//etc/passwd",
        "/media/%2Fetc%2Fpasswd",
        "/media/cohorts/logos/x.png%00.pdf",
        "/media/cohorts/logos/./x.png",
        "/media/cohorts/logos",
        "/media/cohorts/logos/",
        "/media/cohorts",
        "/media/",
    ],
)
def test_traversal_and_odd_names_are_404(client, settings, path):
    CommunityFactory(logo=checked_logo())
    root = Path(settings.MEDIA_ROOT)
    (root.parent / "secret.png").write_bytes(image_bytes())
    response = client.get(path)
    assert response.status_code == 404
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("name", ["../secret.png", "/tmp/secret.png", "cohorts/logos", "cohorts"])
def test_a_row_naming_something_outside_or_a_directory_is_still_refused(client, settings, name):
    root = Path(settings.MEDIA_ROOT)
    (root / "cohorts" / "logos").mkdir(parents=True)
    (root.parent / "secret.png").write_bytes(image_bytes())
    community = CommunityFactory()
    Community.objects.filter(pk=community.pk).update(logo=name)
    assert client.get(media_url(name)).status_code == 404


def test_a_symbolic_link_out_of_the_folder_is_refused(client, settings, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(image_bytes())
    logos = Path(settings.MEDIA_ROOT) / "cohorts" / "logos"
    logos.mkdir(parents=True)
    os.symlink(outside, logos / "link.png")
    community = CommunityFactory()
    Community.objects.filter(pk=community.pk).update(logo="cohorts/logos/link.png")
    assert client.get(media_url("cohorts/logos/link.png")).status_code == 404


def test_a_roadmap_document_cannot_outlive_its_publication():
    community = CommunityFactory(roadmap_document=checked_roadmap())
    with pytest.raises(IntegrityError), transaction.atomic():
        Community.objects.filter(pk=community.pk).update(roadmap_status=RoadmapStatus.COMING_SOON)


@pytest.fixture
def logos_public_with_a_published_roadmap():
    logos = PublicFileField(Community, "logo", lookups={"roadmap_status": "published"})
    with public_file_fields.replaced(logos):
        yield


def test_the_declared_lookups_decide_what_is_public(client, logos_public_with_a_published_roadmap):
    # The allow-list is data: here a logo is public only with a published roadmap.
    shown = CommunityFactory(logo=checked_logo())
    hidden = CommunityFactory(logo=checked_logo(), roadmap_status=RoadmapStatus.COMING_SOON)
    assert client.get(shown.logo.url).status_code == 200
    assert client.get(hidden.logo.url).status_code == 404
    partner = ProgrammePartnerFactory(logo=checked_logo())
    assert client.get(partner.logo.url).status_code == 404  # not declared here


@pytest.mark.parametrize("language", ["en", "fr"])
def test_404_page_is_the_portals_own(client, language):
    response = client.get("/media/cohorts/logos/nothing.png", headers={"accept-language": language})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response
