"""The decisions that admin pages report (peernet/admin_mixins.py): over a selection every row
is tried, a row the service refuses is named in a warning and the count is of the rows
decided; a single decision says either the service's refusal or its success."""

import pytest
from django.contrib import messages
from django.core.exceptions import ValidationError

from peernet.admin_mixins import decision_report, selection_decide

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


def test_a_single_decision_reports_the_refusal_as_an_error():
    model_admin = _ModelAdmin()
    decision_report(model_admin, None, decide=lambda: _decide("late"), success="Done.")
    assert model_admin.said == [("Too late. Ask again.", messages.ERROR)]


def test_a_single_decision_reports_its_success():
    model_admin = _ModelAdmin()
    decision_report(model_admin, None, decide=lambda: _decide("first"), success="Done.")
    assert model_admin.said == [("Done.", messages.SUCCESS)]
