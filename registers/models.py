"""Entries of the public registers (REG-1, REG-3): who is in which register, since when, by which
protocol, and — once deregistered — until when and on which ground.

Whether an entry is active is derived from its dates, never kept as a flag that could drift.
"""

from __future__ import annotations

import datetime

import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

# The one normalisation of names for search: case folded for Cyrillic (Kazakh ә ғ қ ң ө ұ ү һ і
# included) and Latin whatever the database's locale, ё read as е, quotes dropped, spaces
# collapsed. A SQL function (migration 0002), used by the generated column and by the queries,
# so the name stored and the words searched are normalised by the same code.
NORMALISE_FUNCTION = "registers_normalise"


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
    deregistration_protocol_url = models.CharField(
        _("address of the published protocol of deregistration"), max_length=200, blank=True
    )
    # Copies for search, filters and open data, kept by the database (trigger
    # ``register_entry_copies`` and, for a supplier's new name, ``supplier_name_to_entries``):
    # the supplier's name and BIN/IIN, the classifier codes the application offers (with their
    # groups) and the application's consent to publication (SUP-10), as signed in Annex 1.
    # Where the edition decides each kind on its own (2020 p.8, p.14; E20-3) the commission's
    # service names the classifier codes of the kinds admitted at the insert, and only those
    # offerings (with their groups) are copied: a refused kind is in no entry (REG-1).
    name = models.CharField(_("name"), max_length=500, blank=True, editable=False)
    name_search = models.GeneratedField(
        expression=models.Func(
            models.F("name"), function=NORMALISE_FUNCTION, output_field=models.TextField()
        ),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("name for search"),
    )
    identifier = models.CharField(_("BIN/IIN"), max_length=12, blank=True, editable=False)
    kinds = ArrayField(
        models.CharField(max_length=32),
        default=list,
        blank=True,
        editable=False,
        verbose_name=_("kinds of goods and services"),
    )
    publication_consent = models.BooleanField(
        _("consent to publication"), null=True, blank=True, editable=False
    )
    # The moment of the last change of the row, from the database's clock at the write (not the
    # transaction's start): the change feed's order.
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True, editable=False)

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
        indexes = [
            models.Index(fields=["register", "region"], name="register_region"),
            models.Index(fields=["identifier"], name="register_entry_identifier"),
            models.Index(fields=["register", "name_search", "id"], name="register_name_order"),
            models.Index(
                fields=["register", "-admitted_on", "-id"], name="register_admitted_order"
            ),
            models.Index(fields=["updated_at", "id"], name="register_entry_changes"),
            GinIndex(
                fields=["name_search"], opclasses=["gin_trgm_ops"], name="register_name_trigram"
            ),
            GinIndex(fields=["kinds"], name="register_entry_kinds"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="register_entry_copies",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=pgtrigger.Func(
                    """
                    IF TG_OP = 'INSERT' THEN
                        SELECT s.name, s.identifier INTO NEW.name, NEW.identifier
                          FROM suppliers_supplier s WHERE s.id = NEW.supplier_id;
                        SELECT a.consent_publication INTO NEW.publication_consent
                          FROM suppliers_application a WHERE a.id = NEW.application_id;
                        NEW.kinds := ARRAY(
                            SELECT DISTINCT code FROM (
                                SELECT c.code FROM suppliers_offering o
                                  JOIN portal_classifieritem c ON c.id = o.classifier_item_id
                                 WHERE o.application_id = NEW.application_id
                                   AND (coalesce(cardinality(NEW.kinds), 0) = 0
                                        OR c.code = ANY(NEW.kinds))
                                UNION
                                SELECT p.code FROM suppliers_offering o
                                  JOIN portal_classifieritem c ON c.id = o.classifier_item_id
                                  JOIN portal_classifieritem p ON p.id = c.parent_id
                                 WHERE o.application_id = NEW.application_id
                                   AND (coalesce(cardinality(NEW.kinds), 0) = 0
                                        OR c.code = ANY(NEW.kinds))
                            ) AS codes ORDER BY code
                        );
                    END IF;
                    NEW.updated_at := clock_timestamp();
                    RETURN NEW;
                    """
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.register}: {self.supplier}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.admitted_on <= day and (
            self.deregistered_on is None or day < self.deregistered_on
        )
