"""The public pages of the registers (REG-2, REG-3, SUP-10): what they show, to whom, with the
validators for caches and a number of queries that does not grow with the register."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.editions import EDITION_2022
from portal.models import Role
from registers import selectors
from tests.registers.builders import make_entry

pytestmark = pytest.mark.django_db

REGISTER = reverse("registers:register", args=["technical_aids"])


def text(response) -> str:
    return response.content.decode()


@pytest.mark.req("REG-1", "REG-2")
def test_the_index_names_every_register_of_the_edition_and_links_it(client):
    page = text(client.get(reverse("registers:index")))
    for register in EDITION_2022.registers:
        assert str(register.text).capitalize() in page or str(register.text) in page
        assert reverse("registers:register", args=[register.code]) in page
    assert reverse("registers:deregistered") in page
    assert reverse("protocols:list") in page


@pytest.mark.req("REG-2")
def test_the_home_page_and_the_navigation_link_the_registers(client):
    assert reverse("registers:index") in text(client.get("/"))


@pytest.mark.req("REG-2", "SUP-10")
def test_the_register_page_lists_published_entries_only(client):
    make_entry(name="Published supplier")
    hidden = make_entry(name="Unpublished supplier", consent=False)
    page = text(client.get(REGISTER))
    assert "Published supplier" in page
    assert "Unpublished supplier" not in page
    assert client.get(reverse("registers:entry", args=[hidden.pk])).status_code == 404
    assert "No entry matches" in text(client.get(REGISTER, {"q": hidden.identifier}))


@pytest.mark.req("SUP-10")
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SECRETARY, Role.MEMBER])
def test_the_commission_and_operators_see_unpublished_entries_marked(client, user_factory, role):
    hidden = make_entry(name="Unpublished supplier", consent=False)
    client.force_login(user_factory(role=role))
    response = client.get(REGISTER)
    assert "Unpublished supplier" in text(response) and "Not published" in text(response)
    assert "private" in response["Cache-Control"]
    entry_page = client.get(reverse("registers:entry", args=[hidden.pk]))
    assert entry_page.status_code == 200


@pytest.mark.req("SUP-10")
def test_a_supplier_without_a_commission_role_does_not_see_unpublished_entries(
    client, user_factory
):
    make_entry(name="Unpublished supplier", consent=False)
    client.force_login(user_factory(role=Role.SUPPLIER))
    assert "Unpublished supplier" not in text(client.get(REGISTER))


@pytest.mark.req("REG-2")
def test_the_page_searches_and_filters_through_its_form(client):
    make_entry(name="Әділет Құрылыс")
    make_entry(name="Hearing Ltd", kinds=("G02.01",))
    page = text(client.get(REGISTER, {"q": "ӘДІЛЕТ"}))
    assert "Әділет Құрылыс" in page and "Hearing Ltd" not in page
    page = text(client.get(REGISTER, {"kind": "G02"}))
    assert "Hearing Ltd" in page and "Әділет Құрылыс" not in page
    assert 'name="q"' in page and 'name="region"' in page and 'name="kind"' in page
    assert 'name="status"' in page and 'name="sort"' in page


@pytest.mark.req("REG-2")
def test_pages_follow_the_next_link_without_counting_the_register(client, settings):
    for number in range(30):
        make_entry(name=f"Supplier {number:02d}")
    first = text(client.get(REGISTER))
    assert "Supplier 00" in first and "Supplier 25" not in first
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = text(client.get(next_link))
    assert "Supplier 25" in second and "Supplier 29" in second and "Supplier 00" not in second
    assert 'rel="next"' not in second


@pytest.mark.req("REG-2")
def test_the_entry_page_shows_offers_addresses_contacts_and_history_with_protocols(client):
    first = make_entry(
        name="Readmitted supplier",
        admitted_on=datetime.date(2024, 3, 1),
        deregistered_on=datetime.date(2024, 9, 1),
        ground="own_application",
    )
    again = make_entry(
        supplier=first.supplier,
        admitted_on=datetime.date(2025, 3, 1),
        protocol_url="/protocols/3/",
    )
    page = text(client.get(reverse("registers:entry", args=[again.pk])))
    assert "Readmitted supplier" in page
    assert "Titanium, adjustable" in page and "450000" in page
    assert "Mangilik El" in page
    assert "sales@supplier.example" in page and "+77172123456" in page
    history = selectors.history_of(again)
    assert [(e.kind, e.day) for e in history] == [
        ("admitted", datetime.date(2024, 3, 1)),
        ("deregistered", datetime.date(2024, 9, 1)),
        ("readmitted", datetime.date(2025, 3, 1)),
    ]
    for url in ("/protocols/1/", "/protocols/2/", "/protocols/3/"):
        assert f'href="{url}"' in page
    assert "Admitted again" in page


@pytest.mark.req("REG-3")
def test_the_deregistered_register_lists_exits_with_ground_and_protocol(client):
    make_entry(name="Still active")
    make_entry(
        name="Gone supplier",
        deregistered_on=datetime.date(2025, 6, 1),
        ground="own_application",
    )
    make_entry(
        name="Gone unpublished",
        consent=False,
        deregistered_on=datetime.date(2025, 6, 1),
        ground="own_application",
    )
    page = text(client.get(reverse("registers:deregistered")))
    assert "Gone supplier" in page and "Still active" not in page
    assert "Gone unpublished" not in page
    assert "01.06.2025" in page and 'href="/protocols/2/"' in page
    ground = EDITION_2022.ground_by_code("own_application").text
    assert escape(str(ground)) in page
    assert str(selectors.deregistered_register_name()).capitalize() in page
    assert "Gone supplier" not in text(client.get(REGISTER))


@pytest.mark.req("REG-2")
def test_pages_send_validators_and_answer_304_until_the_data_changes(client):
    entry = make_entry(name="Cached")
    response = client.get(REGISTER)
    assert response.status_code == 200
    assert response["ETag"] and response["Last-Modified"]
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    again = client.get(REGISTER, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(REGISTER, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    supplier = entry.supplier
    supplier.name = "Renamed"
    supplier.save()
    changed = client.get(REGISTER, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and "Renamed" in text(changed)


def _fill(count: int) -> None:
    for number in range(count):
        make_entry(
            name=f"Supplier {number}",
            deregistered_on=datetime.date(2025, 6, 1) if number % 4 == 0 else None,
            ground="own_application" if number % 4 == 0 else "",
        )


PAGES = [
    REGISTER,
    REGISTER + "?q=supplier&sort=newest",
    reverse("registers:deregistered"),
    reverse("registers:index"),
]


@pytest.mark.req("REG-2")
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("count", [3, 40])
def test_queries_per_page_do_not_grow_with_the_register(
    client, django_assert_max_num_queries, url, count
):
    _fill(count)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.req("REG-2")
@pytest.mark.parametrize("count", [1, 12])
def test_queries_of_an_entry_page_do_not_grow_with_its_history(
    client, django_assert_max_num_queries, count
):
    first = make_entry(
        name="Many times",
        admitted_on=datetime.date(2020, 1, 1),
        deregistered_on=datetime.date(2020, 2, 1),
    )
    for year in range(count):
        make_entry(
            supplier=first.supplier,
            admitted_on=datetime.date(2021 + year, 1, 1),
            deregistered_on=datetime.date(2021 + year, 6, 1),
        )
    last = make_entry(supplier=first.supplier, admitted_on=datetime.date(2040, 1, 1))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("registers:entry", args=[last.pk])).status_code == 200
