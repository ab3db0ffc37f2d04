"""Operators see what the state data did (DER-2) and confirm a run the guard held; they read
the deregistration cases and the recipients' complaints (DER-1 … DER-6) and release a held case
only through its service, which records the audit event. Nothing is added, edited or deleted
by hand: every change of a case or a complaint is a service's, with its clause."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from deregistration.complaints import Complaint, ComplaintDocument
from deregistration.models import DeregistrationCase, StateEventOutcome, SyncRunReview
from deregistration.services.cases import release_case
from deregistration.services.state_data import HeldRunRefused, confirm_held_run


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every field shown, none edited; no adding or deleting by hand."""

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ComplaintInline(admin.TabularInline):
    model = Complaint
    fields = ("id", "status", "kind", "posted_on", "review_due")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DeregistrationCase)
class DeregistrationCaseAdmin(ReadOnlyAdmin):
    """The cases with their ground, source, deadlines, outcome and protocol (DER-1, CAL-2)."""

    list_display = (
        "pk",
        "supplier",
        "ground",
        "source",
        "status",
        "opened_on",
        "decision_due",
        "outcome",
        "deregistered_on",
        "protocol_label",
    )
    list_filter = ("status", "source", "ground", "edition_code")
    search_fields = ("supplier__name", "supplier__identifier", "protocol_label")
    list_select_related = ("supplier",)
    date_hierarchy = "opened_on"
    inlines = [ComplaintInline]
    actions = ["release_held"]

    @admin.action(description=_("Release the held cases (the state data confirmed)"))
    def release_held(self, request: HttpRequest, queryset: QuerySet[DeregistrationCase]) -> None:
        for case in queryset:
            try:
                release_case(case=case, actor=request.user)  # type: ignore[arg-type]
            except TransitionNotAllowed:
                self.message_user(
                    request,
                    _("%(case)s: only a held case is released.") % {"case": case},
                    messages.ERROR,
                )
            else:
                self.message_user(request, _("%(case)s: released.") % {"case": case})


class ComplaintDocumentInline(admin.TabularInline):
    model = ComplaintDocument
    exclude = ("file",)
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in ComplaintDocument._meta.fields if f.name != "file"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Recipients' complaints with their steps' days and deadlines (DER-3, E20-8, CAL-2); the
    documents are listed, their files stay private (the workspace and cabinet serve them)."""

    list_display = (
        "pk",
        "supplier",
        "kind",
        "status",
        "learned_on",
        "posted_on",
        "answer_due",
        "review_due",
        "case",
    )
    list_filter = ("status", "kind", "edition_code")
    search_fields = ("supplier__name", "supplier__identifier", "complainant__iin")
    list_select_related = ("supplier", "case")
    date_hierarchy = "posted_on"
    inlines = [ComplaintDocumentInline]


@admin.register(SyncRunReview)
class SyncRunReviewAdmin(admin.ModelAdmin):
    """Held runs are confirmed here (or rejected with a reason by
    ``manage.py held_deregistrations``); nothing else is edited by hand."""

    list_display = ("run", "status", "removing", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("run", "decided_by")
    readonly_fields = [f.name for f in SyncRunReview._meta.fields]
    actions = ["confirm_held"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Confirm the state data and deregister the held suppliers"))
    def confirm_held(self, request: HttpRequest, queryset: QuerySet[SyncRunReview]) -> None:
        for review in queryset:
            try:
                cases = confirm_held_run(review=review, operator=request.user)  # type: ignore[arg-type]
            except HeldRunRefused as error:
                self.message_user(request, f"{review}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(review)s: %(count)s suppliers deregistered.")
                    % {"review": review, "count": len(cases)},
                )


@admin.register(StateEventOutcome)
class StateEventOutcomeAdmin(admin.ModelAdmin):
    list_display = ("event", "outcome", "case", "handled_at")
    list_filter = ("outcome",)
    list_select_related = ("event", "case")
    readonly_fields = [f.name for f in StateEventOutcome._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
