"""Operators see what the state data did (DER-2) and confirm a run the guard held."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from deregistration.models import StateEventOutcome, SyncRunReview
from deregistration.services.state_data import HeldRunRefused, confirm_held_run


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
