"""DER-4, E20-6, CAL-2: the supplier's own application for deregistration in the cabinet — the
form of the edition in force with every field of the seed's form in order (2022 Annex 3: no
reason, no consent to publication; 2020 Annex 2 with its own fields), a PDF in Russian and
Kazakh, signed with EDS over its exact bytes, which goes to the commission with the deadline of
two working days shown."""

from __future__ import annotations

import base64
import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from deregistration.application_form import FORM_FIELDS
from deregistration.models import DeregistrationApplication, DeregistrationCase
from egov_gateway.eds.models import Signature
from portal import deadlines
from portal.calendar import add_working_days
from portal.models import Role
from portal.pdf import pdf_text
from tests.deregistration.helpers import registered_supplier
from tests.factories import RegionFactory, RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    ASTANA_KATO,
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    SupplierFactory,
    private_media,
)
from tests.suppliers.test_views import accept_offer_without_signature, sign, sign_in

pytestmark = pytest.mark.django_db

FILLED = {
    "name": "ТОО «ТЕСТ ОРТОПЕДИЯ»",
    "activity": "Технические средства реабилитации",
    "legal_address": "г. Астана, ул. Абая, 1",
    "email": "info@ortho.kz",
    "phone": "+7 7172 12 34 56",
    "fax": "",
    "confirms_contacts": "on",
    "confirms_documents": "on",
    "consent_publication": "on",  # not a field of the form: ignored
    "consent_personal_data": "on",
}


def registered_head(client: Client):
    """The head of ORTHOPEDIA_BIN, signed in, its supplier admitted in Astana."""
    supplier = SupplierFactory(
        identifier=ORTHOPEDIA_BIN,
        name="ТОО «ТЕСТ ОРТОПЕДИЯ»",
        region=RegionFactory(kato=ASTANA_KATO),
    )
    application = registered_supplier(
        admitted_on=datetime.date(2023, 5, 2), supplier=supplier, email="info@ortho.kz"
    )
    head = UserFactory(iin=HEAD_IIN, full_name="Ерланов Ерлан")
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    accept_offer_without_signature(supplier, head)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    return application, head


def field_ids(page: str) -> list[str]:
    form = page[page.index("<form") :]
    return [
        name
        for name in re.findall(r'name="([a-z_]+)"', form)
        if name not in ("csrfmiddlewaretoken",)
    ]


@pytest.mark.req("DER-4")
def test_the_2022_form_has_the_fields_of_annex_3_in_order_and_no_reason_or_publication(client):
    application, _head = registered_head(client)
    page = client.get(reverse("suppliers:deregistration")).content.decode()
    fields = [
        name for name in field_ids(page) if name in FORM_FIELDS["2022"] or name == "identifier"
    ]
    assert fields == [
        "name",
        "identifier",
        "activity",
        "legal_address",
        "email",
        "phone",
        "fax",
        "confirms_contacts",
        "confirms_documents",
        "consent_personal_data",
    ]
    assert "reason" not in page
    assert 'name="consent_publication"' not in page
    assert 'name="activity_address"' not in page  # a field of the 2020 form only
    assert 'value="info@ortho.kz"' in page  # prefilled from the admitted application


@pytest.mark.req("DER-4", "CAL-2")
def test_the_supplier_signs_the_application_and_the_commission_has_two_working_days(
    client, trust_test_pki
):
    application, head = registered_head(client)
    # Every statement must be confirmed: the page says so and keeps what was typed.
    missing = client.post(reverse("suppliers:deregistration"), {**FILLED, "confirms_documents": ""})
    assert missing.status_code == 200
    assert "error-summary" in missing.content.decode()
    assert 'value="info@ortho.kz"' in missing.content.decode()

    response = client.post(reverse("suppliers:deregistration"), FILLED)
    assert response.status_code == 302
    prepared = DeregistrationApplication.objects.get()
    text = " ".join(pdf_text(bytes(prepared.pdf)).split())
    assert "Заявление на снятие с регистрации на портале социальных услуг" in text
    assert "Әлеуметтік қызметтер порталында тіркеуден шығаруға өтініш" in text
    assert ORTHOPEDIA_BIN in text and "г. Астана, ул. Абая, 1" in text
    assert "Ерланов Ерлан" in text
    assert "опубликование" not in text  # Annex 3 has no consent to publication

    sign_url = reverse("suppliers:deregistration-sign", args=[prepared.pk])
    page = client.get(sign_url).content.decode()
    assert base64.b64encode(bytes(prepared.pdf)).decode() in page, "the exact bytes are signed"
    forged = sign(trust_test_pki, HEAD_IIN, bytes(prepared.pdf) + b" ", ORTHOPEDIA_BIN)
    refused = client.post(sign_url, {"cms": base64.b64encode(forged).decode()})
    assert refused.status_code == 200
    assert not DeregistrationCase.objects.exists()

    cms = sign(trust_test_pki, HEAD_IIN, bytes(prepared.pdf), ORTHOPEDIA_BIN)
    signed = client.post(sign_url, {"cms": base64.b64encode(cms).decode()})
    assert signed.status_code == 302
    prepared.refresh_from_db()
    assert prepared.is_signed
    signature = Signature.objects.get(pk=prepared.signature_id)
    assert signature.document_kind == "deregistration_application"
    case = prepared.case
    assert case.ground == "own_application"
    assert case.status == DeregistrationCase.Status.OPEN
    assert case.decision_due == add_working_days(deadlines.today(), 2)

    status = client.get(reverse("suppliers:deregistration-status", args=[prepared.pk]))
    assert f"{case.decision_due:%d.%m.%Y} (2022 p.22)" in status.content.decode()
    # A second application is not offered while this one is with the commission.
    again = client.get(reverse("suppliers:deregistration")).content.decode()
    assert 'name="email"' not in again
    cabinet = client.get(reverse("suppliers:cabinet"))
    assert reverse("suppliers:deregistration-status", args=[prepared.pk]) in (
        cabinet.content.decode()
    )


@pytest.mark.req("E20-6")
def test_under_edition_2020_the_form_is_annex_2_with_its_own_fields(client, settings):
    settings.RULES_EDITION = "2020"
    registered_head(client)
    page = client.get(reverse("suppliers:deregistration")).content.decode()
    fields = [
        name for name in field_ids(page) if name in FORM_FIELDS["2020"] or name == "identifier"
    ]
    assert fields == list(FORM_FIELDS["2020"])
    response = client.post(
        reverse("suppliers:deregistration"),
        {
            **FILLED,
            "registration_number": "12345-1901-ТОО",
            "activity_address": "г. Астана, пр. Республики, 5",
        },
    )
    assert response.status_code == 302
    prepared = DeregistrationApplication.objects.get()
    assert prepared.edition_code == "2020"
    text = " ".join(pdf_text(bytes(prepared.pdf)).split())
    # The seed's Kazakh form first, then the Russian translation.
    assert text.index("Әлеуметтік қызметтер порталында тіркеуден шығаруға өтініш") < text.index(
        "Заявление о снятии с регистрации"
    )
    assert "Қызметті жүзеге асыру объектісінің мекенжайы" in text
    assert "пр. Республики, 5" in text


@pytest.mark.req("DER-4")
def test_a_supplier_not_registered_is_told_there_is_nothing_to_deregister(client):
    supplier = SupplierFactory(identifier=ORTHOPEDIA_BIN)
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    assert supplier.pk
    page = client.get(reverse("suppliers:deregistration")).content.decode()
    assert 'name="email"' not in page
    response = client.post(reverse("suppliers:deregistration"), FILLED)
    assert response.status_code == 200
    assert not DeregistrationApplication.objects.exists()


def filed(client, trust_test_pki) -> DeregistrationApplication:
    """The head's application for deregistration, prepared and signed through the cabinet."""
    assert client.post(reverse("suppliers:deregistration"), FILLED).status_code == 302
    prepared = DeregistrationApplication.objects.get()
    cms = sign(trust_test_pki, HEAD_IIN, bytes(prepared.pdf), ORTHOPEDIA_BIN)
    sign_url = reverse("suppliers:deregistration-sign", args=[prepared.pk])
    assert client.post(sign_url, {"cms": base64.b64encode(cms).decode()}).status_code == 302
    prepared.refresh_from_db()
    return prepared


@pytest.mark.req("DER-4")
def test_the_supplier_withdraws_its_application_before_the_decision_and_stays_registered(
    client, trust_test_pki
):
    from portal.audit.models import AuditEvent
    from registers.models import RegisterEntry

    application, head = registered_head(client)
    prepared = filed(client, trust_test_pki)
    status_url = reverse("suppliers:deregistration-status", args=[prepared.pk])
    page = client.get(status_url).content.decode()
    assert 'id="withdraw-deregistration"' in page

    # Someone without the right to act for the supplier cannot withdraw it.
    other = Client()
    stranger = UserFactory()
    RoleAssignmentFactory(user=stranger, role=Role.SUPPLIER, organisation_bin="990440000001")
    sign_in(other, stranger, bin="990440000001")
    assert other.post(status_url).status_code in (302, 404)
    assert DeregistrationCase.objects.get().status == DeregistrationCase.Status.OPEN

    response = client.post(status_url)
    assert response.status_code == 302
    case = DeregistrationCase.objects.get(pk=prepared.case_id)
    assert case.status == DeregistrationCase.Status.WITHDRAWN and case.closed_at is not None
    event = AuditEvent.objects.get(action="deregistration_case.withdrawn", object_id=str(case.pk))
    assert event.actor == head and "Annex 3" in event.basis
    assert RegisterEntry.objects.filter(
        supplier=application.supplier, deregistered_on__isnull=True
    ).exists()
    page = client.get(status_url).content.decode()
    assert 'id="withdraw-deregistration"' not in page
    # Withdrawn, it is no longer with the commission: the supplier may apply again.
    assert 'name="email"' in client.get(reverse("suppliers:deregistration")).content.decode()
    # A second withdrawal is refused with the reason, nothing changes.
    again = client.post(status_url)
    assert again.status_code == 200 and "error-summary" in again.content.decode()


@pytest.mark.req("DER-4")
def test_once_the_commission_decided_the_application_cannot_be_withdrawn(client, trust_test_pki):
    from deregistration.services import withdraw_deregistration_application
    from portal.errors import PortalError

    application, head = registered_head(client)
    prepared = filed(client, trust_test_pki)
    DeregistrationCase.objects.filter(pk=prepared.case_id).update(
        status=DeregistrationCase.Status.DECIDED, outcome="deregister"
    )
    page = client.get(reverse("suppliers:deregistration-status", args=[prepared.pk]))
    assert 'id="withdraw-deregistration"' not in page.content.decode()
    with pytest.raises(PortalError):
        withdraw_deregistration_application(application=prepared, user=head)
    assert DeregistrationCase.objects.get().status == DeregistrationCase.Status.DECIDED
