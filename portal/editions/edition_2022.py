"""Edition 2022: Rules approved by Order No. 60 of 16.02.2022 (Правила допуска поставщиков товаров
и (или) услуг на портал социальных услуг, их регистрации или снятия с регистрации на портале
социальных услуг), as amended by Orders No. 298 of 09.08.2022 and No. 21 of 20.01.2023.

Source: ``seeds/000_f8f529c3d0a52213.txt`` (Russian). Clauses read "2022 p.<item>(<sub-item>)".

Dates:

* ``effective_from`` 28.02.2022 is derived: item 5 of the order puts it in force "ten calendar days
  after the day of its first official publication", and the publication date is not in the source.
  The order was registered by the Ministry of Justice on 17.02.2022; publication on the next day,
  18.02.2022, plus ten calendar days gives 28.02.2022.
* ``repealed_on`` 01.07.2023: the source says Order No. 60 lost force by Order No. 285 of
  30.06.2023 from 01.07.2023. No text of the successor rules is available, so this edition stays
  the latest one known and :func:`portal.editions.edition_for` keeps returning it after that date.
* Order No. 21 (in force 01.01.2023) changed item 10: since then the commission of the oblast, city
  of republican significance or capital reviews the data of suppliers of every kind. The wording of
  item 10 before that amendment is not in the source; only its first paragraph (the commission of
  the local executive body at the supplier's place of registration) is, so that is the routing
  recorded before 01.01.2023.
* Order No. 298 (items 2, 3, 21) is in force ten calendar days after its first official
  publication, a date not in the source; the source gives only the amended text, which is the one
  modelled here.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from portal.editions.acts import ORDER_21, ORDER_60, ORDER_285, ORDER_298
from portal.editions.base import (
    ASKED_WITH_PROPERTY,
    SERVICE_OFFERS,
    AdmissionCondition,
    Amendment,
    AnnexForm,
    CommissionLevel,
    CommissionRouting,
    ComplaintKind,
    DeregistrationGround,
    Edition,
    ItemDocument,
    KindOffers,
    Majority,
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
IA = SupplierKind.INDIVIDUAL_ASSISTANT
ALL_KINDS = frozenset({LE, IE, IA})
ALL_OFFERS = frozenset(Offer.values)
RESIDENTIAL = frozenset({Offer.SPECIAL_SOCIAL_SERVICES, Offer.SANATORIUM})

EDITION_2022 = Edition(
    code="2022",
    title=_(
        "Rules for the admission of suppliers of goods and (or) services to the Social Services "
        "Portal, their registration or deregistration on the Social Services Portal"
    ),
    order=ORDER_60,
    effective_from=datetime.date(2022, 2, 28),
    effective_from_basis=_(
        "Ten calendar days after the first official publication of Order No. 60; the publication "
        "date is not in the source, so the date is derived from the state registration on "
        "17.02.2022 (publication on 18.02.2022 plus ten calendar days)."
    ),
    repealed_on=datetime.date(2023, 7, 1),
    repealed_by=ORDER_285,
    amendments=(
        Amendment(act=ORDER_298, items=("2", "3", "21")),
        Amendment(
            act=ORDER_21,
            items=("preamble", "1", "2", "3", "4", "10", "16", "17", "annex 2"),
        ),
    ),
    # --- suppliers ---
    supplier_kinds=(LE, IE, IA),
    offers=(
        Offer.TECHNICAL_AIDS,
        Offer.INDIVIDUAL_ASSISTANT,
        Offer.SIGN_LANGUAGE,
        Offer.SANATORIUM,
        Offer.SPECIAL_SOCIAL_SERVICES,
    ),
    # Item 2(4) names individual assistants as suppliers of their own kind, and item 6(3) says
    # what arrives "for natural persons providing the services of an individual assistant":
    # that is what such a supplier offers, and nothing else.
    offers_by_kind=(
        KindOffers(IA, frozenset({Offer.INDIVIDUAL_ASSISTANT}), "2022 p.2(4), p.6(3)"),
    ),
    branches_may_apply=False,
    signs_public_offer=True,
    state_data_items=(
        StateDataItem("legal_address", _("legal address"), ALL_KINDS, "2022 p.6(1)-(3)"),
        StateDataItem(
            "full_and_short_name",
            _("full and short name of the organisation"),
            frozenset({LE}),
            "2022 p.6(1)",
        ),
        StateDataItem(
            "head_full_name",
            _("full name of the head of the organisation"),
            frozenset({LE}),
            "2022 p.6(1)",
        ),
        StateDataItem(
            "real_estate_rights",
            _(
                "state registration of the ownership and lease of real estate used to sell or "
                "store goods and to provide services"
            ),
            frozenset({LE}),
            "2022 p.6(1)",
        ),
        StateDataItem(
            "founders",
            _("founders, if any: their number, full names, IINs and citizenship"),
            frozenset({LE}),
            "2022 p.6(1)",
        ),
        StateDataItem(
            "additional_information",
            _(
                "additional information on the organisation, if any: economic activity, form of "
                "ownership, method of formation"
            ),
            frozenset({LE}),
            "2022 p.6(1)",
        ),
        StateDataItem("full_name", _("full name"), frozenset({IE, IA}), "2022 p.6(2),(3)"),
        StateDataItem(
            "entrepreneur_registration",
            _("state registration as an individual entrepreneur"),
            frozenset({IE}),
            "2022 p.6(2)",
        ),
        StateDataItem(
            "no_psychiatric_registration",
            _("absence of registration at an organisation providing mental-health care"),
            frozenset({IA}),
            "2022 p.6(3)",
        ),
    ),
    supplier_data_items=(
        SupplierDataItem(
            1,
            "contacts",
            _("contacts: mobile phone, e-mail, phone, web site (if any)"),
            "2022 p.7(1)",
            ALL_KINDS,
        ),
        SupplierDataItem(2, "bank_details", _("bank details"), "2022 p.7(2)", ALL_KINDS),
        SupplierDataItem(
            3,
            "kinds",
            _("names of the kinds of goods and (or) services"),
            "2022 p.7(3)",
            ALL_KINDS,
        ),
        SupplierDataItem(
            4,
            "characteristics",
            _("characteristics of the goods and (or) services"),
            "2022 p.7(4)",
            ALL_KINDS,
        ),
        SupplierDataItem(
            5, "price", _("price of the goods and (or) services"), "2022 p.7(5)", ALL_KINDS
        ),
        SupplierDataItem(
            6,
            "addresses",
            _("addresses where services are provided and (or) goods are sold"),
            "2022 p.7(6)",
            ALL_KINDS,
        ),
        SupplierDataItem(
            7,
            "staff",
            _("staff count and list of specialists (staffing table)"),
            "2022 p.7(7)",
            frozenset({LE, IE}),
            offers=SERVICE_OFFERS,
            optional=True,
            documents=(ItemDocument("staffing_table", required=False),),
        ),
        SupplierDataItem(
            8,
            "places",
            _("number of places for special social services and sanatorium-resort treatment"),
            "2022 p.7(8)",
            ALL_KINDS,
            offers=RESIDENTIAL,
            optional=True,
        ),
        SupplierDataItem(
            9,
            "department",
            _(
                "type, kind and name of the department of the organisation providing special "
                "social services (founding documents, title deed if the property is owned)"
            ),
            "2022 p.7(9)",
            frozenset({LE}),
            offers=frozenset({Offer.SPECIAL_SOCIAL_SERVICES}),
            documents=(
                ItemDocument("founding_documents"),
                # "документ на право собственности (при наличии собственности)"
                ItemDocument("title_deed", when=ASKED_WITH_PROPERTY),
            ),
        ),
        SupplierDataItem(
            10,
            "material_resources",
            _(
                "material resources for special social services and sanatorium-resort treatment "
                "(proof of purchase of medical equipment)"
            ),
            "2022 p.7(10)",
            ALL_KINDS,
            offers=RESIDENTIAL,
            optional=True,
            documents=(ItemDocument("equipment_purchase", required=False),),
        ),
        SupplierDataItem(
            11,
            "specialists_qualification",
            _(
                "education, qualification and work experience of the specialists providing the "
                "services (diplomas, certificates, employment contracts)"
            ),
            "2022 p.7(11)",
            ALL_KINDS,
            offers=SERVICE_OFFERS,
            # No qualifier: the diplomas, the certificates and the employment contracts are all
            # asked.
            documents=(
                ItemDocument("diploma"),
                ItemDocument("qualification_certificate"),
                ItemDocument("employment_contract"),
            ),
        ),
        SupplierDataItem(
            12,
            "medical_certificate",
            _("medical certificate form No. 075/u"),
            "2022 p.7(12)",
            # "при оказании специальных социальных услуг физическими лицами": the natural persons
            # among the suppliers (an individual assistant offers no special social services).
            frozenset({IE, IA}),
            offers=frozenset({Offer.SPECIAL_SOCIAL_SERVICES}),
            documents=(ItemDocument("medical_certificate_075u"),),
        ),
        SupplierDataItem(
            13,
            "accessibility",
            _("accessibility of the supplier's premises for people with limited mobility (photos)"),
            "2022 p.7(13)",
            ALL_KINDS,
            offers=RESIDENTIAL,
            optional=True,
            documents=(ItemDocument("accessibility_photo", required=False),),
        ),
    ),
    requires_stock_quantity=False,
    one_application_per_kind=False,
    admission_conditions=(
        AdmissionCondition(
            1,
            "law_article_32_2",
            _(
                "The supplier meets the requirements of article 32-2 of the Law on social "
                "protection of persons with disabilities in the Republic of Kazakhstan."
            ),
            "2022 p.4",
        ),
    ),
    publication_requires_consent=True,
    checks_completeness=True,
    # --- the commission ---
    commission_routing=(
        CommissionRouting(
            effective_from=datetime.date(2022, 2, 28),
            level=CommissionLevel.LOCAL_EXECUTIVE_BODY,
            offers=ALL_OFFERS,
            clause="2022 p.10 para 1 (the wording before Order No. 21 is not in the source)",
        ),
        CommissionRouting(
            effective_from=datetime.date(2023, 1, 1),
            level=CommissionLevel.REGION,
            offers=ALL_OFFERS,
            clause="2022 p.10 para 2 as amended by Order No. 21 (in force 01.01.2023)",
        ),
    ),
    commission_size_must_be_odd=True,
    commission_min_members=7,
    secretary_is_member=False,
    quorum=Fraction(2, 3),
    decision_majority=Majority.OF_TOTAL_MEMBERS,
    member_decisions_signed=True,
    # --- deadlines ---
    secretary_acceptance_working_days=None,
    review_deadline_working_days=5,
    review_checks_against=("p.7",),
    decision_deadline_working_days=None,
    protocol_publication_working_days=1,
    # --- decision ---
    refusal_reasons=(
        RefusalReason(
            1,
            "untrue_data",
            _("The information entered by the supplier under item 7 of the Rules is untrue."),
            "2022 p.16(1)",
        ),
        RefusalReason(
            2,
            "missing_details",
            _("The submitted documents lack the required details."),
            "2022 p.16(2)",
        ),
        RefusalReason(
            3,
            "illegible_documents",
            _(
                "The submitted documents contain unclear or illegible entries, obvious erasures, "
                "additions, crossed-out words, abbreviations that are not spelled out, or "
                "corrections other than those certified by the signature of an authorised person "
                "and a seal (if any)."
            ),
            "2022 p.16(3)",
        ),
        RefusalReason(
            4,
            "law_article_32_2",
            _("The supplier does not meet the requirements of article 32-2 of the Law."),
            "2022 p.16(4)",
        ),
    ),
    registers=(
        Register(
            "technical_aids",
            _("register of suppliers of technical aids and special mobility aids"),
            RegisterKind.ACTIVE,
            "2022 p.17",
            offers=frozenset({Offer.TECHNICAL_AIDS}),
        ),
        Register(
            "sanatorium",
            _("register of suppliers of sanatorium-resort treatment"),
            RegisterKind.ACTIVE,
            "2022 p.17",
            offers=frozenset({Offer.SANATORIUM}),
        ),
        Register(
            "sign_language_specialists",
            _("registry of sign-language specialists"),
            RegisterKind.ACTIVE,
            "2022 p.17",
            offers=frozenset({Offer.SIGN_LANGUAGE}),
        ),
        Register(
            "individual_assistants",
            _("registry of individual assistants"),
            RegisterKind.ACTIVE,
            "2022 p.17",
            offers=frozenset({Offer.INDIVIDUAL_ASSISTANT}),
        ),
        # Organisations go to the register of organisations, natural persons to the registry of
        # specialists (p.17 names both; Order No. 377 of 28.08.2018 gives their forms).
        Register(
            "special_social_services_organisations",
            _("register of organisations providing special social services"),
            RegisterKind.ACTIVE,
            "2022 p.17",
            offers=frozenset({Offer.SPECIAL_SOCIAL_SERVICES}),
            supplier_kinds=frozenset({LE}),
        ),
        Register(
            "special_social_services_specialists",
            _("registry of specialists providing special social services"),
            RegisterKind.ACTIVE,
            "2022 p.17",
            offers=frozenset({Offer.SPECIAL_SOCIAL_SERVICES}),
            supplier_kinds=frozenset({IE, IA}),
        ),
    ),
    # --- deregistration ---
    deregistration_grounds=(
        DeregistrationGround(
            1,
            "own_application",
            _("The supplier's application for deregistration in the form of Annex 3."),
            "2022 p.19(1)",
            obligations_survive=True,
            decision_period="own_application_decision_working_days",
        ),
        DeregistrationGround(
            2,
            "death_or_termination",
            _(
                "Death or end of activity of an individual entrepreneur, or end of activity of a "
                "legal entity."
            ),
            "2022 p.19(2)",
            automatic=True,
            from_state_systems=True,
            decision_period="automatic_deregistration_working_days",
        ),
        DeregistrationGround(
            3,
            "procurement_register",
            _("Inclusion in the register of unscrupulous participants of public procurement."),
            "2022 p.19(3)",
            automatic=True,
            from_state_systems=True,
            obligations_survive=True,
            decision_period="automatic_deregistration_working_days",
        ),
        DeregistrationGround(
            4,
            "quasi_public_procurement_register",
            _(
                "Inclusion in the register of unscrupulous participants of procurement and (or) "
                "the list of unreliable potential suppliers (suppliers) of the National Welfare "
                "Fund."
            ),
            "2022 p.19(4)",
            automatic=True,
            from_state_systems=True,
            obligations_survive=True,
            decision_period="automatic_deregistration_working_days",
        ),
        DeregistrationGround(
            5,
            "non_performance",
            _(
                "Failure to perform, or improper performance of, the obligations taken through "
                "the portal."
            ),
            "2022 p.19(5)",
            decision_period="complaint_review_working_days",
        ),
    ),
    automatic_deregistration_working_days=1,
    state_data_refresh_days=7,
    # Item 21 speaks of failure to perform or improper performance without listing kinds; the
    # portal offers the kinds of 2020 p.18 and "other" (choice), each within p.19(5).
    complaint_kinds=(
        ComplaintKind(
            "order_not_fulfilled",
            _("The order was not fulfilled."),
            "2022 p.19(5), p.21",
        ),
        ComplaintKind(
            "order_late",
            _(
                "The order was not fulfilled on time: the goods were delivered more than 30 "
                "calendar days after the order."
            ),
            "2022 p.19(5), p.21",
            late_delivery=True,
        ),
        ComplaintKind(
            "characteristics_mismatch",
            _("The goods and (or) services do not match the characteristics stated on the portal."),
            "2022 p.19(5), p.21",
        ),
        ComplaintKind(
            "price_changed",
            _(
                "The price of the goods and (or) services changed during the validity period "
                "stated on the portal."
            ),
            "2022 p.19(5), p.21",
        ),
        ComplaintKind(
            "other",
            _(
                "Another failure to perform, or improper performance of, the supplier's "
                "obligations."
            ),
            "2022 p.19(5), p.21",
        ),
    ),
    late_delivery_calendar_days=30,
    complaint_filing_calendar_days=14,
    complaint_review_working_days=10,
    complaint_answer_working_days=5,
    own_application_decision_working_days=2,
    deregistration_protocol_publication_working_days=1,
    # --- readmission ---
    readmission_rules=(
        ReadmissionRule(3, ReadmissionCondition.REMOVED_FROM_SOURCE_REGISTER, "2022 p.24"),
        ReadmissionRule(4, ReadmissionCondition.REMOVED_FROM_SOURCE_REGISTER, "2022 p.24"),
        ReadmissionRule(
            5, ReadmissionCondition.WAITING_PERIOD, "2022 p.24", waiting_period_years=1
        ),
    ),
    # --- forms ---
    annex_languages=("kk", "ru"),
    forms=(
        AnnexForm(
            "application",
            1,
            _("Application for admission and registration on the Social Services Portal"),
            "2022 p.9, Annex 1",
        ),
        AnnexForm(
            "protocol",
            2,
            _("Protocol of the commission"),
            "2022 p.14, Annex 2 (as amended by Order No. 21)",
        ),
        AnnexForm(
            "deregistration_application",
            3,
            _("Application for deregistration from the Social Services Portal"),
            "2022 p.19(1), Annex 3",
        ),
    ),
    clauses={
        "supplier_kinds": "2022 p.2(4), p.6",
        "offers": "2022 p.3",
        "offers_by_kind": "2022 p.2(4), p.6(3)",
        "branches_may_apply": "2022 p.2(4) (legal entities; their branches are not named)",
        "signs_public_offer": "2022 p.5",
        "state_data_items": "2022 p.6",
        "supplier_data_items": "2022 p.7",
        "requires_stock_quantity": "2022 p.7 (no stock quantity among the items)",
        "one_application_per_kind": "2022 p.9 (a single application in the form of Annex 1)",
        "admission_conditions": "2022 p.4",
        "publication_requires_consent": "2022 p.18",
        "checks_completeness": "2022 p.8",
        "commission_routing": "2022 p.10",
        "commission_size_must_be_odd": "2022 p.11",
        "commission_min_members": "2022 p.11",
        "secretary_is_member": "2022 p.11",
        "quorum": "2022 p.13",
        "decision_majority": "2022 p.13",
        "member_decisions_signed": "2022 p.13",
        "secretary_acceptance_working_days": "2022: not fixed",
        "review_deadline_working_days": "2022 p.12",
        "review_checks_against": "2022 p.12",
        "decision_deadline_working_days": "2022: not fixed (p.12 fixes only the members' check)",
        "protocol_publication_working_days": "2022 p.15",
        "refusal_reasons": "2022 p.16",
        "registers": "2022 p.17",
        "deregistration_grounds": "2022 p.19",
        "automatic_deregistration_working_days": "2022 p.20",
        "state_data_refresh_days": "2022 p.20",
        "complaint_kinds": "2022 p.19(5), p.21",
        "late_delivery_calendar_days": "2022: not fixed; 30 calendar days of 2020 p.18(2) (choice)",
        "complaint_filing_calendar_days": "2022 p.21",
        "complaint_review_working_days": "2022 p.21",
        "complaint_answer_working_days": (
            "2022: not fixed; 5 working days within the review of p.21 (choice)"
        ),
        "own_application_decision_working_days": "2022 p.22",
        "deregistration_protocol_publication_working_days": "2022 p.23",
        "readmission_rules": "2022 p.24",
        "forms": "2022 Annexes 1-3",
        "annex_languages": "2022 p.9, Annex 1 (formed in Kazakh and Russian; choice)",
    },
)
