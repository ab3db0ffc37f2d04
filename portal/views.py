from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_otp import login as otp_login

from portal import otp
from portal.audit.services import record
from portal.editions import edition_for
from portal.editions.notice import rules_notice
from portal.forms import OperatorCodeForm, OperatorSignInForm


def forbidden(request, exception=None):
    """The page for 403 (``handler403``): the person may not open this page."""
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    """The page for 404 (``handler404``)."""
    return render(request, "404.html", status=404)


def server_error(request):
    """The page for 500 (``handler500``)."""
    return render(request, "500.html", status=500)


def home(request):
    return render(request, "portal/home.html", {"edition": edition_for()})


def about(request):
    """About the portal and the rules it applies (which edition, and why after its repeal)."""
    return render(request, "portal/about.html", {"notice": rules_notice()})


class OperatorSignInView(auth_views.LoginView):
    """Operators may sign in with a password (ID-3); everyone else signs in with EDS."""

    template_name = "portal/sign_in.html"
    authentication_form = OperatorSignInForm
    extra_context = {"title": _("Sign in")}

    def form_valid(self, form):
        user = form.get_user()
        if otp.confirmed_totp_devices(user):
            # The second factor (TOTP): nobody is signed in until the code is right.
            otp.start_second_factor(
                session=self.request.session, user=user, next_url=self.get_redirect_url()
            )
            return redirect("portal:sign-in-code")
        # The session, the last login and the audit event: written together, or not at all.
        with transaction.atomic(durable=True):
            response = super().form_valid(form)
            record(
                actor=user,
                action="auth.operator_sign_in",
                obj=user,
                after={"factors": "password"},
                basis="ID-3",
            )
        return response

    def form_invalid(self, form):
        codes = sorted({e.code or "" for e in form.errors.as_data().get("__all__", [])})
        if codes:
            record(
                actor=None,
                action="auth.operator_sign_in_refused",
                after={"iin": form.data.get("username", "")[:12], "reasons": codes},
                basis="ID-3",
            )
        return super().form_invalid(form)


class OperatorCodeView(FormView):
    """The second step of an operator's password sign-in: the TOTP code (ID-3)."""

    template_name = "portal/otp_verify.html"
    form_class = OperatorCodeForm

    pending: otp.PendingSignIn

    def dispatch(self, request, *args, **kwargs):
        pending = otp.pending_sign_in(request.session)
        if pending is None:
            messages.warning(
                request, _("Sign-in has timed out. Enter your IIN and password again.")
            )
            return redirect("portal:sign-in")
        self.pending = pending
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.pending.user
        # The device's throttling and used-code marks, the session and the audit event are
        # written together; the page is rendered after the commit.
        with transaction.atomic(durable=True):
            check = otp.check_code(user=user, code=form.cleaned_data["code"])
            if check.device is None:
                record(
                    actor=None,
                    action="auth.operator_code_refused",
                    obj=user,
                    after={"throttled": check.throttled},
                    basis="ID-3",
                )
            else:
                otp.end_second_factor(self.request.session)
                login(self.request, user, backend=self.pending.backend)
                otp_login(self.request, check.device)
                record(
                    actor=user,
                    action="auth.operator_sign_in",
                    obj=user,
                    after={"factors": "password+totp"},
                    basis="ID-3",
                )
        if check.device is None:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait a minute, then enter a new code.")
                if check.throttled
                else _("The code is wrong or has expired. Enter the code shown now."),
            )
            return self.form_invalid(form)
        next_url = self.pending.next_url
        if not url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            next_url = resolve_url("portal:home")
        return redirect(next_url)


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (from the header's button); back to the home page with a notice."""

    next_page = "portal:home"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response
