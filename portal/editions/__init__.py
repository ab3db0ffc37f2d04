"""Rules editions: the legal parameters of each version of the admission rules.

A case is handled under the edition in force on the day it was filed: ``edition_for(day)``.

* Edition 2020 (Order No. 18 of 22.01.2020): from 01.01.2020 until 27.02.2022.
* Edition 2022 (Order No. 60 of 16.02.2022, amended by Orders No. 298 and No. 21): from
  28.02.2022. That date is derived (ten calendar days after a publication on 18.02.2022, the day
  after state registration); the source does not give the publication date.

Edition 2022 records ``repealed_on = 01.07.2023`` (Order No. 285 of 30.06.2023), because the
source says so. The rules that replaced it are not available to the project, so ``edition_for``
returns edition 2022 for every day from 28.02.2022 on, including after 01.07.2023: it is the
latest edition known, and the one the project applies by default (DOMAIN.md). When the successor
rules are modelled, they become a new module here with their own ``effective_from``.

``settings.RULES_EDITION`` (a code such as ``"2020"``), when not empty, pins one edition for
every day, for demonstrations. Days before 01.01.2020 have no edition and raise
:class:`EditionNotFound`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.calendar import ALMATY
from portal.deadlines import today
from portal.editions.base import (
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
    LegalAct,
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
from portal.editions.edition_2020 import EDITION_2020
from portal.editions.edition_2022 import EDITION_2022

__all__ = [
    "ANNEX_LANGUAGES",
    "EDITIONS",
    "EDITION_2020",
    "EDITION_2022",
    "SERVICE_OFFERS",
    "AdmissionCondition",
    "Amendment",
    "AnnexForm",
    "CommissionLevel",
    "CommissionRouting",
    "ComplaintKind",
    "DeregistrationGround",
    "Edition",
    "EditionNotFound",
    "ItemDocument",
    "KindOffers",
    "LegalAct",
    "Majority",
    "Offer",
    "ReadmissionCondition",
    "ReadmissionRule",
    "RefusalReason",
    "Register",
    "RegisterKind",
    "StateDataItem",
    "SupplierDataItem",
    "SupplierKind",
    "edition_by_code",
    "edition_for",
    "pinned_edition",
]

# Oldest first.
EDITIONS: tuple[Edition, ...] = (EDITION_2020, EDITION_2022)
# Every language an Annex 1 is formed in under some edition (``Edition.annex_languages``).
ANNEX_LANGUAGES: tuple[str, ...] = tuple(
    dict.fromkeys(code for edition in EDITIONS for code in edition.annex_languages)
)


class EditionNotFound(LookupError):
    """No rules edition is known for the day or code asked for."""


def edition_by_code(code: str) -> Edition:
    """The edition with ``code`` (``"2020"``, ``"2022"``)."""
    for edition in EDITIONS:
        if edition.code == code:
            return edition
    known = ", ".join(e.code for e in EDITIONS)
    raise EditionNotFound(f"No rules edition {code!r}; known editions: {known}.")


def pinned_edition() -> Edition | None:
    """The edition ``settings.RULES_EDITION`` pins, or None when nothing is pinned."""
    code = getattr(settings, "RULES_EDITION", "") or ""
    if not code:
        return None
    try:
        return edition_by_code(str(code))
    except EditionNotFound as exc:
        raise ImproperlyConfigured(f"RULES_EDITION: {exc}") from exc


def edition_for(day: datetime.date | datetime.datetime | None = None) -> Edition:
    """The edition in force on ``day`` (today in Almaty when None), or the pinned one.

    The latest edition whose ``effective_from`` is not after ``day``; see the module docstring
    for why edition 2022 is returned after its recorded repeal on 01.07.2023.
    """
    pinned = pinned_edition()
    if pinned is not None:
        return pinned
    if day is None:
        day = today()
    elif isinstance(day, datetime.datetime):
        if day.tzinfo is not None:
            day = day.astimezone(ALMATY)
        day = day.date()
    in_force = [edition for edition in EDITIONS if edition.effective_from <= day]
    if not in_force:
        first = EDITIONS[0]
        raise EditionNotFound(
            f"No rules edition is in force on {day:%d.%m.%Y}: the earliest known edition "
            f"({first.code}) took effect on {first.effective_from:%d.%m.%Y}."
        )
    return max(in_force, key=lambda edition: edition.effective_from)
