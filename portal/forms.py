from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal.models import Role
from portal.otp import confirmed_totp_devices, operator_otp_required
from portal.sign_in_limits import Lockout, client_address, lockout


def lockout_message(locked: Lockout) -> str:
    """The same for every IIN, known or not, whatever the password was (ID-3)."""
    return _(
        "Too many failed sign-in attempts. Try again in %(minutes)s min, or sign in with your EDS."
    ) % {"minutes": locked.minutes_left}


class OperatorSignInForm(AuthenticationForm):
    """Password sign-in, open only to operators (ID-3)."""

    username = forms.CharField(
        label=_("IIN"),
        max_length=12,
        help_text=_("Your individual identification number: 12 digits, as on your identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    error_messages = {
        "invalid_login": _("The IIN or the password is wrong. Check both and try again."),
        "inactive": _("This account is blocked. Contact the portal operator."),
        "not_operator": _("Password sign-in is only for operators. Sign in with your EDS."),
        "no_second_factor": _(
            "Password sign-in needs a one-time code from an authenticator app, and your account "
            "has none set up. Sign in with your EDS, or ask another operator to set one up."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # No autofocus: readers should meet the heading and the explanation first (GOV.UK advice).
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def entered_iin(self) -> str:
        return "".join(str(self.data.get("username", "")).split())[:12]

    def clean(self):
        # Locked out (too many failed attempts for this IIN or from this address): refused before
        # the password is even checked, so the right one is refused too (ID-3).
        if self.request is not None:
            locked = lockout(iin=self.entered_iin(), address=client_address(self.request))
            if locked is not None:
                raise forms.ValidationError(lockout_message(locked), code="locked")
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.roles.filter(role=Role.OPERATOR).exists():
            raise forms.ValidationError(self.error_messages["not_operator"], code="not_operator")
        if operator_otp_required() and not confirmed_totp_devices(user):
            raise forms.ValidationError(
                self.error_messages["no_second_factor"], code="no_second_factor"
            )


class OperatorCodeForm(forms.Form):
    """The second step of an operator's password sign-in: the TOTP code (ID-3)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code your authenticator app shows now for the portal."),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the code from your authenticator app.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or not 6 <= len(code) <= 8:
            raise forms.ValidationError(
                _("Enter the code as it is shown: 6 digits."), code="format"
            )
        return code
