"""SUP-4: numbers as people type them (issue 9, item 5).

Prices accept a decimal comma and spaces between thousands ("125 000,50"); zero, negative and
absurd values are refused with a message that gives the allowed range, in the user's language;
the pages show amounts as the Annex 1 PDF prints them ("450 000,00").
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from portal.editions import edition_by_code
from suppliers import selectors
from suppliers.forms import OfferingForm, PlacesForm, SpecialistForm, StaffForm
from suppliers.models import Offering, Section
from tests.factories import ClassifierItemFactory
from tests.suppliers.factories import complete_application

PRICE_RANGE = "Enter a price from 0,01 to 100\u00a0000\u00a0000,00 tenge."


def offering_form(price: str, **data) -> OfferingForm:
    item = ClassifierItemFactory()
    return OfferingForm(
        data={"classifier_item": item.pk, "price": price, **data},
        edition=edition_by_code("2020"),  # asks for the quantity in stock too
    )


@pytest.mark.django_db
@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    "typed",
    ["125 000,50", "125000.50", "125000,50", "125\u00a0000,50", " 125 000,5 ", "125\u202f000.50"],
)
def test_a_price_is_read_as_people_write_it(typed):
    form = offering_form(typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["price"] == Decimal("125000.50")


@pytest.mark.django_db
@pytest.mark.req("SUP-4")
@pytest.mark.parametrize("typed", ["0", "0,00", "-5", "1000000000", "100 000 000,01", "1e9"])
def test_zero_negative_and_absurd_prices_are_refused_with_the_range(typed):
    form = offering_form(typed)

    assert not form.is_valid()
    expected = (
        [PRICE_RANGE] if typed != "1e9" else ["Enter the price in digits, for example 125 000,50."]
    )
    assert form.errors["price"] == expected
    assert form["price"].value() == typed  # what was typed stays in the field


@pytest.mark.django_db
@pytest.mark.req("SUP-4")
@pytest.mark.parametrize("typed", ["125,000.50", "12.500.000", "сто", "125 000,505"])
def test_a_price_that_cannot_be_read_one_way_is_refused(typed):
    form = offering_form(typed)

    assert not form.is_valid()
    assert form.errors["price"]


@pytest.mark.django_db
@pytest.mark.req("SUP-4")
def test_the_stock_quantity_takes_spaces_and_refuses_what_is_out_of_range():
    assert offering_form("100", stock_quantity="1 200").is_valid()
    form = offering_form("100", stock_quantity="-3")

    assert not form.is_valid()
    assert form.errors["stock_quantity"] == ["Enter a whole number from 0 to 10\u00a0000\u00a0000."]


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    ("form_class", "field", "typed", "message"),
    [
        (SpecialistForm, "experience_years", "200", "Enter a whole number from 0 to 70."),
        (SpecialistForm, "experience_years", "-1", "Enter a whole number from 0 to 70."),
        (StaffForm, "staff_count", "0", "Enter a whole number from 1 to 100\u00a0000."),
        (PlacesForm, "places_count", "1000000", "Enter a whole number from 1 to 100\u00a0000."),
        (StaffForm, "staff_count", "двенадцать", "Enter a whole number in digits, for example 12."),
    ],
)
def test_absurd_counts_are_refused_with_the_range(form_class, field, typed, message):
    form = form_class(data={field: typed})

    assert not form.is_valid()
    assert form.errors[field] == [message]


@pytest.mark.req("SUP-4")
def test_counts_accept_spaces_between_thousands():
    form = StaffForm(data={"staff_count": "1 200"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["staff_count"] == 1200


@pytest.mark.django_db
@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    ("language", "price_range", "years_range"),
    [
        (
            "ru",
            "Укажите цену от 0,01 до 100\u00a0000\u00a0000,00 тенге.",
            "Укажите целое число от 0 до 70.",
        ),
        (
            "kk",
            "Бағаны 0,01 – 100\u00a0000\u00a0000,00 теңге аралығында көрсетіңіз.",
            "0 – 70 аралығындағы бүтін санды көрсетіңіз.",
        ),
    ],
)
def test_the_range_is_said_in_the_users_language(language, price_range, years_range):
    with translation.override(language):
        price = offering_form("0")
        years = SpecialistForm(data={"experience_years": "200"})
        assert price.errors["price"] == [price_range]
        assert years.errors["experience_years"] == [years_range]


@pytest.mark.django_db
@pytest.mark.req("SUP-4", "SUP-7")
def test_a_saved_price_is_shown_as_the_pdf_prints_it():
    application = complete_application()
    offering = Offering.objects.get(application=application)  # 450000.00

    form = OfferingForm(instance=offering, edition=application.edition)
    answers = selectors.application_answers(application=application)

    assert 'value="450\u00a0000,00"' in str(form["price"])
    rows = next(a.rows for a in answers if a.section == Section.OFFERINGS)
    assert "Price: 450\u00a0000,00 tenge per piece" in rows[0][1]
