"""Benchmark of the Annex 1 PDF (SUP-7): ``python bench/annex_pdf.py [--offerings 10 100 500]``.

Renders the form from a plain context (no database: only WeasyPrint and the templates are timed)
in Kazakh and Russian with a growing list of offerings, and prints, for each, the time of the
first render in the process (WeasyPrint import, fonts), the median of the following ones, the
number of pages, the size of the PDF and the time to extract its text (``portal.pdf.pdf_text``).

Both happen once per edit, in the task started on its commit (``suppliers.tasks.prepare_annexes``,
issue 9 item 8), which stores the PDF with its text: the sign page then only reads them.
``bench/pages.py`` times the sign page's first visit after an edit.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")


def context(*, language: str, offerings: int) -> dict:
    rows = [
        {
            "code": f"07.{n:04d}",
            "name": f"Бөлмеге арналған мүгедектер арбасы / Кресло-коляска № {n}",
            "characteristics": "Ені 60 см, жүк көтергіштігі 120 кг; ширина 60 см",
            "unit": "дана",
            "price": f"{187_500 + n:,}".replace(",", "\u00a0") + ",00",
            "stock_quantity": str(n % 50),
        }
        for n in range(1, offerings + 1)
    ]
    return {
        "language": language,
        "number": 1,
        "form_template": f"suppliers/annex/form_2022_{language}.html",
        "edition": {"code": "2022", "order_number": "60", "order_date": "16.02.2022"},
        "form": {"annex": 1, "clause": "2022 p.9, Annex 1"},
        "supplier": {
            "name": "«Қазақстан Өңір Ұстаздары» ЖШС",
            "identifier": "100440000014",
            "kind": "legal entity",
        },
        "activity": "технические вспомогательные (компенсаторные) средства",
        "legal_address": "г. Алматы, Медеуский район, пр. Абая, 52",
        "email": "info@ustaz.example",
        "phone": "+77272501020",
        "mobile_phone": "+77011234567",
        "phones": "+77011234567, +77272501020",
        "fax": "",
        "consent_personal_data": True,
        "consent_personal_data_mark": "☒",
        "asks_publication_consent": True,
        "consent_publication": True,
        "publication_yes_mark": "☒",
        "publication_no_mark": "☐",
        "date": {"day": "05", "month": "марта", "year": "2024", "iso": "2024-03-05"},
        "show_stock_quantity": False,
        "offerings": rows,
        "addresses": [],
        "specialists": [],
        "details": [("IBAN", "KZ86125KZT5004100100")],
        "state_data": [],
        "documents": [],
        "signatures": [],
        "signed_sha256": "",
        "eds_signer": "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from pypdf import PdfReader

    from portal.pdf import pdf_text
    from suppliers.annex.render import render_context

    started = time.perf_counter()
    render_context(context(language="kk", offerings=1))
    print(f"first render in the process (imports, fonts): {time.perf_counter() - started:.2f} s")
    print(f"{'language':<9}{'offerings':>10}{'median s':>10}{'pages':>7}{'KB':>8}{'text s':>8}")
    for offerings in args.offerings:
        for language in ("kk", "ru"):
            timings, pdf = [], b""
            for _ in range(args.repeat):
                started = time.perf_counter()
                pdf = render_context(context(language=language, offerings=offerings))
                timings.append(time.perf_counter() - started)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            started = time.perf_counter()
            pdf_text(pdf)
            extraction = time.perf_counter() - started
            print(
                f"{language:<9}{offerings:>10}{statistics.median(timings):>10.2f}"
                f"{pages:>7}{len(pdf) / 1024:>8.0f}{extraction:>8.2f}"
            )


if __name__ == "__main__":
    main()
