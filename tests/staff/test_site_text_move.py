"""The page texts moved from the peernet app to the staff app: a database that had them keeps
every row as staff left it, and the permissions a group was given on them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from staff.models import SiteText

pytestmark = [pytest.mark.unit, pytest.mark.django_db(transaction=True)]

PEERNET_BEFORE_THE_MOVE = ("peernet", "0002_site_texts_defaults")


@pytest.fixture
def old():
    """The models as they were before the move (the database taken back there), and the
    database brought forward again afterwards, whatever the test found."""
    executor = MigrationExecutor(connection)
    executor.migrate([PEERNET_BEFORE_THE_MOVE, ("staff", None)])
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "staff"]
    before = [node for node in others if node[0] != "peernet"] + [PEERNET_BEFORE_THE_MOVE]
    yield executor.loader.project_state(before).apps
    _migrate_forward()


def _migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_texts_and_their_permissions_move_with_the_model(old):
    # Going back moved the content type back too, when the suite's database had one already.
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="peernet", model="sitetext"
    )
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type,
        codename="change_sitetext",
        defaults={"name": "Can change page text"},
    )
    editors = old.get_model("auth", "Group").objects.create(name="Editors")
    editors.permissions.add(permission)
    old.get_model("peernet", "SiteText").objects.create(
        key="home.purpose",
        title="Ours",
        title_en="Ours",
        body="<p>Edited</p>",
        body_en="<p>Edited</p>",
    )

    _migrate_forward()

    assert SiteText._meta.db_table == "staff_sitetext"
    assert SiteText.objects.get(key="home.purpose").body_en == "<p>Edited</p>"
    assert SiteText.objects.count() == 8  # the others are created with their defaults
    new = MigrationExecutor(connection).loader.project_state().apps
    moved = new.get_model("auth", "Group").objects.get(name="Editors").permissions.get()
    assert (moved.content_type.app_label, moved.codename) == ("staff", "change_sitetext")
