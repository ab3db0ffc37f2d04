"""Uploaded documents checked by their content, not by their name: PDF, JPEG and PNG within a size
limit (issue 5, item 4). One check for every upload of the portal: the supplier's supporting
documents in the cabinet, a recipient's evidence for a complaint and the supplier's answer to it.

The validators raise ``django.core.exceptions.ValidationError`` with a translated message and a
stable ``code``.
"""

from __future__ import annotations

import dataclasses
import io
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ALLOWED_TYPES = {PDF: ("pdf",), JPEG: ("jpg", "jpeg"), PNG: ("png",)}


@dataclasses.dataclass(frozen=True)
class CheckedUpload:
    """What the content check established about an upload."""

    content_type: str
    size: int
    extension: str


def max_document_bytes() -> int:
    return settings.SUPPLIER_DOCUMENT_MAX_BYTES


def _detect(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _looks_executable(head: bytes) -> bool:
    return head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!"))


def check_upload(file: IO[bytes], *, name: str, size: int | None = None) -> CheckedUpload:
    """Check an uploaded document by its content, not by its name (issue 5, item 4).

    Accepted: PDF, JPEG and PNG files no larger than ``SUPPLIER_DOCUMENT_MAX_BYTES`` (10 MB by
    default) whose content is of the type their extension says and parses as such. Refused, each
    with its own message: an empty file, an oversize one, a program (whatever its name), a type
    other than the three, content that does not match the extension (a PNG named .jpg), and a
    damaged or truncated file.
    """
    limit = max_document_bytes()
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size == 0:
        raise ValidationError(_("The selected file is empty."), code="empty_file")
    if size > limit:
        raise ValidationError(
            _("The file must be smaller than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="file_too_large",
        )
    file.seek(0)
    head = file.read(16)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if _looks_executable(head):
        raise ValidationError(
            _("The file is a program, not a document. Upload a PDF, JPEG or PNG file."),
            code="executable_file",
        )
    detected = _detect(head)
    if detected is None:
        raise ValidationError(
            _("The file must be a PDF, JPEG or PNG document."), code="unsupported_type"
        )
    if extension not in ALLOWED_TYPES[detected]:
        raise ValidationError(
            _(
                "The file's content does not match its extension: it is a %(detected)s file. "
                "Rename it or upload the right file."
            )
            % {"detected": ALLOWED_TYPES[detected][0].upper()},
            code="extension_mismatch",
        )
    file.seek(0)
    if detected == PDF:
        _check_pdf(file)
    else:
        _check_image(file, detected)
    file.seek(0)
    return CheckedUpload(content_type=detected, size=size, extension=ALLOWED_TYPES[detected][0])


def _damaged() -> ValidationError:
    return ValidationError(
        _("The file is damaged or incomplete and cannot be opened. Upload it again."),
        code="damaged_file",
    )


def _check_pdf(file: IO[bytes]) -> None:
    """A PDF must end with its end-of-file marker and open with every page readable."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    data = file.read()
    # A truncated upload loses its trailer; pypdf would rebuild it and open the file anyway.
    if b"%%EOF" not in data[-1024:]:
        raise _damaged()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is protected with a password. Upload it without a password."),
                code="encrypted_pdf",
            )
        if len(reader.pages) < 1:
            raise _damaged()
        for page in reader.pages:
            page.mediabox  # noqa: B018 - reading the page dictionary is the check
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise _damaged() from None


def _check_image(file: IO[bytes], content_type: str) -> None:
    from PIL import Image, UnidentifiedImageError

    expected = {JPEG: "JPEG", PNG: "PNG"}[content_type]
    try:
        with Image.open(file) as image:
            if image.format != expected:
                raise _damaged()
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # verify() does not decode the pixels; a truncated image fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _damaged() from None
