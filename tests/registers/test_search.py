"""Search, filters, order and pages of the public registers (REG-2), consent (SUP-10)."""

from __future__ import annotations

import datetime

import pytest

from registers import selectors
from registers.models import RegisterEntry
from tests.registers.builders import ALMATY, make_entry, region

pytestmark = pytest.mark.django_db


def names(queryset) -> list[str]:
    return [entry.name for entry in queryset]


def search(q: str = "", **filters) -> list[str]:
    query = {"q": q, **{k: str(v) for k, v in filters.items()}}
    found = selectors.filtered_entries(
        filters=selectors.Filters.from_query(query), register_code="technical_aids"
    )
    return names(found)


@pytest.mark.req("REG-2")
def test_the_database_copies_the_suppliers_name_bin_kinds_and_consent_onto_the_entry():
    entry = make_entry(name="ТОО «Береке»", kinds=("G01.02", "G02.01"))
    entry.refresh_from_db()
    assert entry.name == "ТОО «Береке»"
    assert entry.identifier == entry.supplier.identifier
    assert entry.kinds == ["G01", "G01.02", "G02", "G02.01"]
    assert entry.publication_consent is True
    assert entry.name_search == "тоо береке"
    assert entry.updated_at is not None


@pytest.mark.req("REG-2")
def test_search_with_kazakh_letters_is_case_insensitive_and_finds_parts_of_words():
    make_entry(name="«Әділет Құрылыс» ЖШС")
    make_entry(name="ТОО Ортопедия-Сервис")
    make_entry(name="Ұлттық Өнім ҮҢҒІҺ")
    make_entry(name="Other Ltd")
    assert search("әділет") == ["«Әділет Құрылыс» ЖШС"]
    assert search("ӘДІЛЕТ құр") == ["«Әділет Құрылыс» ЖШС"]
    assert search("ұлттық") == ["Ұлттық Өнім ҮҢҒІҺ"]
    assert search("үңғіһ") == ["Ұлттық Өнім ҮҢҒІҺ"]
    assert search("өні") == ["Ұлттық Өнім ҮҢҒІҺ"]
    assert search("ортопед") == ["ТОО Ортопедия-Сервис"]
    assert search("ОРТОПЕДИЯ-с") == ["ТОО Ортопедия-Сервис"]
    assert search("other") == ["Other Ltd"]
    assert search("нет такого") == []


@pytest.mark.req("REG-2")
def test_search_reads_yo_as_ye_and_ignores_quotes():
    make_entry(name="ТОО «Ёлочка»")
    assert search("елочка") == ["ТОО «Ёлочка»"]
    assert search("ЁЛОЧКА") == ["ТОО «Ёлочка»"]


@pytest.mark.req("REG-2")
def test_a_bin_or_iin_is_found_exactly_not_as_part_of_another():
    first = make_entry(name="First")
    make_entry(name="Second")
    assert search(first.identifier) == ["First"]
    assert search(first.identifier[:11]) == []


@pytest.mark.req("REG-2")
def test_filters_by_region_kind_and_status():
    make_entry(name="Astana prostheses", kinds=("G01.02",))
    make_entry(name="Almaty hearing", kato=ALMATY, kinds=("G02.01",))
    make_entry(
        name="Left",
        deregistered_on=datetime.date(2025, 6, 1),
        ground="own_application",
    )
    assert search(region=region(ALMATY).pk) == ["Almaty hearing"]
    assert search(kind="G02") == ["Almaty hearing"]
    assert search(kind="G01.02") == ["Astana prostheses"]
    assert search(status="deregistered") == ["Left"]
    assert sorted(search(status="all")) == ["Almaty hearing", "Astana prostheses", "Left"]


@pytest.mark.req("REG-2")
def test_active_is_derived_from_the_dates():
    entry = make_entry(name="Soon gone", deregistered_on=datetime.date(2099, 1, 1))
    assert search() == ["Soon gone"]
    assert entry.is_active_on(datetime.date(2098, 12, 31))
    assert not entry.is_active_on(datetime.date(2099, 1, 1))
    on_the_day = selectors.filtered_entries(
        filters=selectors.Filters(status="deregistered"), on=datetime.date(2099, 1, 1)
    )
    assert names(on_the_day) == ["Soon gone"]


@pytest.mark.req("REG-2")
def test_sorting_by_name_and_by_admission():
    make_entry(name="Beta", admitted_on=datetime.date(2025, 1, 1))
    make_entry(name="alpha", admitted_on=datetime.date(2025, 2, 1))
    make_entry(name="Gamma", admitted_on=datetime.date(2024, 12, 1))
    assert search() == ["alpha", "Beta", "Gamma"]
    assert search(sort="newest") == ["alpha", "Beta", "Gamma"]
    assert search(sort="oldest") == ["Gamma", "Beta", "alpha"]


@pytest.mark.req("REG-2")
@pytest.mark.parametrize("sort", selectors.SORTS)
def test_keyset_pages_show_every_entry_once_in_order(sort):
    for number in range(7):
        make_entry(
            name=f"Supplier {number % 3}", admitted_on=datetime.date(2025, 1, 1 + number % 2)
        )
    entries = selectors.filtered_entries(
        filters=selectors.Filters(sort=sort), register_code="technical_aids"
    )
    expected = [e.pk for e in entries]
    seen, cursor = [], ""
    while True:
        page = selectors.entries_page(entries, sort=sort, cursor=cursor, size=3)
        seen += [e.pk for e in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == expected and len(seen) == 7


@pytest.mark.req("SUP-10")
def test_without_consent_an_entry_is_not_public_but_the_commission_sees_it():
    make_entry(name="Consented", consent=True)
    make_entry(name="Refused to publish", consent=False)
    make_entry(name="Edition 2020", consent=None, edition_code="2020", register="suppliers")
    public = names(selectors.visible_entries(public=True).order_by("name"))
    assert public == ["Consented", "Edition 2020"]
    everyone = names(selectors.visible_entries(public=False).order_by("name"))
    assert everyone == ["Consented", "Edition 2020", "Refused to publish"]


@pytest.mark.req("REG-1")
def test_register_names_come_from_the_edition():
    from portal.editions import EDITION_2020, EDITION_2022

    codes = [item.code for item in selectors.registers()]
    assert codes[:6] == [r.code for r in EDITION_2022.registers]
    assert {"suppliers", "specialists"} <= set(codes)
    assert selectors.register_by_code("sanatorium").name == EDITION_2022.registers[1].text
    assert selectors.deregistered_register_name(EDITION_2020) == EDITION_2020.registers[2].text


@pytest.mark.req("REG-2")
def test_a_suppliers_new_name_reaches_its_entries_and_moves_them_in_the_change_feed():
    entry = make_entry(name="Old name")
    entry.refresh_from_db()
    before = entry.updated_at
    supplier = entry.supplier
    supplier.name = "Жаңа атау"
    supplier.save()
    entry.refresh_from_db()
    assert entry.name == "Жаңа атау" and entry.name_search == "жаңа атау"
    assert entry.updated_at > before
    assert RegisterEntry.objects.filter(name_search__contains="жаңа").count() == 1
