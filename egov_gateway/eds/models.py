"""The record of a verified electronic digital signature (ЭЦП, ID-2)."""

from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov_gateway.eds.signer import Purpose


class Backend(models.TextChoices):
    LOCAL = "local", _("portal (RSA, ECDSA)")
    NCANODE = "ncanode", _("NCANode (GOST)")


class Signature(models.Model):
    """A signature the server verified: what was signed, the CMS, and who signed it, when.

    Never changed or deleted (a database trigger refuses both): a document signed again gets a
    new row. What was signed is kept as the exact bytes (``document``) or as a reference to the
    stored, itself immutable, document (``content_type``/``object_id``); ``document_sha256`` is
    the SHA-256 of those exact bytes in either case.
    """

    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices)
    document_kind = models.CharField(
        _("kind of document"),
        max_length=100,
        blank=True,
        help_text=_("What was signed, e.g. the public offer or an application."),
    )
    document_sha256 = models.CharField(
        _("SHA-256 of the signed bytes"), max_length=64, db_index=True
    )
    document = models.BinaryField(_("signed bytes"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type of the signed object"),
    )
    object_id = models.CharField(_("id of the signed object"), max_length=64, blank=True)
    signed_object = GenericForeignKey("content_type", "object_id")

    cms = models.BinaryField(_("CMS signature"))
    certificate = models.BinaryField(_("signer's certificate (DER)"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("signer"),
    )
    iin = models.CharField(_("IIN"), max_length=12, db_index=True)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, db_index=True)
    common_name = models.CharField(_("name in the certificate"), max_length=255)
    organisation = models.CharField(
        _("organisation in the certificate"), max_length=500, blank=True
    )
    role_oids = ArrayField(
        models.CharField(max_length=64), default=list, blank=True, verbose_name=_("role OIDs")
    )
    certificate_serial = models.CharField(_("certificate serial number"), max_length=64)
    issuer = models.CharField(_("certificate issuer"), max_length=500)
    certificate_not_before = models.DateTimeField(_("certificate valid from"))
    certificate_not_after = models.DateTimeField(_("certificate valid until"))
    algorithm = models.CharField(_("algorithm"), max_length=40)
    signing_time = models.DateTimeField(_("signing time"))
    verified_at = models.DateTimeField(_("verified at"))
    backend = models.CharField(_("verified by"), max_length=10, choices=Backend.choices)
    verification = models.JSONField(_("verification result"), default=dict)

    class Meta:
        ordering = ["-verified_at", "-id"]
        verbose_name = _("electronic signature")
        verbose_name_plural = _("electronic signatures")
        indexes = [models.Index(fields=["content_type", "object_id"], name="eds_signed_object_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document__isnull=False)
                | (models.Q(content_type__isnull=False) & ~models.Q(object_id="")),
                name="eds_signature_keeps_document_or_reference",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="eds_signature_immutable",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.signing_time:%Y-%m-%d %H:%M}"
        return f"{self.common_name} ({self.iin}) {self.get_purpose_display()} {when}"


# =============================================================================================
# EDS sign-in (ID-3): single-use challenges signed with the authentication key.
# (Maintained with egov_gateway/eds/signin.py; migrations from 0002_signinchallenge.)
# =============================================================================================


class SignInChallenge(models.Model):
    """A one-time random challenge that a person signs with the AUTH key to sign in (ID-3).

    Bound to the browser session that asked for it (``session_binding`` is the SHA-256 of a
    secret kept in that session), valid until ``expires_at`` and used at most once: ``used_at``
    is set by one conditional UPDATE, so a replayed signature finds it already used.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    nonce = models.BinaryField(_("nonce"), unique=True)
    session_binding = models.CharField(_("session binding"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by_iin = models.CharField(_("used by IIN"), max_length=12, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in challenge")
        verbose_name_plural = _("sign-in challenges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="eds_challenge_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | ~models.Q(used_by_iin=""),
                name="eds_challenge_used_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.created_at:%Y-%m-%d %H:%M:%S})"
