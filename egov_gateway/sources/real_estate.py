"""Registry of rights to real estate (SUP-3, legal entities).

Gives, by BIN/IIN: registered ownership or lease of premises used to store or sell goods or to
provide services. An empty list is an answer ("no registered rights"), not a failure. The element
names are assumed until the gateway XSD is issued; correct them here.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _
from lxml import etree

from egov_gateway.errors import MalformedAnswer
from egov_gateway.sources.base import StateAnswer, parse_date
from egov_gateway.sources.xml import find_all, find_first, requestor_request, text

NAME = "real_estate"
LABEL = _("Registry of rights to real estate")


@dataclasses.dataclass(frozen=True, slots=True)
class Right:
    cadastral_number: str
    address: str = ""
    kind: str = ""
    registered_on: datetime.date | None = None
    valid_until: datetime.date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RealEstateRights(StateAnswer):
    """The rights to real estate registered to one BIN or IIN."""

    rights: tuple[Right, ...] = ()


RECORD = RealEstateRights


def request_data(identifier: str, *, requestor_bin: str) -> etree._Element:
    return requestor_request(
        requestor_bin=requestor_bin, identifier_tag="IINBIN", identifier=identifier
    )


def from_gateway(
    data: etree._Element, *, identifier: str, fetched_at: datetime.datetime, raw: str
) -> RealEstateRights:
    rights = find_first(data, "Rights", "Response/Rights")
    if rights is None:
        raise MalformedAnswer("no Rights element in the answer", source=NAME)
    return RealEstateRights(
        source=NAME,
        identifier=identifier,
        fetched_at=fetched_at,
        raw=raw,
        rights=tuple(
            Right(
                cadastral_number=text(r, "CadastralNumber"),
                address=text(r, "Address"),
                kind=text(r, "RightType/NameRu") or text(r, "RightType/Code"),
                registered_on=parse_date(text(r, "RegistrationDate"), source=NAME),
                valid_until=parse_date(text(r, "EndDate"), source=NAME),
            )
            for r in find_all(rights, "Right")
        ),
    )
