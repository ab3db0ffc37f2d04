"""SUP-2: the choices of the start page are stored and can be corrected until the application
is signed (issue 9, item 2).

The kind, the name and the offers are kept on the supplier (a new session does not lose them),
the draft takes the offers after the public offer is signed, the offer page links back to the
start, and the name field says its limit and refuses longer input with a message.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.editions import Offer, SupplierKind
from portal.models import Role
from suppliers import selectors
from suppliers.models import Application, Supplier
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    PERSON_IIN,
    private_media,
)
from tests.suppliers.test_views import (
    draft_with_offer,
    html,
    input_value,
    sign,
    sign_in,
    sign_in_for,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rows")]

START = reverse("suppliers:start")


def person_signed_in(client):
    person = UserFactory(iin=PERSON_IIN)
    RoleAssignmentFactory(user=person, role=Role.SUPPLIER, organisation_bin="")
    sign_in(client, person)
    return person


def checked_offers(page: str) -> list[str]:
    import re

    return re.findall(r'name="offers" value="([^"]+)"[^>]*checked', page)


@pytest.mark.req("SUP-2")
def test_the_offers_chosen_at_the_start_reach_the_draft_in_a_new_session(trust_test_pki):
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    first = Client()
    sign_in(first, head, bin=ORTHOPEDIA_BIN)
    first.post(START, {"kind": "legal_entity", "name": "ТОО «ТЕСТ»", "offers": ["sanatorium"]})

    later = Client()  # the next day, signed in again: the first session is gone
    sign_in(later, head, bin=ORTHOPEDIA_BIN)
    offer = selectors.render_offer(language="en")
    cms = sign(trust_test_pki, HEAD_IIN, offer, ORTHOPEDIA_BIN)
    import base64

    later.post(
        reverse("suppliers:offer"),
        {"cms": base64.b64encode(cms).decode(), "offer_language": "en"},
    )

    application = Application.objects.get(supplier__identifier=ORTHOPEDIA_BIN)
    assert application.offers == [Offer.SANATORIUM]


@pytest.mark.req("SUP-2")
def test_before_the_offer_the_choices_can_be_changed_and_the_offer_page_links_back(client):
    person_signed_in(client)
    client.post(
        START,
        {"kind": "individual_entrepreneur", "name": "Досов Ильяс", "offers": ["technical_aids"]},
    )

    offer_page = html(client.get(reverse("suppliers:offer")))
    start_page = client.get(START)
    response = client.post(
        START,
        {
            "kind": "individual_assistant",
            "name": "Досов Ильяс Ерланұлы",
            "offers": ["individual_assistant"],
        },
    )

    assert f'class="back-link" href="{START}"' in offer_page
    assert start_page.status_code == 200
    assert input_value(start_page, "id_name") == "Досов Ильяс"
    assert checked_offers(html(start_page)) == ["technical_aids"]
    assert response["Location"] == reverse("suppliers:offer")
    supplier = Supplier.objects.get(identifier=PERSON_IIN)
    assert (supplier.kind, supplier.name, supplier.chosen_offers) == (
        SupplierKind.INDIVIDUAL_ASSISTANT,
        "Досов Ильяс Ерланұлы",
        [Offer.INDIVIDUAL_ASSISTANT],
    )
    event = AuditEvent.objects.get(action="supplier.start_changed")
    assert event.before["kind"] == SupplierKind.INDIVIDUAL_ENTREPRENEUR


@pytest.mark.req("SUP-2")
def test_a_draft_takes_the_corrected_offers_and_counts_as_changed(client):
    application, user = draft_with_offer(kind=SupplierKind.LEGAL_ENTITY)
    sign_in_for(client, application.supplier, user)
    revision = application.revision

    response = client.post(
        START,
        {"kind": "legal_entity", "name": "ТОО «Жаңа атау»", "offers": ["sanatorium"]},
    )

    assert response["Location"] == reverse("suppliers:application")
    application.refresh_from_db()
    assert application.offers == [Offer.SANATORIUM]
    assert application.revision > revision  # a form prepared before is no longer signed
    assert Supplier.objects.get(pk=application.supplier_id).name == "ТОО «Жаңа атау»"
    assert reverse("suppliers:start") in html(client.get(reverse("suppliers:cabinet")))


@pytest.mark.req("SUP-2")
def test_once_the_application_is_signed_the_choices_are_final(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)

    page = client.get(START)
    posted = client.post(START, {"kind": "legal_entity", "name": "Басқа", "offers": ["sanatorium"]})

    assert page["Location"] == reverse("suppliers:cabinet")
    assert posted["Location"] == reverse("suppliers:cabinet")
    assert Supplier.objects.get(pk=application.supplier_id).name != "Басқа"


@pytest.mark.req("SUP-2")
def test_the_name_says_its_limit_and_longer_input_is_refused_with_a_message(client):
    person_signed_in(client)
    page = html(client.get(START))

    response = client.post(
        START, {"kind": "individual_entrepreneur", "name": "Ә" * 501, "offers": ["technical_aids"]}
    )

    assert "At most 500 characters." in page
    assert 'maxlength="500"' not in page  # the browser would cut it where no one sees
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Enter a name of at most 500 characters (it has 501)."
    ]
    assert input_value(response, "id_name") == "Ә" * 501
    assert not Supplier.objects.exists()
