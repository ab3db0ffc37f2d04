"""State database of legal entities (ГБД ЮЛ), service ``GbdulInfoByBin_v2`` (SUP-3, SYNC-1).

Gives, by BIN: names, legal address, head, founders, activity, ownership form and formation
method, and whether the entity is liquidated (DER-1 ground 2). Element names follow the published
``gbdulinfobybin_v2`` types; correct them here against the XSD issued on connection.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _
from lxml import etree

from egov_gateway.errors import MalformedAnswer, SourceRejected
from egov_gateway.sources.base import StateAnswer, parse_date, require_identifier
from egov_gateway.sources.xml import find, find_all, find_first, joined, sub, text

NAME = "gbd_ul"
LABEL = _("State database of legal entities")
NAMESPACE = "http://gbdulinfobybin_v2.egp.gbdul.tamur.kz"
FOUND = "002"
# Provider status codes meaning "no entity with this BIN"; anything else without an Organization
# is an error, never an absence.
NOT_FOUND = frozenset({"003", "004"})
LIQUIDATED_STATUSES = frozenset({"LIQUIDATED", "4"})


@dataclasses.dataclass(frozen=True, slots=True)
class Founder:
    full_name: str
    identifier: str = ""
    citizenship: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Activity:
    oked: str
    name_ru: str = ""
    name_kk: str = ""
    is_main: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LegalEntity(StateAnswer):
    """A legal entity as ГБД ЮЛ knows it."""

    bin: str
    full_name_kk: str = ""
    full_name_ru: str = ""
    short_name_kk: str = ""
    short_name_ru: str = ""
    legal_address: str = ""  # the registered address (юридический адрес)
    actual_address: str = ""  # where it actually is (фактический адрес), for information only
    head_full_name: str = ""
    head_iin: str = ""
    founders: tuple[Founder, ...] = ()
    activities: tuple[Activity, ...] = ()
    ownership_form: str = ""
    formation_method: str = ""
    registered_on: datetime.date | None = None
    registration_number: str = ""  # number of the state registration, where the answer has one
    liquidated_on: datetime.date | None = None

    @property
    def is_liquidated(self) -> bool:
        return self.liquidated_on is not None

    @property
    def founders_count(self) -> int:
        return len(self.founders)


RECORD = LegalEntity


def request_data(identifier: str, *, requestor_bin: str) -> etree._Element:
    request = etree.Element(f"{{{NAMESPACE}}}Request", nsmap={"ns": NAMESPACE})
    sub(request, "RequestorBIN", requestor_bin)
    sub(request, "BIN", identifier)
    return request


def from_gateway(
    data: etree._Element, *, identifier: str, fetched_at: datetime.datetime, raw: str
) -> LegalEntity | None:
    answer = find_first(data, "responseDataType", "ResponseDataType")
    answer = data if answer is None else answer
    org = find(answer, "Organization")
    status = text(answer, "Status/Code")
    if org is None:
        if status in NOT_FOUND:
            return None
        message = text(answer, "Status/NameRu") or "no Organization in the answer"
        raise SourceRejected(f"status {status or '?'}: {message}", source=NAME, code=status)
    if status and status != FOUND:
        raise MalformedAnswer(f"status {status} with an Organization", source=NAME)
    liquidated_on = parse_date(text(org, "Liquidation/LiqDate"), source=NAME)
    if liquidated_on is None and text(org, "RegStatus/Code").upper() in LIQUIDATED_STATUSES:
        liquidated_on = (
            parse_date(text(org, "RegStatus/ChangeDate"), source=NAME) or fetched_at.date()
        )
    return LegalEntity(
        source=NAME,
        identifier=identifier,
        fetched_at=fetched_at,
        raw=raw,
        bin=require_identifier(text(org, "BIN"), source=NAME, what="BIN"),
        full_name_kk=text(org, "FullNameKz"),
        full_name_ru=text(org, "FullNameRu"),
        short_name_kk=text(org, "ShortNameKz"),
        short_name_ru=text(org, "ShortNameRu"),
        legal_address=_address(org),
        actual_address=text(org, "StatCommInfo/AddressFact/NameRu"),
        head_full_name=joined(find(org, "OrganizationLeader"), "SurName", "Name", "MiddleName"),
        head_iin=text(org, "OrganizationLeader/IIN"),
        founders=tuple(_founder(f) for f in find_all(org, "Founders/Founder")),
        activities=tuple(
            Activity(
                oked=text(a, "OKED"),
                name_ru=text(a, "ActivityNameRu"),
                name_kk=text(a, "ActivityNameKz"),
                is_main=text(a, "Main").lower() == "true",
            )
            for a in find_all(org, "Activity")
        ),
        ownership_form=text(org, "PropertyType/NameRu"),
        formation_method=text(org, "CreationMethod/NameRu"),
        registered_on=parse_date(text(org, "RegistrationDate"), source=NAME),
        registration_number=text(org, "RegNumber"),
        liquidated_on=liquidated_on,
    )


def _address(org: etree._Element) -> str:
    """The registered (legal) address, ``Address``: the one the commission's region follows
    (SUP-8). The actual address (``StatCommInfo/AddressFact``) is kept apart, never in its place."""
    return joined(
        find(org, "Address"),
        "DistrictRu",
        "RegionRu",
        "CityRu",
        "StreetRu",
        "BuildingNumber",
        sep=", ",
    )


def _founder(element: etree._Element) -> Founder:
    person = joined(element, "SurName", "Name", "MiddleName")
    return Founder(
        full_name=person or text(element, "OrgNameRu"),
        identifier=text(element, "IIN") or text(element, "BIN"),
        citizenship=text(element, "Country/NameRu"),
    )
