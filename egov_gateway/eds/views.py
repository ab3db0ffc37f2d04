"""EDS pages: sign-in with the authentication key (ID-3) and a signature check (ID-2, ID-4)."""

from __future__ import annotations

import base64
import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from egov_gateway.eds import conf
from egov_gateway.eds.errors import SignatureError
from egov_gateway.eds.forms import EdsSignInForm, SignatureForm
from egov_gateway.eds.ncalayer import SigningRequest, sandbox_enabled
from egov_gateway.eds.signer import Purpose
from egov_gateway.eds.signin import (
    BINDING_COOKIE,
    CHALLENGE_SALT,
    SignInRefused,
    challenge_lifetime,
    issue_challenge,
    new_browser_secret,
    remember_identity,
    sign_in_with_eds,
)
from egov_gateway.eds.testpki import MANIFEST
from egov_gateway.eds.verify import verify_cms
from portal.identity import signed_in_identity

CHECK_SESSION_KEY = "eds_check_document"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_signer_choices() -> list[tuple[str, str]]:
    """The holders of the sandbox's test keys ("IIN" or "IIN|BIN"); empty outside the sandbox."""
    if not sandbox_enabled():
        return []
    manifest = conf.test_pki_dir() / MANIFEST
    if not manifest.exists():
        return []
    people = json.loads(manifest.read_text(encoding="utf-8")).get("people", [])
    choices = [("", _("The default test key of the sandbox"))]
    for person in people:
        choices.append((person["iin"], f"{person['full_name']} — {_('IIN')} {person['iin']}"))
        for membership in person.get("memberships", []):
            choices.append(
                (
                    f"{person['iin']}|{membership['bin']}",
                    f"{person['full_name']} — {membership['organisation']} "
                    f"({_('BIN')} {membership['bin']})",
                )
            )
    return choices


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _browser_secret(request) -> str:
    return request.get_signed_cookie(BINDING_COOKIE, default="", salt=CHALLENGE_SALT)


class EdsSignInView(View):
    """Sign in by signing a one-time challenge with the EDS authentication key (ID-3).

    Showing the page writes nothing to the database and opens no session (issue 12): the
    challenge travels in the page, bound to the browser by a signed cookie."""

    template_name = "eds/sign_in.html"

    def get(self, request):
        form = EdsSignInForm(
            initial={"next": _safe_next(request, request.GET.get("next", ""))},
            test_signers=test_signer_choices(),
        )
        return self._render(request, form)

    def post(self, request):
        form = EdsSignInForm(request.POST, test_signers=test_signer_choices())
        if form.is_valid():
            try:
                result = sign_in_with_eds(
                    challenge_id=form.cleaned_data["challenge"],
                    cms=form.cleaned_data["cms"],
                    browser_secret=_browser_secret(request),
                    intent=form.cleaned_data["intent"],
                )
            except (SignatureError, SignInRefused) as error:
                form.add_error(None, str(error))
            else:
                with transaction.atomic(durable=True):  # the new session and the last login
                    login(request, result.user, backend=MODEL_BACKEND)
                    remember_identity(session=request.session, sign_in=result)
                if result.account_created:
                    messages.success(request, _("Your account has been created. Welcome."))
                else:
                    messages.success(request, _("You have signed in with your EDS."))
                next_url = _safe_next(request, form.cleaned_data.get("next", ""))
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        return self._render(request, form)

    def _render(self, request, form):
        # Every rendering gets a new challenge: one that was posted is used up or refused.
        secret = _browser_secret(request) or new_browser_secret()
        challenge = issue_challenge(browser_secret=secret)
        signing = SigningRequest(data=bytes(challenge.nonce), purpose=Purpose.AUTH)
        response = render(
            request,
            self.template_name,
            {
                "form": form,
                "challenge": challenge,
                "signing": signing,
                "lifetime_minutes": max(
                    1, int((challenge.expires_at - challenge.created_at).total_seconds() // 60)
                ),
            },
        )
        # Kept past the challenge's lifetime, so that a page left open still signs in.
        response.set_signed_cookie(
            BINDING_COOKIE,
            secret,
            salt=CHALLENGE_SALT,
            max_age=int(challenge_lifetime().total_seconds()) * 12,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response


class SignatureCheckView(LoginRequiredMixin, View):
    """Sign a short test document to see that EDS signing works on this computer (ID-4).

    The document has no legal effect and nothing is stored; the server verifies the signature
    exactly as it verifies acts (``verify_cms``, purpose SIGN, the signed-in person's IIN and, for
    a session opened with an organisation's key, its BIN) and shows the result.
    """

    template_name = "eds/check.html"

    def get(self, request):
        return self._render(request, SignatureForm(), document=self._new_document(request))

    def post(self, request):
        form = SignatureForm(request.POST)
        stored = request.session.get(CHECK_SESSION_KEY)
        if not stored:
            messages.warning(request, _("The test document had expired. Here is a new one."))
            return redirect("eds:check")
        document = base64.b64decode(stored)
        if form.is_valid():
            try:
                signer = verify_cms(
                    form.cleaned_data["cms"],
                    document,
                    purpose=Purpose.SIGN,
                    expected_iin=request.user.iin,
                    expected_bin=self._acting_bin(request) or None,
                )
            except SignatureError as error:
                form.add_error(None, str(error))
            else:
                del request.session[CHECK_SESSION_KEY]
                return render(request, "eds/check_result.html", {"signer": signer})
        return self._render(request, form, document=document)

    def _acting_bin(self, request) -> str:
        identity = signed_in_identity(request.session) or {}
        return identity.get("bin", "")

    def _new_document(self, request) -> bytes:
        user = request.user
        lines = [
            _("Social Services Portal: electronic signature check"),
            "",
            _("Signer: %(name)s, IIN %(iin)s") % {"name": user.full_name, "iin": user.iin},
        ]
        acting_bin = self._acting_bin(request)
        if acting_bin:
            lines.append(_("On behalf of the organisation with BIN %(bin)s") % {"bin": acting_bin})
        lines += [
            _("Check code: %(code)s") % {"code": secrets.token_hex(8)},
            _("Made on: %(when)s") % {"when": date_format(timezone.localtime(), "DATETIME_FORMAT")},
            "",
            _(
                "This document has no legal effect. It only checks that your electronic digital "
                "signature works on the portal."
            ),
        ]
        document = ("\n".join(lines) + "\n").encode("utf-8")
        request.session[CHECK_SESSION_KEY] = base64.b64encode(document).decode("ascii")
        return document

    def _render(self, request, form, *, document: bytes):
        signing = SigningRequest(
            data=document,
            purpose=Purpose.SIGN,
            iin=request.user.iin,
            bin=self._acting_bin(request),
            title=_("The test document"),
        )
        return render(
            request,
            self.template_name,
            {"form": form, "signing": signing},
        )
