"""Edition 2020: Rules approved by Order No. 18 of 22.01.2020 (Әлеуметтік қызметтер порталында өнім
берушілерді тіркеу, сондай-ақ әлеуметтік қызметтер порталында тіркеуден шығару қағидалары).

Source: ``seeds/001_24dc9adbaa2b0a7c.txt`` (Kazakh). Clauses read "2020 p.<item>(<sub-item>)".

In force from 01.01.2020 (item 4 of the order, and the note of the Institute of legislation at the
top of the source), although signed on 22.01.2020 and registered on 23.01.2020 (No. 19912).
Repealed by Order No. 60 of 16.02.2022 (edition 2022), so it ends where edition 2022 begins.

What this edition does not fix is ``None``: no quorum, no majority rule for decisions (only the
chair is elected "by majority from among the members", p.12), no deadline for the decision on
the supplier's own application for deregistration, no automatic deregistration (the commission
decides on every ground, p.19).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from portal.editions.acts import ORDER_18, ORDER_60
from portal.editions.base import (
    AdmissionCondition,
    AnnexForm,
    CommissionLevel,
    CommissionRouting,
    ComplaintKind,
    DeregistrationGround,
    Edition,
    Offer,
    ReadmissionCondition,
    ReadmissionRule,
    RefusalReason,
    Register,
    RegisterKind,
    StateDataItem,
    SupplierDataItem,
    SupplierKind,
)

LE = SupplierKind.LEGAL_ENTITY
IE = SupplierKind.INDIVIDUAL_ENTREPRENEUR
ALL_KINDS = frozenset({LE, IE})
OFFERS = (Offer.TECHNICAL_AIDS, Offer.SANATORIUM, Offer.INDIVIDUAL_ASSISTANT, Offer.SIGN_LANGUAGE)
ALL_OFFERS = frozenset(OFFERS)
# Services of p.2(1); sanatorium-resort treatment is counted among the goods there.
SPECIALIST_SERVICES = frozenset({Offer.INDIVIDUAL_ASSISTANT, Offer.SIGN_LANGUAGE})
# The goods ("тауар") of p.2(1): sanatorium-resort treatment, prosthetic-orthopaedic aid,
# technical aids and special mobility aids.
GOODS = frozenset({Offer.TECHNICAL_AIDS, Offer.SANATORIUM})

EDITION_2020 = Edition(
    code="2020",
    title=_(
        "Rules for the registration of suppliers on the Social Services Portal and their "
        "deregistration from the Social Services Portal"
    ),
    order=ORDER_18,
    effective_from=datetime.date(2020, 1, 1),
    effective_from_basis=_("In force from 1 January 2020 (item 4 of Order No. 18)."),
    repealed_on=datetime.date(2022, 2, 28),
    repealed_by=ORDER_60,
    amendments=(),
    # --- suppliers ---
    supplier_kinds=(LE, IE),
    offers=OFFERS,
    offers_by_kind=(),
    # "заңды тұлғалар мен олардың филиалдары" (p.2(2), p.4(1)): a branch applies by its own BIN,
    # with the state data of a legal entity.
    branches_may_apply=True,
    signs_public_offer=True,
    state_data_items=(
        StateDataItem(
            "full_name", _("full name of the organisation"), frozenset({LE}), "2020 p.4(1)"
        ),
        StateDataItem(
            "head_full_name",
            _("full name of the head of the organisation"),
            frozenset({LE}),
            "2020 p.4(1)",
        ),
        StateDataItem(
            "real_estate_rights",
            _(
                "state registration of the ownership and lease of real estate used to store "
                "and (or) sell goods"
            ),
            frozenset({LE}),
            "2020 p.4(1)",
        ),
        StateDataItem("founders", _("founders"), frozenset({LE}), "2020 p.4(1)"),
        StateDataItem(
            "additional_information",
            _("information on the organisation, if any"),
            frozenset({LE}),
            "2020 p.4(1)",
            optional=True,
        ),
        StateDataItem("full_name", _("full name"), frozenset({IE}), "2020 p.4(2)"),
        StateDataItem(
            "entrepreneur_registration",
            _("state registration as an individual entrepreneur, if any"),
            frozenset({IE}),
            "2020 p.4(2)",
            optional=True,
        ),
    ),
    supplier_data_items=(
        SupplierDataItem(
            1, "price", _("price of the goods and (or) services"), "2020 p.5(1)", ALL_KINDS
        ),
        SupplierDataItem(
            2,
            "stock_quantity",
            _("quantity of the goods in stock"),
            "2020 p.5(2)",
            ALL_KINDS,
            offers=GOODS,
        ),
        SupplierDataItem(
            3,
            "contacts",
            _("contacts: mobile phone, e-mail, phone, web site (if any)"),
            "2020 p.5(3)",
            ALL_KINDS,
        ),
        SupplierDataItem(
            4,
            "addresses",
            _("address of the place where the activity is carried out"),
            "2020 p.5(4)",
            ALL_KINDS,
        ),
        SupplierDataItem(
            5,
            "kinds",
            _("names of the kinds of goods supplied and services provided"),
            "2020 p.5(5)",
            ALL_KINDS,
        ),
        SupplierDataItem(6, "bank_details", _("bank details"), "2020 p.5(6)", ALL_KINDS),
    ),
    requires_stock_quantity=True,
    one_application_per_kind=True,
    admission_conditions=(
        AdmissionCondition(
            1,
            "no_debts",
            _("The supplier has no tax debts and no debts on social contributions."),
            "2020 p.6(1)",
        ),
        AdmissionCondition(
            2,
            "not_bankrupt_or_liquidated",
            _("The supplier is not subject to bankruptcy or liquidation proceedings."),
            "2020 p.6(2)",
        ),
        AdmissionCondition(
            3,
            "not_in_procurement_register",
            _(
                "The supplier is not in the register of unscrupulous participants of public "
                "procurement."
            ),
            "2020 p.6(3)",
        ),
        AdmissionCondition(
            4,
            "conformity_certificate",
            _(
                "The supplier holds a certificate of conformity for goods subject to mandatory "
                "certification."
            ),
            "2020 p.6(4)",
        ),
        AdmissionCondition(
            5,
            "medical_device_registration",
            _("The supplier holds a registration certificate for the medical devices it supplies."),
            "2020 p.6(5)",
        ),
        AdmissionCondition(
            6,
            "prices_submitted",
            _("The supplier has submitted the prices of its goods and (or) services."),
            "2020 p.6(6)",
        ),
    ),
    publication_requires_consent=False,
    checks_completeness=True,
    # --- the commission ---
    commission_routing=(
        CommissionRouting(
            effective_from=datetime.date(2020, 1, 1),
            level=CommissionLevel.REGION,
            offers=ALL_OFFERS,
            clause="2020 p.12",
        ),
    ),
    commission_size_must_be_odd=True,
    commission_min_members=None,
    secretary_is_member=False,
    quorum=None,
    decision_majority=None,
    member_decisions_signed=False,
    # --- deadlines ---
    secretary_acceptance_working_days=1,
    review_deadline_working_days=5,
    review_checks_against=("p.5(2)", "p.6"),
    decision_deadline_working_days=2,
    protocol_publication_working_days=1,
    # --- decision ---
    refusal_reasons=(
        RefusalReason(
            1,
            "requirements_not_met",
            _("The supplier does not meet the requirements of item 6 of the Rules."),
            "2020 p.14(1)",
        ),
        RefusalReason(
            2,
            "document_count_mismatch",
            _("The number of attached documents differs from the number stated by the supplier."),
            "2020 p.14(2)",
        ),
        RefusalReason(
            3,
            "document_name_mismatch",
            _("The supporting documents do not match the document names stated by the supplier."),
            "2020 p.14(3)",
        ),
        RefusalReason(
            4,
            "missing_details",
            _(
                "The attached documents lack details required for them: name and address of the "
                "issuing organisation, signature of the authorised person, date of issue, number "
                "and series (if any), validity period (if any)."
            ),
            "2020 p.14(4)",
        ),
        RefusalReason(
            5,
            "illegible_documents",
            _(
                "The supporting documents contain unclear or illegible entries, obvious erasures, "
                "additions, crossed-out words, abbreviations that are not spelled out, or "
                "corrections other than those certified by the signature of an authorised person "
                "and a seal (if any)."
            ),
            "2020 p.14(5)",
        ),
        RefusalReason(
            6,
            "untrue_stock_quantity",
            _(
                "The data given under item 5(2) of the Rules (quantity of goods in stock) is "
                "untrue."
            ),
            "2020 p.14(6)",
        ),
        RefusalReason(
            7,
            "deregistered_for_non_performance",
            _(
                "The supplier is in the register of deregistered suppliers and (or) the registry "
                "of deregistered specialists on the ground of item 15(4) of the Rules."
            ),
            "2020 p.14(7)",
        ),
    ),
    registers=(
        Register(
            "suppliers",
            _("register of suppliers"),
            RegisterKind.ACTIVE,
            "2020 p.14",
            offers=ALL_OFFERS,
        ),
        Register(
            "specialists",
            _("registry of specialists providing services"),
            RegisterKind.ACTIVE,
            "2020 p.14",
            offers=SPECIALIST_SERVICES,
        ),
        Register(
            "deregistered_suppliers",
            _("register of deregistered suppliers"),
            RegisterKind.DEREGISTERED,
            "2020 p.19",
            offers=ALL_OFFERS,
        ),
        Register(
            "deregistered_specialists",
            _("registry of deregistered specialists providing services"),
            RegisterKind.DEREGISTERED,
            "2020 p.19",
            offers=SPECIALIST_SERVICES,
        ),
    ),
    # --- deregistration ---
    deregistration_grounds=(
        DeregistrationGround(
            1,
            "own_application",
            _("The supplier's application for deregistration in the form of Annex 2."),
            "2020 p.15(1)",
            decision_period="own_application_decision_working_days",
        ),
        DeregistrationGround(
            2,
            "death_or_termination",
            _("End of activity or death."),
            "2020 p.15(2), p.16",
            from_state_systems=True,
        ),
        DeregistrationGround(
            3,
            "procurement_register",
            _("Inclusion in the register of unscrupulous participants of public procurement."),
            "2020 p.15(3), p.17",
            from_state_systems=True,
        ),
        DeregistrationGround(
            4,
            "non_performance",
            _(
                "Failure to perform, or improper performance of, the obligations taken through "
                "the portal."
            ),
            "2020 p.15(4)",
            decision_period="complaint_review_working_days",
        ),
    ),
    automatic_deregistration_working_days=None,
    state_data_refresh_days=7,
    complaint_kinds=(
        ComplaintKind("order_not_fulfilled", _("The order was not fulfilled."), "2020 p.18(1)"),
        ComplaintKind(
            "order_late",
            _(
                "The order was not fulfilled on time: the goods were delivered more than 30 "
                "calendar days after the order."
            ),
            "2020 p.18(2)",
            late_delivery=True,
        ),
        ComplaintKind(
            "characteristics_mismatch",
            _("The goods and (or) services do not match the characteristics stated on the portal."),
            "2020 p.18(3)",
        ),
        ComplaintKind(
            "price_changed",
            _(
                "The price of the goods and (or) services changed during the validity period "
                "stated on the portal."
            ),
            "2020 p.18(4)",
        ),
    ),
    late_delivery_calendar_days=30,
    complaint_filing_calendar_days=14,
    complaint_review_working_days=10,
    complaint_answer_working_days=5,
    own_application_decision_working_days=None,
    deregistration_protocol_publication_working_days=None,
    # --- readmission ---
    readmission_rules=(
        ReadmissionRule(3, ReadmissionCondition.REMOVED_FROM_SOURCE_REGISTER, "2020 p.20"),
        ReadmissionRule(4, ReadmissionCondition.NOT_IN_DEREGISTERED_REGISTER, "2020 p.14(7)"),
    ),
    # --- forms ---
    annex_languages=("kk", "ru"),
    forms=(
        AnnexForm(
            "application",
            1,
            _("Application for registration on the Social Services Portal"),
            "2020 p.9, Annex 1",
        ),
        AnnexForm(
            "deregistration_application",
            2,
            _("Application for deregistration from the Social Services Portal"),
            "2020 p.15(1), Annex 2",
        ),
    ),
    clauses={
        "supplier_kinds": "2020 p.2(2), p.4",
        "offers": "2020 p.2(1)",
        "offers_by_kind": "2020: no restriction by kind (no individual assistants, p.2(2))",
        "branches_may_apply": "2020 p.2(2), p.4(1)",
        "signs_public_offer": "2020 p.4",
        "state_data_items": "2020 p.4",
        "supplier_data_items": "2020 p.5",
        "requires_stock_quantity": "2020 p.5(2)",
        "one_application_per_kind": "2020 p.8",
        "admission_conditions": "2020 p.6",
        "publication_requires_consent": "2020: not provided (registered suppliers enter the "
        "registers automatically, p.14)",
        "commission_routing": "2020 p.12",
        "commission_size_must_be_odd": "2020 p.12",
        "commission_min_members": "2020 p.12 (no minimum)",
        "secretary_is_member": "2020 p.12",
        "quorum": "2020: not fixed",
        "decision_majority": "2020: not fixed (p.12 fixes a majority only for electing the chair)",
        "member_decisions_signed": "2020 p.14, p.19",
        "secretary_acceptance_working_days": "2020 p.13",
        "review_deadline_working_days": "2020 p.13",
        "review_checks_against": "2020 p.13",
        "decision_deadline_working_days": "2020 p.14",
        "protocol_publication_working_days": "2020 p.14",
        "refusal_reasons": "2020 p.14",
        "registers": "2020 p.14, p.19",
        "deregistration_grounds": "2020 p.15",
        "automatic_deregistration_working_days": "2020: not provided (the commission decides, "
        "p.19)",
        "state_data_refresh_days": "2020 p.17",
        "complaint_kinds": "2020 p.18",
        "late_delivery_calendar_days": "2020 p.18(2)",
        "complaint_filing_calendar_days": "2020 p.18",
        "complaint_review_working_days": "2020 p.18",
        "complaint_answer_working_days": (
            "2020: not fixed; 5 working days within the review of p.18 (choice)"
        ),
        "own_application_decision_working_days": "2020: not fixed",
        "deregistration_protocol_publication_working_days": "2020 p.19 (no deadline fixed)",
        "readmission_rules": "2020 p.14(7), p.20",
        "forms": "2020 Annexes 1-2",
        "checks_completeness": "2020 p.11",
        "annex_languages": "2020 p.9, Annex 1 (formed in Kazakh and Russian; choice)",
    },
)
