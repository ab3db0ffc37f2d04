"""Operators read the outbox in the admin; nobody writes, changes or deletes an e-mail there."""

from __future__ import annotations

from django.contrib import admin

from portal.models import Role
from portal.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("event_key", "recipient", "language", "template", "created_at", "sent_at")
    list_filter = ("template", "language")
    search_fields = ("=event_key", "=recipient", "=object_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_view_permission(self, request, obj=None) -> bool:
        user = request.user
        is_operator = bool(user.is_active and user.is_staff and user.has_role(Role.OPERATOR))
        return is_operator or super().has_view_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
