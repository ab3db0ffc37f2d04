"""The cabinet at 320 CSS pixels (WCAG 1.4.10, issue 9 item 9): its pages and tables reflow
without horizontal scrolling, with long values typed without spaces, in Kazakh, Russian and
English, and stay axe-clean."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from portal.identity import SESSION_IDENTITY_KEY
from suppliers.models import Application, Offering
from tests.browser.helpers import assert_accessible
from tests.suppliers.factories import ApplicationFactory, complete_application

pytestmark = [pytest.mark.browser]

LONG = "Қазақстанныңәлеуметтікқызметтерпорталы" * 4  # 156 letters, no space


@pytest.fixture(params=["kk-KZ", "ru-RU", "en-US"])
def browser_locale(request):
    return request.param


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_reflows_at_320(page, path: str) -> None:
    response = page.goto(path)
    assert response.ok and page.url.endswith(path), f"{path} -> {page.url}"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{path} needs horizontal scrolling at 320 px ({width} px)"
    assert_accessible(page)


def test_the_cabinet_and_its_sections_reflow_at_320_pixels(
    page, context, live_server, reference_rows, private_media, settings
):
    application = complete_application()
    supplier = application.supplier
    Offering.objects.filter(application=application).update(characteristics=LONG)
    Application.objects.filter(pk=application.pk).update(bank_name=LONG)
    earlier = ApplicationFactory(
        supplier=supplier,
        status=Application.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
        created_by=application.created_by,
    )
    from tests.suppliers.test_views import accept_offer_without_signature

    accept_offer_without_signature(supplier, application.created_by)
    client = Client()
    client.force_login(application.created_by)
    session = client.session
    session[SESSION_IDENTITY_KEY] = {
        "iin": application.created_by.iin,
        "bin": supplier.identifier,
    }
    session.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": 320, "height": 800})

    from suppliers import selectors

    sections = [f"/cabinet/application/section/{s}/" for s in selectors.sections_for(application)]
    for path in (
        "/cabinet/",
        "/cabinet/application/",
        *sections,
        "/cabinet/application/check-answers/",
        f"/cabinet/applications/{earlier.pk}/",
    ):
        assert_reflows_at_320(page, path)
