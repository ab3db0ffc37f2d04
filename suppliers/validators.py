"""Validation of what a supplier enters and uploads: phones, e-mail, IBAN/BIC, documents.

Each validator raises ``django.core.exceptions.ValidationError`` with a translated message and a
stable ``code`` (forms show the message; tests and the completeness check use the code), and the
normalising ones return the value in its canonical form.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from portal.pdf import characters_without_glyph

# Uploaded documents have one check for the whole portal; the cabinet's names stay valid.
from portal.uploads import ALLOWED_TYPES as ALLOWED_TYPES
from portal.uploads import JPEG as JPEG
from portal.uploads import PDF as PDF
from portal.uploads import PNG as PNG
from portal.uploads import CheckedUpload as CheckedUpload
from portal.uploads import check_upload as check_upload
from portal.uploads import max_document_bytes as max_document_bytes

# --- text printed on the application form ---------------------------------------------------------


def validate_printable(value: str) -> None:
    """Refuse characters the application form (Annex 1, SUP-7) cannot print: the PDF's fonts have
    no glyph for them (emoji, some scripts, control characters), so the signed form would show an
    empty box where the supplier typed something (issue 9, item 1; ID-2)."""
    missing = characters_without_glyph(str(value or ""))
    if missing:
        raise ValidationError(
            _(
                "The application form cannot print these characters: %(characters)s. Remove "
                "them or write them in words."
            )
            % {"characters": " ".join(missing)},
            code="unprintable",
        )


# --- phone numbers -------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
# Kazakhstan shares +7 with Russia; its numbers are +7 6xx and +7 7xx (mobile: +7 70x, 747, 75x,
# 76x, 77x; fixed lines: +7 7xx area codes), Russian ones are +7 3xx, 4xx, 8xx, 9xx.
_KZ_NUMBER = re.compile(r"^\+7[67]\d{9}$")
_KZ_MOBILE = re.compile(r"^\+77(0[0-9]|47|5[0-9]|6[0-9]|7[0-9])\d{7}$")


def normalise_kz_phone(value: str, *, mobile: bool = False) -> str:
    """A Kazakh phone number in E.164 (``+77011234567``), from the ways people write it:
    ``+7 701 123 45 67``, ``8 (701) 123-45-67``, ``87011234567``, ``7011234567``.

    ``mobile`` asks for a mobile number (the "mobile phone" of the contacts, 2022 p.7(1)).
    """
    text = _PHONE_SEPARATORS.sub("", str(value or "").strip())
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if text.startswith("+"):
        digits = text[1:]
        if not digits.isdigit():
            raise ValidationError(_invalid_phone_message(), code="invalid_phone")
        if not digits.startswith("7"):
            raise ValidationError(
                _("Enter a phone number in Kazakhstan, starting with +7."), code="not_kazakh"
            )
        number = "+" + digits
    else:
        if not text.isdigit():
            raise ValidationError(_invalid_phone_message(), code="invalid_phone")
        if len(text) == 11 and text[0] in "78":
            number = "+7" + text[1:]
        elif len(text) == 10:
            number = "+7" + text
        else:
            raise ValidationError(_invalid_phone_message(), code="invalid_phone")
    if len(number) != 12:
        raise ValidationError(_invalid_phone_message(), code="invalid_phone")
    if not _KZ_NUMBER.match(number):
        raise ValidationError(
            _("Enter a phone number in Kazakhstan, starting with +7."), code="not_kazakh"
        )
    if mobile and not _KZ_MOBILE.match(number):
        raise ValidationError(
            _("Enter a mobile phone number, like +7 701 123 45 67."), code="not_mobile"
        )
    return number


def _invalid_phone_message():
    return _("Enter a phone number like +7 701 123 45 67 or +7 7172 12 34 56.")


def validate_kz_phone(value: str) -> None:
    normalise_kz_phone(value)


def validate_kz_mobile_phone(value: str) -> None:
    normalise_kz_phone(value, mobile=True)


# --- e-mail --------------------------------------------------------------------------------------


def normalise_email(value: str) -> str:
    """An e-mail address, trimmed, with the domain in lower case."""
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("Enter an e-mail address."), code="required")
    try:
        django_validate_email(text)
    except ValidationError:
        raise ValidationError(
            _("Enter an e-mail address in the correct format, like name@example.kz."),
            code="invalid_email",
        ) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


# --- bank details ---------------------------------------------------------------------------------


def normalise_kz_iban(value: str) -> str:
    """A Kazakh IBAN (20 characters, ``KZ`` + 2 check digits + 3-digit bank code + 13
    characters of the account), compact and in upper case; the check digits are verified."""
    text = re.sub(r"\s", "", str(value or "")).upper()
    if not text:
        raise ValidationError(_("Enter the IBAN of the account."), code="required")
    if not text.startswith("KZ"):
        raise ValidationError(
            _("Enter the IBAN of an account in a bank in Kazakhstan: it starts with KZ."),
            code="iban_not_kazakh",
        )
    try:
        iban = IBAN(text)
    except SchwiftyException:
        raise ValidationError(
            _("Enter a valid IBAN: 20 characters starting with KZ, like KZ86125KZT5004100100."),
            code="invalid_iban",
        ) from None
    return iban.compact


def normalise_bic(value: str) -> str:
    """A BIC (SWIFT code) of a bank in Kazakhstan, in upper case (8 or 11 characters)."""
    text = re.sub(r"\s", "", str(value or "")).upper()
    if not text:
        raise ValidationError(_("Enter the BIC of the bank."), code="required")
    try:
        bic = BIC(text)
    except SchwiftyException:
        raise ValidationError(
            _("Enter a valid BIC: 8 or 11 letters and digits, like HSBKKZKX."),
            code="invalid_bic",
        ) from None
    if bic.country_code != "KZ":
        raise ValidationError(
            _("Enter the BIC of a bank in Kazakhstan (its 5th and 6th letters are KZ)."),
            code="bic_not_kazakh",
        )
    return str(bic)


def check_iban_matches_bic(*, iban: str, bic: str) -> None:
    """The BIC must be the one of the bank that keeps the IBAN's account, when the bank registry
    knows the IBAN's bank code."""
    try:
        expected = IBAN(iban).bic
    except SchwiftyException:
        return
    if expected is None:
        return
    if str(expected)[:8] != str(bic)[:8]:
        raise ValidationError(
            _("The BIC does not belong to the bank of this IBAN (its bank's BIC is %(bic)s).")
            % {"bic": str(expected)},
            code="iban_bic_mismatch",
        )


def bank_name_for(iban: str) -> str:
    """The bank's name from the IBAN's bank code (empty when the registry does not know it)."""
    try:
        return IBAN(iban).bank_name or ""
    except SchwiftyException:
        return ""
