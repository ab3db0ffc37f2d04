"""Uploading, removing and serving documents; the Annex 1 PDF (SUP-5, SUP-7)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from suppliers import forms, selectors, services
from suppliers.models import (
    AnnexDocument,
    Application,
    DocType,
    SupportingDocument,
)
from suppliers.validators import max_document_bytes


def upload_block(request, requirement, documents, document_errors) -> dict:
    """What the page shows for one document asked for: the documents already uploaded, the
    upload fields (the file input's id is the requirement's field id) and their errors."""
    prefix = upload_prefix(requirement)
    types = _doc_types_for(requirement)
    labels = dict(DocType.choices)
    errors = document_errors.get(requirement.field_id, {})
    return {
        "requirement": requirement,
        "prefix": prefix,
        "ids": {
            "file": requirement.field_id,
            "doc_type": f"{requirement.field_id}-doc_type",
            "expires_on": f"{requirement.field_id}-expires_on",
        },
        "doc_types": [(code, labels[code]) for code in types],
        "documents": [
            d
            for d in documents
            if d.doc_type in types
            and (d.item_code == requirement.item_code or not requirement.item_code)
        ],
        "errors": {
            name if name in ("doc_type", "expires_on") else "file": v for name, v in errors.items()
        },
        "posted": {
            "doc_type": request.POST.get(f"{prefix}-doc_type", ""),
            "expires_on": request.POST.get(f"{prefix}-expires_on", ""),
        }
        if errors
        else {},
    }


def upload_documents(
    request: HttpRequest, application: Application, section: str
) -> dict[str, dict[str, list]]:
    """Upload every file chosen on the page, one per document asked for (SUP-5).

    Returns the errors by requirement (its field id), then by field (``file``, ``doc_type``,
    ``expires_on``); the files that passed are stored even when another one failed.
    """
    errors: dict[str, dict[str, list]] = {}
    requirements = selectors.document_requirements(application)
    asked = {upload_prefix(r) for r in requirements}
    reported = selectors.state_reported_facts(application)
    for key in request.FILES:
        prefix = key.removesuffix("-file")
        code = prefix.removeprefix("proof-")
        if key.endswith("-file") and prefix not in asked and code in reported:
            # A "proof" posted for something the page does not ask to prove: the service refuses
            # it when it would override a fact the state systems report (SUP-3).
            try:
                services.add_document(
                    application=application,
                    uploaded_file=request.FILES[key],
                    doc_type=DocType.PROOF_OF_DATA,
                    user=request.user,
                    item_code=code,
                )
            except (services.SupplierActionError, ValidationError) as error:
                message = error.messages[0] if isinstance(error, ValidationError) else str(error)
                messages.error(request, message)
                errors[f"id_{prefix}"] = {"file": [message]}
    for requirement in requirements:
        if requirement.section != section:
            continue
        prefix = upload_prefix(requirement)
        if f"{prefix}-file" not in request.FILES:
            continue
        form = forms.DocumentForm(
            request.POST,
            request.FILES,
            prefix=prefix,
            doc_types=_doc_types_for(requirement),
            max_bytes=max_document_bytes(),
        )
        if not form.is_valid():
            errors[requirement.field_id] = {k: list(v) for k, v in form.errors.items()}
            continue
        try:
            document = services.add_document(
                application=application,
                uploaded_file=form.cleaned_data["file"],
                doc_type=form.cleaned_data["doc_type"],
                user=request.user,
                item_code=requirement.item_code,
                expires_on=form.cleaned_data.get("expires_on"),
            )
        except services.SupplierActionError as error:
            errors[requirement.field_id] = {"file": [str(error)]}
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors[requirement.field_id] = {
                    (key if key in ("doc_type", "expires_on") else "file"): list(value)
                    for key, value in error.message_dict.items()
                }
            else:
                errors[requirement.field_id] = {"file": list(error.messages)}
        else:
            messages.success(
                request, _("“%(name)s” has been uploaded.") % {"name": document.original_name}
            )
    return errors


def upload_prefix(requirement) -> str:
    """The names of a requirement's upload fields: ``<prefix>-file`` etc.; the file input's id
    is the requirement's ``field_id`` (``id_<prefix>``), where the completeness check links."""
    return requirement.field_id.removeprefix("id_")


def _doc_types_for(requirement) -> list[str]:
    """The types a requirement accepts: its own (each certificate of 2020 p.6(4), (5) is asked
    by the classifier flag of its kind of goods)."""
    return [requirement.doc_type]


def remove_uploaded_document(request: HttpRequest, application: Application, pk: str) -> None:
    document = SupportingDocument.objects.filter(
        pk=int(pk) if pk.isdigit() else 0, application=application
    ).first()
    if document is None:
        raise Http404
    try:
        services.remove_document(document=document, user=request.user)
    except services.SupplierActionError as error:
        messages.warning(request, str(error))
    else:
        messages.success(
            request, _("“%(name)s” has been removed.") % {"name": document.original_name}
        )


@require_safe
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """A supporting document, served only to the supplier's people, the commission of the
    application's region and operators (issue 5, item 4); 404 for anyone else, as if it did
    not exist (issue 15: another supplier's or region's object never answers 403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = get_object_or_404(
        SupportingDocument.objects.select_related("application__supplier"), pk=pk
    )
    if not selectors.may_download(user=request.user, document=document):
        raise Http404
    # Shown in the browser: the type is the one detected from the content (PDF, JPEG, PNG).
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def annex_pdf(request: HttpRequest, pk: int, annex_pk: int) -> HttpResponse:
    """The Annex 1 PDF as rendered (and, once signed, as signed): the same people as documents."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    annex = get_object_or_404(
        AnnexDocument.objects.select_related("application__supplier"),
        pk=annex_pk,
        application_id=pk,
    )
    if not selectors.may_see_application(user=request.user, application=annex.application):
        raise Http404
    response = FileResponse(
        io.BytesIO(bytes(annex.pdf)),
        content_type="application/pdf",
        filename=f"annex1-{annex.application_id}-{annex.language}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
