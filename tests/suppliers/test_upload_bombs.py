"""SUP-5: uploads that bomb or carry active content are refused (issue 9, item 4).

Each refusal has its own translated message and stores nothing. The hostile files are made here
with pypdf and Pillow, as an attacker would make them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from suppliers import services, validators
from suppliers.models import DocType, SupportingDocument
from tests.suppliers.factories import (
    ApplicationFactory,
    image_bytes,
    private_media,  # noqa: F401 - autouse: uploads go to a temporary folder
    representative,
)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf_with_javascript() -> bytes:
    """A document-level script (the catalog's /Names /JavaScript tree), run when it opens."""
    writer = _writer()
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("run"), writer._add_object(script)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _written(writer)


def pdf_with_open_action() -> bytes:
    writer = _writer()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("https://attacker.example/track"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_page_actions() -> bytes:
    writer = _writer()
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("https://attacker.example/"),
                }
            )
        }
    )
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00" + b"\x00" * 100)
    return _written(writer)


def pdf_with_launch_action() -> bytes:
    writer = _writer()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("cmd.exe"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _written(writer)


def pdf_that_unpacks_to(size: int) -> bytes:
    """A small PDF with a stream of ``size`` zero bytes, Flate-compressed (a zip bomb's way)."""
    writer = _writer()
    stream = DecodedStreamObject()
    stream.set_data(b"\x00" * size)
    writer.pages[0][NameObject("/PieceInfo")] = writer._add_object(stream.flate_encode())
    return _written(writer)


def refusal(content: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validators.check_upload(io.BytesIO(content), name=name)
    return refused.value


@pytest.mark.req("SUP-5")
@pytest.mark.parametrize(
    ("make", "code"),
    [
        (pdf_with_javascript, "pdf_javascript"),
        (pdf_with_open_action, "pdf_actions"),
        (pdf_with_page_actions, "pdf_actions"),
        (pdf_with_embedded_file, "pdf_embedded_files"),
        (pdf_with_launch_action, "pdf_launch"),
    ],
)
def test_a_pdf_with_active_content_is_refused_with_its_own_message(make, code):
    error = refusal(make(), "document.pdf")

    assert error.code == code
    with translation.override("ru"):
        russian = str(error.message)
    with translation.override("kk"):
        kazakh = str(error.message)
    assert russian != kazakh != str(error.message)
    assert "PDF" in russian


@pytest.mark.req("SUP-5")
def test_a_pdf_opening_at_a_page_is_not_active_content():
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )

    checked = validators.check_upload(io.BytesIO(_written(writer)), name="scan.pdf")

    assert checked.content_type == "application/pdf"


@pytest.mark.req("SUP-5")
def test_a_pdf_whose_streams_unpack_beyond_the_limit_is_refused(settings):
    settings.SUPPLIER_PDF_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = pdf_that_unpacks_to(8 * 1024 * 1024)
    assert len(bomb) < 20_000  # small on the wire

    error = refusal(bomb, "bomb.pdf")

    assert error.code == "pdf_unpacks_too_large"
    assert "1.0\xa0MB" in str(error.message)


@pytest.mark.req("SUP-5")
def test_a_pdf_that_unpacks_within_the_limit_is_accepted(settings):
    settings.SUPPLIER_PDF_MAX_UNPACKED_BYTES = 1024 * 1024

    checked = validators.check_upload(io.BytesIO(pdf_that_unpacks_to(512 * 1024)), name="a.pdf")

    assert checked.content_type == "application/pdf"


@pytest.mark.req("SUP-5")
def test_the_default_limits_are_fifty_megapixels_and_a_hundred_megabytes_unpacked(settings):
    assert settings.SUPPLIER_IMAGE_MAX_PIXELS == 50_000_000
    assert settings.SUPPLIER_PDF_MAX_UNPACKED_BYTES == 100 * 1024 * 1024


def png_of(width: int, height: int) -> bytes:
    """A PNG of one-bit pixels: small to send, ``width × height`` pixels to decode."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.req("SUP-5")
def test_an_image_above_fifty_megapixels_is_refused_before_it_is_decoded():
    bomb = png_of(7100, 7100)  # 50.4 megapixels
    assert len(bomb) < 200_000

    error = refusal(bomb, "photo.png")

    assert error.code == "image_too_large"
    assert "50" in str(error.message)


@pytest.mark.req("SUP-5")
def test_pillows_decompression_bomb_warning_is_an_error(settings, monkeypatch):
    from PIL import Image

    settings.SUPPLIER_IMAGE_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow's own limit, here 100 pixels

    error = refusal(image_bytes("PNG", size=(11, 11)), "photo.png")

    assert error.code == "image_too_large"


@pytest.mark.req("SUP-5")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("script.pdf", pdf_with_javascript, "pdf_javascript"),
        ("attached.pdf", pdf_with_embedded_file, "pdf_embedded_files"),
        ("huge.png", lambda: png_of(7100, 7100), "image_too_large"),
    ],
)
def test_a_refused_upload_stores_nothing(settings, name, make, code):
    application = ApplicationFactory()
    user = representative(application.supplier)

    with pytest.raises(ValidationError) as refused:
        services.add_document(
            application=application,
            uploaded_file=SimpleUploadedFile(name, make(), "application/octet-stream"),
            doc_type=DocType.DIPLOMA,
            user=user,
        )

    assert refused.value.error_list[0].code == code
    assert not SupportingDocument.objects.exists()
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))
