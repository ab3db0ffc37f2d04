"""Annex 1, signing and submission, withdrawal (SUP-6..SUP-8, CAL-2)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from portal.audit import services as audit
from portal.models import Role, User
from portal.pdf import pdf_text
from suppliers import selectors
from suppliers.models import (
    AnnexDocument,
    Application,
    Supplier,
)
from suppliers.selectors import completeness_problems
from suppliers.services.common import (
    lock_application,
    mark_changed,
    notify_status,
    require_draft,
    require_eligible,
    require_rights,
    verify_supplier_signature,
)
from suppliers.services.errors import (
    ApplicationIncomplete,
    EditionChanged,
    RegionUnknown,
    StaleAnnex,
    SupplierActionError,
)

# --- Annex 1, signing and submission (SUP-6..SUP-8, CAL-2) ---


def prepare_annex(
    *, application: Application, language: str, user: User | None = None
) -> AnnexDocument:
    """Form the application in the form of Annex 1 from the entered and received data
    (2022 p.9; 2020 p.9; SUP-7): the exact PDF bytes that will be signed.

    Only a complete application is formed (2022 p.8, p.10: "after the check"). The same
    revision in the same language is rendered once: the bytes shown are the bytes signed.
    """
    if language not in application.edition.annex_languages:
        raise SupplierActionError(
            _("The application form is made in Kazakh or Russian."), code="annex_language"
        )
    if user is not None:
        require_rights(user=user, supplier=application.supplier)
    require_draft(application)
    # The form shown for signing is the one of the edition it will be filed under (SUP-8).
    application = _refile_under_edition_in_force(application=application, user=user)
    problems = completeness_problems(application)
    if problems:
        raise ApplicationIncomplete(problems)
    existing = selectors.prepared_annexes(application).get(language)
    if existing is not None:
        return existing
    from suppliers.annex import render_annex1

    with translation.override(language):
        pdf = bytes(render_annex1(application, language=language))  # before the transaction
    # The text shown beside the PDF on the sign page, extracted from these very bytes once.
    text = pdf_text(pdf)
    with transaction.atomic(durable=True):
        locked = lock_application(application)
        require_draft(locked)
        if locked.revision != application.revision:
            raise StaleAnnex()
        # The task started on the save and the supplier's own request may form the same
        # revision at once: the first one stored is the one shown and signed.
        existing = selectors.prepared_annexes(locked).get(language)
        if existing is not None:
            return existing
        annex = AnnexDocument.objects.create(
            application=locked,
            language=language,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            text=text,
            revision=locked.revision,
        )
        audit.record(
            actor=user,
            action="application.annex_prepared",
            obj=locked,
            after={
                "annex": annex.pk,
                "language": language,
                "sha256": annex.sha256,
                "revision": annex.revision,
            },
            basis=locked.edition.form("application").clause,
            role=Role.SUPPLIER if user else "",
        )
    return annex


def prepare_annexes_after_change(*, application_id: int, revision: int) -> list[AnnexDocument]:
    """Form Annex 1 in every language for the data saved at ``revision``, ahead of the visit to
    the sign page (issue 9, item 8; issue 12: the page then only reads). Started on the commit
    of each change (:func:`suppliers.services.common.mark_changed`); does nothing for a draft
    changed again since (a later run forms that), no longer a draft, or not yet complete.
    Running it twice forms each language once."""
    application = Application.objects.select_related("supplier").filter(pk=application_id).first()
    if application is None or application.revision != revision:
        return []
    if application.status != Application.Status.DRAFT or completeness_problems(application):
        return []
    prepared = []
    try:
        for language in application.edition.annex_languages:
            prepared.append(prepare_annex(application=application, language=language))
    except (StaleAnnex, ApplicationIncomplete, SupplierActionError):
        return prepared  # changed meanwhile: the run started by that change forms it
    return prepared


def submit_application(
    *, application: Application, annex: AnnexDocument, user: User, cms: bytes
) -> Application:
    """Sign Annex 1 and send the application to the commission (2022 p.10; 2020 p.9, p.13;
    SUP-8, CAL-2).

    The signature must be valid over exactly ``annex.pdf``, made for the supplier (a legal
    entity: its head or a person with the right to sign, SUP-2); the annex must show the data as
    they are now, and the completeness check must pass (SUP-6). Then the application moves
    draft -> submitted, goes to the region where the supplier is registered, and its review
    deadline is computed from its edition and the working-day calendar from the day it arrives.

    The region is the one of the supplier's legal address (SUP-8), and the edition is the one in
    force on the day of filing, not the one the draft was started under: a draft that crossed an
    edition's boundary is moved to the edition in force and refused with ``EditionChanged``, so
    that it is checked and signed again under it.

    The signature is verified once, before the transaction (NCANode, OCSP); the checks of the
    application run without the lock, so that a refusal comes first, and again under it.
    """
    supplier = application.supplier
    require_rights(user=user, supplier=supplier)
    refiled = _refile_under_edition_in_force(application=application, user=user)
    if refiled.edition_code != application.edition_code:
        raise EditionChanged()
    _require_submittable(application, annex)
    verified = verify_supplier_signature(
        supplier=supplier, user=user, cms=cms, data=bytes(annex.pdf)
    )
    with transaction.atomic(durable=True):
        locked = lock_application(application)
        annex = AnnexDocument.objects.select_for_update().get(pk=annex.pk)
        _require_submittable(locked, annex)
        edition = locked.edition
        region = selectors.registered_region(supplier, application=locked)
        if region is None:
            raise RegionUnknown()
        signature = verified.keep(
            obj=annex,
            document_kind="application_annex1",
            basis=edition.form("application").clause,
        )
        annex.signature = signature
        annex.save(update_fields=["signature"])
        before = {"status": locked.status}
        locked.submit()
        locked.submitted_at = timezone.now()
        arrived_on = selectors.arrival_day(locked.submitted_at)
        locked.review_due = selectors.review_deadline(edition=edition, arrived_on=arrived_on)
        locked.region = region
        locked.save()
        if supplier.region_id != region.pk:
            Supplier.objects.filter(pk=supplier.pk).update(region=region)
            supplier.region = region
        event = audit.record(
            actor=user,
            action="application.submitted",
            obj=locked,
            before=before,
            after={
                "status": locked.status,
                "annex": annex.pk,
                "annex_sha256": annex.sha256,
                "signature": signature.pk,
                "region": region.kato,
                "arrived_on": arrived_on,
                "review_due": locked.review_due,
                "edition": edition.code,
                "consent_publication": locked.consent_publication,
                # What the supplier was shown before signing (SUP-6): for the commission.
                "findings": [
                    {"code": f.code, "source": f.source, "message": str(f.message)}
                    for f in selectors.admission_findings(application=locked)
                ],
            },
            basis=f"{edition.form('application').clause}; "
            f"{edition.clause_for('review_deadline_working_days')}",
            role=Role.SUPPLIER,
        )
        notify_status(locked, event)
    return locked


def _require_submittable(application: Application, annex: AnnexDocument) -> None:
    """A draft, its annex unsigned and of its current data, complete, its supplier eligible."""
    require_draft(application)
    if annex.application_id != application.pk or annex.is_signed:
        raise StaleAnnex()
    if annex.revision != application.revision:
        raise StaleAnnex()
    problems = completeness_problems(application)
    if problems:
        raise ApplicationIncomplete(problems)
    require_eligible(application.supplier.identifier)


def _refile_under_edition_in_force(*, application: Application, user: User | None) -> Application:
    """Move a draft to the edition in force today when it was started under another one (2022
    p.10; SUP-8: the edition that governs an application is fixed when it is filed). The data
    count as changed, so a form rendered under the old edition can no longer be signed."""
    filed = selectors.filing_edition(filed_at=timezone.now())
    if filed.code == application.edition_code:
        return application
    with transaction.atomic():
        locked = lock_application(application)
        require_draft(locked)
        before = locked.edition_code
        if before != filed.code:
            locked.edition_code = filed.code
            locked.save(update_fields=["edition_code", "updated_at"])
            mark_changed(locked)
            audit.record(
                actor=user,
                action="application.edition_changed",
                obj=locked,
                before={"edition": before},
                after={"edition": filed.code},
                basis=filed.clause_for("commission_routing"),
                role=Role.SUPPLIER if user else "",
            )
    return locked


def withdraw_application(*, application: Application, user: User) -> Application:
    """The supplier withdraws its application before the commission decides (issue 5, item 8)."""
    require_rights(user=user, supplier=application.supplier)
    with transaction.atomic(durable=True):
        locked = lock_application(application)
        before = {"status": locked.status}
        try:
            locked.withdraw()
        except TransitionNotAllowed:
            raise SupplierActionError(
                _("The application can no longer be withdrawn: the commission has decided."),
                code="cannot_withdraw",
            ) from None
        locked.withdrawn_at = timezone.now()
        locked.save()
        event = audit.record(
            actor=user,
            action="application.withdrawn",
            obj=locked,
            before=before,
            after={"status": locked.status},
            role=Role.SUPPLIER,
        )
        notify_status(locked, event)
    return locked
