"""Transactions around state lookups: a slow state system never holds up the portal's audit trail.

Every audited write appends to one hash chain, and an append takes the chain's lock until its
transaction commits (``portal.audit.services.record``). So no transaction that has recorded an
event may wait for a state system: each service asks the sources first and then writes what
arrived, with its audit event, in one short transaction of its own.
"""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egov_gateway.eds import oids
from egov_gateway.eds.models import Signature
from egov_gateway.eds.signer import Purpose
from egov_gateway.models import StateChangeEvent, StateListing, StateRecord, SyncRun
from egov_gateway.services import fetch_state_data, watch
from egov_gateway.sync import sync_source
from portal.audit import services as audit_services
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.editions import Offer, SupplierKind, edition_by_code
from portal.identity import SESSION_IDENTITY_KEY
from suppliers.models import Application, OfferAcceptance, Section
from tests.egov_gateway.servers import rnu_item
from tests.suppliers.factories import ApplicationFactory, SupplierFactory, representative

# The slow source answers after SLOW_SECONDS; the other write must be done well before, in
# under FAST_SECONDS, while the slow request is still waiting.
SLOW_SECONDS = 5.0
FAST_SECONDS = 1.0
CSRF_TOKEN = "t" * 32  # the same secret in the cookie and the header passes CsrfViewMiddleware

GBD_FL = (
    "<messageResult><code>00000</code></messageResult><persons><person><iin>{iin}</iin>"
    "<surname>ДОСОВ</surname><name>ИЛЬЯС</name><birthDate>1988-09-30</birthDate>"
    "<lifeStatus><code>0</code></lifeStatus></person></persons>"
)
PSYCHIATRIC = "<Result><IIN>{iin}</IIN><IsRegistered>false</IsRegistered></Result>"


def wait_until(condition, *, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def session_of(user, *, bin: str = "") -> str:
    """The session cookie of ``user`` signed in with EDS (and, with ``bin``, an organisation's
    key of its head)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_IDENTITY_KEY] = {
        "iin": user.iin,
        "bin": bin,
        "organisation": "",
        "role_oids": [oids.ROLE_EMPLOYEE, oids.ROLE_HEAD] if bin else [oids.ROLE_INDIVIDUAL],
        "certificate_serial": "01",
        "signed_in_at": "2026-01-01T00:00:00+05:00",
    }
    session.save()
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def post(base_url: str, path: str, data: dict, *, session: str) -> tuple[int, float]:
    """POST a form to the live server as a browser would; (status, seconds it took)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            path,
            body=urlencode(data, doseq=True),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; "
                f"{django_settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}",
                "X-CSRFToken": CSRF_TOKEN,
            },
        )
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.monotonic() - started


def accepted_offer(supplier, user) -> OfferAcceptance:
    """An acceptance on record (the refresh of state data comes after the offer)."""
    signature = Signature.objects.create(
        purpose=Purpose.SIGN,
        document_kind="public_offer",
        document_sha256="0" * 64,
        document=b"offer",
        cms=b"test",
        certificate=b"test",
        signer=user,
        iin=user.iin,
        common_name=user.full_name,
        certificate_serial="01",
        issuer="test",
        certificate_not_before="2025-01-01T00:00:00Z",
        certificate_not_after="2030-01-01T00:00:00Z",
        signing_time="2026-01-01T00:00:00Z",
        algorithm="rsa-pkcs1v15-sha256",
        backend="local",
        verified_at=timezone.now(),
    )
    return OfferAcceptance.objects.create(
        supplier=supplier, signed_by=user, signature=signature, offer_version="1.0", language="ru"
    )


def test_a_concurrent_audited_write_does_not_wait_for_a_slow_state_system(
    live_server, reference_rows, soap_gateway, settings
):
    settings.EGOV_TIMEOUT_SECONDS = 60  # the slow answer arrives; it is slow, not lost
    soap_gateway.services["GBDFL_UniversalServiceSync"] = lambda iin: GBD_FL.format(iin=iin)
    soap_gateway.services["ERDB_PsychRegistryByIIN"] = lambda iin: PSYCHIATRIC.format(iin=iin)
    # An individual assistant asks the state systems again from the state data section.
    assistant = SupplierFactory(kind=SupplierKind.INDIVIDUAL_ASSISTANT)
    assistant_user = representative(assistant)
    accepted_offer(assistant, assistant_user)
    ApplicationFactory(
        supplier=assistant, offers=[Offer.INDIVIDUAL_ASSISTANT], created_by=assistant_user
    )
    # Meanwhile the head of an organisation saves what it offers: an audited write.
    organisation = SupplierFactory(kind=SupplierKind.LEGAL_ENTITY)
    head = representative(organisation)
    application = ApplicationFactory(supplier=organisation, created_by=head)
    section = reverse("suppliers:section", args=[Section.STATE_DATA])
    offers = reverse("suppliers:section", args=[Section.OFFERS])
    assistant_session = session_of(assistant_user)
    head_session = session_of(head, bin=organisation.identifier)

    save_offers = {"offers": [Offer.SPECIAL_SOCIAL_SERVICES], "action": "later"}
    # Once before, so that the measured write pays for no first-request imports or caches.
    assert post(live_server.url, offers, save_offers, session=head_session)[0] == 302

    soap_gateway.slow_seconds = SLOW_SECONDS
    soap_gateway.script = ["slow"]  # the first state system asked answers after 5 s
    slow: dict = {}

    def refresh() -> None:
        slow["status"], slow["seconds"] = post(
            live_server.url, section, {"action": "refresh"}, session=assistant_session
        )

    waiting = threading.Thread(target=refresh)
    waiting.start()
    try:
        wait_until(lambda: bool(soap_gateway.requests), what="the refresh to ask the state")
        status, seconds = post(live_server.url, offers, save_offers, session=head_session)
        still_waiting = waiting.is_alive()
    finally:
        waiting.join(60)

    assert status == 302
    assert seconds < FAST_SECONDS, (
        f"the audited write took {seconds:.1f} s: it waited for the request that waits for the "
        "state system"
    )
    assert still_waiting, "the slow request was no longer waiting: the test proved nothing"
    assert slow["status"] == 302 and slow["seconds"] >= SLOW_SECONDS
    application.refresh_from_db()
    assert application.offers == [Offer.SPECIAL_SOCIAL_SERVICES]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "application.section_saved" in actions and "state_data.fetched" in actions
    assert StateRecord.objects.filter(identifier=assistant.identifier).count() == 2
    assert Application.objects.get(supplier=assistant).status == Application.Status.DRAFT
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_state_data_and_its_audit_event_are_kept_together_or_not_at_all(
    sandbox, user_factory, monkeypatch
):
    """A failure after the audit step (here: the step itself fails once it has appended)
    leaves neither the answers nor the event: nothing is half-done."""
    real_record = audit_services.record

    def record_then_fail(**kwargs):
        real_record(**kwargs)
        raise RuntimeError("the database went away before the commit")

    monkeypatch.setattr(audit_services, "record", record_then_fail)
    with pytest.raises(RuntimeError, match="went away"):
        fetch_state_data(
            identifier="090440023188",
            supplier_kind="legal_entity",
            requested_by=user_factory(),
            edition=edition_by_code("2022"),
        )

    assert not StateRecord.objects.exists()
    assert not AuditEvent.objects.exists()
    monkeypatch.undo()
    fetch_state_data(identifier="090440023188", supplier_kind="legal_entity")
    assert StateRecord.objects.count() == 2
    assert AuditEvent.objects.get().action == "state_data.fetched"
    assert verify_chain().ok


@pytest.mark.req("SYNC-3")
@pytest.mark.django_db(transaction=True)
def test_a_sync_whose_audit_step_fails_applies_nothing_and_is_recorded_as_failed(
    ows_server, monkeypatch
):
    watch(identifier="090440023188", kind="legal_entity")
    ows_server.items = [rnu_item("090440023188", pid=1), rnu_item("120340016615", pid=2)]
    real_record = audit_services.record

    def refuse_success(**kwargs):
        event = real_record(**kwargs)
        if kwargs["action"] == "state_sync.succeeded":
            raise RuntimeError("the database went away before the commit")
        return event

    monkeypatch.setattr(audit_services, "record", refuse_success)
    run = sync_source(source="rnu")

    assert run.status == SyncRun.Status.FAILED
    assert "went away" in run.errors
    assert not StateListing.objects.exists()
    assert not StateChangeEvent.objects.exists()
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["state_sync.failed"]
    assert verify_chain().ok
