"""Tax authority: tax and social-contribution debts (edition 2020, E20-2; SYNC-1).

Gives, by BIN/IIN, the outstanding tax debt and social-contribution debt on a date. The element
names are assumed until the gateway XSD is issued; correct them here.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from lxml import etree

from egov_gateway.errors import MalformedAnswer
from egov_gateway.sources.base import StateAnswer, parse_amount, parse_date
from egov_gateway.sources.xml import find_first, requestor_request, text

NAME = "tax_debts"
LABEL = _("Tax authority: debts")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class TaxDebts(StateAnswer):
    """Outstanding debts of one BIN or IIN."""

    tax_debt: Decimal = Decimal("0")
    social_contribution_debt: Decimal = Decimal("0")
    as_of: datetime.date | None = None

    @property
    def has_debts(self) -> bool:
        return self.tax_debt > 0 or self.social_contribution_debt > 0


RECORD = TaxDebts


def request_data(identifier: str, *, requestor_bin: str) -> etree._Element:
    return requestor_request(
        requestor_bin=requestor_bin, identifier_tag="IINBIN", identifier=identifier
    )


def from_gateway(
    data: etree._Element, *, identifier: str, fetched_at: datetime.datetime, raw: str
) -> TaxDebts:
    debts = find_first(data, "Debts", "Response/Debts")
    if debts is None or not text(debts, "TaxDebt"):
        raise MalformedAnswer("no TaxDebt in the answer", source=NAME)
    return TaxDebts(
        source=NAME,
        identifier=identifier,
        fetched_at=fetched_at,
        raw=raw,
        tax_debt=parse_amount(text(debts, "TaxDebt"), source=NAME),
        social_contribution_debt=parse_amount(text(debts, "SocialContributionDebt"), source=NAME),
        as_of=parse_date(text(debts, "AsOf"), source=NAME),
    )
