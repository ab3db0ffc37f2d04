"""Operators see suppliers and their applications (issue 5, item 7: until the commission workspace
exists, operators see submitted applications here). Nothing is edited by hand: statuses change
only through ``suppliers.services``, and signed documents never change."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.models import Role
from suppliers.models import (
    AnnexDocument,
    Application,
    OfferAcceptance,
    Offering,
    ServiceAddress,
    Specialist,
    SuppliedStateItem,
    Supplier,
    SupportingDocument,
)


def _is_operator(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_role(Role.OPERATOR))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators see everything here without model permissions; nobody adds, edits or deletes."""

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_operator(request) or super().has_view_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return _is_operator(request) or super().has_module_permission(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_operator(request) or super().has_view_permission(request, obj)

    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OfferingInline(ReadOnlyInline):
    model = Offering
    fields = ("classifier_item", "characteristics", "price", "unit", "stock_quantity")
    readonly_fields = fields


class ServiceAddressInline(ReadOnlyInline):
    model = ServiceAddress
    fields = ("region", "settlement", "street", "building", "premises")
    readonly_fields = fields


class SpecialistInline(ReadOnlyInline):
    model = Specialist
    fields = ("full_name", "iin", "position", "education", "qualification", "experience_years")
    readonly_fields = fields


class SupportingDocumentInline(ReadOnlyInline):
    model = SupportingDocument
    fields = (
        "doc_type",
        "item_code",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "expires_on",
        "uploaded_at",
    )
    readonly_fields = fields


class SuppliedStateItemInline(ReadOnlyInline):
    model = SuppliedStateItem
    fields = ("item_code", "value", "entered_by", "entered_at")
    readonly_fields = fields


class AnnexDocumentInline(ReadOnlyInline):
    model = AnnexDocument
    fields = ("language", "sha256", "revision", "rendered_at", "signature")
    readonly_fields = fields


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyAdmin):
    list_display = ("name", "identifier", "kind", "region", "created_at")
    list_filter = ("kind", "region")
    search_fields = ("=identifier", "name")
    readonly_fields = [f.name for f in Supplier._meta.fields]


@admin.register(OfferAcceptance)
class OfferAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("supplier", "signed_by", "offer_version", "language", "accepted_at")
    search_fields = ("=supplier__identifier", "supplier__name")
    readonly_fields = [f.name for f in OfferAcceptance._meta.fields]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Submitted applications first, by their review deadline (CAL-2)."""

    list_display = (
        "pk",
        "supplier",
        "kind",
        "status",
        "region",
        "edition_code",
        "submitted_at",
        "review_due",
    )
    list_filter = ("status", "region", "edition_code", "supplier__kind")
    search_fields = ("=supplier__identifier", "supplier__name")
    date_hierarchy = "submitted_at"
    list_select_related = ("supplier", "region")
    ordering = ("status", "review_due", "-submitted_at")
    readonly_fields = [f.name for f in Application._meta.fields]
    inlines = [
        OfferingInline,
        ServiceAddressInline,
        SpecialistInline,
        SuppliedStateItemInline,
        SupportingDocumentInline,
        AnnexDocumentInline,
    ]

    @admin.display(description=_("kind of supplier"), ordering="supplier__kind")
    def kind(self, application: Application) -> str:
        return application.supplier.get_kind_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("supplier", "region")
