"""Published protocols for the public (COM-7, DER-5): the list and a page per protocol with its
PDF (the signed bytes) and each signature as verified (signer, IIN, time, certificate serial);
an admission published through the commission's services puts the supplier on the register's
page with a link to that protocol (REG-1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commission import services
from registers.models import RegisterEntry
from suppliers.models import Application
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401
from tests.commission.helpers import decided, open_meeting
from tests.commission.test_protocols import secretary_of, sign_all


@pytest.mark.req("COM-7", "REG-1", "REG-2")
def test_a_published_protocol_is_listed_with_its_signatures_and_its_entry_links_it(
    commission,  # noqa: F811
    trusted,  # noqa: F811
    client,
):
    meeting = open_meeting(commission)
    item = decided(trusted, commission, meeting.items.get(), votes_for=5)
    # The supplier consented to publication in its signed Annex 1 (SUP-10).
    Application.objects.filter(pk=item.application_id).update(consent_publication=True)
    secretary = secretary_of(commission)
    protocol = services.form_protocol(item=item, secretary=secretary)
    listing = reverse("protocols:list")
    assert protocol.label not in client.get(listing).content.decode()
    assert client.get(reverse("protocols:detail", args=[protocol.pk])).status_code == 404
    protocol = sign_all(trusted, protocol)
    protocol = services.publish_protocol(protocol=protocol, secretary=secretary)

    page = client.get(listing).content.decode()
    detail_url = reverse("protocols:detail", args=[protocol.pk])
    assert protocol.label in page and detail_url in page
    detail = client.get(detail_url).content.decode()
    pdf_url = reverse("protocols:published", args=[protocol.pk])
    assert f'href="{pdf_url}"' in detail
    assert client.get(pdf_url).content == bytes(protocol.pdf)
    for signed in protocol.signatures.select_related("signature"):
        signature = signed.signature
        assert signature.iin in detail
        assert signature.certificate_serial in detail
        assert signature.common_name in detail
    assert protocol.sha256 in detail

    entry = RegisterEntry.objects.filter(supplier=item.application.supplier).first()
    assert entry is not None and entry.name == item.application.supplier.name
    entry_page = client.get(reverse("registers:entry", args=[entry.pk])).content.decode()
    assert f'href="{pdf_url}"' in entry_page
    register_page = client.get(reverse("registers:register", args=[entry.register]))
    assert entry.name in register_page.content.decode()
