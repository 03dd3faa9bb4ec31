"""Management commands: reference data and demo data load the same way twice."""

import io

import pytest
from django.core.management import CommandError, call_command

from members import eligibility, services
from members.choices import FlagCode, RegistrationStatus
from members.models import KnownDomain, KnownOrganisation, Registration, User
from tests.members.factories import RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_known_organisations_load_once_and_cover_the_programme_communities():
    call_command("load_known_organisations")
    counts = (KnownOrganisation.objects.count(), KnownDomain.objects.count())
    call_command("load_known_organisations")
    assert (KnownOrganisation.objects.count(), KnownDomain.objects.count()) == counts
    assert counts[0] > 100
    for domain, name in [
        ("calgary.ca", "City of Calgary"),
        ("gatineau.ca", "City of Gatineau"),
        ("rdn.bc.ca", "Regional District of Nanaimo"),
        ("kahnawake.com", "Mohawk Council of Kahnawà:ke"),
    ]:
        known = eligibility.known_organisation_for_domain(domain)
        assert known is not None and known.name_en == name, domain
    assert KnownOrganisation.objects.get(name_en="City of Gatineau").name_fr == "Ville de Gatineau"


def test_known_organisations_refuse_a_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name_en,name_fr,kind,province,domains\nX,X,ministry,QC,x.ca\n")
    with pytest.raises(CommandError, match="unknown kind or province"):
        call_command("load_known_organisations", str(bad))
    assert KnownOrganisation.objects.count() == 0


def test_demo_members_cover_every_state_and_load_once():
    StaffFactory()
    call_command("load_known_organisations")
    call_command("demo_members")
    first = sorted(Registration.objects.values_list("user__email", "status"))
    call_command("demo_members")
    assert sorted(Registration.objects.values_list("user__email", "status")) == first
    assert {status for _, status in first} == {
        RegistrationStatus.PENDING,
        RegistrationStatus.APPROVED,
        RegistrationStatus.REJECTED,
    }
    assert User.objects.filter(is_staff=False).count() == len(first)


def test_loading_known_governments_assesses_waiting_requests_again(tmp_path):
    waiting = RegistrationFactory(user__email="lee@newtown.ca", organisation_name="Town of Newtown")
    services.registration_flags_refresh(registration=waiting)
    assert FlagCode.KNOWN_GOVERNMENT not in set(waiting.flags.values_list("code", flat=True))
    data = tmp_path / "known.csv"
    data.write_text(
        "name_en,name_fr,kind,province,domains\nTown of Newtown,Ville de Newtown,town,ON,newtown.ca\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_known_organisations", str(data), stdout=out)
    assert FlagCode.KNOWN_GOVERNMENT in set(waiting.flags.values_list("code", flat=True))
    assert "1 created, 0 updated; 1 waiting requests assessed again." in out.getvalue()
