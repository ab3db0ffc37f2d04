"""Shared models: people, their roles, regions, the classifier and the working-day calendar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.identifiers import validate_bin, validate_iin


class LocalisedName(models.Model):
    """Reference data named in the three languages of the portal."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "kk")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_kk


class Region(LocalisedName):
    """A region: an oblast or a city of republican significance / the capital (KATO level 1)."""

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("oblast")
        CITY = "city", _("city of republican significance")

    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kato"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class ClassifierItem(LocalisedName):
    """An item of the classifier of goods and services (SUP-1; Order No. 502 of 27.12.2021)."""

    class Kind(models.TextChoices):
        GOODS = "goods", _("goods")
        SERVICES = "services", _("services")

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Which register an approved supplier of this item enters (REG-1).
    register = models.CharField(_("register"), max_length=40, blank=True)
    # Which certificate a supplier of these goods holds (edition 2020, item 6(4), (5); E20-2).
    requires_conformity_certificate = models.BooleanField(
        _("subject to mandatory certification"),
        default=False,
        help_text=_(
            "Goods whose supplier must hold a certificate of conformity (edition 2020, item 6(4))."
        ),
    )
    is_medical_device = models.BooleanField(
        _("medical device"),
        default=False,
        help_text=_(
            "Goods whose supplier must hold a registration certificate of a medical device "
            "(edition 2020, item 6(5))."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("classifier item")
        verbose_name_plural = _("classifier of goods and services")


class WorkingDayOverride(models.Model):
    """A government-decreed transfer of a day off (CAL-1), entered by operators each year.

    ``is_working`` True makes a Saturday or Sunday a working day; False makes a weekday a day off.
    """

    day = models.DateField(_("day"), unique=True)
    is_working = models.BooleanField(_("working day"))
    basis = models.CharField(
        _("legal basis"),
        max_length=255,
        blank=True,
        help_text=_("The government decree that transfers the day."),
    )

    class Meta:
        ordering = ["day"]
        verbose_name = _("day-off transfer")
        verbose_name_plural = _("day-off transfers")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working else _("day off")
        return f"{self.day:%Y-%m-%d}: {kind}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, iin: str, full_name: str = "", password: str | None = None, **extra: Any
    ) -> User:
        user = self.model(iin=iin, full_name=full_name, **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, iin: str, full_name: str = "", password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        user = self.create_user(iin, full_name, password, **extra)
        user.roles.get_or_create(role=Role.OPERATOR)
        return user


class Role(models.TextChoices):
    SUPPLIER = "supplier", _("supplier representative")
    MEMBER = "member", _("commission member")
    SECRETARY = "secretary", _("commission secretary")
    RECIPIENT = "recipient", _("recipient")
    OPERATOR = "operator", _("operator")


COMMISSION_ROLES = (Role.MEMBER, Role.SECRETARY)


class User(AbstractBaseUser, PermissionsMixin):
    """A person, identified by IIN (ID-1); everyone but operators signs in with EDS (ID-3)."""

    iin = models.CharField(_("IIN"), max_length=12, unique=True, validators=[validate_iin])
    full_name = models.CharField(_("full name"), max_length=255)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The language the portal writes to this person in (reminders, notices); blank: the
    # portal's default language, Kazakh.
    language = models.CharField(
        _("language of e-mails"), max_length=5, choices=settings.LANGUAGES, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    USERNAME_FIELD = "iin"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.iin})"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.iin

    def has_role(self, role: str, *, region: Region | None = None) -> bool:
        assignments = self.roles.filter(role=role)
        if region is not None:
            assignments = assignments.filter(region=region)
        return assignments.exists()

    def regions_for(self, role: str) -> models.QuerySet[Region]:
        """The regions whose commission work this person may see in ``role``."""
        return Region.objects.filter(role_assignments__user=self, role_assignments__role=role)


class RoleAssignment(models.Model):
    """A role a person holds; commission roles are scoped to a region, supplier roles to a BIN."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("region"),
    )
    organisation_bin = models.CharField(
        _("organisation BIN"), max_length=12, blank=True, validators=[validate_bin]
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "organisation_bin"],
                nulls_distinct=False,
                name="unique_role_assignment",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["member", "secretary"])
                | models.Q(region__isnull=False),
                name="commission_roles_have_region",
            ),
        ]

    def __str__(self) -> str:
        scope = self.region or self.organisation_bin or ""
        return f"{self.user}: {self.get_role_display()} {scope}".strip()


class SignInFailure(models.Model):
    """A failed operator password sign-in: a wrong IIN/password pair or a wrong code (ID-3).

    ``portal.sign_in_limits`` counts these per IIN and per client address and refuses further
    attempts for a while once a limit is reached. An IIN that matches no account is counted all
    the same, so the limits say nothing about which IINs exist.
    """

    iin = models.CharField(_("IIN entered"), max_length=12)
    address = models.CharField(_("client address"), max_length=45)
    failed_at = models.DateTimeField(_("failed at"), default=timezone.now)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["iin", "failed_at"], name="sign_in_failure_iin"),
            models.Index(fields=["address", "failed_at"], name="sign_in_failure_address"),
        ]

    def __str__(self) -> str:
        return f"{self.iin} {self.address} {self.failed_at:%Y-%m-%d %H:%M:%S}"
