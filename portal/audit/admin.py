"""Operators read the audit trail in the admin; nobody can add, change or delete an event there."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "occurred_at",
        "action",
        "actor",
        "actor_role",
        "object_type",
        "object_id",
        "basis",
    ]
    list_filter = ["action", "occurred_at", "actor_role"]
    date_hierarchy = "occurred_at"
    search_fields = ["=object_id", "=request_id"]
    search_help_text = _("Exact object id or request id.")
    list_select_related = ["actor"]
    # Counting millions of rows on every page view is slow and tells an operator nothing.
    show_full_result_count = False
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
