""" "Sign this exact document" on a page (ID-2, ID-4): the one flow of every act signed with EDS.

A view builds a ``SignatureStep`` with ``signature_step``: the exact bytes shown and signed (as
text, with the same document as a PDF when there is one), whether the person may sign here (the
key they signed in with must bind the organisation when the act binds one: the rule of
``egov_gateway.eds.signer``), and the CMS that NCALayer posted. The template includes
``eds/sign_document.html`` with the step's context; a person who may not sign (an employee who
prepares but does not sign) sees the document and who has to sign it instead of the button.

```python
step = signature_step(request, data=document, title=_("…"), organisation_bin=bin)
if step.cms is not None:
    try:
        services.the_act(..., cms=step.cms)   # verify_document before, .keep inside its transaction
    except PortalError as error:
        step.refuse(error)
    else:
        return redirect(...)
return render(request, "…", {**step.context(), ...})
```

Nothing here writes: a page that shows a document to sign reads it; the document is prepared by
an act of its own (a POST) before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.functional import Promise

from egov_gateway.eds.forms import SignatureForm
from egov_gateway.eds.ncalayer import SigningRequest
from egov_gateway.eds.signer import Purpose, may_bind_organisation
from portal.errors import PortalError
from portal.identity import signed_in_identity
from portal.models import User


def session_may_bind_organisation(request: HttpRequest, *, organisation_bin: str) -> bool:
    """Whether the key the person signed in with binds the organisation ``organisation_bin``
    (``signer.may_bind_organisation``), so that the page offers them to sign. The signature that
    arrives is checked again by the service (``verify_document(binds_organisation=True)``)."""
    identity = signed_in_identity(request.session) or {}
    return may_bind_organisation(
        organisation_bin=organisation_bin,
        bin=identity.get("bin") or "",
        role_oids=identity.get("role_oids") or (),
    )


@dataclass
class SignatureStep:
    """One "sign this exact document" step of a page: what is shown and signed (``signing``),
    the form that carries the CMS back (``form``) and whether this person may sign it here."""

    signing: SigningRequest
    form: SignatureForm
    may_sign: bool
    posted: bool

    @property
    def cms(self) -> bytes | None:
        """The CMS (DER) posted by a person who may sign, once decoded; else None."""
        if not (self.posted and self.may_sign and self.form.is_valid()):
            return None
        return self.form.cleaned_data["cms"]

    def refuse(self, error: PortalError) -> None:
        """Show the refusal next to the sign button; the document stays as it was."""
        self.form.add_error(None, str(error.message))

    def context(self) -> dict:
        """What ``eds/sign_document.html`` needs: ``signing``, ``form``, ``may_sign``."""
        return {"signing": self.signing, "form": self.form, "may_sign": self.may_sign}


def signature_step(
    request: HttpRequest,
    *,
    data: bytes,
    title: str | Promise,
    organisation_bin: str = "",
    may_sign: bool = True,
    text: str | None = None,
    pdf_url: str = "",
    button_label: str | Promise = "",
    hidden_fields: dict[str, str] | None = None,
    cannot_sign_title: str | Promise = "",
    cannot_sign_text: str | Promise = "",
) -> SignatureStep:
    """The "sign this exact document" step for ``data``, signed by the signed-in person.

    ``organisation_bin``: the act binds this organisation (NCALayer offers its keys, and only
    its head or a person with the right to sign may sign); empty for a personal act (a vote, a
    natural person's application). ``may_sign=False`` withholds the button for reasons of the
    act itself. ``cannot_sign_title``/``_text`` say who signs instead (the fallback).
    """
    if organisation_bin:
        may_sign = may_sign and session_may_bind_organisation(
            request, organisation_bin=organisation_bin
        )
    # A page may post other forms before its signing step (a vote's choice): only a post that
    # carries the CMS field is the signature.
    posted = request.method == "POST" and "cms" in request.POST
    user = request.user
    if not isinstance(user, User):  # the views behind signing steps require a signed-in person
        raise PermissionDenied
    return SignatureStep(
        signing=SigningRequest(
            data=data,
            purpose=Purpose.SIGN,
            iin=user.iin,
            bin=organisation_bin,
            title=str(title),
            text=text,
            pdf_url=pdf_url,
            button_label=str(button_label),
            hidden_fields=dict(hidden_fields or {}),
            may_sign=may_sign,
            cannot_sign_title=str(cannot_sign_title),
            cannot_sign_text=str(cannot_sign_text),
        ),
        form=SignatureForm(request.POST if posted else None),
        may_sign=may_sign,
        posted=posted,
    )
