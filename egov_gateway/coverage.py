"""Which state system holds each fact the rules ask for (SUP-3, SUP-5, E20-2).

The rules edition says *what* arrives from the state for each kind of supplier
(``Edition.state_data_for``) and what a supplier must satisfy (``admission_conditions``); this
module says only *where* each fact is kept, so a change of the law stays in ``portal.editions``.
"""

from __future__ import annotations

from collections.abc import Callable

from egov_gateway.sources import (
    entrepreneurs,
    gbd_fl,
    gbd_ul,
    psychiatric,
    real_estate,
    rnu,
    tax_debts,
)
from portal.editions.base import Edition, SupplierKind

LE = SupplierKind.LEGAL_ENTITY
IE = SupplierKind.INDIVIDUAL_ENTREPRENEUR

# item or condition code -> source; a callable when it depends on the kind of supplier.
_HOLDERS: dict[str, str | Callable[[str], str]] = {
    "legal_address": lambda kind: gbd_ul.NAME if kind == LE else gbd_fl.NAME,
    "full_and_short_name": gbd_ul.NAME,
    "head_full_name": gbd_ul.NAME,
    "founders": gbd_ul.NAME,
    "additional_information": gbd_ul.NAME,
    "full_name": lambda kind: gbd_ul.NAME if kind == LE else gbd_fl.NAME,
    "real_estate_rights": real_estate.NAME,
    "entrepreneur_registration": entrepreneurs.NAME,
    "no_psychiatric_registration": psychiatric.NAME,
    # edition 2020, item 6 (E20-2)
    "no_debts": tax_debts.NAME,
    "not_bankrupt_or_liquidated": lambda kind: gbd_ul.NAME if kind == LE else entrepreneurs.NAME,
    "not_in_procurement_register": rnu.NAME,
}


def holder_of(code: str, *, supplier_kind: str) -> str | None:
    """The source that holds fact ``code`` for ``supplier_kind``, or None (the supplier's own)."""
    holder = _HOLDERS.get(code)
    return holder(supplier_kind) if callable(holder) else holder


def sources_for(*, supplier_kind: str, edition: Edition) -> tuple[str, ...]:
    """The sources to ask about a supplier of ``supplier_kind`` under ``edition``, in order."""
    codes = [item.code for item in edition.state_data_for(supplier_kind=supplier_kind)]
    codes += [condition.code for condition in edition.admission_conditions]
    names: list[str] = []
    for code in codes:
        name = holder_of(code, supplier_kind=supplier_kind)
        if name and name not in names:
            names.append(name)
    return tuple(names)


# What an answer must say for the state to confirm the item; by default, that a record exists.
_CONFIRMED_BY = {
    "real_estate_rights": lambda data: bool(data.get("rights")),
    "entrepreneur_registration": lambda data: data.get("ended_on") is None,
    "no_psychiatric_registration": lambda data: data.get("is_registered") is False,
}


def confirms(code: str, data: dict) -> bool:
    """Whether a found answer ``data`` of the item's holder confirms item ``code`` (SUP-5)."""
    check = _CONFIRMED_BY.get(code)
    return check(data) if check else True


def _positive(value) -> bool:
    try:
        return float(str(value or 0).replace(" ", "").replace(",", ".")) > 0
    except ValueError:
        return bool(value)


# What a found answer must say for the state to report a fact against the supplier: a dispensary
# registration, an ended IE registration, a debt, a liquidation, a listing (SUP-3).
_REPORTED_BY = {
    "no_psychiatric_registration": lambda data: data.get("is_registered") is True,
    "entrepreneur_registration": lambda data: data.get("ended_on") is not None,
    "no_debts": lambda data: (
        _positive(data.get("tax_debt")) or _positive(data.get("social_contribution_debt"))
    ),
    "not_bankrupt_or_liquidated": lambda data: bool(
        data.get("liquidated_on") or data.get("ended_on") or data.get("is_bankrupt")
    ),
    "not_in_procurement_register": lambda data: True,
}


def reports_fact(code: str, data: dict) -> bool:
    """Whether a found answer ``data`` of the holder of ``code`` reports a fact that goes against
    the supplier (SUP-3): such a fact is the state's, and the supplier cannot replace it with its
    own entry or a document; it can only ask the state systems again."""
    check = _REPORTED_BY.get(code)
    return bool(check and check(data))
