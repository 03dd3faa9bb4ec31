"""Public pages kept for anonymous visitors, as deployed: gunicorn with the production settings
and Redis. A change made by staff in the admin shows at the next visit, in both languages;
a signed-in member never gets the anonymous copy."""

import re
from html.parser import HTMLParser

import pytest

from meetings.models import Meeting
from members.models import Registration
from tests.deployed.people import PASSWORD, REGISTRATION, person_member, person_staff
from tests.meetings.factories import MeetingFactory

pytestmark = [pytest.mark.integration]

EDITOR = ["meetings.view_meeting", "meetings.change_meeting"]


class FormFields(HTMLParser):
    """The values a browser would send with the form of the given id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append([attrs["name"], attrs.get("value", "")])
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append([self._select, attrs.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(html: str, form_id: str) -> dict[str, str]:
    parser = FormFields(form_id)
    parser.feed(html)
    return dict(parser.fields)


def test_a_meeting_renamed_in_the_admin_shows_at_once_in_both_languages(site):
    meeting = MeetingFactory(title_en="Heat pumps in winter", title_fr="Thermopompes en hiver")
    visitor = site.client("203.0.113.60")
    pages = {
        "en": ["/en/", "/en/meetings/", f"/en/meetings/{meeting.pk}/"],
        "fr": ["/fr/", "/fr/rencontres/", f"/fr/rencontres/{meeting.pk}/"],
    }
    titles = {"en": "Heat pumps in winter", "fr": "Thermopompes en hiver"}
    for language, paths in pages.items():
        for path in paths:
            for _ in range(2):  # made, then served from the kept copy
                page = visitor.get(path)
                assert page.status == 200, (path, site.log())
                assert titles[language] in page.text
                assert f'lang="{language}"' in page.text
    assert not visitor.cookies, "an anonymous visit sets no cookie"

    editor = person_staff(permissions=EDITOR)
    # The admin records the change under the model's content type, which a worker looked up
    # in an earlier test's database.
    site.workers_restart()
    staff = site.client("203.0.113.61")
    staff.login(editor.email, PASSWORD, totp_secret=editor.totp_secret)
    change = f"/en/admin/meetings/meeting/{meeting.pk}/change/"
    form = staff.get(change)
    assert form.status == 200, site.log()
    fields = form_fields(form.text, "meeting_form")
    assert fields["title_en"] == "Heat pumps in winter"
    fields.update({"title_en": "District heating", "title_fr": "Réseaux de chaleur", "_save": ""})
    saved = staff.post(change, fields)
    assert saved.status == 302, site.log()
    assert Meeting.objects.get(pk=meeting.pk).title_fr == "Réseaux de chaleur"

    renamed = {"en": "District heating", "fr": "Réseaux de chaleur"}
    for language, paths in pages.items():
        for path in paths:
            page = visitor.get(path)
            assert renamed[language] in page.text, path
            assert titles[language] not in page.text, path


def test_a_signed_in_member_never_gets_the_anonymous_copy(site):
    meeting = MeetingFactory()
    path = f"/en/meetings/{meeting.pk}/"
    anonymous = site.client("203.0.113.62")
    for _ in range(2):
        assert meeting.join_url not in anonymous.get(path).text
    member = person_member()
    signed_in = site.client("203.0.113.63")
    signed_in.login(member.email, PASSWORD)
    page = signed_in.get(path)
    assert meeting.join_url in page.text
    assert "no-store" in page.header("cache-control")
    # And the member's page was not kept for the next anonymous visitor.
    assert meeting.join_url not in site.client("203.0.113.64").get(path).text


def test_a_kept_page_carries_the_headers_of_every_answer(site):
    visitor = site.client("203.0.113.65")
    first, again = visitor.get("/fr/"), visitor.get("/fr/")
    assert again.body == first.body
    for name in ("content-security-policy", "permissions-policy", "strict-transport-security",
                 "x-frame-options", "x-content-type-options", "content-language", "vary"):  # fmt: skip
        assert again.header(name) == first.header(name), name
    assert again.header("content-language") == "fr"


@pytest.mark.parametrize(
    ("language", "path"), [("en", "/en/register/"), ("fr", "/fr/inscription/")]
)
def test_visitors_served_the_kept_registration_form_each_get_a_working_token(site, language, path):
    first, second = site.client("203.0.113.66"), site.client("203.0.113.67")
    pages = [first.get(path), second.get(path)]
    assert [page.status for page in pages] == [200, 200], site.log()
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1] for page in pages
    ]
    assert tokens[0] != tokens[1]
    assert first.csrf_token and second.csrf_token and first.csrf_token != second.csrf_token
    assert all(f'lang="{language}"' in page.text for page in pages)
    assert "no-store" in pages[1].header("cache-control")
    sent = second.post(path, {**REGISTRATION, "csrfmiddlewaretoken": tokens[1]})
    assert sent.status == 302, site.log()
    assert Registration.objects.filter(user__email=REGISTRATION["email"]).exists()
    # The first visitor's token is theirs alone.
    third = site.client("203.0.113.68")
    third.get(path)
    stolen = third.post(
        path, {**REGISTRATION, "email": "x@gatineau.ca", "csrfmiddlewaretoken": tokens[0]}
    )
    assert stolen.status == 403
