"""ID-2: the cabinet's signing forms — the public offer (SUP-2) and Annex 1 (SUP-8) — accept the
CMS exactly as a real NCALayer returns it: PEM text, posted by the browser with ``\\r\\n``."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from portal.models import Region, Role
from suppliers import selectors
from suppliers.models import Application, OfferAcceptance
from tests.eds import ncalayer_frames
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import (  # noqa: F401 (autouse fixture)
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    complete_application,
    private_media,
)
from tests.suppliers.test_views import sign, sign_in, signed_in_head  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rows")]


def as_posted(der: bytes) -> str:
    """NCALayer's ``body.result`` for ``der``, with the line ends a form post gives."""
    frame = ncalayer_frames.success_with(der, newline="\\r\\n")
    return json.loads(frame)["body"]["result"]


@pytest.mark.req("ID-2", "SUP-2")
def test_the_offer_signed_as_ncalayer_returns_it_is_accepted(client, trust_test_pki):
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    client.post(
        reverse("suppliers:start"),
        {
            "kind": "legal_entity",
            "name": "ТОО «ТЕСТ»",
            "region": Region.objects.get(kato="710000000").pk,
            "offers": ["sanatorium"],
        },
    )
    offer = selectors.render_offer(language="en")
    cms = as_posted(sign(trust_test_pki, HEAD_IIN, offer, ORTHOPEDIA_BIN))
    response = client.post(reverse("suppliers:offer"), {"cms": cms, "offer_language": "en"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OfferAcceptance.objects.get().signed_by == head


@pytest.mark.req("ID-2", "SUP-8")
def test_annex_1_signed_as_ncalayer_returns_it_is_accepted(
    client,
    trust_test_pki,
    signed_in_head,  # noqa: F811 (the fixture)
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    client.post(reverse("suppliers:sign"), {"action": "prepare"})
    client.get(reverse("suppliers:sign") + "?language=ru")
    annex = application.annexes.get(language="ru")
    cms = as_posted(sign(trust_test_pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN))
    response = client.post(
        reverse("suppliers:sign"), {"cms": cms, "annex": annex.pk, "language": "ru"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
