"""State database of natural persons (ГБД ФЛ), ``GBDFL_UniversalServiceSync`` (SUP-3, SYNC-1).

Gives, by IIN: full name, registration address, and whether the person is alive (DER-1 ground 2).
Element names follow the published universal-service answer (``persons/person``); correct them
here against the XSD issued on connection.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid

from django.utils.translation import gettext_lazy as _
from lxml import etree

from egov_gateway.errors import SourceRejected
from egov_gateway.sources.base import StateAnswer, parse_date, require_identifier
from egov_gateway.sources.xml import find, find_first, joined, sub, text

NAME = "gbd_fl"
LABEL = _("State database of natural persons")
SUCCESS = "00000"
NOT_FOUND = frozenset({"00001", "00004"})
# lifeStatus codes of ГБД ФЛ that mean the person is dead or declared dead by a court.
DECEASED_STATUSES = frozenset({"1", "3"})


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Person(StateAnswer):
    """A natural person as ГБД ФЛ knows them."""

    iin: str
    surname: str = ""
    first_name: str = ""
    patronymic: str = ""
    birth_date: datetime.date | None = None
    legal_address: str = ""
    deceased_on: datetime.date | None = None
    is_deceased: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)


RECORD = Person


def request_data(identifier: str, *, requestor_bin: str) -> etree._Element:
    request = etree.Element("Request")
    sub(request, "messageId", str(uuid.uuid4()))
    sub(request, "messageDate", datetime.datetime.now(datetime.UTC).isoformat())
    sub(request, "senderCode", requestor_bin)
    sub(request, "iin", identifier)
    return request


def from_gateway(
    data: etree._Element, *, identifier: str, fetched_at: datetime.datetime, raw: str
) -> Person | None:
    person = find_first(data, "persons/person", "Response/persons/person")
    result = text(data, "messageResult/code") or text(data, "Response/messageResult/code")
    if person is None:
        if result in NOT_FOUND:
            return None
        message = text(data, "messageResult/nameRu") or "no person in the answer"
        raise SourceRejected(f"result {result or '?'}: {message}", source=NAME, code=result)
    if result and result != SUCCESS:
        raise SourceRejected(f"result {result} with a person", source=NAME, code=result)
    deceased_on = parse_date(text(person, "deathDate"), source=NAME)
    address = find(person, "regAddress")
    return Person(
        source=NAME,
        identifier=identifier,
        fetched_at=fetched_at,
        raw=raw,
        iin=require_identifier(text(person, "iin"), source=NAME, what="IIN"),
        surname=text(person, "surname"),
        first_name=text(person, "name"),
        patronymic=text(person, "patronymic"),
        birth_date=parse_date(text(person, "birthDate"), source=NAME),
        legal_address=joined(
            address,
            "district/nameRu",
            "region/nameRu",
            "city",
            "street",
            "building",
            "flat",
            sep=", ",
        ),
        deceased_on=deceased_on,
        is_deceased=deceased_on is not None or text(person, "lifeStatus/code") in DECEASED_STATUSES,
    )
