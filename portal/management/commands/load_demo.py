"""``manage.py load_demo``: demo people and their roles, for development and demonstrations.

Idempotent: every row is looked up by its natural key (IIN; user, role, region and BIN for a role),
so a second run creates nothing and changes nothing that is already there.

Then one demo application waits in the Astana commission's inbox: the first demo legal entity
applies through the cabinet's services, signing with its head's key of the test PKI that the
sandbox NCALayer uses (``make_test_pki``; trusted where the sandbox signer is on), its state data
from the sandbox state sources and its answers from the demo file. A supplier that already has an
application is left alone; ``--without-application`` leaves the application out.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import reference_data
from portal.deadlines import today
from portal.errors import PortalError
from portal.identifiers import validate_bin, validate_iin
from portal.models import ClassifierItem, Region, Role, RoleAssignment, User

if TYPE_CHECKING:
    from egov_gateway.eds.testpki import TestKey

DEMO_FILE = reference_data.DATA_DIR / "demo.json"
DEFAULT_OPERATOR_PASSWORD = "operator-demo-password"


@dataclass
class LoadReport:
    people_created: int = 0
    roles_created: int = 0
    regions_created: list[str] = field(default_factory=list)
    classifier_created: list[str] = field(default_factory=list)
    operator_password_set: bool = False
    compositions_formed: int = 0
    application_submitted: str = ""
    application_skipped: str = ""


def read_demo_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def demo_people(data: dict) -> list[dict]:
    """Every person of the demo file, whatever their role."""
    people = list(data["operators"]) + list(data["suppliers"]) + list(data["recipients"])
    for commission in data["commissions"]:
        people += commission["members"] + [commission["secretary"]]
    return people


def check_identifiers(data: dict) -> list[str]:
    """Problems with the IINs and BINs of the demo file (ID-1); empty when all are valid."""
    problems = []
    seen: set[str] = set()
    for person in demo_people(data):
        try:
            validate_iin(person["iin"])
        except ValidationError as error:
            problems.append(f"{person['full_name']}: IIN {person['iin']}: {error.messages[0]}")
        if person["iin"] in seen:
            problems.append(f"{person['full_name']}: IIN {person['iin']} appears twice")
        seen.add(person["iin"])
        if person.get("organisation_bin"):
            try:
                validate_bin(person["organisation_bin"])
            except ValidationError as error:
                problems.append(
                    f"{person['full_name']}: BIN {person['organisation_bin']}: {error.messages[0]}"
                )
    return problems


def _person(entry: dict, report: LoadReport, *, password: str | None = None) -> User:
    user = User.objects.filter(iin=entry["iin"]).first()
    if user is not None:
        return user
    extra = {"email": entry.get("email", ""), "phone": entry.get("phone", "")}
    if password is not None:
        extra.update(is_staff=True, is_superuser=True)
    user = User.objects.create_user(entry["iin"], entry["full_name"], password, **extra)
    report.people_created += 1
    return user


def _grant(
    user: User, role: str, report: LoadReport, *, region: Region | None = None, bin_: str = ""
) -> None:
    _, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, region=region, organisation_bin=bin_
    )
    report.roles_created += created


def _demo_composition(region: Region, entry: dict) -> bool:
    """A valid composition from today for a demo commission that has none (COM-1)."""
    from commission.models import Commission
    from commission.selectors import CompositionPlan
    from commission.services import form_composition

    if Commission.objects.filter(region=region, compositions__isnull=False).exists():
        return False
    people = {item["iin"]: User.objects.get(iin=item["iin"]) for item in entry["members"]}
    holder = {item["position"]: people[item["iin"]] for item in entry["members"]}
    day = today()
    plan = CompositionPlan(
        members=list(people.values()),
        chair=holder.get("chair"),
        deputy_chair=holder.get("deputy_chair"),
        secretary=User.objects.get(iin=entry["secretary"]["iin"]),
        effective_from=day,
        elected_on=day,
    )
    form_composition(region=region, plan=plan, election_protocol="№ 1 (demo)", by=None)
    return True


def _region(kato: str) -> Region:
    try:
        return Region.objects.get(kato=kato)
    except Region.DoesNotExist:
        raise CommandError(
            _("Region %(kato)s is missing: run `manage.py migrate` first.") % {"kato": kato}
        ) from None


@transaction.atomic(durable=True)
def load_demo_data(
    *, data: dict, operator_password: str, reset_operator_password: bool
) -> LoadReport:
    """Create what is missing of the demo data; never change or delete what exists."""
    report = LoadReport()
    # Reference data comes with migrations; put back only what is missing.
    report.regions_created = reference_data.add_regions(Region)
    report.classifier_created = reference_data.add_classifier(ClassifierItem)

    for entry in data["operators"]:
        operator = _person(entry, report, password=operator_password)
        _grant(operator, Role.OPERATOR, report)
        if reset_operator_password and not operator.check_password(operator_password):
            operator.set_password(operator_password)
            operator.save(update_fields=["password"])
            report.operator_password_set = True

    for commission in data["commissions"]:
        region = _region(commission["region_kato"])
        for member in commission["members"]:
            _grant(_person(member, report), Role.MEMBER, report, region=region)
        _grant(_person(commission["secretary"], report), Role.SECRETARY, report, region=region)
        report.compositions_formed += _demo_composition(region, commission)

    for supplier in data["suppliers"]:
        bin_ = supplier.get("organisation_bin", "")
        _grant(_person(supplier, report), Role.SUPPLIER, report, bin_=bin_)

    for recipient in data["recipients"]:
        _grant(_person(recipient, report), Role.RECIPIENT, report)
    return report


def _blank_pdf() -> bytes:
    """A one-page blank PDF: the demo's stand-in for a scanned supporting document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _section_data(section: str, answers: dict) -> dict:
    """The demo file's answers of a section, with classifier codes and KATO codes as rows' ids."""
    data = dict(answers)
    if section == "offerings":
        data["offerings"] = [
            {**row, "classifier_item": ClassifierItem.objects.get(code=row["classifier_item"]).pk}
            for row in answers["offerings"]
        ]
    if section == "addresses":
        data["addresses"] = [
            {**row, "region": Region.objects.get(kato=row["region"]).pk}
            for row in answers["addresses"]
        ]
    return data


def demo_application_skip_reason() -> str:
    """Why the demo application cannot be made here; empty when it can."""
    if not settings.SANDBOX_SIGNER_ENABLED:
        return _("the sandbox signer is off (SANDBOX_SIGNER_ENABLED), so there are no test keys")
    if settings.STATE_SOURCES_BACKEND != "sandbox":
        return _("the state sources are not the sandbox (STATE_SOURCES_BACKEND)")
    return ""


def _apply_as_supplier(*, head: User, entry: dict, key: TestKey) -> None:
    """Start, accept the offer, fill the sections and documents, form Annex 1, sign, submit."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from suppliers import selectors, services

    answers = entry["application"]
    language = answers["language"]
    supplier = services.start_as_supplier(
        user=head,
        kind=entry["kind"],
        identifier=entry["organisation_bin"],
        name=entry["organisation_name"],
    )
    if not selectors.has_accepted_offer(supplier):
        offer = selectors.render_offer(language=language)
        services.accept_public_offer(
            supplier=supplier, user=head, cms=key.sign(offer), offer_bytes=offer
        )
        supplier.refresh_from_db()
    application = services.start_application(supplier=supplier, user=head, language=language)
    for section, section_answers in answers["sections"].items():
        application = services.save_section(
            application=application,
            section=section,
            data=_section_data(section, section_answers),
            user=head,
        )
    for requirement in selectors.document_requirements(application):
        if requirement.required:
            services.add_document(
                application=application,
                uploaded_file=SimpleUploadedFile(
                    f"{requirement.doc_type}.pdf", _blank_pdf(), "application/pdf"
                ),
                doc_type=requirement.doc_type,
                item_code=requirement.item_code,
                user=head,
            )
    application.refresh_from_db()
    annex = services.prepare_annex(application=application, language=language, user=head)
    services.submit_application(
        application=application, annex=annex, user=head, cms=key.sign(bytes(annex.pdf))
    )


def submit_demo_application(*, data: dict, report: LoadReport) -> None:
    """The first demo legal entity applies as a real supplier would, through the cabinet's own
    services: it starts, signs the public offer with its head's test key, fills the sections,
    forms Annex 1, signs it and submits it to its region's commission (2022 p.3-10; SUP-1..SUP-8).

    Left alone when the supplier already has an application, whatever its state.
    """
    from django.core.management import call_command

    from egov_gateway.eds.conf import test_pki_dir
    from egov_gateway.eds.signer import Purpose
    from egov_gateway.eds.testpki import TestPKI
    from suppliers.models import Application

    reason = demo_application_skip_reason()
    if reason:
        report.application_skipped = reason
        return
    entry = next(s for s in data["suppliers"] if s["kind"] == "legal_entity" and "application" in s)
    bin_ = entry["organisation_bin"]
    if Application.objects.filter(supplier__identifier=bin_).exists():
        return
    # As the sandbox NCALayer does: makes the test PKI when there is none (or its CRL expired).
    call_command("make_test_pki", stdout=io.StringIO())
    key = TestPKI.load(test_pki_dir()).key_for(entry["iin"], Purpose.SIGN, bin_)
    head = User.objects.get(iin=entry["iin"])
    try:
        _apply_as_supplier(head=head, entry=entry, key=key)
    except PortalError as error:
        # E.g. the portal trusts other roots than the test PKI's: the demo goes on without it.
        report.application_skipped = str(error)
        return
    report.application_submitted = entry["organisation_name"]


class Command(BaseCommand):
    help = (
        "Load demo people: an operator, commission members and secretaries for Astana and "
        "Almaty, supplier representatives and a recipient. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-operator-password",
            action="store_true",
            help="Set the demo operator's password to DEMO_OPERATOR_PASSWORD even if it exists.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even where the sandbox signer is off (production-like settings).",
        )
        parser.add_argument(
            "--without-application",
            action="store_true",
            help="Leave out the demo application (for tests whose suppliers apply themselves).",
        )

    def handle(self, *args, **options):
        # Demo people have a published password: keep them out of production.
        if not settings.SANDBOX_SIGNER_ENABLED and not options["force"]:
            raise CommandError(
                _(
                    "load_demo creates made-up people and an operator with a known password; it "
                    "runs only with development or test settings. Use --force to load anyway."
                )
            )
        data = read_demo_data()
        problems = check_identifiers(data)
        if problems:
            raise CommandError(
                "\n".join([_("The demo data file has invalid identifiers:")] + problems)
            )
        password = settings.DEMO_OPERATOR_PASSWORD or DEFAULT_OPERATOR_PASSWORD
        operator_entry = data["operators"][0]
        try:
            password_validation.validate_password(
                password, User(iin=operator_entry["iin"], full_name=operator_entry["full_name"])
            )
        except ValidationError as error:
            raise CommandError(
                _("DEMO_OPERATOR_PASSWORD is too weak: %(reasons)s")
                % {"reasons": " ".join(error.messages)}
            ) from None

        report = load_demo_data(
            data=data,
            operator_password=password,
            reset_operator_password=options["reset_operator_password"],
        )
        if not options["without_application"]:
            submit_demo_application(data=data, report=report)
        self._print_summary(data, report, password)

    def _print_summary(self, data: dict, report: LoadReport, password: str) -> None:
        write = self.stdout.write
        write(
            self.style.SUCCESS(
                _("Demo data loaded: %(people)d people and %(roles)d roles created now.")
                % {"people": report.people_created, "roles": report.roles_created}
            )
        )
        if report.regions_created or report.classifier_created:
            write(
                _(
                    "Restored missing reference data: %(regions)d regions, "
                    "%(items)d classifier items."
                )
                % {"regions": len(report.regions_created), "items": len(report.classifier_created)}
            )
        write(
            _("Regions: %(regions)d. Classifier items: %(items)d.")
            % {"regions": Region.objects.count(), "items": ClassifierItem.objects.count()}
        )
        for commission in data["commissions"]:
            region = Region.objects.get(kato=commission["region_kato"])
            roles = RoleAssignment.objects.filter(region=region)
            write(
                _(
                    "Commission of %(region)s (%(kato)s): "
                    "members %(members)d, secretaries %(secretaries)d."
                )
                % {
                    "region": region.name,  # in the language the summary is printed in
                    "kato": region.kato,
                    "members": roles.filter(role=Role.MEMBER).count(),
                    "secretaries": roles.filter(role=Role.SECRETARY).count(),
                }
            )
        counts = {
            role: RoleAssignment.objects.filter(role=role).values("user").distinct().count()
            for role in (Role.SUPPLIER, Role.RECIPIENT, Role.OPERATOR)
        }
        write(
            _(
                "Supplier representatives: %(suppliers)d. Recipients: %(recipients)d. "
                "Operators: %(operators)d."
            )
            % {
                "suppliers": counts[Role.SUPPLIER],
                "recipients": counts[Role.RECIPIENT],
                "operators": counts[Role.OPERATOR],
            }
        )
        operator = User.objects.get(iin=data["operators"][0]["iin"])
        if report.operator_password_set:
            write(_("The operator's password was set to DEMO_OPERATOR_PASSWORD."))
        if operator.check_password(password):
            write(
                _("Operator: IIN %(iin)s, password %(password)s (from DEMO_OPERATOR_PASSWORD).")
                % {"iin": operator.iin, "password": password}
            )
        else:
            write(
                self.style.WARNING(
                    _(
                        "Operator: IIN %(iin)s. Its password differs from DEMO_OPERATOR_PASSWORD "
                        "and is kept; run load_demo --reset-operator-password to set it."
                    )
                    % {"iin": operator.iin}
                )
            )
        if report.application_submitted:
            write(
                _("Demo application of %(supplier)s submitted to its commission's inbox.")
                % {"supplier": report.application_submitted}
            )
        if report.application_skipped:
            write(
                self.style.WARNING(
                    _("No demo application: %(reason)s.") % {"reason": report.application_skipped}
                )
            )
        write(_("Sign in with the IIN and password at /sign-in/ or at /admin/."))
