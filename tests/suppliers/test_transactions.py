"""Each act of the cabinet is one transaction of its own that ends with its audit event: a failure
anywhere in it, even after the audit step, leaves nothing half-done (issue 10, item 1)."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction

from egov_gateway.eds.models import Signature
from egov_gateway.eds.signer import Purpose
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from suppliers import services
from suppliers.models import AnnexDocument, Application, Section
from suppliers.services import submission
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    SupplierFactory,
    complete_application,
    pdf_bytes,
    private_media,
    representative,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ready(reference_rows):
    """A complete application of the test PKI's organisation, an Annex 1 to sign, its head."""
    supplier = SupplierFactory(identifier=ORTHOPEDIA_BIN)
    head = representative(supplier, iin=HEAD_IIN)
    application = complete_application(supplier=supplier, user=head)
    annex = AnnexDocument.objects.create(
        application=application,
        language="ru",
        pdf=pdf_bytes(),
        sha256=hashlib.sha256(pdf_bytes()).hexdigest(),
        revision=application.revision,
    )
    return head, application, annex


def annex_signature(pki, annex: AnnexDocument) -> bytes:
    return pki.key_for(HEAD_IIN, Purpose.SIGN, ORTHOPEDIA_BIN).sign(bytes(annex.pdf))


@pytest.mark.req("SUP-8")
def test_a_failure_after_the_audit_step_of_submission_leaves_nothing_half_done(
    ready, trust_test_pki, monkeypatch
):
    head, application, annex = ready
    events_before = list(AuditEvent.objects.values_list("pk", flat=True))

    def queue_is_gone(*args, **kwargs):
        raise RuntimeError("the e-mail could not be scheduled")

    # The status e-mail is scheduled after the "application.submitted" event was appended.
    monkeypatch.setattr(submission, "notify_status", queue_is_gone)
    with pytest.raises(RuntimeError, match="could not be scheduled"):
        services.submit_application(
            application=application,
            annex=annex,
            user=head,
            cms=annex_signature(trust_test_pki, annex),
        )

    application.refresh_from_db()
    annex.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None and application.review_due is None
    assert not annex.is_signed
    assert not Signature.objects.exists()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == events_before
    assert verify_chain().ok

    monkeypatch.undo()
    submitted = services.submit_application(
        application=application, annex=annex, user=head, cms=annex_signature(trust_test_pki, annex)
    )
    assert submitted.status == Application.Status.SUBMITTED
    new_events = AuditEvent.objects.exclude(pk__in=events_before).order_by("pk")
    assert list(new_events.values_list("action", flat=True)) == [
        "signature.recorded",
        "application.submitted",
    ]
    assert verify_chain().ok


def test_an_act_of_the_cabinet_owns_its_transaction(ready):
    """A service is the outermost transaction: it commits at once, with its audit event, and
    never stays open inside a caller's longer transaction (the chain's lock would stay held)."""
    head, application, _annex = ready
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.save_section(
            application=application,
            section=Section.CONTACTS,
            data={"website": "https://ortopedia.kz"},
            user=head,
        )
    services.save_section(
        application=application,
        section=Section.CONTACTS,
        data={"website": "https://ortopedia.kz"},
        user=head,
    )
    application.refresh_from_db()
    assert application.website == "https://ortopedia.kz"
