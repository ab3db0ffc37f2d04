"""Entries of the public registers (REG-1, REG-3): who is in which register, since when, by which
protocol, and — once deregistered — until when and on which ground.

Whether an entry is active is derived from its dates, never kept as a flag that could drift.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisterEntry(models.Model):
    """A supplier in one register of the edition (реестр / тізілім, 2022 p.17)."""

    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="register_entries",
        verbose_name=_("supplier"),
    )
    register = models.CharField(_("register"), max_length=40)
    edition_code = models.CharField(_("rules edition"), max_length=10)
    region = models.ForeignKey(
        "portal.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    application = models.ForeignKey(
        "suppliers.Application",
        on_delete=models.PROTECT,
        related_name="register_entries",
        verbose_name=_("application"),
    )
    admitted_on = models.DateField(_("admitted on"))
    admission_protocol = models.CharField(_("protocol of admission"), max_length=100)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    deregistration_protocol = models.CharField(
        _("protocol of deregistration"), max_length=100, blank=True
    )
    deregistration_ground = models.CharField(
        _("ground of deregistration"), max_length=40, blank=True
    )

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["register", "-admitted_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "register"],
                condition=models.Q(deregistered_on__isnull=True),
                name="one_open_entry_per_register",
            ),
            models.CheckConstraint(
                condition=models.Q(deregistered_on__isnull=True)
                | models.Q(deregistered_on__gte=models.F("admitted_on")),
                name="deregistered_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["register", "region"], name="register_region")]

    def __str__(self) -> str:
        return f"{self.register}: {self.supplier}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.admitted_on <= day and (
            self.deregistered_on is None or day < self.deregistered_on
        )
