"""Annex 1 is formed after a save, not while the supplier waits on the sign page (issue 9,
item 8; issue 12, item 3): a task started on commit forms it with its text, the sign page reads."""

from __future__ import annotations

import base64
import hashlib
from html import unescape

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.pdf import pdf_text
from suppliers import services
from suppliers.models import AnnexDocument, Section
from tests.suppliers.factories import complete_application, private_media  # noqa: F401
from tests.suppliers.test_views import signed_in_head  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

NEW_EMAIL = "signed-what-was-shown@ortopedia.kz"


def save_contacts(application, user, *, email: str = NEW_EMAIL):
    return services.save_section(
        application=application,
        section=Section.CONTACTS,
        data={
            "mobile_phone": "+77011234567",
            "email": email,
            "phone": "+77172123456",
            "fax": "",
            "website": "",
        },
        user=user,
    )


@pytest.mark.req("SUP-7", "SUP-4")
def test_a_save_forms_annex_1_in_both_languages_with_its_text_once_committed(
    signed_in_head,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = save_contacts(application, head)
    assert not application.annexes.exists(), "nothing is formed before the commit"
    for callback in callbacks:
        callback()

    annexes = {a.language: a for a in application.annexes.all()}
    assert set(annexes) == {"kk", "ru"}
    for annex in annexes.values():
        pdf = bytes(annex.pdf)
        assert annex.revision == application.revision
        assert annex.sha256 == hashlib.sha256(pdf).hexdigest()
        assert annex.text == pdf_text(pdf), "the text is the text of these very bytes"
        assert NEW_EMAIL in annex.text.replace("\n", "")


@pytest.mark.req("SUP-7")
def test_the_sign_page_only_reads_the_formed_annex_and_shows_the_bytes_it_signs(
    client,
    signed_in_head,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    with django_capture_on_commit_callbacks(execute=True):
        application = save_contacts(application, head)
    ru = application.annexes.get(language="ru")
    annexes, events = AnnexDocument.objects.count(), AuditEvent.objects.count()

    # "Continue to the application form" finds both formed: it forms nothing more.
    response = client.post(reverse("suppliers:sign"), {"action": "prepare"})
    assert response["Location"] == reverse("suppliers:sign")
    response = client.get(reverse("suppliers:sign") + "?language=ru")
    assert response.status_code == 200
    assert (AnnexDocument.objects.count(), AuditEvent.objects.count()) == (annexes, events)

    page = unescape(response.content.decode())
    assert base64.b64encode(bytes(ru.pdf)).decode() in page, "the bytes signed"
    assert reverse("suppliers:annex-pdf", args=[application.pk, ru.pk]) in page
    assert ru.text.splitlines()[0] in page, "the text shown is the stored text of those bytes"


@pytest.mark.req("SUP-7", "SUP-4")
def test_a_form_of_older_data_is_never_shown_and_the_page_forms_the_current_one(
    client,
    signed_in_head,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The task of an earlier save that runs late forms nothing; before the task of the last
    save has run, "Continue" forms the current data itself, and the two meet in one row."""
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    with django_capture_on_commit_callbacks(execute=False) as first:
        application = save_contacts(application, head, email="first@ortopedia.kz")
    with django_capture_on_commit_callbacks(execute=False) as second:
        application = save_contacts(application, head)
    for callback in first:
        callback()  # the earlier revision's task, late
    assert not application.annexes.exists()

    response = client.post(reverse("suppliers:sign"), {"action": "prepare"})
    assert response["Location"] == reverse("suppliers:sign")
    for callback in second:
        callback()  # the current revision's task, after the page formed it
    annexes = application.annexes.all()
    assert sorted(a.language for a in annexes) == ["kk", "ru"], "one form per language"
    assert all(a.revision == application.revision for a in annexes)
    assert all(NEW_EMAIL in a.text.replace("\n", "") for a in annexes)


@pytest.mark.req("SUP-6")
def test_an_incomplete_draft_is_not_formed_after_a_save(
    signed_in_head,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    application.specialists.all().delete()
    application.offerings.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        save_contacts(application, head)
    assert not application.annexes.exists()


@pytest.mark.req("SUP-7")
def test_the_stored_text_keeps_each_table_row_together_and_in_order(
    signed_in_head,  # noqa: F811
):
    """The text beside the PDF on the sign page reads row by row: each offering's code, name,
    unit and price come between its number and the next row's (issue 9, item 8)."""
    from portal.editions import Offer
    from tests.suppliers.factories import add_rows

    supplier, head = signed_in_head
    application = complete_application(
        supplier=supplier, user=head, offers=(Offer.TECHNICAL_AIDS, Offer.SPECIAL_SOCIAL_SERVICES)
    )
    add_rows(application, 4)
    annex = services.prepare_annex(application=application, language="ru", user=head)
    text = " ".join(annex.text.split())
    positions = []
    for offering in application.offerings.select_related("classifier_item").order_by("pk"):
        price = f"{offering.price:,.2f}".replace(",", "\u00a0").replace(".", ",")
        start = text.find(offering.characteristics)
        assert start >= 0, offering.characteristics
        row = text[start : start + 200]
        assert price.replace("\u00a0", " ") in row.replace("\u00a0", " "), (price, row)
        positions.append(start)
    assert positions == sorted(positions), "rows in the order of the table"
