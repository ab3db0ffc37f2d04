"""Validation of what suppliers enter and upload: phones, e-mail, IBAN/BIC, hostile files."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise

from suppliers import validators
from tests.suppliers.factories import image_bytes, pdf_bytes


def _code(excinfo) -> str:
    return excinfo.value.error_list[0].code


# --- phones ---


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    "typed",
    ["+7 701 123 45 67", "8 (701) 123-45-67", "87011234567", "7011234567", "+77011234567"],
)
def test_kazakh_mobile_numbers_are_normalised_to_e164(typed):
    assert validators.normalise_kz_phone(typed, mobile=True) == "+77011234567"


@pytest.mark.req("SUP-4")
def test_a_landline_is_a_contact_phone_but_not_a_mobile_phone():
    assert validators.normalise_kz_phone("8 7172 12 34 56") == "+77172123456"
    with pytest.raises(ValidationError) as excinfo:
        validators.normalise_kz_phone("8 7172 12 34 56", mobile=True)
    assert _code(excinfo) == "not_mobile"


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("+7 495 123 45 67", "not_kazakh"),  # Moscow shares +7
        ("+44 20 7946 0958", "not_kazakh"),
        ("+7 701 123 45", "invalid_phone"),
        ("phone me", "invalid_phone"),
        ("", "required"),
    ],
)
def test_numbers_outside_kazakhstan_or_malformed_are_refused(typed, code):
    with pytest.raises(ValidationError) as excinfo:
        validators.normalise_kz_phone(typed)
    assert _code(excinfo) == code


# --- e-mail ---


@pytest.mark.req("SUP-4")
def test_email_is_checked_and_its_domain_lowered():
    assert validators.normalise_email("  Info@Ortopedia.KZ ") == "Info@ortopedia.kz"
    with pytest.raises(ValidationError) as excinfo:
        validators.normalise_email("info@@ortopedia")
    assert _code(excinfo) == "invalid_email"


# --- IBAN and BIC ---


@pytest.mark.req("SUP-4")
def test_kazakh_iban_is_accepted_in_compact_upper_case():
    assert validators.normalise_kz_iban("kz86 125k zt50 0410 0100") == "KZ86125KZT5004100100"


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("KZ87125KZT5004100100", "invalid_iban"),  # check digits wrong
        ("KZ86125KZT500410010", "invalid_iban"),  # one character short
        ("DE89370400440532013000", "iban_not_kazakh"),  # a valid German IBAN
        ("", "required"),
    ],
)
def test_wrong_or_foreign_ibans_are_refused(typed, code):
    with pytest.raises(ValidationError) as excinfo:
        validators.normalise_kz_iban(typed)
    assert _code(excinfo) == code


@pytest.mark.req("SUP-4")
def test_bic_must_be_a_kazakh_bank_and_match_the_iban_bank():
    assert validators.normalise_bic("hsbk kz kx") == "HSBKKZKX"
    with pytest.raises(ValidationError) as excinfo:
        validators.normalise_bic("DEUTDEFF")
    assert _code(excinfo) == "bic_not_kazakh"
    with pytest.raises(ValidationError) as excinfo:
        validators.normalise_bic("HSBKKZ")
    assert _code(excinfo) == "invalid_bic"
    # KZ86125… is kept by the bank whose BIC schwifty's registry gives; another bank's BIC is not.
    validators.check_iban_matches_bic(iban="KZ86125KZT5004100100", bic="NBRKKZKX")
    with pytest.raises(ValidationError) as excinfo:
        validators.check_iban_matches_bic(iban="KZ86125KZT5004100100", bic="HSBKKZKX")
    assert _code(excinfo) == "iban_bic_mismatch"


# --- uploads ---


def _check(content: bytes, name: str):
    return validators.check_upload(io.BytesIO(content), name=name, size=len(content))


def test_a_real_pdf_jpeg_and_png_are_accepted_with_the_detected_type():
    assert _check(pdf_bytes(), "diploma.PDF").content_type == "application/pdf"
    assert _check(image_bytes("JPEG"), "photo.jpeg").content_type == "image/jpeg"
    assert _check(image_bytes("PNG"), "ramp.png").content_type == "image/png"


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03" + b"\x00" * 200, b"\x7fELF\x02\x01\x01" + b"\x00" * 200],
    ids=["windows-exe", "elf"],
)
def test_an_executable_named_pdf_is_refused_as_a_program(content):
    with pytest.raises(ValidationError) as excinfo:
        _check(content, "diploma.pdf")
    assert _code(excinfo) == "executable_file"


def test_an_oversize_file_is_refused_before_it_is_read(settings):
    settings.SUPPLIER_DOCUMENT_MAX_BYTES = 1024
    content = pdf_bytes(pages=20)
    assert len(content) > 1024
    with pytest.raises(ValidationError) as excinfo:
        _check(content, "big.pdf")
    assert _code(excinfo) == "file_too_large"
    assert "1.0" in str(excinfo.value.messages[0])  # "smaller than 1.0 KB"


def test_the_default_size_limit_is_ten_megabytes():
    from portal.settings import base

    assert base.SUPPLIER_DOCUMENT_MAX_BYTES == 10 * 1024 * 1024
    assert validators.max_document_bytes() == base.SUPPLIER_DOCUMENT_MAX_BYTES


def test_a_png_named_jpg_is_refused_because_content_and_extension_differ():
    with pytest.raises(ValidationError) as excinfo:
        _check(image_bytes("PNG"), "photo.jpg")
    assert _code(excinfo) == "extension_mismatch"
    assert "PNG" in excinfo.value.messages[0]


def test_a_truncated_pdf_is_refused_as_damaged():
    content = pdf_bytes()
    with pytest.raises(ValidationError) as excinfo:
        _check(content[: len(content) // 2], "half.pdf")
    assert _code(excinfo) == "damaged_file"


def test_a_pdf_header_over_garbage_is_refused_as_damaged():
    with pytest.raises(ValidationError) as excinfo:
        _check(b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n", "fake.pdf")
    assert _code(excinfo) == "damaged_file"


def test_a_truncated_image_is_refused_as_damaged():
    content = image_bytes("JPEG", size=(64, 64))
    with pytest.raises(ValidationError) as excinfo:
        _check(content[: len(content) // 2], "half.jpg")
    assert _code(excinfo) == "damaged_file"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "empty.pdf", "empty_file"),
        (b"GIF89a" + b"\x00" * 40, "anim.gif", "unsupported_type"),
        (b"PK\x03\x04" + b"\x00" * 40, "scan.docx", "unsupported_type"),
    ],
)
def test_empty_files_and_other_types_are_refused(content, name, code):
    with pytest.raises(ValidationError) as excinfo:
        _check(content, name)
    assert _code(excinfo) == code


def test_upload_messages_go_through_gettext():
    """Each refusal is a lazy translation, rendered in the language of the request."""
    with pytest.raises(ValidationError) as excinfo:
        _check(b"MZ" + b"\x00" * 100, "x.pdf")
    message = excinfo.value.error_list[0].message
    assert isinstance(message, Promise)
    with translation.override("en"):
        assert str(message).startswith("The file is a program")
