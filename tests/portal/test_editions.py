"""Rules editions as data: each value below was read in the seeds (000: Russian, edition 2022;
001: Kazakh, edition 2020) and is asserted against the clause it comes from."""

import datetime
from fractions import Fraction

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from portal.editions import (
    EDITION_2020,
    EDITION_2022,
    EDITIONS,
    CommissionLevel,
    EditionNotFound,
    Majority,
    Offer,
    ReadmissionCondition,
    SupplierKind,
    edition_by_code,
    edition_for,
)

D = datetime.date


@pytest.fixture(autouse=True)
def _no_pinned_edition(settings):
    settings.RULES_EDITION = ""


# --- which edition is in force ---


def test_no_edition_before_1_january_2020():
    with pytest.raises(EditionNotFound, match="01.01.2020"):
        edition_for(D(2019, 12, 31))


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (D(2020, 1, 1), "2020"),  # Order No. 18, item 4: in force from 01.01.2020
        (D(2022, 2, 27), "2020"),
        (D(2022, 2, 28), "2022"),  # Order No. 60: ten calendar days after publication
        (D(2023, 1, 1), "2022"),
        (D(2023, 6, 30), "2022"),
        (D(2023, 7, 1), "2022"),  # repealed by Order No. 285, but no later edition is known
        (D(2030, 1, 1), "2022"),
    ],
)
def test_edition_in_force_on_boundary_days(day, code):
    assert edition_for(day).code == code


def test_edition_2022_records_its_repeal_by_order_285_but_stays_the_latest_known():
    assert EDITION_2022.repealed_on == D(2023, 7, 1)
    assert EDITION_2022.repealed_by.number == "285"
    assert EDITION_2022.repealed_by.signed_on == D(2023, 6, 30)
    assert EDITION_2022.is_in_force_on(D(2023, 6, 30))
    assert not EDITION_2022.is_in_force_on(D(2023, 7, 1))
    assert edition_for(D(2023, 7, 1)) is EDITION_2022


def test_edition_orders_and_dates():
    assert (EDITION_2022.order.number, EDITION_2022.order.signed_on) == ("60", D(2022, 2, 16))
    assert EDITION_2022.order.registered_on == D(2022, 2, 17)
    assert EDITION_2022.effective_from == D(2022, 2, 28)
    assert (EDITION_2020.order.number, EDITION_2020.order.signed_on) == ("18", D(2020, 1, 22))
    assert EDITION_2020.effective_from == D(2020, 1, 1)
    assert EDITION_2020.repealed_on == EDITION_2022.effective_from
    assert [a.act.number for a in EDITION_2022.amendments] == ["298", "21"]
    assert EDITION_2022.amendments[1].act.in_force_on == D(2023, 1, 1)


def test_today_is_the_day_in_almaty():
    assert edition_for() is edition_for(timezone.localdate())


def test_an_aware_datetime_is_read_as_the_day_in_almaty():
    # 20:00 UTC on 27.02.2022 is 28.02.2022 in Almaty, the first day of edition 2022.
    moment = datetime.datetime(2022, 2, 27, 20, 0, tzinfo=datetime.UTC)
    assert edition_for(moment) is EDITION_2022


def test_the_setting_pins_an_edition_for_every_day(settings):
    settings.RULES_EDITION = "2020"
    assert edition_for(D(2024, 5, 1)) is EDITION_2020
    assert edition_for() is EDITION_2020
    settings.RULES_EDITION = "2022"
    assert edition_for(D(2021, 5, 1)) is EDITION_2022


def test_an_unknown_pinned_edition_is_a_configuration_error(settings):
    settings.RULES_EDITION = "1999"
    with pytest.raises(ImproperlyConfigured):
        edition_for(D(2024, 5, 1))


def test_editions_by_code():
    assert edition_by_code("2022") is EDITION_2022
    assert edition_by_code("2020") is EDITION_2020
    with pytest.raises(EditionNotFound):
        edition_by_code("2023")


def test_both_editions_expose_the_same_parameters_each_with_its_clause():
    names = set(EDITION_2022.parameter_names())
    assert names == set(EDITION_2020.parameter_names())
    assert "quorum" in names and "refusal_reasons" in names
    for edition in EDITIONS:
        for name in names:
            assert edition.clause_for(name).startswith(edition.code), (edition.code, name)
            edition.parameter(name)


# --- the commission ---


@pytest.mark.req("COM-1")
def test_2022_commission_has_an_odd_number_of_at_least_seven_members_without_the_secretary():
    assert EDITION_2022.commission_size_must_be_odd
    assert EDITION_2022.commission_min_members == 7
    assert EDITION_2022.secretary_is_member is False
    assert EDITION_2022.clause_for("commission_min_members") == "2022 p.11"
    assert EDITION_2022.commission_size_errors(7) == []
    assert EDITION_2022.commission_size_errors(9) == []
    assert len(EDITION_2022.commission_size_errors(8)) == 1  # even
    assert len(EDITION_2022.commission_size_errors(5)) == 1  # too few
    assert len(EDITION_2022.commission_size_errors(6)) == 2  # both


@pytest.mark.req("COM-3")
@pytest.mark.django_db
def test_2022_members_check_an_application_within_five_working_days():
    assert EDITION_2022.review_deadline_working_days == 5
    assert EDITION_2022.clause_for("review_deadline_working_days") == "2022 p.12"
    assert EDITION_2022.review_checks_against == ("p.7",)
    assert EDITION_2022.decision_deadline_working_days is None
    # Arrived on 20.03.2025: Nauryz and its transfer (21–25 March) do not count.
    assert EDITION_2022.decision_due(D(2025, 3, 20)) == D(2025, 4, 1)


@pytest.mark.req("COM-4")
def test_2022_quorum_is_two_thirds_of_all_members():
    assert EDITION_2022.quorum == Fraction(2, 3)
    assert EDITION_2022.clause_for("quorum") == "2022 p.13"
    assert EDITION_2022.quorum_met(present=6, total=9)
    assert not EDITION_2022.quorum_met(present=5, total=9)
    assert EDITION_2022.quorum_met(present=5, total=7)
    assert not EDITION_2022.quorum_met(present=4, total=7)


@pytest.mark.req("COM-5")
def test_2022_decision_needs_the_majority_of_the_total_number_of_members():
    assert EDITION_2022.decision_majority == Majority.OF_TOTAL_MEMBERS
    assert EDITION_2022.member_decisions_signed
    assert EDITION_2022.votes_needed(total=7) == 4
    assert EDITION_2022.decision_adopted(votes_for=4, total=7)
    # Three of the five present is a majority of those present, not of the seven members.
    assert not EDITION_2022.decision_adopted(votes_for=3, total=7)
    assert EDITION_2022.votes_needed(total=9) == 5


def test_2022_protocol_is_published_within_one_working_day():
    assert EDITION_2022.protocol_publication_working_days == 1
    assert EDITION_2022.clause_for("protocol_publication_working_days") == "2022 p.15"


@pytest.mark.req("COM-8")
def test_2022_has_the_four_refusal_reasons_of_item_16_in_order():
    reasons = EDITION_2022.refusal_reasons
    assert [r.code for r in reasons] == [
        "untrue_data",
        "missing_details",
        "illegible_documents",
        "law_article_32_2",
    ]
    assert [r.number for r in reasons] == [1, 2, 3, 4]
    assert [r.clause for r in reasons] == [f"2022 p.16({n})" for n in range(1, 5)]
    assert "item 7" in str(reasons[0].text)
    assert "32-2" in str(reasons[3].text)
    assert EDITION_2022.refusal_reason("missing_details").number == 2


def test_applications_go_to_the_regional_commission_for_every_kind_from_1_january_2023():
    for offer in Offer.values:
        assert EDITION_2022.commission_level_for(D(2023, 1, 1), offer) == CommissionLevel.REGION
    assert (
        EDITION_2022.commission_level_for(D(2022, 12, 31), Offer.INDIVIDUAL_ASSISTANT)
        == CommissionLevel.LOCAL_EXECUTIVE_BODY
    )
    assert EDITION_2020.commission_level_for(D(2021, 6, 1)) == CommissionLevel.REGION


# --- deregistration ---


@pytest.mark.req("DER-1")
def test_2022_has_the_five_deregistration_grounds_of_item_19_in_order():
    grounds = EDITION_2022.deregistration_grounds
    assert [g.code for g in grounds] == [
        "own_application",
        "death_or_termination",
        "procurement_register",
        "quasi_public_procurement_register",
        "non_performance",
    ]
    assert [g.number for g in grounds] == [1, 2, 3, 4, 5]
    assert [g.clause for g in grounds] == [f"2022 p.19({n})" for n in range(1, 6)]
    assert "Annex 3" in str(EDITION_2022.ground(1).text)
    assert EDITION_2022.ground_by_code("non_performance").number == 5
    # Item 23: grounds 1, 3 and 4 leave the supplier's earlier obligations in place.
    assert [g.number for g in grounds if g.obligations_survive] == [1, 3, 4]


@pytest.mark.req("DER-2")
def test_2022_grounds_two_to_four_are_automatic_within_one_working_day_on_weekly_data():
    assert [g.number for g in EDITION_2022.automatic_grounds] == [2, 3, 4]
    assert all(g.from_state_systems for g in EDITION_2022.automatic_grounds)
    assert EDITION_2022.automatic_deregistration_working_days == 1
    assert EDITION_2022.state_data_refresh_days == 7
    assert EDITION_2022.clause_for("automatic_deregistration_working_days") == "2022 p.20"


@pytest.mark.req("DER-3")
def test_2022_complaint_within_14_calendar_days_reviewed_within_10_working_days():
    assert EDITION_2022.complaint_filing_calendar_days == 14
    assert EDITION_2022.complaint_review_working_days == 10
    assert EDITION_2022.clause_for("complaint_filing_calendar_days") == "2022 p.21"
    # Item 21 lists no kinds: the portal offers those of 2020 p.18 and "other" (choice).
    assert [k.code for k in EDITION_2022.complaint_kinds] == [
        "order_not_fulfilled",
        "order_late",
        "characteristics_mismatch",
        "price_changed",
        "other",
    ]
    assert EDITION_2022.late_delivery_calendar_days == 30
    assert "choice" in EDITION_2022.clause_for("late_delivery_calendar_days")


@pytest.mark.req("DER-4")
def test_2022_own_application_is_decided_within_two_working_days():
    assert EDITION_2022.own_application_decision_working_days == 2
    assert EDITION_2022.clause_for("own_application_decision_working_days") == "2022 p.22"
    assert EDITION_2022.deregistration_protocol_publication_working_days == 1


def test_2022_readmission_after_grounds_3_4_once_out_of_the_register_after_5_after_a_year():
    for ground in (3, 4):
        rule = EDITION_2022.readmission_rule_for(ground)
        assert rule.condition == ReadmissionCondition.REMOVED_FROM_SOURCE_REGISTER
        assert rule.clause == "2022 p.24"
    rule = EDITION_2022.readmission_rule_for(5)
    assert rule.condition == ReadmissionCondition.WAITING_PERIOD
    assert rule.waiting_period_years == 1
    assert EDITION_2022.readmission_rule_for(1) is None
    assert EDITION_2022.readmission_rule_for(2) is None


# --- suppliers, registers, forms ---


def test_2022_supplier_data_items_depend_on_the_supplier_kind_and_offer():
    assert [i.number for i in EDITION_2022.supplier_data_items] == list(range(1, 14))
    goods = EDITION_2022.data_items_for(
        supplier_kind=SupplierKind.LEGAL_ENTITY, offers=[Offer.TECHNICAL_AIDS]
    )
    assert [i.number for i in goods] == [1, 2, 3, 4, 5, 6]
    social = EDITION_2022.data_items_for(
        supplier_kind=SupplierKind.LEGAL_ENTITY, offers=[Offer.SPECIAL_SOCIAL_SERVICES]
    )
    assert [i.number for i in social] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    entrepreneur = EDITION_2022.data_items_for(
        supplier_kind=SupplierKind.INDIVIDUAL_ENTREPRENEUR,
        offers=[Offer.SPECIAL_SOCIAL_SERVICES],
    )
    assert 12 in [i.number for i in entrepreneur]  # form 075/u for natural persons
    assert 9 not in [i.number for i in entrepreneur]
    assert [
        i.code for i in EDITION_2022.state_data_for(supplier_kind=SupplierKind.INDIVIDUAL_ASSISTANT)
    ] == ["legal_address", "full_name", "no_psychiatric_registration"]


def test_2022_approved_suppliers_enter_the_registers_of_item_17():
    assert len(EDITION_2022.registers) == 6
    codes = [
        r.code
        for r in EDITION_2022.registers_for(
            supplier_kind=SupplierKind.LEGAL_ENTITY,
            offers=[Offer.TECHNICAL_AIDS, Offer.SPECIAL_SOCIAL_SERVICES],
        )
    ]
    assert codes == ["technical_aids", "special_social_services_organisations"]


def test_annex_forms_of_each_edition():
    assert [(f.code, f.annex) for f in EDITION_2022.forms] == [
        ("application", 1),
        ("protocol", 2),
        ("deregistration_application", 3),
    ]
    assert [(f.code, f.annex) for f in EDITION_2020.forms] == [
        ("application", 1),
        ("deregistration_application", 2),
    ]


# --- edition 2020 ---


def test_2020_supplier_enters_stock_quantity_and_files_one_application_per_kind():
    assert EDITION_2020.requires_stock_quantity
    assert EDITION_2020.one_application_per_kind
    assert not EDITION_2022.requires_stock_quantity
    assert not EDITION_2022.one_application_per_kind
    assert [i.code for i in EDITION_2020.supplier_data_items] == [
        "price",
        "stock_quantity",
        "contacts",
        "addresses",
        "kinds",
        "bank_details",
    ]
    assert [c.number for c in EDITION_2020.admission_conditions] == [1, 2, 3, 4, 5, 6]
    assert EDITION_2020.supplier_kinds == (
        SupplierKind.LEGAL_ENTITY,
        SupplierKind.INDIVIDUAL_ENTREPRENEUR,
    )


@pytest.mark.req("E20-4")
@pytest.mark.django_db
def test_2020_secretary_accepts_in_one_commission_checks_in_five_decides_in_two_working_days():
    assert EDITION_2020.secretary_acceptance_working_days == 1
    assert EDITION_2020.review_deadline_working_days == 5
    assert EDITION_2020.decision_deadline_working_days == 2
    assert EDITION_2020.clause_for("secretary_acceptance_working_days") == "2020 p.13"
    assert EDITION_2020.clause_for("decision_deadline_working_days") == "2020 p.14"
    assert EDITION_2020.protocol_publication_working_days == 1
    # 5 + 2 working days after Thursday 20.03.2025, Nauryz days off not counted.
    assert EDITION_2020.decision_due(D(2025, 3, 20)) == D(2025, 4, 3)


@pytest.mark.req("E20-5")
def test_2020_has_the_seven_refusal_reasons_of_item_14_in_order():
    reasons = EDITION_2020.refusal_reasons
    assert [r.code for r in reasons] == [
        "requirements_not_met",
        "document_count_mismatch",
        "document_name_mismatch",
        "missing_details",
        "illegible_documents",
        "untrue_stock_quantity",
        "deregistered_for_non_performance",
    ]
    assert [r.clause for r in reasons] == [f"2020 p.14({n})" for n in range(1, 8)]
    assert "item 6" in str(reasons[0].text)
    assert "15(4)" in str(reasons[6].text)


@pytest.mark.req("E20-6")
def test_2020_has_the_four_deregistration_grounds_of_item_15_none_automatic():
    grounds = EDITION_2020.deregistration_grounds
    assert [g.code for g in grounds] == [
        "own_application",
        "death_or_termination",
        "procurement_register",
        "non_performance",
    ]
    assert [g.number for g in grounds] == [1, 2, 3, 4]
    assert "Annex 2" in str(grounds[0].text)
    assert EDITION_2020.automatic_grounds == ()
    assert EDITION_2020.automatic_deregistration_working_days is None


@pytest.mark.req("E20-8")
def test_2020_complaint_kinds_of_item_18_with_late_delivery_after_30_calendar_days():
    assert [k.code for k in EDITION_2020.complaint_kinds] == [
        "order_not_fulfilled",
        "order_late",
        "characteristics_mismatch",
        "price_changed",
    ]
    assert EDITION_2020.late_delivery_calendar_days == 30
    assert EDITION_2020.complaint_filing_calendar_days == 14
    assert EDITION_2020.complaint_review_working_days == 10


@pytest.mark.req("E20-9")
def test_2020_commission_is_odd_without_minimum_and_readmission_rules():
    assert EDITION_2020.commission_size_must_be_odd
    assert EDITION_2020.commission_min_members is None
    assert EDITION_2020.secretary_is_member is False
    assert EDITION_2020.commission_size_errors(3) == []
    assert len(EDITION_2020.commission_size_errors(4)) == 1
    assert EDITION_2020.quorum is None
    assert EDITION_2020.decision_majority is None
    rule = EDITION_2020.readmission_rule_for(3)
    assert (rule.condition, rule.clause) == (
        ReadmissionCondition.REMOVED_FROM_SOURCE_REGISTER,
        "2020 p.20",
    )
    rule = EDITION_2020.readmission_rule_for(4)
    assert (rule.condition, rule.clause) == (
        ReadmissionCondition.NOT_IN_DEREGISTERED_REGISTER,
        "2020 p.14(7)",
    )
    assert rule.waiting_period_years is None


@pytest.mark.req("SUP-6")
def test_pages_cite_the_item_of_the_edition_that_fixes_the_rule():
    """The completeness page and the offer page cite the rules from the edition (issue 10,
    item 8): 2022 p.8 and p.5, 2020 p.11 and p.4."""
    assert EDITION_2022.item_number("checks_completeness") == "8"
    assert EDITION_2020.item_number("checks_completeness") == "11"
    assert EDITION_2022.item_number("signs_public_offer") == "5"
    assert EDITION_2020.item_number("signs_public_offer") == "4"
    assert EDITION_2022.annex_languages == EDITION_2020.annex_languages == ("kk", "ru")
