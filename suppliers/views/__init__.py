"""The supplier cabinet's pages (Кабинет поставщика; SUP-2 … SUP-10, E20-1 … E20-3, CAL-2).

Thin views: they read through ``suppliers.selectors``, change state only through
``suppliers.services``, and keep everything the person typed when something is refused. Pages of
the current draft live under ``/cabinet/application/``; a past application is reached by its id
(``/cabinet/applications/<id>/``), only by the people who act for its supplier.
"""

from suppliers.forms import ROW_TITLES, SECTION_FORMS
from suppliers.views.common import (
    ADD_ROW_LABELS,
    READ_ONLY_SECTIONS,
    ROW_FIELDS,
    ROW_SECTIONS,
    cabinet_page,
    may_sign_for,
)
from suppliers.views.deregistration import (
    deregistration,
    deregistration_pdf,
    deregistration_sign,
    deregistration_status,
)
from suppliers.views.documents import annex_pdf, document, upload_prefix
from suppliers.views.sections import SectionPage, application, section
from suppliers.views.start import cabinet, new_application, offer, start
from suppliers.views.status import status, submitted, withdraw
from suppliers.views.submission import check_answers, completeness, sign

__all__ = [
    "ADD_ROW_LABELS",
    "READ_ONLY_SECTIONS",
    "ROW_FIELDS",
    "ROW_SECTIONS",
    "ROW_TITLES",
    "SECTION_FORMS",
    "SectionPage",
    "annex_pdf",
    "application",
    "cabinet",
    "cabinet_page",
    "check_answers",
    "completeness",
    "deregistration",
    "deregistration_pdf",
    "deregistration_sign",
    "deregistration_status",
    "document",
    "may_sign_for",
    "new_application",
    "offer",
    "section",
    "sign",
    "start",
    "status",
    "submitted",
    "upload_prefix",
    "withdraw",
]
