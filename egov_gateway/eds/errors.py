"""Why a signature was refused (ID-2).

Every refusal is a subclass of ``SignatureError`` (a ``portal.errors.PortalError``) with a stable
``code`` (for logs, tests and the browser client) and a translated message that can be shown to the
signer as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.errors import PortalError


class SignatureError(PortalError):
    """A signature was not accepted. ``str(error)`` is the translated message; ``detail`` is
    the technical reason, for logs and the verification record, never shown to the signer."""

    code = "invalid"
    message = _("The signature could not be verified.")


class MalformedSignature(SignatureError):
    code = "malformed"
    message = _("The signature is damaged or is not a CMS signature.")


class MissingSignedAttributes(SignatureError):
    code = "missing_signed_attributes"
    message = _("The signature does not carry the signed attributes NCALayer always includes.")


class WrongContentType(SignatureError):
    code = "wrong_content_type"
    message = _("The signature covers content of another type than a document.")


class DigestMismatch(SignatureError):
    code = "digest_mismatch"
    message = _("The signature was made over different data: the document has been changed.")


class BadSignature(SignatureError):
    code = "bad_signature"
    message = _("The signature value does not match the signer's certificate.")


class SignerCertificateMissing(SignatureError):
    code = "signer_certificate_missing"
    message = _("The signature does not contain the signer's certificate.")


class UnsupportedAlgorithm(SignatureError):
    code = "unsupported_algorithm"
    message = _("The signature uses an algorithm the portal does not accept.")


class GostUnsupported(SignatureError):
    code = "gost_unsupported"
    message = _(
        "GOST signatures can only be verified by the NCANode service, which is not configured."
    )


class SigningTimeOutOfRange(SignatureError):
    code = "signing_time"
    message = _("The signing time in the signature is too far from the present time.")


class UntrustedCertificate(SignatureError):
    code = "untrusted"
    message = _("The certificate was not issued by a trusted certification authority (NCA of RK).")


class CertificateExpired(SignatureError):
    code = "expired"
    message = _("The certificate had expired at the time of signing.")


class CertificateNotYetValid(SignatureError):
    code = "not_yet_valid"
    message = _("The certificate was not yet valid at the time of signing.")


class CertificateRevoked(SignatureError):
    code = "revoked"
    message = _("The certificate has been revoked.")


class RevocationUnknown(SignatureError):
    code = "revocation_unknown"
    message = _("Whether the certificate has been revoked could not be checked. Try again later.")


class WrongKeyPurpose(SignatureError):
    code = "wrong_key_purpose"
    message = _(
        "This key cannot be used here: documents are signed with the signing key and sign-in "
        "uses the authentication key (AUTH)."
    )


class WrongSignerIin(SignatureError):
    code = "wrong_signer_iin"
    message = _("The certificate belongs to another person: its IIN is not yours.")
    invalid_message = _("The certificate does not carry a valid IIN.")


class WrongBin(SignatureError):
    code = "wrong_bin"
    message = _("The certificate belongs to another organisation: its BIN does not match.")
    personal_message = _(
        "This act is done on behalf of an organisation: sign with the organisation's key, "
        "not with your personal one."
    )
    invalid_message = _("The certificate does not carry a valid BIN.")


class NotEntitledToSign(SignatureError):
    """The key is the organisation's but not of its head or of a person with the right to sign
    (``signer.may_bind_organisation``; SUP-2): an employee may prepare, not sign."""

    code = "not_entitled_to_sign"
    message = _(
        "Only the head of the organisation or a person with the right to sign may sign for it. "
        "You can prepare the document; ask one of them to sign it."
    )


class VerificationBackendUnavailable(SignatureError):
    code = "backend_unavailable"
    message = _("The signature verification service is unavailable. Try again later.")
