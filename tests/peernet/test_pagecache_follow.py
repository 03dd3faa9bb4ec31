"""What the public pages show is followed: every model a public page reads starts a new content
version on any write, a bulk one too, in every process from its start."""

import os
import pickle
import re
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from cohorts.models import Cohort
from meetings.models import Meeting
from peernet.pagecache import pages_changed, pages_followed, public_page_kind
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
# Tables a public page reads that are not content staff change while the portal runs: the
# sites framework's one row is written from the settings after each migration (site_sync), and
# Django keeps it in each process besides.
NOT_SHOWN = {"django_site"}
# The table names in FROM and JOIN clauses of the SQL Django writes.
_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"([^"]+)"')


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


@pytest.mark.parametrize("model", FOLLOWED, ids=label)
def test_a_followed_queryset_survives_pickling(model):
    assert isinstance(pickle.loads(pickle.dumps(model.objects.none())), FollowedQuerySet)


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


def public_pages(patterns=None, namespace=""):
    """(name, pattern) of every view marked as a public page in the URLconf."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from public_pages(entry.url_patterns, inner)
        elif public_page_kind(entry.callback) is not None:
            yield f"{namespace}{entry.name}", entry


def followed_tables() -> set[str]:
    tables = set()
    for model in pages_followed():
        tables.add(model._meta.db_table)
        tables.update(
            field.remote_field.through._meta.db_table for field in model._meta.many_to_many
        )
    return tables


def test_every_public_page_reads_only_followed_models(db, settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 0  # each page is made for the request
    theme = ThemeFactory()
    meeting = MeetingFactory(suggested_theme=theme)
    MeetingFactory(starts_at=meeting.starts_at.replace(year=meeting.starts_at.year - 1))
    cohort = CohortFactory()
    community = CommunityFactory(cohorts=[cohort])
    PartnerGovernmentFactory(community=community)
    group = ActionGroupFactory()
    group.communities.add(community)
    AdvisorFactory().action_groups.add(group)
    ProgrammeSessionFactory()
    ProgrammePartnerFactory()
    arguments = {
        "meetings:detail": {"pk": meeting.pk},
        "cohorts:community": {"slug": community.slug},
    }
    read: dict[str, set[str]] = {}
    for name, pattern in public_pages():
        needed = set(pattern.pattern.converters)
        assert needed <= set(arguments.get(name, ())), f"give {name}'s address its arguments"
        for language in ("en", "fr"):
            with translation.override(language):
                address = reverse(name, kwargs=arguments.get(name))
            with CaptureQueriesContext(connection) as queries:
                assert Client().get(address).status_code == 200, address
            tables = {table for query in queries for table in _TABLE.findall(query["sql"])}
            read.setdefault(name, set()).update(tables)
    assert {"home", "meetings:list", "cohorts:programme", "members:register"} <= set(read)
    assert read["meetings:detail"] >= {Meeting._meta.db_table}
    assert read["cohorts:list"] >= {Cohort._meta.db_table}
    unfollowed = {
        name: sorted(tables - followed_tables() - NOT_SHOWN)
        for name, tables in read.items()
        if tables - followed_tables() - NOT_SHOWN
    }
    assert unfollowed == {}, "follow the models these pages show (pages_follow in ready())"
