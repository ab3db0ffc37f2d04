"""``manage.py load_demo``: demo people and their roles, for development and demonstrations.

Idempotent: every row is looked up by its natural key (IIN; user, role, region and BIN for a role),
so a second run creates nothing and changes nothing that is already there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import reference_data
from portal.deadlines import today
from portal.identifiers import validate_bin, validate_iin
from portal.models import ClassifierItem, Region, Role, RoleAssignment, User

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
                    "region": region.name_en,
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
        write(_("Sign in with the IIN and password at /sign-in/ or at /admin/."))
