"""The shape of a rules edition: one frozen :class:`Edition` holding every legal parameter.

Each edition module (``edition_2022``, ``edition_2020``) fills one :class:`Edition`; code reads
parameters from the edition in force (``edition_for(day).review_deadline_working_days``) and never
repeats a number or a list of the rules. Every parameter carries the clause that fixes it
(``edition.clause_for("quorum")`` -> ``"2022 p.13"``); lists carry a clause per entry.

Clause references read "<edition> p.<item>(<sub-item>)", e.g. "2022 p.16(2)" is sub-item 2) of
item 16 of the rules approved by Order No. 60. A parameter an edition does not fix is ``None``
and its clause says so.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise  # a gettext_lazy string


class SupplierKind(models.TextChoices):
    """Who can be a supplier (2022 p.2(4); 2020 p.2(2))."""

    LEGAL_ENTITY = "legal_entity", _("legal entity")
    INDIVIDUAL_ENTREPRENEUR = "individual_entrepreneur", _("individual entrepreneur")
    INDIVIDUAL_ASSISTANT = "individual_assistant", _("individual assistant")


class Offer(models.TextChoices):
    """What a supplier offers through the portal (2022 p.3; 2020 p.2(1))."""

    TECHNICAL_AIDS = "technical_aids", _("technical aids and special mobility aids")
    INDIVIDUAL_ASSISTANT = "individual_assistant", _("services of an individual assistant")
    SIGN_LANGUAGE = "sign_language", _("services of a sign-language specialist")
    SANATORIUM = "sanatorium", _("sanatorium-resort treatment")
    SPECIAL_SOCIAL_SERVICES = "special_social_services", _("special social services")


SERVICE_OFFERS = frozenset(
    {
        Offer.INDIVIDUAL_ASSISTANT,
        Offer.SIGN_LANGUAGE,
        Offer.SANATORIUM,
        Offer.SPECIAL_SOCIAL_SERVICES,
    }
)


class CommissionLevel(models.TextChoices):
    """Which local executive body's commission reviews an application."""

    REGION = "region", _("commission of the oblast, city of republican significance or capital")
    LOCAL_EXECUTIVE_BODY = (
        "local_executive_body",
        _("commission of the local executive body at the supplier's place of registration"),
    )


class Majority(models.TextChoices):
    """Whose majority adopts a commission decision."""

    OF_TOTAL_MEMBERS = "of_total_members", _("majority of the total number of members")


class ReadmissionCondition(models.TextChoices):
    """What must hold before a deregistered supplier may be admitted again."""

    REMOVED_FROM_SOURCE_REGISTER = (
        "removed_from_source_register",
        _("the supplier is no longer in the register that caused the deregistration"),
    )
    WAITING_PERIOD = "waiting_period", _("a waiting period from the deregistration has passed")
    NOT_IN_DEREGISTERED_REGISTER = (
        "not_in_deregistered_register",
        _("the supplier is not in the register of deregistered suppliers on that ground"),
    )


class RegisterKind(models.TextChoices):
    ACTIVE = "active", _("register of admitted suppliers")
    DEREGISTERED = "deregistered", _("register of deregistered suppliers")


@dataclass(frozen=True)
class LegalAct:
    """An order of the Minister: its number, date and state registration."""

    number: str
    signed_on: datetime.date
    registered_on: datetime.date | None = None
    registration_number: str = ""
    in_force_on: datetime.date | None = None
    note: Text = ""


@dataclass(frozen=True)
class Amendment:
    """An amending order and the items it changed."""

    act: LegalAct
    items: tuple[str, ...]


@dataclass(frozen=True)
class KindOffers:
    """What a kind of supplier may offer, where the rules restrict it (SUP-1)."""

    supplier_kind: str
    offers: frozenset[str]
    clause: str


@dataclass(frozen=True)
class StateDataItem:
    """Data that arrives certified from state systems through the e-government gateway.

    ``optional`` marks data the rules qualify "if any" ("бар болса", "при наличии"): when no
    state system has it, the supplier is not asked to enter it.
    """

    code: str
    text: Text
    supplier_kinds: frozenset[str]
    clause: str
    optional: bool = False


# When an item's document is asked (``ItemDocument.when``).
ASKED_ALWAYS = ""
ASKED_WITH_PROPERTY = "owns_property"  # "при наличии собственности" (2022 p.7(9))


@dataclass(frozen=True)
class ItemDocument:
    """A supporting document an item asks for (SUP-4, SUP-5): its type (a value of
    ``suppliers.models.DocType``), whether the item's qualifiers make it required, and when it
    is asked at all (``ASKED_ALWAYS``, ``ASKED_WITH_PROPERTY``)."""

    doc_type: str
    required: bool = True
    when: str = ASKED_ALWAYS


@dataclass(frozen=True)
class SupplierDataItem:
    """An item the supplier enters itself (2022 p.7, SUP-4; 2020 p.5).

    ``offers`` is the set of offers the item is asked for (``None``: always); ``optional`` marks
    items the rules qualify "if any" ("при наличии"); ``documents`` are the supporting documents
    the item names in brackets (2022 p.7(7), (9)-(13)).
    """

    number: int
    code: str
    text: Text
    clause: str
    supplier_kinds: frozenset[str]
    offers: frozenset[str] | None = None
    optional: bool = False
    documents: tuple[ItemDocument, ...] = ()

    def applies_to(self, *, supplier_kind: str, offers: Iterable[str]) -> bool:
        if supplier_kind not in self.supplier_kinds:
            return False
        return self.offers is None or bool(self.offers & set(offers))


@dataclass(frozen=True)
class AdmissionCondition:
    """A condition a supplier must meet to be registered."""

    number: int
    code: str
    text: Text
    clause: str


@dataclass(frozen=True)
class RefusalReason:
    """A reason the commission may give to refuse an application."""

    number: int
    code: str
    text: Text
    clause: str


@dataclass(frozen=True)
class DeregistrationGround:
    """A ground for deregistration.

    ``automatic``: the portal deregisters on state data without a commission decision.
    ``from_state_systems``: the facts come from state information systems (the weekly sync).
    ``obligations_survive``: deregistration on this ground does not release the supplier from
    obligations taken through the portal before (2022 p.23, DER-6).
    ``decision_period``: the edition's parameter (a period in days) within which a case on this
    ground is decided or takes effect, counted from its opening (2022 p.20-22); the period may
    be ``None`` in an edition that fixes none (2020 p.15(1)).
    """

    number: int
    code: str
    text: Text
    clause: str
    automatic: bool = False
    from_state_systems: bool = False
    obligations_survive: bool = False
    decision_period: str | None = None


@dataclass(frozen=True)
class ComplaintKind:
    """What a person with disability may report about a supplier.

    ``late_delivery``: the kind is a late order, "late" meaning delivered more than the
    edition's ``late_delivery_calendar_days`` after the order (2020 p.18(2)); the complaint then
    gives the day of the order and, if the goods came, the day they came.
    """

    code: str
    text: Text
    clause: str
    late_delivery: bool = False


@dataclass(frozen=True)
class ReadmissionRule:
    """A restriction on admitting again a supplier deregistered on ``ground``."""

    ground: int
    condition: str  # ReadmissionCondition
    clause: str
    waiting_period_years: int | None = None


@dataclass(frozen=True)
class Register:
    """A public register (or registry) kept on the portal."""

    code: str
    text: Text
    kind: str  # RegisterKind
    clause: str
    offers: frozenset[str] = frozenset()
    supplier_kinds: frozenset[str] | None = None


@dataclass(frozen=True)
class AnnexForm:
    """A form annexed to the rules."""

    code: str
    annex: int
    text: Text
    clause: str


@dataclass(frozen=True)
class CommissionRouting:
    """From ``effective_from``, which commission reviews applications for ``offers``."""

    effective_from: datetime.date
    level: str  # CommissionLevel
    offers: frozenset[str]
    clause: str


# Fields that describe the edition rather than fix a rule; every other field is a legal parameter.
META_FIELDS = frozenset(
    {
        "code",
        "title",
        "order",
        "effective_from",
        "effective_from_basis",
        "repealed_on",
        "repealed_by",
        "amendments",
        "clauses",
    }
)


@dataclass(frozen=True, eq=False)
class Edition:
    """A version of the admission rules with every legal parameter it fixes.

    Editions are singletons (one per module) compared by identity.
    """

    # --- the edition itself ---
    code: str
    title: Text
    order: LegalAct
    effective_from: datetime.date
    effective_from_basis: Text
    repealed_on: datetime.date | None
    repealed_by: LegalAct | None
    amendments: tuple[Amendment, ...]

    # --- who may be a supplier and what it enters (SUP) ---
    supplier_kinds: tuple[str, ...]
    offers: tuple[str, ...]
    offers_by_kind: tuple[KindOffers, ...]
    branches_may_apply: bool
    signs_public_offer: bool
    state_data_items: tuple[StateDataItem, ...]
    supplier_data_items: tuple[SupplierDataItem, ...]
    requires_stock_quantity: bool
    one_application_per_kind: bool
    admission_conditions: tuple[AdmissionCondition, ...]
    publication_requires_consent: bool
    # the portal checks that every required field is filled before the data is saved (SUP-6)
    checks_completeness: bool

    # --- the commission (COM) ---
    commission_routing: tuple[CommissionRouting, ...]
    commission_size_must_be_odd: bool
    commission_min_members: int | None
    secretary_is_member: bool
    quorum: Fraction | None
    decision_majority: str | None  # Majority
    member_decisions_signed: bool

    # --- deadlines of the review, in working days from the day of the event ---
    secretary_acceptance_working_days: int | None
    review_deadline_working_days: int
    review_checks_against: tuple[str, ...]
    decision_deadline_working_days: int | None
    protocol_publication_working_days: int

    # --- decision ---
    refusal_reasons: tuple[RefusalReason, ...]
    registers: tuple[Register, ...]

    # --- deregistration (DER) ---
    deregistration_grounds: tuple[DeregistrationGround, ...]
    automatic_deregistration_working_days: int | None
    state_data_refresh_days: int
    complaint_kinds: tuple[ComplaintKind, ...]
    late_delivery_calendar_days: int | None
    complaint_filing_calendar_days: int
    complaint_review_working_days: int
    # the supplier's window to answer a complaint with documents (not fixed by the rules)
    complaint_answer_working_days: int
    own_application_decision_working_days: int | None
    deregistration_protocol_publication_working_days: int | None

    # --- readmission (RDM) ---
    readmission_rules: tuple[ReadmissionRule, ...]

    # --- forms ---
    forms: tuple[AnnexForm, ...]
    # the languages Annex 1 is formed in: the state language and Russian (SUP-7)
    annex_languages: tuple[str, ...]

    # parameter name -> clause that fixes it (or says the edition does not)
    clauses: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(self.parameter_names()) - set(self.clauses)
        if missing:
            raise ValueError(f"Edition {self.code}: no clause for {sorted(missing)}")

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def __repr__(self) -> str:
        return f"<Edition {self.code}>"

    # --- introspection ---
    @classmethod
    def parameter_names(cls) -> tuple[str, ...]:
        """The names of the legal parameters (every field but the edition's own description)."""
        return tuple(f.name for f in fields(cls) if f.name not in META_FIELDS)

    def clause_for(self, name: str) -> str:
        """The clause that fixes parameter ``name``, e.g. ``"2022 p.13"``."""
        return self.clauses[name]

    def item_number(self, name: str) -> str:
        """The number of the item that fixes parameter ``name``, as the rules number it: "8"
        for ``"2022 p.8"``, "" where the clause names no item."""
        match = re.search(r"\bp\.(\d+)", self.clause_for(name))
        return match.group(1) if match else ""

    def parameter(self, name: str) -> Any:
        if name not in self.parameter_names():
            raise KeyError(name)
        return getattr(self, name)

    def is_in_force_on(self, day: datetime.date) -> bool:
        """Whether the edition's text is in force on ``day`` by its own dates."""
        if day < self.effective_from:
            return False
        return self.repealed_on is None or day < self.repealed_on

    # --- suppliers ---
    def offers_for(self, *, supplier_kind: str) -> tuple[str, ...]:
        """What a supplier of ``supplier_kind`` may offer (SUP-1): the edition's offers, within
        the restriction of ``offers_by_kind`` where the rules make one (2022 p.2(4), p.6(3): an
        individual assistant offers the individual-assistant service only)."""
        for restriction in self.offers_by_kind:
            if restriction.supplier_kind == supplier_kind:
                return tuple(o for o in self.offers if o in restriction.offers)
        return self.offers

    def offers_not_allowed_message(self, *, supplier_kind: str) -> str:
        """Why offers outside ``offers_for`` are refused (SUP-1), naming what is allowed."""
        allowed = self.offers_for(supplier_kind=supplier_kind)
        message = _(
            "Under the rules in force a supplier of the kind “%(kind)s” may offer only: %(offers)s."
        )
        return message % {
            "kind": SupplierKind(supplier_kind).label,
            "offers": "; ".join(str(Offer(o).label) for o in allowed),
        }

    def data_items_for(
        self, *, supplier_kind: str, offers: Iterable[str]
    ) -> tuple[SupplierDataItem, ...]:
        """The items a supplier of ``supplier_kind`` offering ``offers`` enters (SUP-4)."""
        offers = set(offers)
        return tuple(
            item
            for item in self.supplier_data_items
            if item.applies_to(supplier_kind=supplier_kind, offers=offers)
        )

    def state_data_for(self, *, supplier_kind: str) -> tuple[StateDataItem, ...]:
        """The data state systems send for a supplier of ``supplier_kind`` (SUP-3)."""
        return tuple(i for i in self.state_data_items if supplier_kind in i.supplier_kinds)

    def registers_for(self, *, supplier_kind: str, offers: Iterable[str]) -> tuple[Register, ...]:
        """The active registers an approved supplier enters (REG-1)."""
        offers = set(offers)
        return tuple(
            register
            for register in self.registers
            if register.kind == RegisterKind.ACTIVE
            and register.offers & offers
            and (register.supplier_kinds is None or supplier_kind in register.supplier_kinds)
        )

    # --- the commission ---
    def commission_level_for(self, day: datetime.date, offer: str | None = None) -> str:
        """Which commission reviews an application for ``offer`` that arrives on ``day``.

        The routing rows are data with their own dates, so an amendment inside an edition (2022:
        Order No. 21, in force 01.01.2023, item 10) applies from its date.
        """
        chosen = None
        for routing in sorted(self.commission_routing, key=lambda r: r.effective_from):
            if routing.effective_from <= day and (offer is None or offer in routing.offers):
                chosen = routing
        if chosen is None:
            chosen = min(self.commission_routing, key=lambda r: r.effective_from)
        return chosen.level

    def commission_size_errors(self, member_count: int) -> list[Text]:
        """Why a commission of ``member_count`` members breaks the rules (empty if it does not)."""
        errors: list[Text] = []
        if self.commission_size_must_be_odd and member_count % 2 == 0:
            errors.append(_("A commission must have an odd number of members."))
        if self.commission_min_members is not None and member_count < self.commission_min_members:
            errors.append(
                _("A commission must have at least %(minimum)d members.")
                % {"minimum": self.commission_min_members}
            )
        if member_count < 1:
            errors.append(_("A commission must have members."))
        return errors

    def quorum_met(self, *, present: int, total: int) -> bool:
        """Whether ``present`` of ``total`` members make a valid meeting (COM-4).

        An edition without a quorum rule (2020) asks only that the commission's members meet;
        the decision still needs the majority of :meth:`decision_adopted`.
        """
        if total < 1 or present < 1:
            return False
        if self.quorum is None:
            return True
        return Fraction(present, total) >= self.quorum

    def votes_needed(self, *, total: int) -> int:
        """The smallest number of votes for a proposal that adopts it (COM-5).

        Edition 2022 asks for the majority of the total number of members (p.13). Edition 2020
        fixes no rule for decisions; the only vote it regulates, the election of the chair
        (p.12), is "by majority from among the members", so the same majority of all members is
        used, the stricter reading.
        """
        if self.decision_majority in (Majority.OF_TOTAL_MEMBERS, None):
            return total // 2 + 1
        raise ValueError(f"Edition {self.code}: unknown majority rule {self.decision_majority!r}")

    def decision_adopted(self, *, votes_for: int, total: int) -> bool:
        """Whether ``votes_for`` of a commission of ``total`` members adopt a decision (COM-5)."""
        return total >= 1 and votes_for >= self.votes_needed(total=total)

    def decision_due(self, arrived_on: datetime.date) -> datetime.date:
        """The last day for the commission's decision on an application that arrived on a day.

        2022: the members' check within 5 working days of arrival (p.12) is the only deadline.
        2020: the check within 5 working days of arrival (p.13), then the decision within 2
        working days (p.14).
        """
        from portal.calendar import add_working_days

        working_days = self.review_deadline_working_days + (
            self.decision_deadline_working_days or 0
        )
        return add_working_days(arrived_on, working_days)

    # --- refusal, deregistration, readmission ---
    def refusal_reason(self, code: str) -> RefusalReason:
        for reason in self.refusal_reasons:
            if reason.code == code:
                return reason
        raise KeyError(f"Edition {self.code} has no refusal reason {code!r}")

    def ground(self, number: int) -> DeregistrationGround:
        for ground in self.deregistration_grounds:
            if ground.number == number:
                return ground
        raise KeyError(f"Edition {self.code} has no deregistration ground {number}")

    def ground_by_code(self, code: str) -> DeregistrationGround:
        for ground in self.deregistration_grounds:
            if ground.code == code:
                return ground
        raise KeyError(f"Edition {self.code} has no deregistration ground {code!r}")

    @property
    def automatic_grounds(self) -> tuple[DeregistrationGround, ...]:
        return tuple(g for g in self.deregistration_grounds if g.automatic)

    def complaint_kind(self, code: str) -> ComplaintKind:
        for kind in self.complaint_kinds:
            if kind.code == code:
                return kind
        raise KeyError(f"Edition {self.code} has no complaint kind {code!r}")

    def readmission_rule_for(self, ground: int) -> ReadmissionRule | None:
        """The restriction on readmission after deregistration on ``ground``, if any (RDM)."""
        for rule in self.readmission_rules:
            if rule.ground == ground:
                return rule
        return None

    def form(self, code: str) -> AnnexForm:
        for form in self.forms:
            if form.code == code:
                return form
        raise KeyError(f"Edition {self.code} has no form {code!r}")
