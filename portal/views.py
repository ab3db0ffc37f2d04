from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import FormView
from django_otp import login as otp_login

from portal import otp, sign_in_limits
from portal.audit.services import record
from portal.editions import edition_for
from portal.editions.notice import rules_notice
from portal.forms import OperatorCodeForm, OperatorSignInForm, lockout_message


def forbidden(request, exception=None):
    """The page for 403 (``handler403``): the person may not open this page."""
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    """The page for 404 (``handler404``)."""
    return render(request, "404.html", status=404)


def server_error(request):
    """The page for 500 (``handler500``)."""
    return render(request, "500.html", status=500)


def method_not_allowed(request):
    """The page for 405 (``portal.middleware.MethodNotAllowedPageMiddleware``): the address
    does not take the method it was asked with."""
    return render(request, "405.html", status=405)


@require_safe
def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """The language switcher's target (every page's header): sets the language cookie and goes
    back to the page it was chosen on, a same-site address only (anything else goes home).

    A GET, so that the switcher needs no CSRF token: the public pages then set no cookie at all
    and a CDN or a shared cache can keep them. Choosing a language changes nothing but the
    visitor's own cookie; this answer itself is never cached."""
    back = request.GET.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("portal:home")
    response = HttpResponseRedirect(back)
    code = request.GET.get("language", "")
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


def home(request):
    return render(request, "portal/home.html", {"edition": edition_for()})


def about(request):
    """About the portal and the rules it applies (which edition, and why after its repeal)."""
    return render(request, "portal/about.html", {"notice": rules_notice()})


class OperatorSignInView(auth_views.LoginView):
    """Operators may sign in with a password (ID-3); everyone else signs in with EDS.

    Failed attempts are limited per IIN and per client address (``portal.sign_in_limits``).
    Where the second factor is required, or the account has one, the code is asked before the
    portal says anything about the password: a wrong pair leads to the same code page, and only
    both factors together sign in.
    """

    template_name = "portal/sign_in.html"
    authentication_form = OperatorSignInForm
    extra_context = {"title": _("Sign in")}

    def form_valid(self, form):
        user = form.get_user()
        if otp.confirmed_totp_devices(user):
            # The second factor (TOTP): nobody is signed in until the code is right.
            otp.start_second_factor(
                session=self.request.session,
                iin=user.iin,
                user=user,
                next_url=self.get_redirect_url(),
            )
            return redirect("portal:sign-in-code")
        # The session, the last login and the audit event: written together, or not at all.
        with transaction.atomic(durable=True):
            response = super().form_valid(form)
            sign_in_limits.clear_failures(iin=user.iin)
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
        iin = form.entered_iin()
        if codes:
            record(
                actor=None,
                action="auth.operator_sign_in_refused",
                after={"iin": iin, "reasons": codes},
                basis="ID-3",
            )
        if "invalid_login" in codes:
            sign_in_limits.record_failure(
                iin=iin, address=sign_in_limits.client_address(self.request)
            )
            if otp.operator_otp_required():
                otp.start_second_factor(
                    session=self.request.session, iin=iin, next_url=self.get_redirect_url()
                )
                return redirect("portal:sign-in-code")
        return super().form_invalid(form)


class OperatorCodeView(FormView):
    """The second step of an operator's password sign-in: the TOTP code (ID-3).

    Whatever was wrong (the IIN, the password or the code), the operator starts again from the
    password with one message that does not say which.
    """

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
        address = sign_in_limits.client_address(self.request)
        locked = sign_in_limits.lockout(iin=self.pending.iin, address=address)
        if locked is not None:
            otp.end_second_factor(self.request.session)
            messages.error(self.request, lockout_message(locked))
            return self._start_again()
        # The device's throttling and used-code marks, the session and the audit event are
        # written together; the page is rendered after the commit.
        with transaction.atomic(durable=True):
            check = (
                otp.check_code(user=user, code=form.cleaned_data["code"])
                if user is not None
                else otp.CodeCheck(device=None, throttled=False)
            )
            if check.device is None:
                record(
                    actor=None,
                    action="auth.operator_code_refused",
                    obj=user,
                    after={"throttled": check.throttled, "iin": self.pending.iin},
                    basis="ID-3",
                )
                if user is not None:  # a wrong password was counted on the password step
                    sign_in_limits.record_failure(iin=self.pending.iin, address=address)
                otp.end_second_factor(self.request.session)
            else:
                otp.end_second_factor(self.request.session)
                login(self.request, user, backend=self.pending.backend)
                otp_login(self.request, check.device)
                sign_in_limits.clear_failures(iin=self.pending.iin)
                record(
                    actor=user,
                    action="auth.operator_sign_in",
                    obj=user,
                    after={"factors": "password+totp"},
                    basis="ID-3",
                )
        if check.device is None:
            messages.error(
                self.request,
                _(
                    "The IIN, the password or the code is wrong, or the code has expired. "
                    "Enter them again."
                ),
            )
            return self._start_again()
        next_url = self.pending.next_url
        if not url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            next_url = resolve_url("portal:home")
        return redirect(next_url)

    def _start_again(self):
        url = reverse("portal:sign-in")
        if self.pending.next_url:
            url += "?" + urlencode({"next": self.pending.next_url})
        return redirect(url)


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (from the header's button); back to the home page with a notice."""

    next_page = "portal:home"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response
