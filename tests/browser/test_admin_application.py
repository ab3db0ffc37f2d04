"""The admin's application page (issue 9, item 9): no axe violation, long strings wrap, in
Kazakh and Russian."""

from __future__ import annotations

import pytest

from suppliers.models import Application
from tests.browser.helpers import assert_accessible, sign_in_as
from tests.helpers.people import make_user
from tests.suppliers.factories import complete_application

pytestmark = [pytest.mark.browser]

LONG = "Қазақстанныңәлеуметтікқызметтерпорталы" * 6  # no space


@pytest.fixture(params=["kk-KZ", "ru-RU"])
def browser_locale(request):
    return request.param


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_admins_application_page_is_accessible_and_wraps_long_strings(
    page, context, live_server, reference_rows, private_media, settings
):
    from portal.models import Role

    settings.OPERATOR_REQUIRE_OTP = False
    application = complete_application()
    Application.objects.filter(pk=application.pk).update(
        bank_name=LONG, department_name=LONG, material_resources=LONG
    )
    operator = make_user(role=Role.OPERATOR, is_staff=True, is_superuser=True)
    sign_in_as(context, operator, base_url=live_server.url)
    page.set_viewport_size({"width": 1024, "height": 800})

    path = f"/admin/suppliers/application/{application.pk}/change/"
    response = page.goto(path)

    assert response.ok, page.url
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1024, f"the page scrolls sideways ({width} px)"
    assert_accessible(page)
