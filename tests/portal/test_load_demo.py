"""``manage.py load_demo``: idempotent demo people with valid identifiers and regional roles."""

import copy
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from egov_gateway.eds.services import verify_document
from egov_gateway.eds.signer import Purpose
from portal import reference_data
from portal.identifiers import is_valid_bin, is_valid_iin
from portal.management.commands.load_demo import (
    DEFAULT_OPERATOR_PASSWORD,
    check_identifiers,
    demo_people,
    read_demo_data,
)
from portal.models import ClassifierItem, Region, Role, RoleAssignment, User
from portal.settings.base import BASE_DIR
from suppliers import selectors
from suppliers.models import Application, Supplier

pytestmark = pytest.mark.django_db

DEMO = read_demo_data()
OPERATOR_IIN = DEMO["operators"][0]["iin"]


@pytest.fixture(scope="session")
def demo_pki_dir(tmp_path_factory):
    """The test PKI of the demo people, made once by ``make_test_pki`` (as load_demo would)."""
    directory = tmp_path_factory.mktemp("demo-pki")
    call_command("make_test_pki", out=str(directory), stdout=StringIO())
    return directory


@pytest.fixture(autouse=True)
def _demo_environment(settings, tmp_path, demo_pki_dir):
    """The development setting of ``make run``: the demo's test PKI trusted, the sandbox state
    sources, private files in a temporary folder."""
    settings.EDS_TEST_PKI_DIR = str(demo_pki_dir)
    settings.EDS_TRUSTED_ROOTS = []
    settings.EDS_INTERMEDIATES_DIR = ""
    settings.EDS_CRL_DIR = ""
    settings.NCANODE_URL = ""
    settings.STATE_SOURCES_BACKEND = "sandbox"
    settings.SANDBOX_STATE_DIR = str(BASE_DIR / "egov_gateway" / "sandbox" / "demo")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reference_rows():
    """Put back rows that a transactional test of another file may have flushed (a no-op else)."""
    reference_data.add_regions(Region)
    reference_data.add_classifier(ClassifierItem)


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "regions": Region.objects.count(),
        "classifier": ClassifierItem.objects.count(),
    }


def test_running_load_demo_twice_creates_nothing_new():
    first_output = load_demo()
    after_first = counts()
    assert after_first["users"] == len(demo_people(DEMO)) == 22
    second_output = load_demo()
    assert counts() == after_first
    assert "22 people and 22 roles created now" in first_output
    assert "0 people and 0 roles created now" in second_output


def test_load_demo_keeps_what_was_changed_since_the_first_run():
    load_demo()
    chair = User.objects.get(iin=DEMO["commissions"][0]["members"][0]["iin"])
    chair.full_name = "Renamed by an operator"
    chair.email = "changed@test.example"
    chair.save()
    extra_role = RoleAssignment.objects.create(user=chair, role=Role.RECIPIENT)

    load_demo()
    chair.refresh_from_db()
    assert (chair.full_name, chair.email) == ("Renamed by an operator", "changed@test.example")
    assert RoleAssignment.objects.filter(pk=extra_role.pk).exists()


@pytest.mark.req("ID-1")
def test_every_demo_identifier_is_a_valid_iin_or_bin():
    people = demo_people(DEMO)
    assert len({person["iin"] for person in people}) == len(people)
    for person in people:
        assert is_valid_iin(person["iin"]), person
        # The seventh digit: odd for men, even for women; patronymics say which.
        patronymic = person["full_name"].split()[-1]
        is_male = patronymic.endswith(("вич", "ұлы", "улы"))
        assert patronymic.endswith(("вич", "ұлы", "улы", "вна", "қызы", "кызы")), person
        assert (int(person["iin"][6]) % 2 == 1) == is_male, person
    bins = [s["organisation_bin"] for s in DEMO["suppliers"] if s["kind"] == "legal_entity"]
    assert bins
    assert all(is_valid_bin(bin_) for bin_ in bins)

    load_demo()
    for user in User.objects.all():
        assert is_valid_iin(user.iin)
    for assignment in RoleAssignment.objects.exclude(organisation_bin=""):
        assert is_valid_bin(assignment.organisation_bin)


@pytest.mark.req("ID-1")
def test_a_demo_file_with_an_invalid_identifier_is_refused():
    assert check_identifiers(DEMO) == []
    broken = copy.deepcopy(DEMO)
    iin = broken["recipients"][0]["iin"]
    broken["recipients"][0]["iin"] = iin[:11] + str((int(iin[11]) + 1) % 10)
    broken["suppliers"][0]["organisation_bin"] = "090440023189"
    broken["operators"][0]["iin"] = broken["suppliers"][0]["iin"]
    problems = " ".join(check_identifiers(broken))
    assert "control digit" in problems
    assert "BIN 090440023189" in problems
    assert "appears twice" in problems


def test_astana_and_almaty_each_have_seven_members_and_a_secretary():
    load_demo()
    for kato in ("710000000", "750000000"):
        region = Region.objects.get(kato=kato)
        members = set(
            RoleAssignment.objects.filter(region=region, role=Role.MEMBER).values_list(
                "user", flat=True
            )
        )
        secretaries = set(
            RoleAssignment.objects.filter(region=region, role=Role.SECRETARY).values_list(
                "user", flat=True
            )
        )
        assert len(members) == 7
        assert len(secretaries) == 1
        assert not members & secretaries  # the secretary is not a member


def test_demo_file_marks_one_chair_and_one_deputy_among_the_members_of_each_commission():
    for commission in DEMO["commissions"]:
        positions = [member["position"] for member in commission["members"]]
        assert positions.count("chair") == 1
        assert positions.count("deputy_chair") == 1
        assert set(positions) == {"chair", "deputy_chair", "member"}
        assert "position" not in commission["secretary"]


def test_there_is_a_supplier_representative_of_each_kind():
    load_demo()
    kinds = {supplier["kind"] for supplier in DEMO["suppliers"]}
    assert kinds == {"legal_entity", "individual_entrepreneur", "individual_assistant"}
    for supplier in DEMO["suppliers"]:
        assignment = RoleAssignment.objects.get(user__iin=supplier["iin"], role=Role.SUPPLIER)
        expected_bin = supplier["organisation_bin"] if supplier["kind"] == "legal_entity" else ""
        assert assignment.organisation_bin == expected_bin
        assert Region.objects.filter(kato=supplier["region_kato"]).exists()
        for code in supplier["offers"]:
            assert ClassifierItem.objects.filter(code=code).exists(), code
    recipient = DEMO["recipients"][0]
    assert User.objects.get(iin=recipient["iin"]).has_role(Role.RECIPIENT)


def test_demo_operator_signs_in_with_the_password_from_the_environment(settings, client):
    settings.DEMO_OPERATOR_PASSWORD = "a-password-for-this-test"  # as read from the environment
    output = load_demo()
    assert f"IIN {OPERATOR_IIN}, password a-password-for-this-test" in output
    assert "/sign-in/" in output and "/admin/" in output

    operator = authenticate(username=OPERATOR_IIN, password="a-password-for-this-test")
    assert operator is not None and operator.is_staff
    assert operator.has_role(Role.OPERATOR)
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200


def test_default_operator_password_and_an_existing_password_is_kept(settings):
    settings.DEMO_OPERATOR_PASSWORD = ""
    load_demo()
    assert authenticate(username=OPERATOR_IIN, password=DEFAULT_OPERATOR_PASSWORD)

    settings.DEMO_OPERATOR_PASSWORD = "another-password-for-tests"
    output = load_demo()
    assert "differs from DEMO_OPERATOR_PASSWORD and is kept" in output
    assert authenticate(username=OPERATOR_IIN, password=DEFAULT_OPERATOR_PASSWORD)

    assert "password was set" in load_demo("--reset-operator-password")
    assert authenticate(username=OPERATOR_IIN, password="another-password-for-tests")


def test_a_weak_operator_password_is_refused(settings):
    settings.DEMO_OPERATOR_PASSWORD = "12345"
    with pytest.raises(CommandError, match="too weak"):
        load_demo()
    assert not User.objects.filter(iin=OPERATOR_IIN).exists()


def test_load_demo_refuses_where_the_sandbox_signer_is_off(settings):
    settings.SANDBOX_SIGNER_ENABLED = False
    with pytest.raises(CommandError, match="development or test settings"):
        load_demo()
    assert not User.objects.exists()
    load_demo("--force")
    assert User.objects.filter(iin=OPERATOR_IIN).exists()


DEMO_SUPPLIER = DEMO["suppliers"][0]


@pytest.mark.req("COM-3")
def test_load_demo_leaves_one_signed_application_in_the_astana_inbox_and_a_second_run_adds_none():
    output = load_demo()

    astana = Region.objects.get(kato="710000000")
    inbox = list(selectors.submitted_applications(region=astana))
    assert len(inbox) == 1
    application = inbox[0]
    assert application.status == Application.Status.SUBMITTED
    assert application.supplier.identifier == DEMO_SUPPLIER["organisation_bin"]
    assert application.review_due is not None
    annex = application.annexes.get(signature__isnull=False)
    signature = annex.signature
    assert (signature.iin, signature.bin) == (
        DEMO_SUPPLIER["iin"],
        DEMO_SUPPLIER["organisation_bin"],
    )
    assert signature.document_sha256 == annex.sha256
    # The kept signature verifies again over the annex's exact bytes, by its head (SUP-2).
    verify_document(
        cms=bytes(signature.cms),
        data=bytes(annex.pdf),
        purpose=Purpose.SIGN,
        signer_user=application.created_by,
        role=Role.SUPPLIER,
        expected_bin=DEMO_SUPPLIER["organisation_bin"],
        binds_organisation=True,
    )
    assert f"Demo application of {DEMO_SUPPLIER['organisation_name']} submitted" in output

    before = (Supplier.objects.count(), Application.objects.count(), counts())
    output = load_demo()
    assert (Supplier.objects.count(), Application.objects.count(), counts()) == before
    assert list(selectors.submitted_applications(region=astana)) == [application]
    assert "Demo application" not in output


def test_load_demo_makes_the_test_pki_when_there_is_none(settings, tmp_path):
    settings.EDS_TEST_PKI_DIR = str(tmp_path / "pki")
    load_demo()
    assert (tmp_path / "pki" / "manifest.json").exists()
    assert (
        selectors.submitted_applications(region=Region.objects.get(kato="710000000")).count() == 1
    )


def test_without_the_sandbox_signer_the_demo_application_is_skipped_with_the_reason(settings):
    settings.SANDBOX_SIGNER_ENABLED = False
    output = load_demo("--force")
    assert "No demo application: the sandbox signer is off" in output
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("language", "astana", "summary"),
    [
        ("kk", "Астана қаласы", "Демо деректер жүктелді"),
        ("ru", "город Астана", "Демонстрационные данные загружены"),
    ],
)
def test_the_summary_is_printed_wholly_in_one_language(language, astana, summary):
    """issue 9, item 6: the region names too are in the language of the summary."""
    from django.utils import translation

    with translation.override(language):
        out = load_demo("--without-application")

    assert summary in out
    assert astana in out
    assert "Astana" not in out
