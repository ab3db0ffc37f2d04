"""PDFs of the forms of the rules: one template per annex, rendered to tagged PDF (PDF/UA).

Every form the portal prints (Annex 1, the supplier's application; the commission's protocol,
Annex 2; Annex 3) goes through :func:`render_pdf`:

- the template is rendered in the form's language (``kk`` or ``ru``), not the request's;
- WeasyPrint, heavy (Pango, HarfBuzz, its font machinery), is imported only when a PDF is made,
  not in every process that imports an app;
- the output is PDF/UA-1, so screen readers can read the signed document;
- the fonts are shipped with the code (``portal/fonts/``, DejaVu Sans as "Annex Sans", declared
  in ``portal/fonts/fonts.css``) and embedded, so the bytes do not depend on the fonts of the
  machine and cover the Kazakh letters;
- the renderer reads files from the shipped fonts and the form's own folder (its stylesheet)
  only: never the network, never another file, whatever a supplier typed into the data; a missing
  file stops the rendering rather than falling back silently to a system font.

The same template, context and language give the same bytes, which is what lets a signed
document be shown again and checked against what was signed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.template.loader import render_to_string
from django.utils.translation import override

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONTS_STYLESHEET = FONTS_DIR / "fonts.css"
PDF_VARIANT = "pdf/ua-1"


class ForbiddenResource(ValueError):
    """The template or a stylesheet asked for a file outside the allowed folders, or the network."""


def render_pdf(
    *,
    template: str,
    context: Mapping[str, Any],
    language: str,
    stylesheet: Path | None = None,
) -> bytes:
    """``template`` rendered with ``context`` in ``language``, as tagged PDF bytes (PDF/UA-1).

    ``stylesheet`` is the form's CSS file; it and the template may refer to files in the
    stylesheet's folder (relative URLs resolve against it) and use the font "Annex Sans".
    """
    # Imported here: WeasyPrint loads Pango, HarfBuzz and fontconfig (see the module docstring).
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    with override(language):
        html = render_to_string(template, dict(context))
    form_dir = stylesheet.resolve().parent if stylesheet is not None else FONTS_DIR
    fetcher = package_files_fetcher(folders=(FONTS_DIR, form_dir))
    fonts = FontConfiguration()
    try:
        stylesheets = [
            CSS(
                filename=str(path),
                base_url=path.resolve().parent.as_uri() + "/",
                url_fetcher=fetcher,
                font_config=fonts,
            )
            for path in (FONTS_STYLESHEET, *([stylesheet] if stylesheet is not None else []))
        ]
        document = HTML(string=html, base_url=form_dir.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=stylesheets, font_config=fonts, pdf_variant=PDF_VARIANT
        )
    except FatalURLFetchingError as error:
        # WeasyPrint wraps what the fetcher raised; a refused file is the caller's to know.
        if isinstance(error.__cause__, ForbiddenResource):
            raise error.__cause__ from error
        raise


def package_files_fetcher(*, folders: Iterable[Path]) -> URLFetcher:
    """A WeasyPrint URL fetcher that reads ``file:`` URLs inside ``folders`` only and fails on
    anything else (another file, ``http:``, ``data:`` …) or a missing file."""
    from weasyprint.urls import URLFetcher

    allowed = tuple(folder.resolve() for folder in folders)

    class PackageFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            path = Path(url2pathname(parsed.path)).resolve()
            if parsed.scheme != "file" or not any(folder in path.parents for folder in allowed):
                raise ForbiddenResource(f"a PDF of the portal reads only its own files, not {url}")
            return super().fetch(url, headers)

    return PackageFilesOnly(allowed_protocols=("file",), fail_on_errors=True)


# What a PDF may contain besides the fonts' letters: line breaks and tabs of the text typed.
_LAYOUT_CHARACTERS = frozenset("\n\r\t")


@functools.cache
def _drawable_characters() -> frozenset[int]:
    """The code points every shipped font draws (both weights: a value may be printed bold)."""
    # WeasyPrint's own dependency (no type hints); the fonts are read once per process.
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    covered: set[int] | None = None
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = TTFont(FONTS_DIR / name, lazy=True)
        codes = set(font.getBestCmap())
        covered = codes if covered is None else covered & codes
    return frozenset(covered or ())


def characters_without_glyph(text: str) -> str:
    """The characters of ``text`` that the fonts of the portal's PDFs cannot draw, each once in
    the order they come (emoji, scripts DejaVu Sans lacks). A PDF would show them as empty boxes,
    so what a person signs would not be what they typed: forms refuse them (issue 9, item 1)."""
    drawable = _drawable_characters()
    missing: dict[str, None] = {}
    for character in text:
        if ord(character) not in drawable and character not in _LAYOUT_CHARACTERS:
            missing.setdefault(character)
    return "".join(missing)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, shown on a signing page next to the link to the PDF itself.

    Extracting it takes about a second per page, and a signing page shows the same bytes on every
    visit: the text is kept per process for the last PDFs asked (by their SHA-256; issue 12)."""
    return _pdf_text(hashlib.sha256(pdf).hexdigest(), pdf)


@lru_cache(maxsize=16)
def _pdf_text(digest: str, pdf: bytes) -> str:
    import io

    from pypdf import PdfReader  # heavy, and only the signing pages need it

    reader = PdfReader(io.BytesIO(pdf))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()
