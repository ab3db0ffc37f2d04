"""Pages with personal data are not kept by caches (issue 9, item 9): every answer to a signed-in
person carries ``Cache-Control: private, no-store``; public pages for visitors stay cacheable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Role
from tests.helpers.people import make_user
from tests.suppliers.factories import private_media  # noqa: F401 (autouse fixture)
from tests.suppliers.test_views import draft_with_offer, section_url, sign_in_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rows")]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.req("SUP-4")
def test_the_cabinets_pages_are_private_and_never_stored(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)

    for path in (
        reverse("suppliers:cabinet"),
        reverse("suppliers:application"),
        section_url("contacts"),
        reverse("suppliers:check-answers"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert {"private", "no-store"} <= cache_control(response), path
        assert "public" not in cache_control(response)


def test_the_admin_is_private_and_never_stored(client, settings):
    settings.OPERATOR_REQUIRE_OTP = False
    operator = make_user(role=Role.OPERATOR, is_staff=True, is_superuser=True)
    client.force_login(operator)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_public_pages_for_visitors_are_not_marked_private(client):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
