"""Published protocols for the public (COM-7, DER-5): the list and a page per protocol with its
PDF (the signed bytes) and each signature as verified (signer, IIN, time, certificate serial);
an admission published through the commission's services puts the supplier on the register's
page with a link to that protocol (REG-1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commission import services
from commission.models import AgendaItem
from registers.models import RegisterEntry
from suppliers.models import Application
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401
from tests.commission.helpers import decided, open_meeting
from tests.commission.test_protocols import secretary_of, sign_all
from tests.deregistration.helpers import astana_supplier, meeting_on_cases
from tests.deregistration.test_complaint_review import (  # noqa: F401
    ADMITTED,
    posted_complaint,
    private_media,
)


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


def row_of(page: str, label: str) -> str:
    """The table row of the protocol ``label`` in the list's HTML."""
    start = page.index(label)
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


@pytest.mark.req("COM-7", "DER-5")
def test_list_and_page_name_the_supplier_and_the_matter_and_hold_a_complaints_deregistration(
    commission,  # noqa: F811
    trusted,  # noqa: F811
    private_media,  # noqa: F811
    client,
):
    secretary = secretary_of(commission)
    meeting = open_meeting(commission)
    item = decided(trusted, commission, meeting.items.get(), votes_for=5)
    admission = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    admission = services.publish_protocol(protocol=admission, secretary=secretary)

    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    complaint = posted_complaint(trusted, supplier)
    case_item = meeting_on_cases(commission, [complaint.case]).items.get()
    decided(trusted, commission, case_item, votes_for=5, proposal=AgendaItem.Proposal.DEREGISTER)
    exit_protocol = sign_all(trusted, services.form_protocol(item=case_item, secretary=secretary))
    exit_protocol = services.publish_protocol(protocol=exit_protocol, secretary=secretary)

    page = client.get(reverse("protocols:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = row_of(page, admission.label)
    assert item.application.supplier.name in row and ">Admission<" in row
    row = row_of(page, exit_protocol.label)
    assert supplier.name in row and ">Deregistration<" in row
    assert reverse("protocols:detail", args=[exit_protocol.pk]) in row
    detail = client.get(
        reverse("protocols:detail", args=[exit_protocol.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert detail.status_code == 200
    text = detail.content.decode()
    assert supplier.name in text and ">Deregistration<" in text, "the page names the matter"
