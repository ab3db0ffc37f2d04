"""Completeness, check answers, sign and submit (SUP-6 … SUP-8)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from egov_gateway.eds.errors import SignatureError
from egov_gateway.eds.forms import SignatureForm
from egov_gateway.eds.ncalayer import SigningRequest
from egov_gateway.eds.signer import Purpose
from suppliers import forms, selectors, services
from suppliers.models import (
    AnnexDocument,
    Section,
)
from suppliers.views.common import (
    acting_bin,
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
            "cards": selectors.application_answers(application=application),
            "problem_count": len(problems),
            "findings": selectors.admission_findings(application=application),
        },
    )


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
        bin=acting_bin(supplier),
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
