"""Reference data loaded by migrations: regions (KATO level 1) and the classifier (SUP-1)."""

import re

import pytest
from django.core.management import call_command

from portal import reference_data
from portal.models import ClassifierItem, Region

pytestmark = pytest.mark.django_db

KAZAKH_ONLY_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
CITIES = {"710000000": "Астана", "750000000": "Алматы", "790000000": "Шымкент"}
# The Kazakh letter each name must have, spelt the Kazakh way (Ақмола, not Акмола).
KAZAKH_SPELLING = {
    "110000000": ("Ақмола облысы", "қ"),
    "150000000": ("Ақтөбе облысы", "ө"),
    "270000000": ("Батыс Қазақстан облысы", "Қ"),
    "330000000": ("Жетісу облысы", "і"),
    "350000000": ("Қарағанды облысы", "ғ"),
    "390000000": ("Қостанай облысы", "Қ"),
    "430000000": ("Қызылорда облысы", "Қ"),
    "470000000": ("Маңғыстау облысы", "ң"),
    "590000000": ("Солтүстік Қазақстан облысы", "ү"),
    "610000000": ("Түркістан облысы", "ү"),
    "620000000": ("Ұлытау облысы", "Ұ"),
    "630000000": ("Шығыс Қазақстан облысы", "ғ"),
    "710000000": ("Астана қаласы", "қ"),
}
# The groups of item 3 of the rules (edition 2022), by their Russian legal terms.
SUP1_GOODS_GROUPS = [
    "Протезно-ортопедические средства",
    "Сурдотехнические средства",
    "Тифлотехнические средства",
    "Обязательные гигиенические средства",
    "Специальные средства передвижения",
]
SUP1_SERVICE_GROUPS = {
    "индивидуального помощника": "individual_assistants",
    "жестового языка": "sign_language",
    "Санаторно-курортное лечение": "sanatorium",
    "Специальные социальные услуги": "special_social_services",
}


@pytest.fixture(autouse=True)
def _reference_rows():
    """Put back rows that a transactional test of another file may have flushed (a no-op else)."""
    reference_data.add_regions(Region)
    reference_data.add_classifier(ClassifierItem)


def test_there_are_seventeen_oblasts_and_three_cities_of_republican_significance():
    regions = Region.objects.filter(kato__in=[r["kato"] for r in reference_data.regions()])
    assert regions.count() == 20
    assert regions.filter(kind=Region.Kind.OBLAST).count() == 17
    cities = regions.filter(kind=Region.Kind.CITY)
    assert set(cities.values_list("kato", flat=True)) == set(CITIES)
    for city in cities:
        assert city.name_ru == f"город {CITIES[city.kato]}"
    for oblast in ("Абай облысы", "Жетісу облысы", "Ұлытау облысы"):  # formed in June 2022
        assert regions.filter(name_kk=oblast, kind=Region.Kind.OBLAST).exists()


def test_region_kato_codes_are_unique_nine_digit_first_level_codes():
    katos = [region["kato"] for region in reference_data.regions()]
    assert len(katos) == len(set(katos)) == 20
    for kato in katos:
        assert re.fullmatch(r"[1-9]\d0{7}", kato), kato
    assert set(Region.objects.filter(kato__in=katos).values_list("kato", flat=True)) == set(katos)


def test_region_names_are_in_kazakh_russian_and_english_with_kazakh_letters():
    for region in Region.objects.filter(kato__in=[r["kato"] for r in reference_data.regions()]):
        assert region.name_kk and region.name_ru and region.name_en
        suffix = "қаласы" if region.kind == Region.Kind.CITY else "облысы"
        assert region.name_kk.endswith(suffix), region.name_kk
        assert not set(region.name_en) & KAZAKH_ONLY_LETTERS, region.name_en
    for kato, (name_kk, letter) in KAZAKH_SPELLING.items():
        region = Region.objects.get(kato=kato)
        assert region.name_kk == name_kk
        assert letter in region.name_kk


@pytest.mark.req("SUP-1")
def test_classifier_has_goods_and_services_with_every_group_of_item_3():
    top = ClassifierItem.objects.filter(parent__isnull=True)
    goods_names = list(top.filter(kind=ClassifierItem.Kind.GOODS).values_list("name_ru", flat=True))
    for group in SUP1_GOODS_GROUPS:
        assert group in goods_names
    services = top.filter(kind=ClassifierItem.Kind.SERVICES)
    for term, register in SUP1_SERVICE_GROUPS.items():
        group = services.get(name_ru__contains=term)
        assert group.register == register
    for item in ClassifierItem.objects.all():
        assert item.name_kk and item.name_ru and item.name_en


@pytest.mark.req("SUP-1")
def test_every_goods_group_has_items_of_the_same_kind_under_it():
    for group in ClassifierItem.objects.filter(parent__isnull=True, kind=ClassifierItem.Kind.GOODS):
        children = list(group.children.all())
        assert len(children) >= 5, group.name_ru
        for child in children:
            assert child.kind == group.kind
            assert child.code.startswith(f"{group.code}.")
    wheelchairs = ClassifierItem.objects.get(name_ru="Специальные средства передвижения")
    assert wheelchairs.children.filter(name_ru__startswith="Кресла-коляски").count() >= 2


@pytest.mark.req("SUP-1", "REG-1")
def test_every_classifier_item_maps_to_a_register_of_item_17():
    known = reference_data.registers()
    assert set(known) == {
        "technical_aids",
        "sanatorium",
        "sign_language",
        "individual_assistants",
        "special_social_services",
    }
    for item in ClassifierItem.objects.all():
        assert item.register in known, item.code
        if item.kind == ClassifierItem.Kind.GOODS:
            # Technical aids and special mobility aids share one register (item 17).
            assert item.register == "technical_aids", item.code
        if item.parent_id:
            assert item.register == item.parent.register


def test_data_migrations_reverse_exactly_what_they_added_and_apply_again():
    from django.db import connection

    # The rows made here would otherwise leave deferred foreign-key checks pending, and
    # PostgreSQL refuses to alter a table with pending trigger events (migration 0004 adds and
    # removes columns of the classifier).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    operator_region = Region.objects.create(
        kato="999999999", kind=Region.Kind.OBLAST, name_kk="Сынақ", name_ru="Тест", name_en="Test"
    )
    operator_item = ClassifierItem.objects.create(
        code="X01",
        kind=ClassifierItem.Kind.GOODS,
        register="technical_aids",
        name_kk="Сынақ",
        name_ru="Тест",
        name_en="Test",
    )
    katos = [region["kato"] for region in reference_data.regions()]
    codes = [item["code"] for item in reference_data.classifier_items()]

    call_command("migrate", "portal", "0001_initial", verbosity=0)
    assert not Region.objects.filter(kato__in=katos).exists()
    assert not ClassifierItem.objects.filter(code__in=codes).exists()
    assert Region.objects.filter(pk=operator_region.pk).exists()
    assert ClassifierItem.objects.filter(pk=operator_item.pk).exists()

    call_command("migrate", "portal", verbosity=0)
    assert Region.objects.filter(kato__in=katos).count() == 20
    assert ClassifierItem.objects.filter(code__in=codes).count() == len(codes)
    for row in reference_data.classifier_items():
        item = ClassifierItem.objects.get(code=row["code"])
        assert (item.parent.code if item.parent else None) == row["parent_code"]
        assert (item.kind, item.register, item.name_kk) == (
            row["kind"],
            row["register"],
            row["name_kk"],
        )


@pytest.mark.req("E20-2")
def test_the_classifier_says_which_goods_ask_which_certificate():
    """Edition 2020 p.6(4), (5): the migration sets the flags of the data file; the groups and
    services carry neither, and no kind of goods asks both."""
    for row in reference_data.classifier_items():
        item = ClassifierItem.objects.get(code=row["code"])
        assert item.requires_conformity_certificate == row["requires_conformity_certificate"]
        assert item.is_medical_device == row["is_medical_device"]
        if item.kind == ClassifierItem.Kind.SERVICES or item.children.exists():
            assert not (item.requires_conformity_certificate or item.is_medical_device)
        assert not (item.requires_conformity_certificate and item.is_medical_device)
    assert ClassifierItem.objects.get(code="G02.01").is_medical_device  # hearing aids
    assert ClassifierItem.objects.get(code="G02.03").requires_conformity_certificate
