"""Forms that carry a CMS signature from NCALayer to the server (ID-2, ID-3)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov_gateway.eds.ncalayer import NotASignature, cms_from_ncalayer
from egov_gateway.eds.signin import SignInIntent

# NCALayer's CMS with one certificate is a few kilobytes; a chain of several stays far below this.
MAX_CMS_TEXT = 256 * 1024


class SignatureForm(forms.Form):
    """The CMS that NCALayer made, as it returns it (PEM or base64). ``cleaned_data["cms"]`` is
    DER."""

    cms = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=MAX_CMS_TEXT,
        error_messages={"max_length": _("The signature is too large.")},
    )
    error_messages = {
        "not_signed": _(
            "The document has not been signed yet. Press “Sign with EDS” and choose your key "
            "in NCALayer."
        ),
        "damaged": _("The signature arrived damaged. Sign again."),
    }

    def clean_cms(self) -> bytes:
        value = self.cleaned_data.get("cms", "")
        if not value.strip():
            raise forms.ValidationError(self.error_messages["not_signed"], code="not_signed")
        try:
            return cms_from_ncalayer(value)
        except NotASignature:
            raise forms.ValidationError(self.error_messages["damaged"], code="damaged") from None

    def signature_errors(self) -> list[str]:
        """Errors to show next to the sign button (the field itself is hidden)."""
        return [*self.non_field_errors(), *self.errors.get("cms", [])]


class EdsSignInForm(SignatureForm):
    """The sign-in page: whom the person signs in as, the challenge and its signature (ID-3)."""

    intent = forms.ChoiceField(
        label=_("How are you signing in?"),
        choices=SignInIntent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you are signing in.")},
    )
    # The signed challenge the page carries (``signin.issue_challenge``), checked by the service.
    challenge = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = ["intent", "test_signer", "challenge", "cms", "next"]

    def __init__(self, *args, test_signers: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if test_signers:
            # The sandbox NCALayer has no key dialogue: the page tells it whose test key to use.
            self.fields["test_signer"] = forms.ChoiceField(
                label=_("Test key holder (sandbox only)"),
                help_text=_(
                    "In the sandbox, NCALayer's stand-in signs with the test key of the person "
                    "chosen here. The real NCALayer asks you to choose your own key instead."
                ),
                choices=test_signers,
                required=False,
            )
            self.order_fields(self.field_order)

    def clean(self):
        cleaned = super().clean()
        # Without a choice the signature is not looked at: the person signs again after choosing.
        if self.errors.get("intent"):
            self.errors.pop("cms", None)
        return cleaned
