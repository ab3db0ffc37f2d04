"""The admin speaks the operator's language (issue 9, item 6): its titles and Django's own
words of the admin (which Django's Kazakh catalogue lacks or misspells) come from the portal's
catalogue."""

from __future__ import annotations

import pytest

from portal.models import Role
from tests.helpers.people import make_user
from tests.suppliers.factories import complete_application, private_media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rows")]

ENGLISH = [
    "Django administration",
    "Recent actions",
    "My actions",
    "View site",
    "Authentication and Authorization",
    "Toggle theme",
    "Skip to main content",
    "Start typing to filter",
    "Save and continue editing",
    "Save and add another",
    "Change password",
]
MISSPELT = ["Даңғо", "Өзгетру", "өзгету", "үщін"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_admins_pages_have_no_english_or_misspelt_titles(client, settings, language):
    settings.OPERATOR_REQUIRE_OTP = False
    client.force_login(make_user(role=Role.OPERATOR, is_staff=True, is_superuser=True))
    application = complete_application()

    pages = [
        client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for path in (
            "/admin/",
            "/admin/suppliers/application/",
            f"/admin/suppliers/application/{application.pk}/change/",
        )
    ]

    found = [word for page in pages for word in ENGLISH + MISSPELT if word in page]
    assert found == []
    assert {"kk": "Әлеуметтік қызметтер порталы", "ru": "Портал социальных услуг"}[
        language
    ] in pages[0]
