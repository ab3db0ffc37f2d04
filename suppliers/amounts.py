"""Amounts and counts as people in Kazakhstan type them, and as the portal prints them.

People write "125 000,50" or "125000.50" (spaces or no-break spaces between thousands, a decimal
comma or point); the Annex 1 PDF and the cabinet's pages print "125 000,50" (a no-break space
between thousands, a decimal comma). The bounds refuse what no supplier means (issue 9, item 5):
a price of zero or of a billion tenge, two hundred years of experience.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

NBSP = "\u00a0"
# Spaces people (and their keyboards, and copies from spreadsheets) put between thousands.
_GROUP_SEPARATORS = re.compile(r"[\s\u00a0\u202f\u2009']")

PRICE_MIN = Decimal("0.01")
PRICE_MAX = Decimal("100000000.00")  # a hundred million tenge: above any good or service offered
STAFF_MAX = 100_000
PLACES_MAX = 100_000
STOCK_MAX = 10_000_000
EXPERIENCE_YEARS_MAX = 70


def money(value: Decimal | None) -> str:
    """12500 -> "12 500,00" (a no-break space between thousands, a decimal comma)."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", NBSP).replace(".", ",")


def whole(value: int | None) -> str:
    """12500 -> "12 500" (a no-break space between thousands)."""
    return "" if value is None else f"{value:,}".replace(",", NBSP)


def parse_amount(text: str) -> Decimal:
    """ "125 000,50", "125000.50", "125 000" -> Decimal; ValueError for anything else (a
    thousands comma as in "125,000.50" is refused rather than guessed)."""
    compact = _GROUP_SEPARATORS.sub("", str(text))
    if compact.count(",") + compact.count(".") > 1:
        raise ValueError(text)
    compact = compact.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", compact):
        raise ValueError(text)
    try:
        return Decimal(compact)
    except InvalidOperation:
        raise ValueError(text) from None


def parse_whole(text: str) -> int:
    """ "1 200" -> 1200; ValueError for anything but a whole number."""
    compact = _GROUP_SEPARATORS.sub("", str(text))
    if not re.fullmatch(r"[+-]?\d+", compact):
        raise ValueError(text)
    return int(compact)
