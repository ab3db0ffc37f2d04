"""Registry of persons registered at psychiatric dispensaries (SUP-3, individual assistants).

Gives, by IIN, only whether the person is registered (the portal needs the absence of
registration, never a diagnosis). The element names are assumed until the gateway XSD is issued;
correct them here.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _
from lxml import etree

from egov_gateway.errors import MalformedAnswer
from egov_gateway.sources.base import StateAnswer, parse_bool
from egov_gateway.sources.xml import find_first, requestor_request, text

NAME = "psychiatric"
LABEL = _("Registry of psychiatric dispensaries")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PsychiatricRegistration(StateAnswer):
    """Whether the person is registered at a psychiatric dispensary."""

    iin: str
    is_registered: bool


RECORD = PsychiatricRegistration


def request_data(identifier: str, *, requestor_bin: str) -> etree._Element:
    return requestor_request(
        requestor_bin=requestor_bin, identifier_tag="IIN", identifier=identifier
    )


def from_gateway(
    data: etree._Element, *, identifier: str, fetched_at: datetime.datetime, raw: str
) -> PsychiatricRegistration:
    result = find_first(data, "Result", "Response/Result")
    registered = text(result, "IsRegistered")
    if result is None or not registered:
        raise MalformedAnswer("no IsRegistered in the answer", source=NAME)
    return PsychiatricRegistration(
        source=NAME,
        identifier=identifier,
        fetched_at=fetched_at,
        raw=raw,
        iin=text(result, "IIN") or identifier,
        is_registered=parse_bool(registered, source=NAME),
    )
