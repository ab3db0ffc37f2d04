"""``portal.pdf.render_pdf``, the one way the portal prints a form of the rules (issue 10, item 3):
tagged PDF/UA in the form's language, the shipped fonts embedded, WeasyPrint loaded only when a
PDF is made, and no file outside the form's own folder and the fonts, nor the network, read."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader

from portal.pdf import FONTS_DIR, ForbiddenResource, render_pdf

KAZAKH_LETTERS = "Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і"
FORM = """{% load i18n %}<!DOCTYPE html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>{% translate "Status" %}: <b>{{ text }}</b></p>{{ extra|safe }}</body>
</html>"""
CSS = 'html { font-family: "Annex Sans"; } b { font-weight: 700; }'


@pytest.fixture
def form(tmp_path, settings):
    """A form of its own: a template and a stylesheet in a folder of their own."""
    folder = tmp_path / "form"
    folder.mkdir()
    (folder / "form.html").write_text(FORM, encoding="utf-8")
    (folder / "form.css").write_text(CSS, encoding="utf-8")
    settings.TEMPLATES = [
        {
            **django_settings.TEMPLATES[0],
            "DIRS": [str(folder), *django_settings.TEMPLATES[0]["DIRS"]],
        }
    ]
    return folder


def render(form: Path, *, language: str = "kk", extra: str = "", css: str = "") -> bytes:
    if css:
        (form / "form.css").write_text(CSS + css, encoding="utf-8")
    return render_pdf(
        template="form.html",
        context={"title": "Хаттама", "text": KAZAKH_LETTERS, "extra": extra, "language": language},
        language=language,
        stylesheet=form / "form.css",
    )


def test_a_form_is_a_tagged_pdf_ua_document_in_its_language(form):
    reader = PdfReader(io.BytesIO(render(form, language="ru")))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ru"
    assert "/StructTreeRoot" in catalog
    assert 'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data().decode()
    text = " ".join(page.extract_text() for page in reader.pages)
    # The form's language, not the request's: gettext inside the template speaks Russian.
    assert "Статус" in text
    assert KAZAKH_LETTERS.split()[0] in text


def test_the_shipped_fonts_are_embedded(form):
    reader = PdfReader(io.BytesIO(render(form)))
    names = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert names == {"Annex-Sans", "Annex-Sans-Bold"}
    assert {p.name for p in FONTS_DIR.glob("*.ttf")} == {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}


def test_the_same_form_renders_to_the_same_bytes(form):
    assert render(form) == render(form)


@pytest.mark.parametrize(
    "extra",
    [
        '<img src="file:///etc/hostname" alt="">',
        '<img src="http://127.0.0.1:9/logo.png" alt="">',
        '<img src="../outside.png" alt="">',
    ],
)
def test_the_renderer_reads_no_file_outside_the_form_and_never_the_network(form, extra):
    (form.parent / "outside.png").write_bytes(b"\x89PNG")
    with pytest.raises(ForbiddenResource):
        render(form, extra=extra)


def test_a_stylesheet_cannot_reach_outside_its_folder_either(form):
    (form.parent / "font.ttf").write_bytes((FONTS_DIR / "DejaVuSans.ttf").read_bytes())
    with pytest.raises(ForbiddenResource):
        render(form, css='@font-face { font-family: "X"; src: url("../font.ttf"); }')


def test_weasyprint_is_loaded_only_when_a_pdf_is_made():
    probe = (
        "import sys, django; django.setup(); "
        "import portal.pdf, suppliers.annex, suppliers.services, suppliers.views; "
        "print('weasyprint' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"
