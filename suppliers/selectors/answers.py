"""The application's answers as the supplier gave them, section by section (SUP-4, SUP-7).

The read model of the cabinet's "check your answers" page (GOV.UK pattern), and of any page that
shows a filed application as a whole, such as the commission's review: the questions as the
cabinet's forms ask them, the answers, and the documents uploaded with each section.
"""

from __future__ import annotations

import dataclasses

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from suppliers.amounts import money
from suppliers.forms import ROW_TITLES, SECTION_FORMS, offer_choices
from suppliers.models import Application, Section, SupportingDocument
from suppliers.selectors.rows import addresses_of, documents_of, offerings_of, specialists_of
from suppliers.selectors.sections import document_requirements, sections_for
from suppliers.selectors.state_data import state_data_rows


@dataclasses.dataclass(frozen=True)
class AnswerSection:
    """One section of the application: its (question, answer) rows and its documents."""

    section: str
    title: str
    rows: list[tuple[str, str]]
    documents: list[SupportingDocument]
    # False for what the supplier cannot change: state data the state systems confirmed all of
    # (issue 9, item 7: no "Change" link where nothing can be changed).
    changeable: bool = True


def application_answers(*, application: Application) -> list[AnswerSection]:
    """The sections of ``application`` in task-list order, each with the supplier's answers
    and the documents uploaded for it."""
    documents = documents_of(application)
    requirements = document_requirements(application)
    answers = []
    for section in sections_for(application):
        types = {r.doc_type for r in requirements if r.section == section}
        answers.append(
            AnswerSection(
                section=section,
                title=Section(section).label,
                rows=section_answers(application, section),
                documents=[d for d in documents if d.doc_type in types],
                changeable=section != Section.STATE_DATA
                or any(row.needs_proof for row in state_data_rows(application)),
            )
        )
    return answers


def _answer(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return _text(value)


def _text(value) -> str:
    if value is None or value == "":
        return ""
    return str(value)


def section_answers(application: Application, section_: str) -> list[tuple[str, str]]:
    """(question, answer) pairs of a section, as the supplier gave them."""
    if section_ == Section.OFFERS:
        labels = dict(offer_choices(application.edition))
        offers = "\n".join(capfirst(str(labels.get(o, o))) for o in application.offers)
        return [(_("What you offer"), offers)]
    if section_ == Section.STATE_DATA:
        rows = []
        for row in state_data_rows(application):
            value = row.value if row.confirmed else row.supplied_value
            rows.append((capfirst(str(row.text)), value))
        return rows
    if section_ in SECTION_FORMS and section_ != Section.CONSENTS:
        form_fields = SECTION_FORMS[section_].base_fields
        return [
            (capfirst(str(form_fields[name].label)), _answer(getattr(application, name)))
            for name in SECTION_FORMS[section_]._meta.fields
        ]
    if section_ == Section.CONSENTS:
        publication = application.consent_publication
        return [
            (
                _("Consent to the processing of personal data"),
                _("Given") if application.consent_personal_data else "",
            ),
            (
                _("Consent to publication in the registers"),
                "" if publication is None else (_("Yes") if publication else _("No")),
            ),
        ]
    if section_ == Section.OFFERINGS:
        return [
            (
                f"{o.classifier_item.code} {o.classifier_item.name}",
                "\n".join(
                    part
                    for part in (
                        o.characteristics,
                        _("Price: %(price)s tenge per %(unit)s")
                        % {"price": money(o.price), "unit": o.unit or "—"}
                        if o.price is not None
                        else "",
                        _("In stock: %(quantity)s") % {"quantity": o.stock_quantity}
                        if o.stock_quantity is not None
                        else "",
                    )
                    if part
                ),
            )
            for o in offerings_of(application)
        ]
    if section_ == Section.ADDRESSES:
        return [
            (ROW_TITLES[section_] % {"n": n}, str(a))
            for n, a in enumerate(addresses_of(application), start=1)
        ]
    if section_ == Section.SPECIALISTS:
        return [
            (
                s.full_name or ROW_TITLES[section_] % {"n": n},
                "\n".join(
                    p
                    for p in (
                        s.position,
                        s.education,
                        s.qualification,
                        _("Experience: %(years)s years") % {"years": s.experience_years}
                        if s.experience_years is not None
                        else "",
                    )
                    if p
                ),
            )
            for n, s in enumerate(specialists_of(application), start=1)
        ]
    return []
