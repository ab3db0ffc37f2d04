"""The access matrix (issue 15, item 1; ID-3): every URL pattern of the portal,
walked from the URL configuration, is requested — GET and POST — as every role, and the answer
is compared with the table below.

A pattern without a row fails the test, so a new page cannot be added without saying who may
open it. Objects of another supplier or of another region's commission answer 404, never 403:
the answer must not tell a stranger that the object exists.

Outcomes: a status code (200, 400, 403, 404, 405), ``SIGN_IN`` (a redirect to the portal's
sign-in with ``next``), ``ADMIN_LOGIN`` (the admin's own login) or ``MOVED`` (any other redirect:
access was granted and the page sends the person on, e.g. after a POST or to the next step).
Every POST runs inside a savepoint rolled back afterwards, so no request changes what the next
one finds.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from commission import services as commission_services
from commission.models import AgendaItem, Protocol
from deregistration.models import ProcurementRegisterCheck
from deregistration.services.applications import (
    file_deregistration_application,
    prepare_deregistration_application,
)
from deregistration.services.complaints import (
    Upload,
    answer_complaint,
    complaint_document,
    post_complaint,
    prepare_complaint,
)
from egov_gateway.eds.services import verify_document
from egov_gateway.eds.signer import Purpose
from portal import deadlines
from portal.models import RoleAssignment, User
from registers.models import RegisterEntry
from suppliers.models import AnnexDocument, Application, DocType
from tests.commission.helpers import chair, commission_of, proposed
from tests.deregistration.helpers import registered_supplier
from tests.factories import RegionFactory
from tests.helpers.people import make_user
from tests.suppliers.factories import (  # noqa: F401 (private_media: an autouse fixture)
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    ApplicationFactory,
    add_document,
    pdf_bytes,
    private_media,
    representative,
)
from tests.suppliers.test_views import sign_in

pytestmark = [pytest.mark.django_db]

REGION_X, REGION_Y = "710000000", "750000000"  # Astana, Almaty
RECIPIENT_IIN = "900101300017"  # a person of the test PKI: the recipient signs the complaint

SIGN_IN = "sign-in"
ADMIN_LOGIN = "admin-login"
MOVED = "moved"

ROLES = (
    "anonymous",
    "supplier_a",
    "supplier_b",
    "recipient",
    "member_x",
    "member_y",
    "secretary_x",
    "secretary_y",
    "operator",
    "operator_no_code",  # the same operator, signed in without the second factor
    "revoked",
)

Outcome = int | str


# --- the URL configuration ----------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # namespace:name, or the route for an unnamed pattern
    route: str
    pattern: URLPattern


def url_patterns() -> list[Pattern]:
    """Every pattern of ``ROOT_URLCONF`` with its full namespace:name."""
    found: list[Pattern] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), inner)
            else:
                route = prefix + str(entry.pattern)
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    name = route
                found.append(Pattern(name=name, route=route, pattern=entry))

    walk(get_resolver(), "", "")
    return found


# --- the world the requests find ------------------------------------------------------------------


@dataclass
class World:
    people: dict[str, User | None]
    bins: dict[str, str]
    kwargs: dict[str, Any]
    otp_device: TOTPDevice


def build_world(pki) -> World:
    """Supplier A registered in region X with a submitted application on an open meeting of
    region X, a protocol, a complaint of the recipient about A answered by A, a deregistration
    application, a weekly procurement check; supplier B in region Y; people of every role."""
    today = deadlines.today()
    region_x, region_y = RegionFactory(kato=REGION_X), RegionFactory(kato=REGION_Y)

    composition_x = commission_of(region_x)
    composition_y = commission_of(region_y)
    commission_x = composition_x.commission
    members_x = [seat.member for seat in composition_x.seats.order_by("pk")]
    members_y = [seat.member for seat in composition_y.seats.order_by("pk")]

    # Supplier A: registered in region X (register entries), its people and documents.
    # Consented to publication in its signed Annex 1 (SUP-10): its entries are public.
    approved_a = registered_supplier(
        admitted_on=today - datetime.timedelta(days=400),
        region=region_x,
        consent_publication=True,
        supplier__identifier=ORTHOPEDIA_BIN,  # its head has keys in the test PKI
    )
    supplier_a = approved_a.supplier
    person_a = representative(supplier_a, iin=HEAD_IIN)
    document_a = add_document(approved_a, DocType.FOUNDING_DOCUMENTS, uploaded_by=person_a)
    annex_a = AnnexDocument.objects.create(
        application=approved_a, language="ru", pdf=pdf_bytes(), sha256="a" * 64, revision=0
    )
    deregistration_a = prepare_deregistration_application(
        supplier=supplier_a,
        user=person_a,
        data={
            "name": supplier_a.name,
            "identifier": supplier_a.identifier,
            "activity": "Technical aids",
            "legal_address": "Astana",
            "email": "a@example.kz",
            "phone": "+77172123456",
            "confirms_contacts": True,
            "confirms_documents": True,
            "consent_personal_data": True,
        },
    )

    # Filed: signed by A's head with the organisation's key, the case on ground 1 opened.
    pdf = bytes(deregistration_a.pdf)
    file_deregistration_application(
        application=deregistration_a,
        verified=verify_document(
            cms=pki.key_for(HEAD_IIN, Purpose.SIGN, ORTHOPEDIA_BIN).sign(pdf),
            data=pdf,
            purpose=Purpose.SIGN,
            signer_user=person_a,
            role="supplier",
            expected_iin=HEAD_IIN,
            expected_bin=ORTHOPEDIA_BIN,
            binds_organisation=True,
        ),
        user=person_a,
    )

    # Supplier B: registered in region Y.
    approved_b = registered_supplier(
        admitted_on=today - datetime.timedelta(days=400), region=region_y
    )
    supplier_b = approved_b.supplier
    person_b = representative(supplier_b)

    # A submitted application of supplier A on an open meeting of region X, with a protocol.
    submitted_a = ApplicationFactory(
        supplier=supplier_a,
        status=Application.Status.SUBMITTED,
        region=region_x,
        email="a@example.kz",
    )
    other_submitted = ApplicationFactory(
        status=Application.Status.SUBMITTED, region=region_x, email="x@example.kz"
    )
    meeting = commission_services.schedule_meeting(
        commission=commission_x,
        secretary=composition_x.secretary,
        held_on=composition_x.effective_from,
        applications=[submitted_a, other_submitted],
    )
    commission_services.record_attendance(
        meeting=meeting, secretary=composition_x.secretary, present=members_x
    )
    meeting = commission_services.open_meeting(meeting=meeting, by=chair(commission_x))
    item, second_item = meeting.items.order_by("pk")
    item = proposed(item, commission_x)
    AgendaItem.objects.filter(pk=second_item.pk).update(status=AgendaItem.Status.ADOPTED)
    protocol = Protocol.objects.create(
        commission=commission_x,
        year=today.year,
        number=1,
        item=second_item,
        decision=AgendaItem.Proposal.ADMIT,
        formed_on=today,
        pdf=pdf_bytes(),
        sha256="b" * 64,
    )
    published = Protocol.objects.create(
        commission=commission_x,
        year=today.year,
        number=2,
        item=AgendaItem.objects.create(
            meeting=meeting, application=ApplicationFactory(region=region_x), position=99
        ),
        decision=AgendaItem.Proposal.ADMIT,
        formed_on=today,
        pdf=pdf_bytes(),
        sha256="c" * 64,
        status=Protocol.Status.PUBLISHED,
        published_at=timezone.now(),
    )

    # The recipient's complaint about supplier A, signed with the test PKI, answered by A.
    recipient = make_user(role="recipient", iin=RECIPIENT_IIN)
    content = pdf_bytes()
    complaint = prepare_complaint(
        complainant=recipient,
        supplier=supplier_a,
        kind="characteristics_mismatch",
        learned_on=today - datetime.timedelta(days=3),
        description="The wheelchair is heavier than stated.",
        evidence=[Upload(file=io.BytesIO(content), name="photo.pdf", size=len(content))],
    )
    cms = pki.key_for(RECIPIENT_IIN, Purpose.SIGN).sign(complaint_document(complaint))
    complaint = post_complaint(complaint=complaint, cms=cms)
    complaint = answer_complaint(
        complaint=complaint, by=person_a, text="It was delivered as stated.", documents=[]
    )
    evidence = complaint.documents.order_by("pk").first()

    check = ProcurementRegisterCheck.objects.create(
        region=region_x,
        week_of=today - datetime.timedelta(days=today.weekday()),
        edition_code="2020",
    )
    entry = RegisterEntry.objects.filter(supplier=supplier_a).order_by("pk").first()

    # The operator, with a confirmed authenticator: the admin asks for the code (ID-3).
    operator = make_user(role="operator", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=operator, name="authenticator", confirmed=True)

    # Revoked yesterday: a member of region X who also acted for supplier A; roles carry no end
    # date, so revoking deletes the rows (the seat in the composition stays on record).
    revoked = members_x[-1]
    RoleAssignment.objects.create(
        user=revoked, role="supplier", organisation_bin=supplier_a.identifier
    )
    RoleAssignment.objects.filter(user=revoked).delete()

    people = {
        "anonymous": None,
        "supplier_a": person_a,
        "supplier_b": person_b,
        "recipient": recipient,
        "member_x": members_x[2],
        "member_y": members_y[2],
        "secretary_x": composition_x.secretary,
        "secretary_y": composition_y.secretary,
        "operator": operator,
        "operator_no_code": operator,
        "revoked": revoked,
    }
    bins = {
        "supplier_a": supplier_a.identifier,
        "supplier_b": supplier_b.identifier,
        "revoked": supplier_a.identifier,
    }
    register_code = entry.register
    kwargs = {
        "section": "contacts",
        "pk": None,  # per pattern, below
        "annex_pk": annex_a.pk,
        "document_pk": evidence.pk,
        "supplier_pk": supplier_a.pk,
        "code": register_code,
        "identifier": supplier_a.identifier,
    }
    pks = {
        "suppliers:status": submitted_a.pk,
        "suppliers:submitted": submitted_a.pk,
        "suppliers:withdraw": submitted_a.pk,
        "suppliers:annex-pdf": approved_a.pk,
        "suppliers:document": document_a.pk,
        "suppliers:deregistration-sign": deregistration_a.pk,
        "suppliers:deregistration-status": deregistration_a.pk,
        "suppliers:deregistration-pdf": deregistration_a.pk,
        "suppliers:complaint": complaint.pk,
        "suppliers:complaint-document": complaint.pk,
        "commission:application": submitted_a.pk,
        "commission:check": submitted_a.pk,
        "commission:meeting": meeting.pk,
        "commission:attendance": meeting.pk,
        "commission:open": meeting.pk,
        "commission:item": item.pk,
        "commission:propose": item.pk,
        "commission:close": item.pk,
        "commission:vote": item.pk,
        "commission:form-protocol": item.pk,
        "commission:protocol": protocol.pk,
        "commission:protocol-pdf": protocol.pk,
        "commission:sign-protocol": protocol.pk,
        "commission:publish": protocol.pk,
        "commission:complaint": complaint.pk,
        "commission:complaint-document": complaint.pk,
        "complaints:complaint": complaint.pk,
        "complaints:sign": complaint.pk,
        "complaints:document": complaint.pk,
        "deregistration:procurement-check": check.pk,
        "protocols:published": published.pk,
        "protocols:detail": published.pk,
        "registers:entry": entry.pk,
    }
    kwargs["pks"] = pks
    return World(people=people, bins=bins, kwargs=kwargs, otp_device=device)


def path_of(world: World, pattern: Pattern) -> str:
    """The pattern reversed with the world's objects (admin object ids: the operator's own)."""
    names = list(pattern.pattern.pattern.converters) or list(
        pattern.pattern.pattern.regex.groupindex
    )
    values: dict[str, Any] = {}
    for name in names:
        if name == "pk" and pattern.name.startswith("admin:"):
            values[name] = world.otp_device.pk
        elif name == "pk":
            values[name] = world.kwargs["pks"][pattern.name]
        elif name in world.kwargs:
            values[name] = world.kwargs[name]
        elif name in ("object_id", "id"):
            values[name] = str(world.people["operator"].pk)
        elif name == "app_label":
            values[name] = "portal"
        elif name == "content_type_id":
            values[name] = "1"
        elif name == "url":
            values[name] = "portal/user/"
        else:
            raise AssertionError(f"No value for <{name}> of {pattern.name}")
    if pattern.name == pattern.route:
        return "/" + pattern.route
    return reverse(pattern.name, kwargs=values)


def outcome_of(response, *, path: str) -> Outcome:
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"])
        next_values = parse_qs(target.query).get(REDIRECT_FIELD_NAME)
        if target.path == resolve_url(django_settings.LOGIN_URL) and next_values == [path]:
            return SIGN_IN
        if target.path == reverse("admin:login"):
            return ADMIN_LOGIN
        return MOVED
    return response.status_code


def clients(world: World) -> Iterator[tuple[str, Client]]:
    """A client per role, signed in as EDS sign-in leaves the session; the operator signs in
    with the password and the authenticator's code (ID-3), ``operator_no_code`` with the
    password alone (a session the second factor never verified)."""
    for role in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        person = world.people[role]
        if role in ("operator", "operator_no_code"):
            client.force_login(person)
            if role == "operator":
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = world.otp_device.persistent_id
                session.save()
        elif person is not None:
            sign_in(client, person, bin=world.bins.get(role, ""))
        yield role, client


def request(client: Client, method: str, path: str):
    """One request in a savepoint rolled back afterwards, with the session cookie put back (a
    sign-out must not change what the next request finds)."""
    cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    saved = cookie.value if cookie else None
    savepoint = transaction.atomic()
    savepoint._from_testcase = True  # services' durable blocks nest in it as in a TestCase
    with savepoint:
        response = getattr(client, method.lower())(path)
        transaction.set_rollback(True)
    if saved is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = saved
    return response


# --- the declared table ---------------------------------------------------------------------------

Row = Mapping[str, Mapping[str, Outcome]]  # method ("GET", "POST" or "*") → role ("*") → outcome


def same(outcome: Outcome) -> Mapping[str, Outcome]:
    """Everyone gets ``outcome``."""
    return {"*": outcome}


def signed_in(outcome: Outcome = 200, **roles: Outcome) -> Mapping[str, Outcome]:
    """Anonymous visitors go to sign-in; ``roles`` get what is named, everyone else 403 (the
    role may not open the page at all, whatever the object: nothing is told about it)."""
    return {"anonymous": SIGN_IN, "*": 403} | dict.fromkeys(roles, outcome) | roles


def row(get: Mapping[str, Outcome], post: Mapping[str, Outcome] | None = None) -> Row:
    return {"GET": get, "POST": get if post is None else post}


PUBLIC = row(same(200))
PUBLIC_READ = row(same(200), same(405))  # open data and public pages: GET only
POST_ONLY = same(405)
READ_ONLY = same(405)  # a page that only shows: a POST is refused whoever sends it

SUPPLIERS = {"supplier_a": MOVED, "supplier_b": MOVED}  # the cabinet sends them on to a step
OWN_A = {"supplier_a": 200, "supplier_b": 404}  # supplier A's object; B is told nothing
# A's documents: its people, the commission of its region and operators; 404 for everyone else.
A_DOCUMENTS = {"anonymous": SIGN_IN, "*": 404} | dict.fromkeys(
    ("supplier_a", "member_x", "secretary_x", "operator", "operator_no_code"), 200
)
WORKSPACE = {"member_x": 200, "member_y": 404, "secretary_x": 200, "secretary_y": 404}
MEMBERS_ONLY = {"member_x": 200, "member_y": 404}
SECRETARY_ONLY = {"secretary_x": 200, "secretary_y": 404}

PORTAL: dict[str, Row] = {
    "portal:home": PUBLIC,
    "portal:about": PUBLIC,
    "portal:sign-in": PUBLIC,  # the operators' password form; a POST shows its errors
    "portal:sign-in-code": row(same(MOVED)),  # no password step pending: back to sign-in
    "portal:sign-out": row(POST_ONLY, same(MOVED)),
    "set_language": row(same(MOVED)),
    "portal:language": row(same(MOVED), same(405)),  # the header's switch: a GET, then back
    "eds:sign-in": PUBLIC,
    "eds:check": row({"anonymous": SIGN_IN, "*": 200}, {"anonymous": SIGN_IN, "*": MOVED}),
    # The supplier cabinet (SUP-2 … SUP-10): for representatives of a supplier.
    "suppliers:cabinet": row(signed_in(**SUPPLIERS), READ_ONLY),
    "suppliers:start": row(signed_in(**SUPPLIERS)),
    "suppliers:offer": row(signed_in(supplier_a=200, supplier_b=200)),
    "suppliers:application": row(signed_in(**SUPPLIERS), READ_ONLY),
    "suppliers:new-application": row(POST_ONLY, signed_in(**SUPPLIERS)),
    "suppliers:section": row(signed_in(**SUPPLIERS)),
    "suppliers:completeness": row(signed_in(**SUPPLIERS), READ_ONLY),
    "suppliers:check-answers": row(signed_in(**SUPPLIERS), READ_ONLY),
    "suppliers:sign": row(signed_in(**SUPPLIERS)),
    "suppliers:status": row(signed_in(**OWN_A), READ_ONLY),
    "suppliers:submitted": row(signed_in(**OWN_A), READ_ONLY),
    "suppliers:withdraw": row(signed_in(**OWN_A), signed_in(supplier_a=MOVED, supplier_b=404)),
    "suppliers:annex-pdf": row(A_DOCUMENTS, READ_ONLY),
    "suppliers:document": row(A_DOCUMENTS, READ_ONLY),
    "suppliers:deregistration": row(signed_in(supplier_a=200, supplier_b=200)),
    # Filed already: the sign page sends A on to the case's status.
    "suppliers:deregistration-sign": row(signed_in(supplier_a=MOVED, supplier_b=404)),
    # A's POST withdraws its own application for deregistration and shows the page again.
    "suppliers:deregistration-status": row(
        signed_in(**OWN_A), signed_in(supplier_a=MOVED, supplier_b=404)
    ),
    "suppliers:deregistration-pdf": row(signed_in(**OWN_A), READ_ONLY),
    "suppliers:complaints": row(signed_in(supplier_a=200, supplier_b=200), READ_ONLY),
    "suppliers:complaint": row(signed_in(**OWN_A)),
    "suppliers:complaint-document": row(signed_in(**OWN_A), READ_ONLY),
    # The commission's workspace (COM-1 … COM-7): region X's objects, 404 in region Y.
    "commission:inbox": row(signed_in(**dict.fromkeys(WORKSPACE, 200))),
    "commission:application": row(signed_in(**WORKSPACE), READ_ONLY),
    "commission:check": row(POST_ONLY, signed_in(**MEMBERS_ONLY)),
    "commission:schedule": row(signed_in(secretary_x=200, secretary_y=200)),
    "commission:meeting": row(signed_in(**WORKSPACE), READ_ONLY),
    "commission:attendance": row(POST_ONLY, signed_in(**SECRETARY_ONLY)),
    "commission:open": row(POST_ONLY, signed_in(**WORKSPACE)),
    "commission:item": row(signed_in(**WORKSPACE), READ_ONLY),
    "commission:propose": row(POST_ONLY, signed_in(**WORKSPACE)),
    "commission:close": row(POST_ONLY, signed_in(**WORKSPACE)),
    "commission:vote": row(signed_in(**WORKSPACE)),
    "commission:form-protocol": row(POST_ONLY, signed_in(**SECRETARY_ONLY)),
    "commission:protocol": row(signed_in(**WORKSPACE), READ_ONLY),
    "commission:protocol-pdf": row(signed_in(**WORKSPACE), READ_ONLY),
    "commission:sign-protocol": row(signed_in(**WORKSPACE)),
    "commission:publish": row(POST_ONLY, signed_in(**SECRETARY_ONLY)),
    "commission:complaint": row(signed_in(**WORKSPACE), READ_ONLY),
    "commission:complaint-document": row(signed_in(**WORKSPACE), READ_ONLY),
    "deregistration:procurement-check": row(
        signed_in(**SECRETARY_ONLY), signed_in(secretary_x=400, secretary_y=404)
    ),
    # The recipients' complaints (DER-3): the recipient's own.
    "complaints:complaints": row(signed_in(recipient=200), READ_ONLY),
    "complaints:choose-supplier": row(signed_in(recipient=200), READ_ONLY),
    "complaints:new": row(signed_in(recipient=200)),
    "complaints:complaint": row(signed_in(recipient=200), READ_ONLY),
    "complaints:sign": row(signed_in(recipient=MOVED)),  # posted already: to its page
    "complaints:document": row(signed_in(recipient=200), READ_ONLY),
    # Public registers, protocols and open data (REG-1 … REG-4, COM-7).
    "protocols:published": PUBLIC_READ,
    "protocols:list": PUBLIC_READ,
    "protocols:detail": PUBLIC_READ,
    "registers:index": PUBLIC_READ,
    "registers:deregistered": PUBLIC_READ,
    "registers:deregistered-csv": PUBLIC_READ,
    "registers:deregistered-json": PUBLIC_READ,
    "registers:entry": PUBLIC_READ,
    "registers:register": PUBLIC_READ,
    "registers:export-csv": PUBLIC_READ,
    "registers:export-json": PUBLIC_READ,
    "registers-api:registers": PUBLIC_READ,
    "registers-api:entries": PUBLIC_READ,
    "registers-api:supplier": PUBLIC_READ,
    "registers-api:changes": PUBLIC_READ,
    "registers-api:openapi": PUBLIC_READ,
}

# The Django admin: one guard (``admin.site``) for every pattern: only staff verified by the
# second factor (ID-3) get in; everyone else goes to the admin's login. What an operator may do
# on each model is the model admin's permissions (tests/portal/test_admin.py): here any answer
# but a login or a server error.
ADMITTED = "admitted"  # any answer but a login page or a server error
ANY = "any"  # any answer but a server error
ADMIN_GUARD = {"*": ADMIN_LOGIN, "operator": ADMITTED}
ADMIN_ROWS: dict[str, Row] = {
    # The admin's own login, logout and catalogue of translations, and the catch-all that
    # sends unknown admin paths on: the same for everyone.
    "admin:login": row(same(ANY)),
    "admin:logout": row(same(ANY)),
    "admin:jsi18n": row(same(ANY)),
    "admin/(?P<url>.*)$": row(same(ANY)),
    # The authenticator's QR code of a TOTP device (an SVG image).
    "admin:otp_totp_totpdevice_qrcode": row({"*": ADMIN_LOGIN, "operator": 200}),
}


def expected_table(patterns: list[Pattern]) -> dict[str, Row]:
    """The rows above, and the admin guard's row for every admin pattern (new models too)."""
    table: dict[str, Row] = dict(PORTAL) | ADMIN_ROWS
    for pattern in patterns:
        if pattern.route.startswith("admin/") and pattern.name not in table:
            table[pattern.name] = row(ADMIN_GUARD)
    return table


def matches(actual: Outcome, expected: Outcome) -> bool:
    server_error = isinstance(actual, int) and actual >= 500
    if expected == ANY:
        return not server_error
    if expected == ADMITTED:
        return not server_error and actual not in (ADMIN_LOGIN, SIGN_IN)
    return actual == expected


# The admin's ~150 patterns are one guard: every admin pattern is asked by the visitors that
# differ for it (no session, a person who is not staff, one whose roles were revoked, the
# verified operator and the same operator without the code); the other roles ask the index.
ADMIN_ROLES = ("anonymous", "supplier_a", "operator", "operator_no_code", "revoked")


def methods_for(pattern: Pattern, role: str) -> tuple[str, ...]:
    """GET and POST; the admin's patterns GET only (one guard answers both)."""
    if not pattern.route.startswith("admin/"):
        return ("GET", "POST")
    if role in ADMIN_ROLES or pattern.name == "admin:index":
        return ("GET",)
    return ()


def expected_for(table: Mapping[str, Row], name: str, method: str, role: str) -> Outcome | None:
    declared = table.get(name)
    if declared is None:
        return None
    per_method = declared.get(method) or declared.get("*")
    if per_method is None:
        return None
    return per_method.get(role, per_method.get("*"))


@pytest.mark.req("ID-3")
def test_every_url_answers_every_role_as_the_table_says(trust_test_pki, settings):
    settings.OPERATOR_REQUIRE_OTP = True
    world = build_world(trust_test_pki)
    patterns = url_patterns()
    table = expected_table(patterns)
    differences: list[str] = []
    missing = sorted({p.name for p in patterns if p.name not in table})
    seen: dict[tuple[str, str], dict[str, Outcome]] = {}
    spent: dict[str, float] = {}
    logging.disable(logging.WARNING)  # thousands of expected 403/404/405 warnings: not logged
    try:
        for role, client in clients(world):
            for pattern in patterns:
                path = path_of(world, pattern)
                for method in methods_for(pattern, role):
                    started = time.perf_counter()
                    actual = outcome_of(request(client, method, path), path=path)
                    spent[pattern.name] = (
                        spent.get(pattern.name, 0.0) + time.perf_counter() - started
                    )
                    seen.setdefault((pattern.name, method), {})[role] = actual
                    expected = expected_for(table, pattern.name, method, role)
                    if expected is not None and not matches(actual, expected):
                        differences.append(
                            f"  {method} {path} ({pattern.name}) as {role}: "
                            f"expected {expected!r}, got {actual!r}"
                        )
    finally:
        logging.disable(logging.NOTSET)
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        for (name, method), answers in seen.items():
            print(name, method, " ".join(f"{r}={a}" for r, a in answers.items()))
        for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[:25]:
            print(f"{seconds:6.2f}s {name}")
        print(f"admin {sum(v for k, v in spent.items() if k.startswith('admin')):.1f}s")
    requests = sum(len(methods_for(p, role)) for p in patterns for role in ROLES)
    print(
        f"access matrix: {len(patterns)} URL patterns covered "
        f"({len(patterns) - len(missing)} with a row), {len(ROLES)} roles, {requests} requests"
    )
    assert not missing, "URL patterns without a row in the access matrix:\n  " + "\n  ".join(
        missing
    )
    assert not differences, "Access differs from the matrix:\n" + "\n".join(differences)
