from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from egov_gateway.eds.models import Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    """Signatures are evidence: the admin shows them and never changes them."""

    list_display = (
        "signing_time",
        "common_name",
        "iin",
        "bin",
        "purpose",
        "document_kind",
        "backend",
    )
    list_filter = ("purpose", "backend", "document_kind")
    search_fields = ("iin", "bin", "common_name", "document_sha256", "certificate_serial")
    date_hierarchy = "signing_time"
    exclude = ("document", "cms", "certificate")
    readonly_fields = ("document_size", "cms_size")

    @admin.display(description=_("size of the signed bytes"))
    def document_size(self, obj: Signature) -> str:
        return f"{len(obj.document)} B" if obj.document is not None else "—"

    @admin.display(description=_("size of the CMS"))
    def cms_size(self, obj: Signature) -> str:
        return f"{len(obj.cms)} B"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
