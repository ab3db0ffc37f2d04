"""Operators set up the commissions: a region's commission and its dated compositions (COM-1),
and read the report of missed deadlines per region (CAL-2).

A composition is entered whole (members with the chair and the deputy chair, the secretary, the
election) and saved through ``services.form_composition``, which checks it against the edition
and audits it. A composition once recorded is history and is only shown, never changed.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from commission import services
from commission.deadlines import overdue_by_region
from commission.models import Commission, Composition, Seat
from commission.selectors import CompositionPlan, composition_on, composition_problems
from portal.deadlines import today


class SeatFormSet(BaseInlineFormSet):
    """Checks the whole composition: the seats of this formset with the parent's fields."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or not getattr(self.instance, "commission_id", None):
            return
        plan = plan_from(self.instance, self.seats())
        problems = services.history_problems(
            commission=self.instance.commission, effective_from=plan.effective_from
        ) + composition_problems(plan=plan)
        if problems:
            raise forms.ValidationError(problems)

    def seats(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def plan_from(composition: Composition, seats: list[dict]) -> CompositionPlan:
    holder = {seat["office"]: seat["member"] for seat in seats}
    return CompositionPlan(
        members=[seat["member"] for seat in seats],
        chair=holder.get(Seat.Office.CHAIR),
        deputy_chair=holder.get(Seat.Office.DEPUTY_CHAIR),
        secretary=composition.secretary if composition.secretary_id else None,
        effective_from=composition.effective_from,
        elected_on=composition.elected_on,
    )


class SeatInline(admin.TabularInline):
    model = Seat
    formset = SeatFormSet
    extra = 7
    autocomplete_fields = ["member"]


@admin.register(Composition)
class CompositionAdmin(admin.ModelAdmin):
    list_display = ["commission", "effective_from", "secretary", "election_protocol"]
    list_filter = ["commission"]
    inlines = [SeatInline]
    autocomplete_fields = ["secretary"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Saved with its seats in ``save_related``, through the service."""

    def save_related(self, request, form, formsets, change) -> None:
        (seats,) = (formset for formset in formsets if isinstance(formset, SeatFormSet))
        draft = form.instance
        try:
            composition = services.form_composition(
                region=draft.commission.region,
                plan=plan_from(draft, seats.seats()),
                election_protocol=draft.election_protocol,
                by=request.user,
            )
        except services.InvalidComposition as error:  # a race with another operator
            raise forms.ValidationError(error.problems) from error
        draft.pk = composition.pk

    def construct_change_message(self, request, form, formsets, add=False):
        # The seats were saved by the service, not by the formsets; the audit event lists them.
        return super().construct_change_message(request, form, [], add)


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ["region", "members_today", "composition_valid_today"]
    search_fields = ["region__name_kk", "region__name_ru", "region__name_en"]

    @admin.display(description=_("members today"))
    def members_today(self, commission: Commission) -> int | None:
        composition = composition_on(commission=commission, day=today())
        return composition.seats.count() if composition else None

    @admin.display(description=_("can meet today"), boolean=True)
    def composition_valid_today(self, commission: Commission) -> bool:
        try:
            services.require_valid_composition(commission=commission, day=today())
        except services.InvalidComposition:
            return False
        return True

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        report = path(
            "overdue/",
            self.admin_site.admin_view(self.overdue_report),
            name="commission_overdue_report",
        )
        return [report, *super().get_urls()]

    def overdue_report(self, request: HttpRequest) -> TemplateResponse:
        """The deadlines missed in each region: applications and protocols, with the days
        overdue (CAL-2)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        on = today()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Overdue deadlines by region"),
            "opts": self.model._meta,
            "on": on,
            "regions": overdue_by_region(on=on),
        }
        return TemplateResponse(request, "admin/commission/overdue_report.html", context)
