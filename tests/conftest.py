"""Fixtures shared by all tests."""

import pytest


@pytest.fixture
def user_factory(db):
    """Make a person, optionally with a role: ``user_factory(role=Role.OPERATOR, password=...)``."""
    from tests.helpers.people import make_user

    return make_user


@pytest.fixture
def reference_rows(db):
    """The regions and classifier the data migrations load, put back if a flush removed them.

    Transactional tests (live server, browser) end with a flush of every table; the next test
    that needs the reference data asks for this fixture. A no-op when the rows are there.
    """
    from portal import reference_data
    from portal.models import ClassifierItem, Region

    reference_data.add_regions(Region)
    reference_data.add_classifier(ClassifierItem)
