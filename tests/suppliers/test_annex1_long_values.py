"""SUP-7, ID-2: nothing the supplier entered is hidden in the Annex 1 they sign (issue 9, item 1).

Every free-text field is filled with as many Kazakh letters as it holds (500 at most) and no
space. The signer signs only what they can read, so each value must appear whole in the text of
the PDF (``portal.pdf.pdf_text``, the text the sign page shows), and every line of text must lie
inside the page: a word that does not wrap, or a table wider than the page, puts its end (or a
whole column) past the edge of the paper, where no one reads it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import random
from functools import cache
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from egov_gateway.models import StateRecord
from portal.editions import SupplierKind, edition_by_code
from portal.pdf import FONTS_DIR, pdf_text
from suppliers.annex import render_annex1
from suppliers.models import (
    Application,
    DocType,
    Offering,
    ServiceAddress,
    Specialist,
    SuppliedStateItem,
    SupportingDocument,
)
from tests.factories import ClassifierItemFactory, RegionFactory, UserFactory
from tests.suppliers.factories import ApplicationFactory, SupplierFactory, pdf_bytes

pytestmark = pytest.mark.django_db

KAZAKH_CAPITALS = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
KAZAKH_LETTERS = KAZAKH_CAPITALS + KAZAKH_CAPITALS.lower()
ON = datetime.date(2024, 3, 5)
MM = 72 / 25.4
# annex1.css: A4, margins 18mm 14mm 20mm 25mm
PAGE_WIDTH = 210 * MM
CONTENT_LEFT, CONTENT_RIGHT = 25 * MM, PAGE_WIDTH - 14 * MM


def unbroken(length: int, *, seed: int) -> str:
    """``length`` Kazakh letters without a space, different for every ``seed``."""
    chooser = random.Random(seed)
    return "".join(chooser.choice(KAZAKH_LETTERS) for _ in range(length))


def filled_application(kind: str) -> tuple[Application, list[str]]:
    """An application of ``kind`` whose every free-text field is full, and the values entered."""
    seeds = itertools.count(1)
    entered: list[str] = []

    def value(length: int = 500) -> str:
        text = unbroken(length, seed=next(seeds))
        entered.append(text)
        return text

    region = RegionFactory(kato="710000000")
    # The name typed at the start is not printed: the form shows the name the state certifies or,
    # as here, the one entered in its place among the state data (SUP-7).
    supplier = SupplierFactory(kind=kind, name=unbroken(500, seed=0), region=region)
    long_email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + ".kz"
    long_website = "https://" + "d" * 60 + ".kz/" + "e" * 120
    entered += [long_email, long_website]
    application = ApplicationFactory(
        supplier=supplier,
        edition_code="2022",
        mobile_phone="+77011234567",
        email=long_email,
        website=long_website,
        iban="KZ86125KZT5004100100",
        bic="KCJBKZKX",
        bank_name=value(255),
        department_type=value(255),
        department_kind=value(255),
        department_name=value(500),
        material_resources=value(500),
        staff_count=12,
        places_count=40,
        consent_personal_data=True,
        consent_publication=True,
        region=region,
    )
    item = ClassifierItemFactory(code="TEST-9-01")
    Offering.objects.create(
        application=application,
        classifier_item=item,
        characteristics=value(500),
        unit=value(50),
        price="100000000.00",  # the largest a form accepts,
    )
    ServiceAddress.objects.create(
        application=application,
        region=region,
        settlement=value(255),
        street=value(255),
        building=value(50),
        premises=value(50),
    )
    Specialist.objects.create(
        application=application,
        full_name=value(255),
        position=value(255),
        education=value(500),
        qualification=value(500),
        experience_years=40,
    )
    # No state system answered: every state-data item is what the supplier typed (SUP-5).
    entrant = UserFactory()
    for state_item in edition_by_code("2022").state_data_for(supplier_kind=kind):
        SuppliedStateItem.objects.create(
            application=application,
            item_code=state_item.code,
            value=value(500),
            entered_by=entrant,
        )
    content = pdf_bytes()
    document = SupportingDocument(
        application=application,
        doc_type=DocType.CONFORMITY_CERTIFICATE,
        original_name=value(250) + ".pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=entrant,
    )
    document.file.save("upload.pdf", ContentFile(content), save=False)
    document.save()
    entered[-1] += ".pdf"
    assert not StateRecord.objects.filter(identifier=supplier.identifier).exists()
    return application, entered


@cache
def _advances(font_file: str) -> tuple[dict[int, int], int]:
    font = TTFont(Path(FONTS_DIR) / font_file)
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in cmap.items()}
    return widths, font["head"].unitsPerEm


def text_runs(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """Each piece of text drawn on each page: (page, text, left x, right x) in points.

    The right end is measured with the advances of the embedded font (DejaVu Sans, the
    shipped file), so a line that runs past the paper is seen although its text is there.
    """
    runs: list[tuple[int, str, float, float]] = []
    reader = PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            if not text.strip() or font is None:
                return
            bold = "Bold" in str(font.get("/BaseFont", ""))
            widths, units = _advances("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
            scale = size * tm[0] * cm[0] / units
            left = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            width = sum(widths.get(ord(ch), units) for ch in text.rstrip("\n")) * scale
            runs.append((number, text, left, left + width))

        page.extract_text(visitor_text=visit)
    return runs


KINDS = list(SupplierKind)


@pytest.mark.req("SUP-7", "ID-2")
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_value_entered_appears_whole_in_the_text_of_the_annex(kind, language):
    application, entered = filled_application(kind)

    text = pdf_text(render_annex1(application, language=language, on=ON))

    # Long words wrap; the line breaks are the only thing allowed between their letters.
    joined = "".join(text.split())
    missing = [value[:20] + "…" for value in entered if value not in joined]
    assert missing == []


@pytest.mark.req("SUP-7", "ID-2")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_line_of_the_annex_runs_past_the_edge_of_the_page(language):
    application, _entered = filled_application(SupplierKind.LEGAL_ENTITY)

    runs = text_runs(render_annex1(application, language=language, on=ON))

    assert runs
    outside = [
        (page, text[:30], round(left / MM), round(right / MM))
        for page, text, left, right in runs
        if left < CONTENT_LEFT - 1 or right > CONTENT_RIGHT + 1
    ]
    assert outside == []


# --------------------------------------------------------------------------------------------
# The EDS line and characters the fonts cannot draw
# --------------------------------------------------------------------------------------------


@pytest.mark.req("SUP-7", "ID-2")
@pytest.mark.parametrize(
    ("language", "line"),
    [("ru", "Удостоверено ЭЦП {name} (фамилия"), ("kk", "ЭЦҚ-мен куәландырылды {name} (")],
)
def test_the_eds_line_of_the_form_to_sign_names_the_supplier_or_the_head(language, line):
    from tests.suppliers.test_annex1_pdf import (
        ASSISTANT_NAME,
        assistant_application,
        legal_entity_application,
    )

    person = pdf_text(render_annex1(assistant_application(), language=language, on=ON))
    company = pdf_text(render_annex1(legal_entity_application(), language=language, on=ON))

    assert line.format(name=ASSISTANT_NAME) in " ".join(person.split())
    assert line.format(name="Басшы Ерлан Серікұлы") in " ".join(company.split())


@pytest.mark.req("SUP-7", "ID-2")
@pytest.mark.parametrize("typed", ["Пандус 🦄 бар", "Bell\x07char", "𝒜𝒷𝒸"])
def test_characters_the_form_cannot_print_are_refused_where_they_are_typed(typed):
    from suppliers.forms import BankDetailsForm, OfferingForm

    form = BankDetailsForm(data={"bank_name": typed})
    offering = OfferingForm(
        data={"characteristics": typed, "unit": "дана"},
        edition=edition_by_code("2022"),
    )

    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["bank_name"]] == ["unprintable"]
    assert "unprintable" in [e.code for e in offering.errors.as_data()["characteristics"]]
    assert "unit" not in offering.errors


@pytest.mark.req("SUP-7")
def test_kazakh_letters_and_the_punctuation_of_the_form_are_accepted():
    from suppliers.forms import BankDetailsForm

    form = BankDetailsForm(data={"bank_name": "«Қазақстан Халық Банкі» АҚ — №1; 100%\nжол"})

    assert form.is_valid(), form.errors


@pytest.mark.req("SUP-7")
def test_a_file_whose_name_the_form_cannot_print_is_refused():
    from django.core.exceptions import ValidationError

    from suppliers.validators import check_upload

    with pytest.raises(ValidationError) as refused:
        check_upload(io.BytesIO(pdf_bytes()), name="сертификат🦄.pdf")

    assert refused.value.code == "unprintable_name"
