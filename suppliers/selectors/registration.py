"""Where a supplier is registered and under which edition its application is filed (SUP-8).

The application goes to the commission of the region where the supplier is registered: the
region of its legal address (2022 p.10), not a region it picks. The legal address is the one the
state source gives as registered (ГБД ЮЛ: the entity's registered address, not its actual one;
ГБД ФЛ: the registration address), or, where no state system has it, the legal address the
supplier enters (2022 p.6 last paragraph).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from functools import lru_cache

from egov_gateway.coverage import holder_of
from egov_gateway.models import StateRecord
from egov_gateway.selectors import current_state_data
from portal.editions import Edition, SupplierKind, edition_for
from portal.models import Region
from portal.request_cache import once_per_request
from suppliers.models import Application, Supplier
from suppliers.selectors.acting import draft_of
from suppliers.selectors.rows import supplied_items_of
from suppliers.selectors.state_values import localised, state_value

LEGAL_ADDRESS = "legal_address"
_OBLAST_WORD = r"(?:обл\w*|region)"


def legal_address_of(
    supplier: Supplier,
    *,
    application: Application | None = None,
    records: Mapping[str, StateRecord] | None = None,
) -> str:
    """The supplier's registered (legal) address: the state's where a state system gave it,
    else what the supplier entered in ``application`` (its draft, by default). The one rule for
    the commission's region (SUP-8) and the address Annex 1 prints (SUP-7); ``records``: the
    state's answers to read (by default the latest)."""
    holder = holder_of(LEGAL_ADDRESS, supplier_kind=supplier.kind)
    if records is None:
        records = current_state_data(identifier=supplier.identifier)
    record = records.get(holder or "")
    if record is not None and record.found and (record.data.get(LEGAL_ADDRESS) or "").strip():
        return record.data[LEGAL_ADDRESS].strip()
    if application is None:
        application = draft_of(supplier)
    if application is None:
        return ""
    entered = next(
        (s for s in supplied_items_of(application) if s.item_code == LEGAL_ADDRESS), None
    )
    return entered.value.strip() if entered else ""


def state_name_of(
    supplier: Supplier,
    *,
    language: str,
    records: Mapping[str, StateRecord] | None = None,
    trade_name: bool = True,
) -> str:
    """The supplier's name as the state systems give it, "" where none does: a legal entity's
    full name (ГБД ЮЛ), a person's full name (ГБД ФЛ) and, for an individual entrepreneur with
    ``trade_name``, the name the register of entrepreneurs has for the business when it has one
    (issue 9, item 7). Annex 1 prints it and the cabinet's header shows it, in place of the name
    typed on the start page. ``records``: the state's answers to read (by default the latest)."""
    if records is None:
        records = current_state_data(identifier=supplier.identifier)
    code = "full_and_short_name" if supplier.is_legal_entity else "full_name"
    named_by = records.get(holder_of(code, supplier_kind=supplier.kind) or "")
    name = ""
    if named_by is not None and named_by.found:
        name = (
            localised(named_by.data, "full_name", language)
            if supplier.is_legal_entity
            else state_value("full_name", named_by.data, language=language)
        )
    if trade_name and supplier.kind == SupplierKind.INDIVIDUAL_ENTREPRENEUR:
        register = records.get(
            holder_of("entrepreneur_registration", supplier_kind=supplier.kind) or ""
        )
        if register is not None and register.found:
            name = (register.data.get("trade_name") or "").strip() or name
    return name


def registered_region(
    supplier: Supplier, *, application: Application | None = None
) -> Region | None:
    """The region of the supplier's legal address (SUP-8), None while it cannot be told."""
    return region_of_address(legal_address_of(supplier, application=application))


def region_of_address(address: str) -> Region | None:
    """The active region (oblast, city of republican significance, capital) an address names.

    An oblast is looked for first ("Алматинская область, г. Конаев" is in the oblast, not the
    city); of the cities, the one named first. Names come from the regions' reference data in
    Kazakh, Russian and English, so a region an operator adds is recognised too.
    """
    text = " ".join((address or "").lower().replace("ё", "е").split())
    if not text:
        return None
    regions = active_regions()
    by_pk = {region.pk: region for region in regions}
    oblasts, cities = _region_patterns(regions)
    for pk, pattern in oblasts:
        if pattern.search(text):
            return by_pk[pk]
    found = [(m.start(), pk) for pk, pattern in cities if (m := pattern.search(text))]
    return by_pk[min(found)[1]] if found else None


@once_per_request
def active_regions() -> tuple[Region, ...]:
    """The active regions by KATO code, read once per request (the legal address's region and
    the addresses' drop-down lists read the same rows)."""
    return tuple(Region.objects.filter(is_active=True).order_by("kato"))


@lru_cache(maxsize=1)
def _cached_patterns(key: tuple) -> tuple[list, list]:
    oblasts, cities = [], []
    for pk, kind, names in key:
        if kind == Region.Kind.OBLAST:
            alternatives = []
            for name in names:
                words = name.split()
                if len(words) >= 2 and re.match(_OBLAST_WORD, words[0]):  # "область Абай"
                    core = " ".join(words[1:])
                    alternatives.append(rf"{_OBLAST_WORD}\.?\s+{re.escape(core)}\b")
                    alternatives.append(rf"\b{re.escape(core)}\w*\s+{_OBLAST_WORD}")
                elif len(words) >= 2:  # "Ақмола облысы", "Акмолинская область", "Akmola Region"
                    core = " ".join(words[:-1])
                    stem = core[:-2] if core.endswith(("ая", "ий")) else core
                    alternatives.append(rf"\b{re.escape(stem)}\w*\.?\s+{_OBLAST_WORD}")
            if alternatives:
                oblasts.append((pk, re.compile("|".join(alternatives))))
        else:
            cores = set()
            for name in names:
                words = [w for w in name.split() if w not in ("город", "қаласы", "city", "г.")]
                if words:
                    cores.add(" ".join(words))
            pattern = "|".join(
                rf"\b{re.escape(core)}\b(?!\w*\.?\s+{_OBLAST_WORD})" for core in cores
            )
            cities.append((pk, re.compile(pattern)))
    return oblasts, cities


def _region_patterns(regions: tuple[Region, ...]) -> tuple[list, list]:
    key = tuple(
        (
            region.pk,
            region.kind,
            tuple(
                " ".join(n.lower().replace("ё", "е").split())
                for n in (region.name_kk, region.name_ru, region.name_en)
                if n
            ),
        )
        for region in regions
    )
    return _cached_patterns(key)


def filing_edition(*, filed_at: datetime.datetime | datetime.date) -> Edition:
    """The edition that governs an application signed and filed at ``filed_at`` (SUP-8): the one
    in force on the day it is filed, whatever edition its draft was started under."""
    return edition_for(filed_at)
