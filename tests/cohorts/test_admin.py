"""Staff's admin for cohorts: uploads checked from their bytes, translations at a glance,
logo previews and the queue of expressions of interest."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cohorts.models import Community, ExpressionOfInterest, ProgrammePartner

from .factories import CommunityFactory, ExpressionOfInterestFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png(size=(30, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


def community_form(**overrides):
    data = {
        "name_en": "Town of Canmore",
        "name_fr": "Ville de Canmore",
        "slug": "town-of-canmore",
        "kind": "town",
        "province": "AB",
        "population": "",
        "website": "https://canmore.ca/",
        "description_en": "<p>Mountain town.</p>",
        "description_fr": "<p>Ville de montagne.</p>",
        "roadmap_status": "published",
        "roadmap_language": "en",
        "roadmap_url": "",
        "latitude": "51.0892",
        "longitude": "-115.359",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


ADD = "/en/admin/cohorts/community/add/"


def test_a_valid_logo_and_pdf_are_stored_under_server_names(staff_client):
    response = staff_client.post(
        ADD,
        community_form(
            logo=SimpleUploadedFile("../../../etc/passwd.png", png(), "image/png"),
            roadmap_document=SimpleUploadedFile("../evil name.pdf", PDF, "application/pdf"),
        ),
    )
    assert response.status_code == 302
    community = Community.objects.get()
    assert re.fullmatch(r"cohorts/logos/[0-9a-f]{32}\.png", community.logo.name)
    assert re.fullmatch(r"cohorts/roadmaps/[0-9a-f]{32}\.pdf", community.roadmap_document.name)
    assert community.logo.read().startswith(b"\x89PNG")
    assert community.roadmap_document.read() == PDF


@pytest.mark.parametrize(
    ("field", "name", "data", "message"),
    [
        ("logo", "logo.png", b"hello, I am text", "This file is not a PNG, JPEG or WebP image"),
        (
            "logo",
            "logo.png",
            b"<html><script>alert(1)</script></html>",
            "SVG and other text files are not accepted as logos",
        ),
        (
            "logo",
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG and other text files are not accepted as logos",
        ),
        ("logo", "logo.png", png() + b"\0" * (2 * 1024 * 1024), "the limit is 2.0"),
        ("roadmap_document", "roadmap.pdf", b"<html>not a pdf</html>", "This file is not a PDF"),
        ("roadmap_document", "roadmap.pdf", png(), "This file is not a PDF"),
    ],
)
def test_bad_uploads_are_refused_next_to_their_field_with_400(
    staff_client, field, name, data, message
):
    response = staff_client.post(ADD, community_form(**{field: SimpleUploadedFile(name, data)}))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    # Django's admin lists a field's errors in the row of that field.
    row = html.split(f'class="form-row errors field-{field}"')[1].split('class="form-row')[0]
    assert 'class="errorlist' in row
    assert message in row
    assert Community.objects.count() == 0


def test_bad_upload_errors_are_translated(staff_client):
    response = staff_client.post(
        ADD.replace("/en/", "/fr/"),
        community_form(logo=SimpleUploadedFile("logo.png", b"plain text")),
    )
    assert response.status_code == 400
    assert "Ce fichier n’est pas une image PNG, JPEG ou WebP" in response.content.decode()


def test_an_html_description_is_sanitised_on_save_in_the_admin(staff_client):
    staff_client.post(
        ADD,
        community_form(description_en='<p onclick="x()">Hi</p><script>alert(1)</script>'),
    )
    assert Community.objects.get().description_en == "<p>Hi</p>"


def test_a_community_added_in_the_admin_is_found_by_its_names(staff_client):
    staff_client.post(ADD, community_form(name_fr="Ville de Canmore-Été"))
    assert Community.objects.get().search_text == (
        "ab town of canmore alberta ville de canmore-ete alberta"
    )


def test_change_list_shows_missing_translations_and_filters_them(staff_client):
    CommunityFactory(name_en="Complete Town")
    CommunityFactory(name_en="No French Town", name_fr="", description_fr="")
    CommunityFactory(name_en="No English Text", description_en="")
    changelist = "/en/admin/cohorts/community/"
    html = staff_client.get(changelist).content.decode()
    assert "Missing: French" in html
    assert "Missing: English" in html
    french = staff_client.get(changelist, {"translation": "fr"}).content.decode()
    assert "No French Town" in french
    assert "Complete Town" not in french and "No English Text" not in french
    english = staff_client.get(changelist, {"translation": "en"}).content.decode()
    assert "No English Text" in english and "No French Town" not in english
    complete = staff_client.get(changelist, {"translation": "complete"}).content.decode()
    assert "Complete Town" in complete and "No French Town" not in complete


def test_change_form_has_language_tabs_and_a_logo_preview(staff_client):
    community = CommunityFactory()
    community.logo.save("logo.png", ContentFile(png()), save=True)
    html = staff_client.get(f"/en/admin/cohorts/community/{community.pk}/change/").content.decode()
    assert 'name="name_en"' in html and 'name="name_fr"' in html
    assert "modeltranslation" in html
    assert (
        f'<img src="{community.logo.url}" alt="Logo of {community.name}" class="admin-logo-preview">'
        in html
    )
    changelist = staff_client.get("/en/admin/cohorts/community/").content.decode()
    assert f'<img src="{community.logo.url}" alt="Logo" class="admin-logo-thumb">' in changelist


def test_partner_logo_is_checked_too(staff_client):
    response = staff_client.post(
        "/en/admin/cohorts/programmepartner/add/",
        {
            "name_en": "Partner",
            "name_fr": "Partenaire",
            "position": "0",
            "logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>"),
        },
    )
    assert response.status_code == 400
    assert "SVG and other text files are not accepted as logos" in response.content.decode()
    assert ProgrammePartner.objects.count() == 0


def test_interest_actions_go_through_the_service(staff_client):
    interest = ExpressionOfInterestFactory()
    changelist = reverse("admin:cohorts_expressionofinterest_changelist")
    response = staff_client.post(
        changelist, {"action": "mark_contacted", "_selected_action": [interest.pk]}, follow=True
    )
    assert "1 request marked “Contacted”." in response.content.decode()
    interest.refresh_from_db()
    assert interest.status == "contacted"
    assert interest.handled_by.email.startswith("staff")
    assert interest.handled_at is not None


def test_interest_status_changed_in_the_form_records_who(staff_client):
    interest = ExpressionOfInterestFactory()
    change = reverse("admin:cohorts_expressionofinterest_change", args=[interest.pk])
    response = staff_client.post(change, {"status": "closed", "staff_notes": "Not this year."})
    assert response.status_code == 302
    interest.refresh_from_db()
    assert (interest.status, interest.staff_notes) == ("closed", "Not this year.")
    assert interest.handled_by is not None


def test_staff_cannot_add_an_expression_of_interest_by_hand(staff_client):
    assert staff_client.get("/en/admin/cohorts/expressionofinterest/add/").status_code == 403
    assert ExpressionOfInterest.objects.count() == 0


def test_admin_pages_load_no_script_from_outside(staff_client):
    community = CommunityFactory()
    html = staff_client.get(f"/en/admin/cohorts/community/{community.pk}/change/").content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in sources
    assert [source for source in sources if not source.startswith(("/static/", "/en/admin/"))] == []
