"""The operators' admin site: two-factor where ``OPERATOR_REQUIRE_OTP`` is on (ID-3)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from portal.otp import operator_otp_required, strongly_authenticated


class OperatorAdminSite(OTPAdminSite):
    """The admin, open to active staff; where OTP is required, only to sessions verified by a
    TOTP code or opened with an EDS authentication key.

    Its login page hands over to the operator sign-in (password and code, or EDS), so operators
    have one way to sign in.
    """

    # The index says which rules edition applies and why (issue 8, item 4).
    index_template = "admin/portal_index.html"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def index(self, request, extra_context=None):
        from portal.editions.notice import rules_notice

        return super().index(request, {"rules_notice": rules_notice(), **(extra_context or {})})

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return strongly_authenticated(request) if operator_otp_required() else True

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("portal:sign-in"))
