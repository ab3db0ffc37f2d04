"""Completeness, check answers, sign and submit (SUP-6 … SUP-8)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from egov_gateway.eds.flow import signature_step
from portal.errors import PortalError
from portal.pdf import pdf_text
from suppliers import forms, selectors, services
from suppliers.models import (
    Application,
    Section,
)
from suppliers.views.common import (
    acting_bin,
    cabinet_page,
)

# --- completeness, check answers, sign and submit (SUP-6 … SUP-8) ---------------------------


@require_safe
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


@require_safe
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


@cabinet_page(draft=True)
def sign(request: HttpRequest) -> HttpResponse:
    """Annex 1 in Kazakh and Russian (SUP-7), the choice of the language signed, and the
    signature of its exact bytes with EDS, which submits the application (SUP-8, CAL-2).

    The form is made by a POST (``action=prepare``: "Continue to the application form" on the
    check-answers page); showing the page only reads the form prepared for the data as they are
    now, and sends the supplier back to check their answers when there is none.
    """
    application = request.application
    supplier = application.supplier
    if selectors.completeness_problems(application):
        messages.warning(
            request, _("Your application is not complete yet. Correct the items listed.")
        )
        return redirect("suppliers:completeness")
    if request.method == "POST" and request.POST.get("action") == "prepare":
        return _prepare_annexes(request, application)
    annexes = selectors.prepared_annexes(application)
    if set(annexes) != set(services.ANNEX_LANGUAGES):
        if request.method == "POST":
            messages.warning(request, str(services.StaleAnnex.message))
        else:
            messages.info(request, _("Check your answers, then continue to the application form."))
        return redirect("suppliers:check-answers")
    language = _annex_language(request)
    annex = annexes[language]
    step = signature_step(
        request,
        data=bytes(annex.pdf),
        title=_("Application for admission and registration on the portal (Annex 1)"),
        organisation_bin=acting_bin(supplier),
        # Extracted from these bytes when they were formed (older forms: extracted now).
        text=annex.text or pdf_text(bytes(annex.pdf)),
        pdf_url=reverse("suppliers:annex-pdf", args=[application.pk, annex.pk]),
        button_label=_("Sign and submit the application"),
        hidden_fields={"annex": str(annex.pk), "language": language},
        cannot_sign_title=_(
            "Only the head of the organisation or a person with the right to sign may sign the "
            "application."
        ),
        cannot_sign_text=_(
            "The application is ready. Ask your head, or a person with the right to sign, to "
            "sign in with their key and sign it on this page."
        ),
    )
    if step.cms is not None:
        try:
            if request.POST.get("annex") != str(annex.pk):  # signed on a form since replaced
                raise services.StaleAnnex()
            services.submit_application(
                application=application, annex=annex, user=request.user, cms=step.cms
            )
        except services.ApplicationIncomplete:
            return redirect("suppliers:completeness")
        except (services.StaleAnnex, services.EditionChanged) as error:
            # The form shown is no longer the one to sign: check the answers, form it again.
            messages.warning(request, str(error))
            return redirect("suppliers:check-answers")
        except PortalError as error:
            step.refuse(error)
        else:
            return redirect("suppliers:submitted", pk=application.pk)
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
            "language_form": forms.AnnexLanguageForm(initial={"language": language}),
            "findings": selectors.admission_findings(application=application),
            **step.context(),
        },
    )


def _prepare_annexes(request: HttpRequest, application: Application) -> HttpResponse:
    """Form Annex 1 in each language for the data as they are now (SUP-7), then show it.

    The task started when the data were saved has usually formed both already (issue 9, item 8):
    then this only reads them; what it has not formed yet is formed here."""
    try:
        for code in services.ANNEX_LANGUAGES:
            services.prepare_annex(application=application, language=code, user=request.user)
    except services.ApplicationIncomplete:
        messages.warning(
            request, _("Your application is not complete yet. Correct the items listed.")
        )
        return redirect("suppliers:completeness")
    except services.SupplierActionError as error:
        messages.warning(request, str(error))
        return redirect("suppliers:application")
    return redirect("suppliers:sign")
