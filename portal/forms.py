from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal.models import Role


class OperatorSignInForm(AuthenticationForm):
    """Password sign-in, open only to operators (ID-3)."""

    username = forms.CharField(
        label=_("IIN"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
    )
    error_messages = {
        "invalid_login": _("The IIN or the password is wrong. Check both and try again."),
        "inactive": _("This account is blocked. Contact the portal operator."),
        "not_operator": _("Password sign-in is only for operators. Sign in with your EDS."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.roles.filter(role=Role.OPERATOR).exists():
            raise forms.ValidationError(self.error_messages["not_operator"], code="not_operator")
