"""The admin's application page (issue 9, item 9): no axe violation, long strings wrap, in
Kazakh and Russian."""

from __future__ import annotations

import pytest

from suppliers.models import Application
from tests.browser import eds_sandbox
from tests.browser.helpers import assert_accessible, sign_in_as
from tests.helpers.people import make_user
from tests.suppliers.factories import complete_application

demo_pki = eds_sandbox.demo_pki

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


@pytest.mark.req("DER-1", "DER-3")
def test_the_admins_deregistration_case_and_complaint_pages_are_accessible(
    page, context, live_server, reference_rows, private_media, settings, demo_pki
):
    """The admin's read-only pages of a deregistration case with its complaint (DER-1, DER-3):
    no axe violation, in Kazakh and Russian."""
    import datetime
    import io

    from deregistration.services.complaints import (
        Upload,
        complaint_document,
        post_complaint,
        prepare_complaint,
    )
    from egov_gateway.eds.signer import Purpose
    from portal import deadlines
    from portal.models import Role, User
    from tests.deregistration.helpers import registered_supplier
    from tests.suppliers.factories import pdf_bytes

    for name, value in demo_pki.settings_overrides().items():
        setattr(settings, name, value)
    settings.OPERATOR_REQUIRE_OTP = False
    from django.core.management import call_command

    call_command("load_demo", "--without-application", verbosity=0)
    supplier = registered_supplier(admitted_on=datetime.date(2023, 5, 2)).supplier
    recipient = User.objects.get(iin="750506410882")
    content = pdf_bytes()
    complaint = prepare_complaint(
        complainant=recipient,
        supplier=supplier,
        kind="characteristics_mismatch",
        learned_on=deadlines.today() - datetime.timedelta(days=3),
        description=LONG,
        evidence=[Upload(file=io.BytesIO(content), name="photo.pdf", size=len(content))],
    )
    cms = demo_pki.key_for(recipient.iin, Purpose.SIGN).sign(complaint_document(complaint))
    complaint = post_complaint(complaint=complaint, cms=cms)
    operator = make_user(role=Role.OPERATOR, is_staff=True, is_superuser=True)
    sign_in_as(context, operator, base_url=live_server.url)
    page.set_viewport_size({"width": 1024, "height": 800})
    for path in (
        "/admin/deregistration/deregistrationcase/",
        f"/admin/deregistration/deregistrationcase/{complaint.case_id}/change/",
        "/admin/deregistration/complaint/",
        f"/admin/deregistration/complaint/{complaint.pk}/change/",
    ):
        response = page.goto(path)
        assert response.ok, page.url
        assert_accessible(page)
