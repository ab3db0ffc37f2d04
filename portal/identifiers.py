"""IIN and BIN, the 12-digit identifiers of persons and organisations (ID-1).

IIN (ЖСН / ИИН) of a natural person: YYMMDD, a century-and-sex digit (1..6), four serial digits,
and a control digit. BIN (БСН / БИН) of an organisation: YYMM, a type digit (4 resident legal
entity, 5 non-resident, 6 joint venture / branch), an attribute digit, five serial digits, and the
control digit. Both use the same control digit: the weighted sum with weights 1..11 mod 11; if that
is 10, a second pass with weights 3..11,1,2 mod 11; a second result of 10 makes the number invalid.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_TWELVE_DIGITS = re.compile(r"^\d{12}$")
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def control_digit(first_eleven: str) -> int | None:
    """The control digit of the first 11 digits, or None when no digit is possible."""
    digits = [int(c) for c in first_eleven]
    result = sum(d * w for d, w in zip(digits, _FIRST_WEIGHTS, strict=True)) % 11
    if result == 10:
        result = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
    return None if result == 10 else result


def has_valid_checksum(number: str) -> bool:
    if not _TWELVE_DIGITS.match(number or ""):
        return False
    return control_digit(number[:11]) == int(number[11])


def birth_date_of(iin: str) -> datetime.date | None:
    """The date of birth encoded in an IIN, or None when the date part is impossible."""
    century = _CENTURY.get(int(iin[6]))
    if century is None:
        return None
    try:
        return datetime.date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def is_valid_iin(number: str) -> bool:
    return has_valid_checksum(number) and birth_date_of(number) is not None


def is_valid_bin(number: str) -> bool:
    if not has_valid_checksum(number):
        return False
    month = int(number[2:4])
    return 1 <= month <= 12 and number[4] in "456"


def validate_iin(value: str) -> None:
    if not _TWELVE_DIGITS.match(value or ""):
        raise ValidationError(_("An IIN has exactly 12 digits."), code="iin_format")
    if birth_date_of(value) is None:
        raise ValidationError(
            _("This IIN does not contain a valid date of birth; check the first seven digits."),
            code="iin_date",
        )
    if not has_valid_checksum(value):
        raise ValidationError(
            _("This IIN is not valid: its control digit does not match. Check for a typing error."),
            code="iin_checksum",
        )


def validate_bin(value: str) -> None:
    if not _TWELVE_DIGITS.match(value or ""):
        raise ValidationError(_("A BIN has exactly 12 digits."), code="bin_format")
    if not is_valid_bin(value):
        raise ValidationError(
            _("This BIN is not valid: check the number against the registration certificate."),
            code="bin_checksum",
        )


def validate_iin_or_bin(value: str) -> None:
    """Suppliers are identified by BIN or IIN (SUP-1): accept either."""
    if is_valid_iin(value) or is_valid_bin(value):
        return
    if not _TWELVE_DIGITS.match(value or ""):
        raise ValidationError(_("A BIN or IIN has exactly 12 digits."), code="biin_format")
    raise ValidationError(
        _("This is neither a valid IIN nor a valid BIN: its control digit does not match."),
        code="biin_checksum",
    )
