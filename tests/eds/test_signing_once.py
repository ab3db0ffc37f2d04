"""ID-2: signing an exact document verifies the signature once: one NCANode call per GOST CMS.

A GOST signature can only be verified by NCANode (the loopback ``FakeNcaNode`` here, which counts
the requests it receives). Signing the public offer on its page, Annex 1 through the service and a
member's vote each ask it exactly once: a second verification (before and again inside the act's
transaction) would show as a second request.
"""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from egov_gateway.eds import oids
from egov_gateway.eds.errors import CertificateRevoked
from egov_gateway.eds.models import Signature
from portal.models import Role
from suppliers import selectors, services
from suppliers.models import Application, OfferAcceptance
from tests.eds.fake_ncanode import gost_signature
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import SupplierFactory, complete_application
from tests.suppliers.test_views import accept_offer_without_signature, sign_in

pytestmark = [pytest.mark.django_db]

# The head of ТОО «Ортопедия Астана» in the demo data and the sandbox state systems.
HEAD_IIN, COMPANY_BIN = "780623321477", "090440023188"


@pytest.fixture
def head():
    user = UserFactory(iin=HEAD_IIN, full_name="Каримов Асхат")
    RoleAssignmentFactory(user=user, role=Role.SUPPLIER, organisation_bin=COMPANY_BIN)
    return user


@pytest.mark.req("ID-2", "SUP-2")
def test_the_public_offer_signed_with_gost_on_its_page_asks_ncanode_once(client, ncanode, head):
    supplier = SupplierFactory(identifier=COMPANY_BIN)
    sign_in(client, head, bin=COMPANY_BIN, role_oids=(oids.ROLE_EMPLOYEE, oids.ROLE_HEAD))
    offer = selectors.render_offer(language="en")
    assert base64.b64encode(offer).decode() in client.get(reverse("suppliers:offer")).text

    cms = gost_signature(offer, iin=HEAD_IIN, bin=COMPANY_BIN)
    response = client.post(
        reverse("suppliers:offer"),
        {"cms": base64.b64encode(cms).decode(), "offer_language": "en"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    acceptance = OfferAcceptance.objects.get(supplier=supplier)
    assert (acceptance.signature.backend, acceptance.signature.algorithm) == ("ncanode", "gost")
    assert len(ncanode.requests) == 1, "one verification, not one before and one inside the act"
    request = ncanode.requests[0]
    assert base64.b64decode(request["cms"]) == cms
    assert base64.b64decode(request["data"]) == offer


@pytest.mark.req("ID-2", "SUP-8")
def test_annex_1_signed_with_gost_asks_ncanode_once(ncanode, head):
    supplier = SupplierFactory(identifier=COMPANY_BIN)
    accept_offer_without_signature(supplier, head)
    application = complete_application(supplier=supplier, user=head)
    annex = services.prepare_annex(application=application, language="ru", user=head)
    cms = gost_signature(bytes(annex.pdf), iin=HEAD_IIN, bin=COMPANY_BIN)

    submitted = services.submit_application(
        application=application, annex=annex, user=head, cms=cms
    )

    assert submitted.status == Application.Status.SUBMITTED
    annex.refresh_from_db()
    assert annex.signature.backend == "ncanode"
    assert len(ncanode.requests) == 1
    assert base64.b64decode(ncanode.requests[0]["data"]) == bytes(annex.pdf)


@pytest.mark.req("ID-2", "SUP-2")
def test_a_refused_gost_signature_asks_ncanode_once_and_stores_nothing(ncanode, head):
    supplier = SupplierFactory(identifier=COMPANY_BIN)
    offer = selectors.render_offer(language="ru")
    ncanode.verdict = "revoked"
    with pytest.raises(CertificateRevoked):
        services.accept_public_offer(
            supplier=supplier,
            user=head,
            cms=gost_signature(offer, iin=HEAD_IIN, bin=COMPANY_BIN),
            offer_bytes=offer,
        )
    assert len(ncanode.requests) == 1
    assert not Signature.objects.exists()
