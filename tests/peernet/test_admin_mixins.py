"""The decision over an admin selection (peernet/admin_mixins.py): every row is tried, a row
the service refuses is named in a warning, and the count is of the rows decided."""

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError

from peernet.admin_mixins import selection_decide

pytestmark = pytest.mark.unit


class _ModelAdmin:
    def __init__(self):
        self.said = []

    def message_user(self, request, message, level):
        self.said.append((message, level))


def _decide(row):
    if row == "late":
        raise ValidationError(["Too late.", "Ask again."])


def test_a_refused_row_is_named_and_the_others_are_decided():
    model_admin = _ModelAdmin()
    decided = selection_decide(model_admin, None, rows=["first", "late", "last"], decide=_decide)
    assert decided == 2
    assert model_admin.said == [("late: Too late. Ask again.", messages.WARNING)]


def test_nothing_selected_decides_nothing_and_says_nothing():
    model_admin = _ModelAdmin()
    assert selection_decide(model_admin, None, rows=[], decide=_decide) == 0
    assert model_admin.said == []
