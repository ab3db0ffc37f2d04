"""What the state systems said and when: sync runs, listings, change events, looked-up records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov_gateway.sources import SOURCE_CHOICES
from portal.editions.base import SupplierKind
from portal.identifiers import validate_iin_or_bin


class WatchedIdentifier(models.Model):
    """A BIN/IIN whose state changes must reach the portal (SYNC-2, DER-2, RDM-1).

    Filled by the registers (registered suppliers, and deregistered ones waiting for RDM-1)
    through ``egov_gateway.services.watch`` / ``unwatch``; the weekly sync emits change events only
    for these.
    """

    identifier = models.CharField(_("BIN/IIN"), max_length=12, validators=[validate_iin_or_bin])
    kind = models.CharField(_("supplier kind"), max_length=32, choices=SupplierKind.choices)
    added_at = models.DateTimeField(_("watched since"), default=timezone.now)

    class Meta:
        verbose_name = _("watched BIN/IIN")
        verbose_name_plural = _("watched BINs/IINs")
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "kind"], name="unique_watched_identifier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.get_kind_display()})"


class SyncRun(models.Model):
    """One run of the state-data sync for one source (SYNC-2, SYNC-3)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed: nothing applied")

    source = models.CharField(_("source"), max_length=32, choices=SOURCE_CHOICES)
    trigger = models.CharField(_("started by"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("state-data sync run")
        verbose_name_plural = _("state-data sync runs")
        indexes = [models.Index(fields=["source", "-started_at"], name="syncrun_source_started")]

    def __str__(self) -> str:
        started = f"{self.started_at:%Y-%m-%d %H:%M}"
        return f"{self.get_source_display()} {started}: {self.get_status_display()}"


class StateListing(models.Model):
    """A BIN/IIN that a source lists (in a register, or as deceased / liquidated / ended).

    One row per source and BIN/IIN, kept set-wise by the sync: ``first_seen_run`` starts the
    current listing, ``removed_run`` ends it (null while listed). ``payload`` holds the source's
    entries as it gave them, ``digest`` a fingerprint of them that the sync compares. The run
    references are plain ids without a database constraint so that a million-row sync is not
    slowed by per-row checks; runs are never deleted.
    """

    source = models.CharField(_("source"), max_length=32, choices=SOURCE_CHOICES)
    identifier = models.CharField(_("BIN/IIN"), max_length=12)
    payload = models.JSONField(_("entries as listed"))
    # Count and sum of the entries' 64-bit hashes: the sync compares this, not the entries.
    digest = models.CharField(_("digest of the entries"), max_length=48)
    first_seen_run = models.ForeignKey(
        SyncRun,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("listed since run"),
    )
    changed_run = models.ForeignKey(
        SyncRun,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("last changed in run"),
    )
    removed_run = models.ForeignKey(
        SyncRun,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed in run"),
    )

    class Meta:
        verbose_name = _("state listing")
        verbose_name_plural = _("state listings")
        # The BIN/IIN first: the key also serves every look-up by BIN/IIN (the sync's events
        # from the watched identifiers, RDM-1's is_listed), so no second index is maintained.
        constraints = [
            models.UniqueConstraint(fields=["identifier", "source"], name="unique_state_listing"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.identifier}"

    @property
    def is_listed(self) -> bool:
        return self.removed_run_id is None


class StateChangeEvent(models.Model):
    """A change a source reported about a watched BIN/IIN, for DER-2 and RDM-1 to act on."""

    class Kind(models.TextChoices):
        LISTED_IN_RNU = "listed_in_rnu", _("listed in the register of unscrupulous participants")
        REMOVED_FROM_RNU = (
            "removed_from_rnu",
            _("removed from the register of unscrupulous participants"),
        )
        LISTED_BY_SAMRUK = "listed_by_samruk", _("listed by Samruk-Kazyna as unreliable")
        REMOVED_FROM_SAMRUK = "removed_from_samruk", _("removed from the Samruk-Kazyna list")
        PERSON_DECEASED = "person_deceased", _("person deceased")
        ENTITY_LIQUIDATED = "entity_liquidated", _("legal entity liquidated")
        ENTREPRENEUR_ENDED = "entrepreneur_ended", _("entrepreneur registration ended")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=32, choices=SOURCE_CHOICES)
    identifier = models.CharField(_("BIN/IIN"), max_length=12)
    run = models.ForeignKey(
        SyncRun, on_delete=models.PROTECT, related_name="events", verbose_name=_("run")
    )
    # The run that started the listing this event is about: with the kind and the BIN/IIN it
    # makes the event unique, so a re-run never repeats it (SYNC-2).
    listing_started_run = models.ForeignKey(
        SyncRun,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("listing started in run"),
    )
    payload = models.JSONField(_("entries as listed"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    processed = models.BooleanField(_("processed"), default=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("state change event")
        verbose_name_plural = _("state change events")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "identifier", "listing_started_run"], name="unique_state_change"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(processed=False),
                name="statechange_unprocessed",
            ),
            models.Index(fields=["identifier"], name="statechange_identifier"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.identifier}"


class StateRecord(models.Model):
    """What one source answered about one BIN/IIN for the supplier cabinet (SUP-3, SUP-5).

    State data lives only here, apart from what the supplier enters: a re-fetch adds a record and
    never touches the supplier's own data. ``found`` False is the source's answer that it has no
    record (the supplier then enters the data); a failed request stores nothing.
    """

    identifier = models.CharField(_("BIN/IIN"), max_length=12)
    source = models.CharField(_("source"), max_length=32, choices=SOURCE_CHOICES)
    fetched_at = models.DateTimeField(_("received at"))
    found = models.BooleanField(_("source has a record"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    raw = models.TextField(_("answer as received"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        ordering = ["-fetched_at", "-pk"]
        verbose_name = _("state record")
        verbose_name_plural = _("state records")
        indexes = [
            models.Index(fields=["identifier", "source", "-fetched_at"], name="staterecord_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.identifier} ({self.fetched_at:%Y-%m-%d %H:%M})"
