"""DER-3, E20-8, CAL-2 through the pages: a recipient files a complaint about a registered
supplier and signs it; a late one is refused on the page with the dates; the supplier sees the
complaint in its cabinet and answers with documents; the commission finds it in its inbox."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deregistration.complaints import Complaint
from deregistration.services.complaints import complaint_document
from egov_gateway.eds.signer import Purpose
from portal import deadlines
from portal.models import Role
from tests.deregistration.helpers import registered_supplier
from tests.helpers.people import make_user
from tests.suppliers.factories import pdf_bytes, representative
from tests.suppliers.test_views import sign_in_for

pytestmark = pytest.mark.django_db

RECIPIENT_IIN = "900101300017"


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def recipient(client):
    user = make_user(role=Role.RECIPIENT, iin=RECIPIENT_IIN)
    client.force_login(user)
    return user


@pytest.fixture
def supplier():
    return registered_supplier(admitted_on=datetime.date(2023, 5, 2)).supplier


def filed(client, supplier, *, learned_on: datetime.date, **fields):
    data = {
        "kind": "order_not_fulfilled",
        "learned_on": f"{learned_on:%d.%m.%Y}",
        "description": "Nothing was delivered.",
        "evidence": [SimpleUploadedFile("order.pdf", pdf_bytes(), "application/pdf")],
    }
    data.update(fields)
    return client.post(reverse("complaints:new", args=[supplier.pk]), data)


@pytest.mark.req("DER-3", "CAL-2")
def test_a_recipient_files_signs_and_follows_a_complaint(
    client, trust_test_pki, private_media, recipient, supplier
):
    found = client.get(reverse("complaints:choose-supplier"), {"q": supplier.name[:8]})
    assert reverse("complaints:new", args=[supplier.pk]) in found.content.decode()

    response = filed(client, supplier, learned_on=deadlines.today() - datetime.timedelta(14))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:sign", args=[complaint.pk])

    page = client.get(response["Location"]).content.decode()
    assert "Nothing was delivered." in page
    assert "order.pdf" in page
    cms = trust_test_pki.key_for(RECIPIENT_IIN, Purpose.SIGN).sign(complaint_document(complaint))
    signed = client.post(response["Location"], {"cms": base64.b64encode(cms).decode()})
    assert signed.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.POSTED

    status = client.get(reverse("complaints:complaint", args=[complaint.pk])).content.decode()
    assert f"{complaint.review_deadline.day:%d.%m.%Y}" in status
    assert complaint.review_deadline.clause in status
    assert f"{complaint.answer_deadline.day:%d.%m.%Y}" in status
    listing = client.get(reverse("complaints:complaints")).content.decode()
    assert f"Complaint No. {complaint.pk}" in listing


@pytest.mark.req("DER-3")
def test_a_complaint_after_14_calendar_days_is_refused_on_the_page_with_the_dates(
    client, private_media, recipient, supplier
):
    learned = deadlines.today() - datetime.timedelta(15)
    response = filed(client, supplier, learned_on=learned)
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert f"{learned:%d.%m.%Y}" in page
    assert f"{learned + datetime.timedelta(14):%d.%m.%Y}" in page
    assert 'href="#id_learned_on"' in page
    assert "Nothing was delivered." in page  # what the person typed is kept
    assert not Complaint.objects.exists()


@pytest.mark.req("DER-3")
def test_complaint_pages_are_the_recipients_own(client, private_media, supplier):
    client.force_login(make_user(role=Role.SUPPLIER))
    assert client.get(reverse("complaints:complaints")).status_code == 403
    owner = make_user(role=Role.RECIPIENT, iin=RECIPIENT_IIN)
    client.force_login(owner)
    filed(client, supplier, learned_on=deadlines.today())
    complaint = Complaint.objects.get()
    client.force_login(make_user(role=Role.RECIPIENT))
    assert client.get(reverse("complaints:sign", args=[complaint.pk])).status_code == 404


@pytest.mark.req("DER-3", "CAL-2")
def test_the_supplier_sees_the_complaint_and_answers_with_documents(
    client, trust_test_pki, private_media, recipient, supplier
):
    filed(client, supplier, learned_on=deadlines.today())
    complaint = Complaint.objects.get()
    cms = trust_test_pki.key_for(RECIPIENT_IIN, Purpose.SIGN).sign(complaint_document(complaint))
    client.post(
        reverse("complaints:sign", args=[complaint.pk]), {"cms": base64.b64encode(cms).decode()}
    )
    complaint.refresh_from_db()

    person = representative(supplier)
    sign_in_for(client, supplier, person)
    listing = client.get(reverse("suppliers:complaints")).content.decode()
    assert f"{complaint.answer_due:%d.%m.%Y}" in listing
    url = reverse("suppliers:complaint", args=[complaint.pk])
    page = client.get(url).content.decode()
    assert "Nothing was delivered." in page
    assert f"{complaint.answer_due:%d.%m.%Y}" in page
    evidence = complaint.documents.get()
    download = client.get(reverse("suppliers:complaint-document", args=[complaint.pk, evidence.pk]))
    assert download.status_code == 200
    answered = client.post(
        url,
        {
            "text": "The goods were delivered on time; see the waybill.",
            "documents": [SimpleUploadedFile("waybill.pdf", pdf_bytes(), "application/pdf")],
        },
    )
    assert answered.status_code == 302
    complaint.refresh_from_db()
    assert complaint.answered
    assert complaint.answered_by == person
    assert "waybill.pdf" in client.get(url).content.decode()

    # Another supplier does not see it.
    other = registered_supplier(admitted_on=datetime.date(2023, 5, 2)).supplier
    sign_in_for(client, other, representative(other))
    assert client.get(url).status_code == 404

    # The complainant sees the answer.
    client.force_login(recipient)
    status = client.get(reverse("complaints:complaint", args=[complaint.pk])).content.decode()
    assert "The goods were delivered on time" in status
