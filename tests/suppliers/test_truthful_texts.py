"""Texts that tell the truth (issue 9, item 7): the state-data page says "certified by the
state" only for what the state confirmed; check answers offers no "Change" for state data that
cannot be changed; a page with nothing to save has no "Save"; a withdrawn application shows no
deadline."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from egov_gateway.models import StateRecord
from suppliers.models import Application
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    ApplicationFactory,
    complete_application,
    private_media,
)
from tests.suppliers.test_views import (
    accept_offer_without_signature,
    draft_with_offer,
    html,
    section_url,
    sign_in_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rows")]

CERTIFIED = "It is certified by the state"
STATE_CHANGE = 'href="/cabinet/application/section/state_data/"'


@pytest.mark.req("SUP-3")
def test_without_state_answers_the_state_data_page_claims_no_certification(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)

    page = html(client.get(section_url("state_data")))

    assert CERTIFIED not in page
    assert "certified by the state" not in page
    assert "The state information systems have not confirmed any of this data yet." in page


@pytest.mark.req("SUP-3")
def test_when_the_state_confirms_everything_the_page_says_so_and_has_no_save(client):
    application = complete_application()
    sign_in_for(client, application.supplier, application.created_by)

    page = html(client.get(section_url("state_data")))

    assert CERTIFIED in page
    assert "Save and continue" not in page
    assert 'value="continue"' in page  # a way on, which saves nothing


@pytest.mark.req("SUP-3")
def test_when_the_state_confirms_part_the_page_says_which(client):
    application = complete_application()
    StateRecord.objects.filter(identifier=application.supplier.identifier, source="gbd_ul").update(
        found=False, data={}
    )
    sign_in_for(client, application.supplier, application.created_by)

    page = html(client.get(section_url("state_data")))

    assert CERTIFIED not in page
    assert "The items shown with their source arrived from state information systems" in page
    assert "Save and continue" in page  # the missing items are entered here


@pytest.mark.req("SUP-6")
def test_check_answers_offers_no_change_for_state_data_all_confirmed(client):
    application = complete_application()
    sign_in_for(client, application.supplier, application.created_by)

    confirmed = html(client.get(reverse("suppliers:check-answers")))
    # A system answered that it has no record: the supplier enters the items and proves them.
    StateRecord.objects.filter(identifier=application.supplier.identifier).update(
        found=False, data={}
    )
    missing = html(client.get(reverse("suppliers:check-answers")))

    assert STATE_CHANGE not in confirmed
    assert 'href="/cabinet/application/section/contacts/"' in confirmed
    assert STATE_CHANGE in missing


@pytest.mark.req("SUP-9")
def test_a_withdrawn_application_shows_no_decision_deadline_in_the_cabinet(client):
    application, user = draft_with_offer()
    due = datetime.date(2031, 5, 17)
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.WITHDRAWN,
        submitted_at=timezone.now(),
        withdrawn_at=timezone.now(),
        review_due=due,
    )
    sign_in_for(client, application.supplier, user)

    page = html(client.get(reverse("suppliers:cabinet")))

    assert "17.05.2031" not in page


@pytest.mark.req("SUP-7")
def test_an_entrepreneur_is_named_as_the_register_of_entrepreneurs_has_it():
    from portal.editions import SupplierKind
    from portal.pdf import pdf_text
    from suppliers.annex import annex1_context, render_annex1

    application = complete_application(kind=SupplierKind.INDIVIDUAL_ENTREPRENEUR)

    context = annex1_context(application, language="ru")
    text = " ".join(pdf_text(render_annex1(application, language="ru")).split())

    assert context["supplier"]["name"] == "ИП «Тест»"
    assert "ИП «Тест» (полное наименование" in text
    assert "Удостоверено ЭЦП Тестов Алихан Ерланұлы" in text  # the person signs


@pytest.mark.req("SUP-7")
def test_an_entrepreneur_without_a_name_in_the_register_is_named_as_a_person():
    from portal.editions import SupplierKind
    from suppliers.annex import annex1_context

    application = complete_application(kind=SupplierKind.INDIVIDUAL_ENTREPRENEUR)
    record = StateRecord.objects.get(
        identifier=application.supplier.identifier, source="entrepreneurs"
    )
    record.data = {**record.data, "trade_name": ""}
    record.save()

    context = annex1_context(application, language="ru")

    assert context["supplier"]["name"] == "Тестов Алихан Ерланұлы"


@pytest.mark.req("SUP-3", "SUP-4")
def test_the_cabinet_header_names_the_supplier_as_the_state_does(client):
    """The name typed on the start page is replaced in the header by the state's, in the
    language of the page, once a state system gives one (issue 9, item 7)."""
    application = complete_application()
    supplier = application.supplier
    type(supplier).objects.filter(pk=supplier.pk).update(name="typed at the start")
    accept_offer_without_signature(supplier, application.created_by)
    sign_in_for(client, supplier, application.created_by)

    client.cookies.load({"portal_language": "ru"})
    for path in (reverse("suppliers:cabinet"), reverse("suppliers:application")):
        response = client.get(path)
        assert response.status_code == 200, response.get("Location")
        page = html(response)
        assert "ТОО «Тест»" in page, path
        assert "typed at the start" not in page, path
    client.cookies.load({"portal_language": "kk"})
    page = html(client.get(section_url("contacts")))
    assert "«Тест» ЖШС" in page

    StateRecord.objects.filter(identifier=supplier.identifier, source="gbd_ul").update(
        found=False, data={}
    )
    assert "typed at the start" in html(client.get(reverse("suppliers:cabinet")))
