"""Completeness, check answers, sign and submit (SUP-6 … SUP-8)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from egov_gateway.eds.errors import SignatureError
from egov_gateway.eds.forms import SignatureForm
from egov_gateway.eds.ncalayer import SigningRequest
from egov_gateway.eds.signer import Purpose
from suppliers import forms, selectors, services
from suppliers.models import (
    AnnexDocument,
    Application,
    Section,
)
from suppliers.views.common import (
    ROW_TITLES,
    SECTION_FORMS,
    _acting_bin,
    cabinet_page,
    may_sign_for,
)

# --- completeness, check answers, sign and submit (SUP-6 … SUP-8) ---------------------------


@cabinet_page(draft=True)
def completeness(request: HttpRequest) -> HttpResponse:
    """Every missing or invalid item, each linked to its field (SUP-6; 2022 p.8)."""
    application = request.application
    problems = selectors.completeness_problems(application)
    groups: list[dict] = []
    for problem in problems:
        if not groups or groups[-1]["section"] != problem.section:
            groups.append(
                {
                    "section": problem.section,
                    "title": Section(problem.section).label,
                    "problems": [],
                }
            )
        groups[-1]["problems"].append(problem)
    return render(
        request,
        "suppliers/completeness.html",
        {"application": application, "groups": groups, "problem_count": len(problems)},
    )


@cabinet_page(draft=True)
def check_answers(request: HttpRequest) -> HttpResponse:
    """Check your answers before signing (GOV.UK pattern), each with a "Change" link."""
    application = request.application
    problems = selectors.completeness_problems(application)
    return render(
        request,
        "suppliers/check_answers.html",
        {
            "application": application,
            "supplier": application.supplier,
            "cards": _answer_cards(application),
            "problem_count": len(problems),
            "findings": selectors.admission_findings(application=application),
        },
    )


def _answer_cards(application: Application) -> list[dict]:
    cards = []
    for section_ in selectors.sections_for(application):
        cards.append(
            {
                "section": section_,
                "title": Section(section_).label,
                "rows": _answers_of(application, section_),
                "documents": [],
            }
        )
    documents = list(selectors.documents_of(application))
    requirements = selectors.document_requirements(application)
    for card in cards:
        types = {r.doc_type for r in requirements if r.section == card["section"]}
        card["documents"] = [d for d in documents if d.doc_type in types]
    return cards


def _answer(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return _text(value)


def _text(value) -> str:
    if value is None or value == "":
        return ""
    return str(value)


def _answers_of(application: Application, section_: str) -> list[tuple[str, str]]:
    """(question, answer) pairs of a section, as the supplier gave them."""
    if section_ == Section.OFFERS:
        labels = dict(forms.offer_choices(application.edition))
        offers = "\n".join(capfirst(str(labels.get(o, o))) for o in application.offers)
        return [(_("What you offer"), offers)]
    if section_ == Section.STATE_DATA:
        rows = []
        for row in selectors.state_data_rows(application):
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
                        % {"price": o.price, "unit": o.unit or "—"}
                        if o.price is not None
                        else "",
                        _("In stock: %(quantity)s") % {"quantity": o.stock_quantity}
                        if o.stock_quantity is not None
                        else "",
                    )
                    if part
                ),
            )
            for o in application.offerings.select_related("classifier_item")
        ]
    if section_ == Section.ADDRESSES:
        return [
            (ROW_TITLES[section_] % {"n": n}, str(a))
            for n, a in enumerate(application.addresses.select_related("region"), start=1)
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
            for n, s in enumerate(application.specialists.all(), start=1)
        ]
    return []


def _annex_language(request: HttpRequest) -> str:
    chosen = request.POST.get("language") or request.GET.get("language")
    if chosen in services.ANNEX_LANGUAGES:
        return chosen
    current = (get_language() or "kk")[:2]
    return current if current in services.ANNEX_LANGUAGES else "kk"


def annex_text(pdf: bytes) -> str:
    """The text of the Annex 1 PDF, shown on the page next to the link to the PDF itself."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()


@cabinet_page(draft=True)
def sign(request: HttpRequest) -> HttpResponse:
    """Annex 1 in Kazakh and Russian (SUP-7), the choice of the language signed, and the
    signature of its exact bytes with EDS, which submits the application (SUP-8, CAL-2)."""
    application = request.application
    supplier = application.supplier
    language = _annex_language(request)
    try:
        annexes = {
            code: services.prepare_annex(application=application, language=code, user=request.user)
            for code in services.ANNEX_LANGUAGES
        }
    except services.ApplicationIncomplete:
        messages.warning(
            request, _("Your application is not complete yet. Correct the items listed.")
        )
        return redirect("suppliers:completeness")
    except services.SupplierActionError as error:
        messages.warning(request, str(error))
        return redirect("suppliers:application")
    annex = annexes[language]
    may_sign = may_sign_for(request, supplier)
    form = SignatureForm(request.POST or None)
    if request.method == "POST" and may_sign and form.is_valid():
        posted = AnnexDocument.objects.filter(
            pk=request.POST.get("annex") or 0, application=application
        ).first()
        try:
            if posted is None or posted.pk != annex.pk:
                raise services.StaleAnnex()
            services.submit_application(
                application=application,
                annex=posted,
                user=request.user,
                cms=form.cleaned_data["cms"],
            )
        except services.ApplicationIncomplete:
            return redirect("suppliers:completeness")
        except (SignatureError, services.SupplierActionError) as error:
            form.add_error(None, str(error))
        else:
            return redirect("suppliers:submitted", pk=application.pk)
    language_form = forms.AnnexLanguageForm(initial={"language": language})
    signing = SigningRequest(
        data=bytes(annex.pdf),
        purpose=Purpose.SIGN,
        iin=request.user.iin,
        bin=_acting_bin(supplier),
        title=_("Application for admission and registration on the portal (Annex 1)"),
        text=annex_text(bytes(annex.pdf)),
        pdf_url=reverse("suppliers:annex-pdf", args=[application.pk, annex.pk]),
        button_label=_("Sign and submit the application"),
        hidden_fields={"annex": str(annex.pk), "language": language},
    )
    return render(
        request,
        "suppliers/sign.html",
        {
            "application": application,
            "supplier": supplier,
            "annexes": [
                {
                    "language": code,
                    "label": dict(forms.AnnexLanguageForm.base_fields["language"].choices)[code],
                    "annex": item,
                    "url": reverse("suppliers:annex-pdf", args=[application.pk, item.pk]),
                }
                for code, item in annexes.items()
            ],
            "language": language,
            "language_form": language_form,
            "signing": signing,
            "form": form,
            "may_sign": may_sign,
            "findings": selectors.admission_findings(application=application),
        },
    )


def answer_cards(application: Application) -> list[dict]:
    """The check-answers read model, section by section, for the commission's workspace."""
    return _answer_cards(application)
