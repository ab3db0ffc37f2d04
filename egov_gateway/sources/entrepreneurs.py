"""Registry of individual entrepreneurs (SUP-3, SYNC-1).

Gives, by IIN: the state registration as an individual entrepreneur and whether it has ended
(DER-1 ground 2). The gateway XSD of this service is issued on connection; the element names
below are the ones assumed until then, kept here so they can be corrected in one place.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _
from lxml import etree

from egov_gateway.errors import SourceRejected
from egov_gateway.sources.base import StateAnswer, parse_date, require_identifier
from egov_gateway.sources.xml import find_first, requestor_request, text

NAME = "entrepreneurs"
LABEL = _("Registry of individual entrepreneurs")
NOT_FOUND = frozenset({"NOT_FOUND", "003"})


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class EntrepreneurRegistration(StateAnswer):
    """A registration as an individual entrepreneur (ИП)."""

    iin: str
    trade_name: str = ""
    legal_address: str = ""
    registered_on: datetime.date | None = None
    registration_number: str = ""  # number of the state registration (its certificate or notice)
    ended_on: datetime.date | None = None

    @property
    def has_ended(self) -> bool:
        return self.ended_on is not None


RECORD = EntrepreneurRegistration


def request_data(identifier: str, *, requestor_bin: str) -> etree._Element:
    return requestor_request(
        requestor_bin=requestor_bin, identifier_tag="IIN", identifier=identifier
    )


def from_gateway(
    data: etree._Element, *, identifier: str, fetched_at: datetime.datetime, raw: str
) -> EntrepreneurRegistration | None:
    entry = find_first(data, "Entrepreneur", "Response/Entrepreneur")
    status = text(data, "Status/Code") or text(data, "Response/Status/Code")
    if entry is None:
        if status in NOT_FOUND:
            return None
        raise SourceRejected(
            f"status {status or '?'}: {text(data, 'Status/NameRu') or 'no Entrepreneur'}",
            source=NAME,
            code=status,
        )
    return EntrepreneurRegistration(
        source=NAME,
        identifier=identifier,
        fetched_at=fetched_at,
        raw=raw,
        iin=require_identifier(text(entry, "IIN"), source=NAME, what="IIN"),
        trade_name=text(entry, "Name"),
        legal_address=text(entry, "Address"),
        registered_on=parse_date(text(entry, "RegistrationDate"), source=NAME),
        registration_number=text(entry, "RegistrationNumber"),
        ended_on=parse_date(text(entry, "EndDate"), source=NAME),
    )
