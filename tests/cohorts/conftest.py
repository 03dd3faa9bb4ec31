"""Fixtures of the cohorts tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request in French leaves French active in the thread."""
    translation.activate("en")
    yield
    translation.deactivate()
