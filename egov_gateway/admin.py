"""Operators see every sync run (failed ones first to the eye), listings, events and records."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from egov_gateway.models import (
    StateChangeEvent,
    StateListing,
    StateRecord,
    SyncRun,
    WatchedIdentifier,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """State data is what the sources said: nobody edits it by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "source",
        "started_at",
        "finished_at",
        "status",
        "dry_run",
        "trigger",
        "summary",
    )
    list_filter = ("status", "source", "dry_run")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    @admin.display(description=_("counts"))
    def summary(self, run: SyncRun) -> str:
        counts = run.counts or {}
        keys = ("fetched", "listed", "new", "removed", "changed", "events")
        return ", ".join(f"{k} {counts[k]}" for k in keys if k in counts)


@admin.register(StateListing)
class StateListingAdmin(ReadOnlyAdmin):
    list_display = ("identifier", "source", "first_seen_run", "changed_run", "removed_run")
    list_filter = ("source",)
    search_fields = ("=identifier",)
    show_full_result_count = False
    list_select_related = ("first_seen_run", "changed_run", "removed_run")


@admin.register(StateChangeEvent)
class StateChangeEventAdmin(ReadOnlyAdmin):
    list_display = ("identifier", "kind", "run", "created_at", "processed", "processed_at")
    list_filter = ("kind", "processed")
    search_fields = ("=identifier",)
    list_select_related = ("run",)


@admin.register(StateRecord)
class StateRecordAdmin(ReadOnlyAdmin):
    list_display = ("identifier", "source", "found", "fetched_at", "requested_by")
    list_filter = ("source", "found")
    search_fields = ("=identifier",)


@admin.register(WatchedIdentifier)
class WatchedIdentifierAdmin(admin.ModelAdmin):
    list_display = ("identifier", "kind", "added_at")
    list_filter = ("kind",)
    search_fields = ("=identifier",)
    show_full_result_count = False
