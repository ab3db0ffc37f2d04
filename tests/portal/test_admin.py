"""The operators' admin: people and roles, regions, the classifier, day-off transfers."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.contrib.messages import get_messages
from django.urls import reverse

from portal import reference_data
from portal.admin import ClassifierItemForm, RoleAssignmentForm, WorkingDayOverrideForm
from portal.models import ClassifierItem, Region, Role, RoleAssignment, User, WorkingDayOverride
from tests.factories import RegionFactory, RoleAssignmentFactory, UserFactory, iin_from_sequence

pytestmark = pytest.mark.django_db

MODELS = ["user", "roleassignment", "region", "classifieritem", "workingdayoverride"]


@pytest.fixture(autouse=True)
def _reference_rows():
    """Put back rows that a transactional test of another file may have flushed (a no-op else)."""
    reference_data.add_regions(Region)
    reference_data.add_classifier(ClassifierItem)


@pytest.fixture
def operator_client(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    return client


def add_user_data(iin: str, *, password: str, role: str) -> dict[str, str]:
    return {
        "iin": iin,
        "full_name": "Жаңа Оператор Тестұлы",
        "email": "",
        "usable_password": "true",
        "password1": password,
        "password2": password,
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": role,
        "roles-0-region": "",
        "roles-0-organisation_bin": "",
        "_save": "Save",
    }


def test_operator_opens_the_list_and_add_pages_of_every_model(operator_client):
    for model in MODELS:
        assert operator_client.get(reverse(f"admin:portal_{model}_changelist")).status_code == 200
        assert operator_client.get(reverse(f"admin:portal_{model}_add")).status_code == 200
    region = Region.objects.get(kato="710000000")
    secretary = UserFactory()
    RoleAssignmentFactory(user=secretary, role=Role.SECRETARY, region=region)
    change_user = reverse("admin:portal_user_change", args=[secretary.pk])
    assert secretary.full_name in operator_client.get(change_user).content.decode()
    secretaries = operator_client.get(
        reverse("admin:portal_user_changelist"), {"roles__role": Role.SECRETARY}
    )
    assert list(secretaries.context["cl"].result_list) == [secretary]
    assert (
        operator_client.get(reverse("admin:portal_region_change", args=[region.pk])).status_code
        == 200
    )


def test_classifier_list_filters_by_kind_and_group_and_searches_by_code(operator_client):
    url = reverse("admin:portal_classifieritem_changelist")
    mobility = ClassifierItem.objects.get(code="G05")

    page = operator_client.get(url, {"group": str(mobility.pk)})
    shown = {item.code for item in page.context["cl"].result_list}
    assert shown == set(mobility.children.values_list("code", flat=True))

    page = operator_client.get(url, {"group": "top", "kind": "services"})
    shown = {item.code for item in page.context["cl"].result_list}
    assert shown == {"S01", "S02", "S03", "S04"}

    page = operator_client.get(url, {"q": "Слуховые"})
    assert [item.code for item in page.context["cl"].result_list] == ["G02.01"]


@pytest.mark.req("E20-2")
def test_operators_maintain_which_goods_ask_which_certificate(operator_client):
    url = reverse("admin:portal_classifieritem_changelist")
    page = operator_client.get(url, {"is_medical_device__exact": "1"})
    shown = {item.code for item in page.context["cl"].result_list}
    assert "G02.01" in shown and "G02.03" not in shown
    page = operator_client.get(url, {"requires_conformity_certificate__exact": "1"})
    assert "G02.03" in {item.code for item in page.context["cl"].result_list}
    cane = ClassifierItem.objects.get(code="G03.01")
    data = {
        **{f: getattr(cane, f) for f in ("code", "kind", "register", "name_kk", "name_ru")},
        "name_en": cane.name_en,
        "parent": cane.parent_id,
        "is_active": True,
        "requires_conformity_certificate": True,
    }
    form = ClassifierItemForm(data, instance=cane)
    assert form.is_valid(), form.errors
    form.save()
    cane.refresh_from_db()
    assert cane.requires_conformity_certificate and not cane.is_medical_device


@pytest.mark.req("ID-3")
def test_operator_adds_an_operator_who_then_signs_in_with_the_password(operator_client):
    iin = iin_from_sequence(900_001)
    response = operator_client.post(
        reverse("admin:portal_user_add"),
        add_user_data(iin, password="a-new-operator-password", role=Role.OPERATOR),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(iin=iin)
    assert created.has_role(Role.OPERATOR)
    assert authenticate(username=iin, password="a-new-operator-password") == created
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert not any("not an operator" in m for m in messages)


@pytest.mark.req("ID-3")
def test_admin_warns_when_a_person_who_is_not_an_operator_gets_a_password(operator_client):
    iin = iin_from_sequence(900_002)
    response = operator_client.post(
        reverse("admin:portal_user_add"),
        add_user_data(iin, password="a-supplier-password-1", role=Role.SUPPLIER),
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("not an operator" in m and "EDS" in m for m in messages)


@pytest.mark.req("ID-1")
def test_admin_refuses_a_person_with_an_invalid_iin(operator_client):
    valid = iin_from_sequence(900_003)
    wrong_control_digit = valid[:11] + str((int(valid[11]) + 1) % 10)
    response = operator_client.post(
        reverse("admin:portal_user_add"),
        add_user_data(wrong_control_digit, password="a-new-operator-password", role=Role.OPERATOR),
    )
    assert response.status_code == 200
    assert "control digit" in " ".join(response.context["adminform"].form.errors["iin"])
    assert not User.objects.filter(iin=wrong_control_digit).exists()


def test_commission_roles_need_a_region():
    user = UserFactory()
    data = {
        "user": user.pk,
        "role": Role.MEMBER,
        "region": "",
        "organisation_bin": "",
        "granted_at": "2024-03-01 10:00",
    }
    form = RoleAssignmentForm(data=data)
    assert not form.is_valid()
    assert "choose the region" in form.errors["region"][0]

    region = RegionFactory(kato="750000000")
    form = RoleAssignmentForm(data={**data, "region": region.pk})
    assert form.is_valid(), form.errors
    assert form.save().region == region
    assert RoleAssignment.objects.filter(user=user, role=Role.MEMBER, region=region).exists()


@pytest.mark.req("SUP-1")
def test_classifier_item_must_sit_under_a_parent_of_its_kind_and_name_a_register():
    services_group = ClassifierItem.objects.get(code="S04")
    data = {
        "code": "G05.99",
        "kind": "goods",
        "parent": services_group.pk,
        "register": "technical_aids",
        "name_kk": "Жаңа",
        "name_ru": "Новый",
        "name_en": "New",
        "is_active": "on",
    }
    form = ClassifierItemForm(data=data)
    assert not form.is_valid()
    assert "same kind" in form.errors["parent"][0]

    form = ClassifierItemForm(
        data={**data, "parent": ClassifierItem.objects.get(code="G05").pk, "register": ""}
    )
    assert not form.is_valid()
    assert "register" in form.errors

    form = ClassifierItemForm(data={**data, "register": "unknown"})
    assert not form.is_valid()
    assert "register" in form.errors

    mobility = ClassifierItem.objects.get(code="G05")
    form = ClassifierItemForm(data={**data, "parent": mobility.pk})
    assert form.is_valid(), form.errors
    assert form.save().parent == mobility


def test_classifier_item_cannot_be_placed_under_its_own_child():
    group = ClassifierItem.objects.get(code="G05")
    child = group.children.first()
    data = {
        "code": group.code,
        "kind": group.kind,
        "parent": child.pk,
        "register": group.register,
        "name_kk": group.name_kk,
        "name_ru": group.name_ru,
        "name_en": group.name_en,
    }
    form = ClassifierItemForm(data=data, instance=group)
    assert not form.is_valid()
    assert "under itself" in form.errors["parent"][0]


@pytest.mark.req("CAL-1")
def test_day_off_transfer_makes_a_weekend_day_working_or_a_weekday_a_day_off():
    saturday, monday = datetime.date(2024, 3, 2), datetime.date(2024, 3, 4)
    assert (saturday.weekday(), monday.weekday()) == (5, 0)
    basis = "Resolution of the Government (test)"

    assert not WorkingDayOverrideForm(data={"day": monday, "is_working": True}).is_valid()
    assert not WorkingDayOverrideForm(data={"day": saturday, "is_working": False}).is_valid()

    working_saturday = WorkingDayOverrideForm(
        data={"day": saturday, "is_working": True, "basis": basis}
    )
    assert working_saturday.is_valid(), working_saturday.errors
    working_saturday.save()
    day_off_monday = WorkingDayOverrideForm(
        data={"day": monday, "is_working": False, "basis": basis}
    )
    assert day_off_monday.is_valid(), day_off_monday.errors
    day_off_monday.save()
    assert set(WorkingDayOverride.objects.values_list("day", "is_working")) == {
        (saturday, True),
        (monday, False),
    }
