"""Uploaded documents checked by their content, not by their name: PDF, JPEG and PNG within a size
limit (issue 5, item 4), refused when they bomb or carry active content (issue 9, item 4). One
check for every upload of the portal: the supplier's supporting documents in the cabinet, a
recipient's evidence for a complaint and the supplier's answer to it.

The validators raise ``django.core.exceptions.ValidationError`` with a translated message and a
stable ``code``.
"""

from __future__ import annotations

import dataclasses
import io
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.pdf import characters_without_glyph

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
    if characters_without_glyph(name):
        raise ValidationError(
            _(
                "The file name has characters the application form cannot print: "
                "%(characters)s. Rename the file and upload it again."
            )
            % {"characters": " ".join(characters_without_glyph(name))},
            code="unprintable_name",
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
    """A PDF must end with its end-of-file marker, open with every page readable, carry no active
    content (scripts, actions run on opening, launched programs, embedded files) and not unpack
    to more than ``SUPPLIER_PDF_MAX_UNPACKED_BYTES`` (issue 9, item 4)."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

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
        _check_pdf_objects(reader)
    except ValidationError:
        raise
    except LimitReachedError:
        raise _unpacks_too_large() from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise _damaged() from None


# Active content a document has no need for: what a PDF reader would run or open by itself.
_PDF_ACTIVE_KEYS = {
    "/JS": "pdf_javascript",
    "/JavaScript": "pdf_javascript",
    "/AA": "pdf_actions",
    "/EmbeddedFiles": "pdf_embedded_files",
    "/EF": "pdf_embedded_files",
}
_PDF_ACTIVE_VALUES = {
    ("/S", "/JavaScript"): "pdf_javascript",
    ("/S", "/Launch"): "pdf_launch",
    ("/Type", "/EmbeddedFile"): "pdf_embedded_files",
    ("/Subtype", "/FileAttachment"): "pdf_embedded_files",
}
# Walking a hostile file's objects must end: a real document has far fewer.
_PDF_MAX_OBJECTS = 200_000


def _check_pdf_objects(reader: Any) -> None:
    """Every object reachable from the trailer: no active content, and the compressed streams
    unpack within the limit (each decompressed only up to what is left of it)."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        StreamObject,
    )

    budget = settings.SUPPLIER_PDF_MAX_UNPACKED_BYTES
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    visited = 0
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            raise _damaged()
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                target = value.get_object() if isinstance(value, IndirectObject) else value
                # An open action that is a destination (open at a page) is harmless; an action
                # dictionary other than "go to" is not.
                if name == "/OpenAction" and isinstance(target, DictionaryObject):
                    if target.get("/S") != "/GoTo":
                        raise _active_content("pdf_actions")
                elif name in _PDF_ACTIVE_KEYS:
                    raise _active_content(_PDF_ACTIVE_KEYS[name])
                if isinstance(target, NameObject):
                    code = _PDF_ACTIVE_VALUES.get((name, str(target)))
                    if code:
                        raise _active_content(code)
                pending.append(value)
            if isinstance(node, StreamObject):
                budget -= _unpacked_size(node, limit=budget)
                if budget < 0:
                    raise _unpacks_too_large()
        elif isinstance(node, ArrayObject):
            pending.extend(node)


def _unpacked_size(stream, *, limit: int) -> int:
    """How many bytes ``stream`` unpacks to, counted up to ``limit`` + 1 (Flate only: the filter
    that bombs; other data counts as stored)."""
    import zlib

    raw = stream._data if hasattr(stream, "_data") else b""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters or "")]
    if not names or names[0] not in ("/FlateDecode", "/Fl"):
        return len(raw)
    inflater = zlib.decompressobj()
    total = 0
    chunk = raw
    try:
        while chunk and total <= limit:
            out = inflater.decompress(chunk, max(1, min(limit + 1 - total, 1 << 20)))
            total += len(out)
            chunk = inflater.unconsumed_tail
            if not out and not chunk:
                break
    except zlib.error:
        raise _damaged() from None
    return total


def _active_content(code: str) -> ValidationError:
    messages = {
        "pdf_javascript": _(
            "The PDF contains JavaScript. Save it as a plain PDF without scripts (for example, "
            "print it to PDF) and upload it again."
        ),
        "pdf_actions": _(
            "The PDF runs actions by itself when it is opened or read. Save it as a plain PDF "
            "(for example, print it to PDF) and upload it again."
        ),
        "pdf_launch": _(
            "The PDF tries to start programs or open other files. Save it as a plain PDF (for "
            "example, print it to PDF) and upload it again."
        ),
        "pdf_embedded_files": _(
            "The PDF has other files attached inside it. Upload each document as its own file."
        ),
    }
    return ValidationError(messages[code], code=code)


def _unpacks_too_large() -> ValidationError:
    return ValidationError(
        _(
            "The PDF unpacks to more than %(limit)s when it is opened. Save it again with "
            "smaller images, or scan it at a lower resolution, and upload it again."
        )
        % {"limit": filesizeformat(settings.SUPPLIER_PDF_MAX_UNPACKED_BYTES)},
        code="pdf_unpacks_too_large",
    )


def _image_too_large() -> ValidationError:
    return ValidationError(
        _(
            "The image has too many pixels: at most %(limit)s megapixels. Scan or photograph "
            "it at a lower resolution and upload it again."
        )
        % {"limit": settings.SUPPLIER_IMAGE_MAX_PIXELS // 1_000_000},
        code="image_too_large",
    )


def _check_image(file: IO[bytes], content_type: str) -> None:
    """The image's header is read first: more than ``SUPPLIER_IMAGE_MAX_PIXELS`` pixels is
    refused before anything is decoded (Pillow's decompression-bomb check made an error, not a
    warning); then the whole image must decode."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    expected = {JPEG: "JPEG", PNG: "PNG"}[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format != expected:
                    raise _damaged()
                width, height = image.size
                if width * height > settings.SUPPLIER_IMAGE_MAX_PIXELS:
                    raise _image_too_large()
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                image.load()  # verify() does not decode the pixels; a truncated image fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _image_too_large() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _damaged() from None
