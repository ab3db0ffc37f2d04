"""DER-3, E20-8, CAL-2: a person with disability posts, signed with EDS, that a registered
supplier failed its obligations, no later than 14 calendar days after learning of it; the
supplier is told and may answer with documents within its window; the commission reviews within
10 working days of posting, and the complaint follows its deregistration case to the end."""

from __future__ import annotations

import datetime
import io

import pytest

from deregistration import selectors
from deregistration.complaints import Complaint, ComplaintDocument
from deregistration.models import DeregistrationCase
from deregistration.services.complaints import (
    ComplaintRefused,
    Upload,
    answer_complaint,
    complaint_document,
    post_complaint,
    prepare_complaint,
)
from egov_gateway.eds.errors import SignatureError
from egov_gateway.eds.signer import Purpose
from portal.audit.models import AuditEvent
from portal.calendar import add_working_days, is_working_day
from portal.editions import EDITION_2020, EDITION_2022
from portal.models import Role
from portal.notifications.models import Notification
from tests.deregistration.helpers import registered_supplier
from tests.helpers.people import make_user
from tests.suppliers.factories import pdf_bytes

pytestmark = pytest.mark.django_db

RECIPIENT_IIN = "900101300017"  # a person of the test PKI
OTHER_IIN = "850505400018"
LEARNED = datetime.date(2024, 3, 1)
# Nauryz (21-25 March 2024) lies within the ten working days after 13 March.
POSTED = datetime.date(2024, 3, 13)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def recipient():
    return make_user(
        role=Role.RECIPIENT, iin=RECIPIENT_IIN, email="recipient@example.kz", language="kk"
    )


@pytest.fixture
def supplier():
    return registered_supplier(admitted_on=datetime.date(2023, 5, 2)).supplier


def evidence(name: str = "receipt.pdf") -> Upload:
    content = pdf_bytes()
    return Upload(file=io.BytesIO(content), name=name, size=len(content))


def prepared(recipient, supplier, *, on=POSTED, learned_on=LEARNED, **fields) -> Complaint:
    values = {
        "kind": "order_not_fulfilled",
        "description": "Ordered a wheelchair on 1 February; nothing came.",
        "evidence": [evidence()],
    }
    values.update(fields)
    return prepare_complaint(
        complainant=recipient, supplier=supplier, learned_on=learned_on, on=on, **values
    )


def signed(pki, complaint: Complaint, iin: str = RECIPIENT_IIN) -> bytes:
    return pki.key_for(iin, Purpose.SIGN).sign(complaint_document(complaint))


def posted(pki, recipient, supplier, *, on=POSTED, **fields) -> Complaint:
    complaint = prepared(recipient, supplier, on=on, **fields)
    return post_complaint(complaint=complaint, cms=signed(pki, complaint), on=on)


@pytest.mark.req("DER-3")
def test_learned_on_day_d_a_complaint_on_d_plus_14_is_accepted(
    trust_test_pki, private_media, recipient, supplier
):
    complaint = posted(trust_test_pki, recipient, supplier, on=LEARNED + datetime.timedelta(14))
    assert complaint.status == Complaint.Status.POSTED
    assert complaint.posted_on == datetime.date(2024, 3, 15)


@pytest.mark.req("DER-3", "E20-8")
@pytest.mark.parametrize(
    ("learned_on", "posted_on", "last"),
    [
        (LEARNED, datetime.date(2024, 3, 16), "15.03.2024"),  # edition 2022
        (datetime.date(2021, 6, 1), datetime.date(2021, 6, 16), "15.06.2021"),  # edition 2020
    ],
)
def test_learned_on_day_d_a_complaint_on_d_plus_15_is_refused_with_the_dates(
    private_media, recipient, supplier, learned_on, posted_on, last
):
    with pytest.raises(ComplaintRefused) as refused:
        prepared(recipient, supplier, learned_on=learned_on, on=posted_on)
    assert refused.value.code == "filing_period_passed"
    message = str(refused.value.message)
    assert f"{learned_on:%d.%m.%Y}" in message
    assert last in message
    assert f"{posted_on:%d.%m.%Y}" in message
    assert "14" in message
    assert not Complaint.objects.exists()


@pytest.mark.req("DER-3")
def test_the_period_is_checked_again_on_the_day_of_signing(
    trust_test_pki, private_media, recipient, supplier
):
    complaint = prepared(recipient, supplier, on=LEARNED + datetime.timedelta(14))
    with pytest.raises(ComplaintRefused) as refused:
        post_complaint(
            complaint=complaint,
            cms=signed(trust_test_pki, complaint),
            on=LEARNED + datetime.timedelta(15),
        )
    assert refused.value.code == "filing_period_passed"
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DRAFT
    assert complaint.case is None


@pytest.mark.req("DER-3", "CAL-2")
def test_posting_opens_the_case_with_a_review_within_ten_working_days_across_nauryz(
    trust_test_pki, private_media, recipient, supplier
):
    complaint = posted(trust_test_pki, recipient, supplier)
    review = complaint.review_deadline
    assert review.day == add_working_days(POSTED, 10)
    # 14, 15, 18, 19, 20, 26, 27, 28, 29 March and 1 April: the holidays do not count.
    assert review.day == datetime.date(2024, 4, 1)
    assert not is_working_day(datetime.date(2024, 3, 22))
    assert review.clause == "2022 p.21"
    case = complaint.case
    assert case.ground == "non_performance"
    assert case.source == DeregistrationCase.Source.COMPLAINT
    assert case.decision_due == review.day
    assert complaint.answer_deadline.day == add_working_days(POSTED, 5)
    # The deadline is tracked per complaint and reported once missed.
    assert not selectors.missed_reviews(on=review.day).exists()
    assert list(selectors.missed_reviews(on=review.day + datetime.timedelta(1))) == [complaint]


@pytest.mark.req("DER-3")
def test_the_complaint_is_the_persons_own_signed_text_and_the_supplier_is_told(
    trust_test_pki, private_media, recipient, supplier
):
    complaint = posted(trust_test_pki, recipient, supplier)
    signature = complaint.signature
    assert signature.iin == RECIPIENT_IIN
    assert bytes(signature.document) == complaint_document(complaint)
    text = bytes(signature.document).decode()
    assert supplier.identifier in text
    assert "01.03.2024" in text
    assert complaint.documents.get().sha256 in text
    assert "Заказ не исполнен" in text or "Тапсырыс" in text
    notice = Notification.objects.get(object_id=str(complaint.pk), template__endswith="posted")
    assert notice.recipient == "supplier@example.kz"
    assert complaint.answer_deadline.day.strftime("%d.%m.%Y") in notice.body
    assert AuditEvent.objects.filter(
        action="complaint.posted",
        object_id=str(complaint.pk),
        basis="2022 p.19(5), p.21; 2022 p.21",
    ).exists()


@pytest.mark.req("DER-3")
def test_a_signature_by_someone_else_posts_nothing(
    trust_test_pki, private_media, recipient, supplier
):
    complaint = prepared(recipient, supplier)
    with pytest.raises(SignatureError):
        post_complaint(
            complaint=complaint, cms=signed(trust_test_pki, complaint, OTHER_IIN), on=POSTED
        )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DRAFT


@pytest.mark.req("DER-3")
def test_only_registered_suppliers_and_recipients(private_media, recipient, supplier):
    stranger = registered_supplier(admitted_on=datetime.date(2023, 5, 2)).supplier
    stranger.register_entries.update(deregistered_on=datetime.date(2024, 1, 10))
    assert list(selectors.suppliers_open_to_complaints()) == [supplier]
    with pytest.raises(ComplaintRefused) as refused:
        prepared(recipient, stranger)
    assert refused.value.code == "supplier_not_registered"
    with pytest.raises(ComplaintRefused) as refused:
        prepared(make_user(role=Role.SUPPLIER), supplier)
    assert refused.value.code == "not_a_recipient"


@pytest.mark.req("E20-8")
def test_the_kinds_are_the_editions_and_late_means_more_than_30_calendar_days(
    private_media, recipient, supplier
):
    assert [k.code for k in EDITION_2020.complaint_kinds] == [
        "order_not_fulfilled",
        "order_late",
        "characteristics_mismatch",
        "price_changed",
    ]
    assert "other" in [k.code for k in EDITION_2022.complaint_kinds]
    with pytest.raises(ComplaintRefused) as refused:
        prepared(
            recipient,
            supplier,
            kind="other",
            on=datetime.date(2021, 6, 10),
            learned_on=datetime.date(2021, 6, 1),
        )
    assert refused.value.code == "unknown_kind"  # edition 2020 has no "other"
    ordered = datetime.date(2024, 1, 20)
    with pytest.raises(ComplaintRefused) as refused:
        prepared(
            recipient,
            supplier,
            kind="order_late",
            ordered_on=ordered,
            delivered_on=ordered + datetime.timedelta(30),
        )
    assert refused.value.code == "not_late"
    assert "30" in str(refused.value.message)
    complaint = prepared(
        recipient,
        supplier,
        kind="order_late",
        ordered_on=ordered,
        delivered_on=ordered + datetime.timedelta(31),
    )
    assert complaint.kind_rule.late_delivery
    assert complaint.ordered_on == ordered


@pytest.mark.req("DER-3")
def test_evidence_is_checked_by_content(private_media, recipient, supplier):
    program = Upload(file=io.BytesIO(b"MZ\x90\x00" * 10), name="receipt.pdf", size=40)
    with pytest.raises(ComplaintRefused) as refused:
        prepared(recipient, supplier, evidence=[program])
    assert refused.value.code == "upload_refused"
    assert not Complaint.objects.exists()


@pytest.mark.req("DER-3", "CAL-2")
def test_the_supplier_answers_with_documents_within_its_window_only(
    trust_test_pki, private_media, recipient, supplier
):
    complaint = posted(trust_test_pki, recipient, supplier)
    representative = make_user(role=Role.SUPPLIER)
    last_day = complaint.answer_deadline.day
    with pytest.raises(ComplaintRefused) as refused:
        answer_complaint(
            complaint=complaint,
            by=representative,
            text="Delivered.",
            on=last_day + datetime.timedelta(1),
        )
    assert refused.value.code == "answer_period_passed"
    assert last_day.strftime("%d.%m.%Y") in str(refused.value.message)
    complaint = answer_complaint(
        complaint=complaint,
        by=representative,
        text="Delivered on 5 March, see the waybill.",
        documents=[evidence("waybill.pdf")],
        on=last_day,
    )
    assert complaint.answered
    assert complaint.documents.filter(party=ComplaintDocument.Party.SUPPLIER).count() == 1
    with pytest.raises(ComplaintRefused):
        answer_complaint(complaint=complaint, by=representative, text="Again.", on=last_day)
    assert Notification.objects.filter(
        object_id=str(complaint.pk), template__endswith="answered", recipient="recipient@example.kz"
    ).exists()


@pytest.mark.req("E20-8", "CAL-2")
def test_under_edition_2020_a_complaint_opens_a_case_on_ground_4_reviewed_within_10_working_days(
    trust_test_pki, private_media, recipient
):
    supplier = registered_supplier(
        edition_code="2020", admitted_on=datetime.date(2020, 9, 1)
    ).supplier
    posted_on = datetime.date(2021, 6, 10)
    complaint = posted(
        trust_test_pki,
        recipient,
        supplier,
        on=posted_on,
        learned_on=datetime.date(2021, 6, 1),
        kind="price_changed",
    )
    assert complaint.edition_code == "2020"
    assert complaint.kind_rule.clause == "2020 p.18(4)"
    assert complaint.case.ground_rule.number == 4
    assert complaint.review_deadline.day == add_working_days(posted_on, 10)
    assert complaint.review_deadline.clause == "2020 p.18"
    assert "2020 p.15(4)" in bytes(complaint.signature.document).decode()


@pytest.mark.req("DER-3", "DER-6")
def test_obligations_survive_deregistration_on_ground_3_but_not_on_ground_2(
    trust_test_pki, private_media, recipient
):
    from deregistration.services import deregister_supplier, open_case

    def deregistered_on(ground: str):
        supplier = registered_supplier(admitted_on=datetime.date(2023, 5, 2)).supplier
        case = open_case(
            supplier=supplier,
            ground=ground,
            source=DeregistrationCase.Source.STATE_DATA,
            on=datetime.date(2024, 3, 4),
        )
        deregister_supplier(case=case, on=datetime.date(2024, 3, 4), protocol_label="sync run")
        return supplier

    listed = deregistered_on("procurement_register")
    dead = deregistered_on("death_or_termination")
    assert set(selectors.suppliers_open_to_complaints()) == {listed}
    complaint = posted(trust_test_pki, recipient, listed)
    assert complaint.case.ground == "non_performance"
    assert complaint.case.status == DeregistrationCase.Status.OPEN
    with pytest.raises(ComplaintRefused) as refused:
        prepared(recipient, dead)
    assert refused.value.code == "supplier_not_registered"
