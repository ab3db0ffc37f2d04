"""The supplier's application for deregistration as PDF (2022 Annex 3; 2020 Annex 2; DER-4).

One document holds both official languages: first the seed's own text (edition 2022: Russian;
edition 2020: Kazakh), then the project's translation, which says so in its footer, so that the
supplier signs one set of bytes that reads the same in both. The form's fixed wording is the
law's and lives in one template per edition and language
(``deregistration/application_form/form_<edition>_<language>.html``); ``portal.pdf.render_pdf``
makes the tagged PDF with the embedded fonts that cover the Kazakh letters.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.editions import Edition
from portal.pdf import render_pdf

STYLESHEET = (
    Path(__file__).resolve().parent
    / "templates"
    / "deregistration"
    / "application_form"
    / "application_form.css"
)
TEMPLATE = "deregistration/application_form/document.html"
FORM_TEMPLATE = "deregistration/application_form/form_{edition}_{language}.html"
# The language each edition gives its form in (the seeds); the other is the translation.
SEED_LANGUAGE = {"2022": "ru", "2020": "kk"}
LANGUAGES = ("ru", "kk")

# The fields of each edition's form, in the form's order (2022 Annex 3; 2020 Annex 2).
FORM_FIELDS = {
    "2022": (
        "name",
        "identifier",
        "activity",
        "legal_address",
        "email",
        "phone",
        "fax",
        "confirms_contacts",
        "confirms_documents",
        "consent_personal_data",
    ),
    "2020": (
        "name",
        "identifier",
        "registration_number",
        "activity",
        "legal_address",
        "email",
        "phone",
        "fax",
        "activity_address",
        "confirms_contacts",
        "confirms_documents",
        "consent_personal_data",
    ),
}


def form_fields(edition: Edition) -> tuple[str, ...]:
    """The fields the supplier fills under ``edition``, in the order of its form."""
    return FORM_FIELDS[edition.code]


def languages_of(edition: Edition) -> tuple[str, ...]:
    """The languages of the document, the seed's first."""
    seed = SEED_LANGUAGE.get(edition.code, "ru")
    return (seed, *(code for code in LANGUAGES if code != seed))


def render_application_form(
    *, edition: Edition, data: Mapping[str, Any], signer_name: str, on: datetime.date
) -> bytes:
    """The exact PDF bytes of the application with ``data`` (the fields of ``form_fields``),
    dated ``on``, with the name of the person who will sign it on the EDS line."""
    seed = SEED_LANGUAGE.get(edition.code, "ru")
    form_number = edition.form("deregistration_application").annex
    versions = [
        {
            "language": language,
            "template": FORM_TEMPLATE.format(edition=edition.code, language=language),
            "is_translation": language != seed,
            "data": dict(data),
            "signer_name": signer_name,
            "date": on,
            "annex": form_number,
        }
        for language in languages_of(edition)
    ]
    return render_pdf(
        template=TEMPLATE,
        context={"versions": versions, "name": data.get("name", ""), "date": on},
        language=seed,
        stylesheet=STYLESHEET,
    )
