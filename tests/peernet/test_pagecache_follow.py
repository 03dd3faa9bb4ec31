"""What the public pages show is followed: every followed model starts a new content version on
any write, a bulk one too, in every process from its start."""

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.models import F
from django.urls import get_resolver, reverse

from meetings.models import Meeting
from peernet.pagecache import pages_changed, pages_followed
from peernet.pagecache.versions import VERSION_KEY, FollowedQuerySet
from tests.cohorts.factories import (
    ActionGroupFactory,
    AdvisorFactory,
    CohortFactory,
    CommunityFactory,
    PartnerGovernmentFactory,
    ProgrammePartnerFactory,
    ProgrammeSessionFactory,
)
from tests.meetings.factories import MeetingFactory, ThemeFactory

pytestmark = pytest.mark.unit

FOLLOWED = pages_followed()
# How the tests make a row of each followed model: a factory, or None for a model whose rows
# always exist (created after every migration).
ROW_MAKERS = {
    "meetings.Meeting": MeetingFactory,
    "meetings.Theme": ThemeFactory,
    "cohorts.Cohort": CohortFactory,
    "cohorts.Community": CommunityFactory,
    "cohorts.PartnerGovernment": PartnerGovernmentFactory,
    "cohorts.ProgrammeSession": ProgrammeSessionFactory,
    "cohorts.ActionGroup": ActionGroupFactory,
    "cohorts.Advisor": AdvisorFactory,
    "cohorts.ProgrammePartner": ProgrammePartnerFactory,
}


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 60


def label(model) -> str:
    return model._meta.label


def version() -> str | None:
    return cache.get(VERSION_KEY)


def a_row(model):
    maker = ROW_MAKERS.get(label(model))
    row = maker() if maker else model.objects.first()
    assert row is not None, f"name a factory of {label(model)} in ROW_MAKERS"
    pages_changed()
    return row


def test_every_followed_model_has_a_row_to_write(db):
    for model in FOLLOWED:
        assert a_row(model)._meta.model is model


@pytest.mark.parametrize("model", FOLLOWED, ids=label)
def test_a_bulk_update_starts_a_new_version(db, model):
    row = a_row(model)
    before = version()
    key = model._meta.pk.attname
    assert model.objects.filter(pk=row.pk).update(**{key: F(key)}) == 1
    assert version() != before


@pytest.mark.parametrize("model", FOLLOWED, ids=label)
def test_a_bulk_delete_starts_a_new_version(db, model):
    row = a_row(model)
    before = version()
    assert model.objects.filter(pk=row.pk).delete()[0] >= 1
    assert version() != before


@pytest.mark.parametrize("model", FOLLOWED, ids=label)
def test_a_bulk_create_and_a_bulk_update_start_a_new_version(db, model):
    row = a_row(model)
    model.objects.filter(pk=row.pk).delete()
    before = version()
    model.objects.bulk_create([row])
    created = version()
    assert created != before
    field = next(field for field in model._meta.concrete_fields if not field.primary_key)
    assert model.objects.bulk_update([row], [field.name]) == 1
    assert version() != created


def test_a_bulk_update_through_a_relation_starts_a_new_version(db):
    community = CommunityFactory(cohorts=[CohortFactory()])
    before = version()
    assert community.cohorts.update(start_year=F("start_year")) == 1
    assert version() != before


def test_a_kept_page_shows_a_bulk_update_at_its_next_visit(db, client):
    meeting = MeetingFactory(title_en="Heat pumps")
    assert "Heat pumps" in client.get(reverse("meetings:list")).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(title_en="District heating")
    assert "District heating" in client.get(reverse("meetings:list")).content.decode()


def test_a_bulk_update_of_nothing_keeps_the_version(db):
    pages_changed()
    before = version()
    assert Meeting.objects.filter(pk=0).update(title=F("title")) == 0
    assert version() == before


@pytest.mark.parametrize("model", FOLLOWED, ids=label)
def test_every_manager_of_a_followed_model_hands_out_the_followed_queryset(model):
    managers = (*model._meta.managers, model._default_manager)
    assert all(isinstance(manager.all(), FollowedQuerySet) for manager in managers)
    # Django copies the managers again when its model cache is cleared.
    apps.clear_cache()
    assert isinstance(model._default_manager.all(), FollowedQuerySet)


def test_unfollowed_models_keep_djangos_queryset():
    assert not isinstance(apps.get_model("meetings", "Invitation").objects.all(), FollowedQuerySet)


def test_the_models_are_followed_from_the_start_of_any_process():
    """A worker or a command never loads the URLconf: the apps' ready() alone follows them."""
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from peernet.pagecache import pages_followed\n"
        "from peernet.pagecache.versions import FollowedQuerySet\n"
        "print(settings.ROOT_URLCONF in sys.modules)\n"
        "print(' '.join(model._meta.label for model in pages_followed()\n"
        "               if isinstance(model.objects.all(), FollowedQuerySet)))\n"
    )
    environment = {"DJANGO_SETTINGS_MODULE": "peernet.settings.test", **os.environ}
    finished = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    urlconf_loaded, followed = finished.stdout.splitlines()
    assert urlconf_loaded == "False"
    get_resolver()  # this process has loaded it
    assert followed.split() == [label(model) for model in pages_followed()]
