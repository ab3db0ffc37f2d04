"""Deregistration from state data (DER-2, SYNC-2, SYNC-3; 2022 p.19(2)-(4), p.20; 2020 p.15-19).

The weekly sync (``egov_gateway.sync``) records change events for watched suppliers. Each event
that names a ground of deregistration is acted on here, once:

* edition 2022: the case is opened on ground 2, 3 or 4 with the source, the sync run and the
  record as received, and the supplier is deregistered at once, without the commission (p.20:
  within one working day of the data's arrival);
* edition 2020 (no automatic deregistration, p.19): the case is opened for the commission.

Only positive data acts: an event exists only in a run that succeeded (a failed run applies
nothing), and an event of a run that did not succeed is never acted on (SYNC-3). The mass-removal
guard (``review_sync_run``) holds a run's deregistrations for an operator when it would take too
large a share of a register out at once. Each event gets one ``StateEventOutcome`` (unique), so a
task run twice, the safety-net job and a second identical sync change nothing.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deregistration.models import (
    DeregistrationCase,
    StateEventOutcome,
    SyncRunReview,
)
from deregistration.services.cases import DeregistrationRefused, deregister_supplier, open_case
from egov_gateway.models import StateChangeEvent, SyncRun
from egov_gateway.selectors import unprocessed_events
from egov_gateway.services import mark_event_processed
from portal import deadlines
from portal.audit.services import record
from portal.editions import Edition, edition_for
from portal.models import Role, User
from portal.notifications.services import Recipient, notify
from registers.models import RegisterEntry

Kind = StateChangeEvent.Kind
Outcome = StateEventOutcome.Outcome

# What each change event of the sync is evidence of: a ground code of the rules (2022 p.19,
# 2020 p.15). The ground's own rule (automatic or not, its clause) comes from the edition.
GROUND_OF_EVENT = {
    Kind.PERSON_DECEASED: "death_or_termination",
    Kind.ENTREPRENEUR_ENDED: "death_or_termination",
    Kind.ENTITY_LIQUIDATED: "death_or_termination",
    Kind.LISTED_IN_RNU: "procurement_register",
    Kind.LISTED_BY_SAMRUK: "quasi_public_procurement_register",
}


class HeldRunRefused(DeregistrationRefused):
    code = "held_run_refused"


def data_day(run: SyncRun) -> datetime.date:
    """The day the state data arrived: the day (in Kazakhstan) its sync run finished."""
    return deadlines.day_of(run.finished_at or run.started_at)


def _acts(run: SyncRun) -> bool:
    """Only a finished, successful, applied run is positive data (SYNC-3)."""
    return run.status == SyncRun.Status.SUCCEEDED and not run.dry_run


def _automatic_kinds(edition: Edition) -> list[str]:
    automatic = {ground.code for ground in edition.automatic_grounds}
    return [kind for kind, ground in GROUND_OF_EVENT.items() if ground in automatic]


def review_sync_run(*, run: SyncRun) -> SyncRunReview:
    """The mass-removal guard of run ``run`` (DER-2, SYNC-3): made once, before its first event
    is acted on, and returned as it stands afterwards.

    For every register, the suppliers the run's events would deregister automatically are
    compared with the suppliers in it; if any register of at least
    ``AUTO_DEREGISTRATION_GUARD_MIN`` suppliers would lose more than
    ``AUTO_DEREGISTRATION_MAX_SHARE`` of them, the run is held for an operator. Under an edition
    without automatic grounds (2020) nothing is deregistered and nothing is held.
    """
    existing = SyncRunReview.objects.filter(run_id=run.pk).first()
    if existing is not None:
        return existing
    max_share = decimal.Decimal(str(settings.AUTO_DEREGISTRATION_MAX_SHARE))
    minimum = int(settings.AUTO_DEREGISTRATION_GUARD_MIN)
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=run.pk)
        existing = SyncRunReview.objects.filter(run_id=run.pk).first()
        if existing is not None:
            return existing
        edition = edition_for(data_day(run))
        kinds = _automatic_kinds(edition)
        shares: dict[str, dict[str, int]] = {}
        if kinds and _acts(run):
            listed = StateChangeEvent.objects.filter(run_id=run.pk, kind__in=kinds).values(
                "identifier"
            )
            open_entries = RegisterEntry.objects.filter(deregistered_on__isnull=True).order_by()
            removing = dict(
                open_entries.filter(supplier__identifier__in=listed)
                .values_list("register")
                .annotate(count=Count("supplier_id", distinct=True))
            )
            if removing:
                registered = dict(
                    open_entries.filter(register__in=list(removing))
                    .values_list("register")
                    .annotate(count=Count("supplier_id", distinct=True))
                )
                shares = {
                    register: {"removing": count, "registered": registered.get(register, 0)}
                    for register, count in sorted(removing.items())
                }
        review = SyncRunReview(run=run, shares=shares, max_share=max_share)
        over = sorted(
            register
            for register, share in shares.items()
            if share["registered"] >= minimum
            and decimal.Decimal(share["removing"]) > max_share * share["registered"]
        )
        if over:
            review.hold()
        review.save()
        if over:
            record(
                actor=None,
                action="deregistration.mass_removal_held",
                obj=review,
                after={
                    "run": run.pk,
                    "source": run.source,
                    "registers": {register: shares[register] for register in over},
                    "max_share": str(max_share),
                },
                basis=edition.clause_for("automatic_deregistration_working_days"),
            )
            _tell_operators(review, over, edition=edition)
    return review


def _tell_operators(review: SyncRunReview, over: list[str], *, edition: Edition) -> None:
    """Every operator with an e-mail address learns that ``review``'s run is held: nobody is
    deregistered until one of them decides."""
    names = {register.code: register.text for register in edition.registers}
    registers = [{"name": names.get(code, code), **review.shares[code]} for code in over]
    operators = User.objects.filter(
        is_active=True, roles__role=Role.OPERATOR, email__gt=""
    ).distinct()
    for operator in operators:
        notify(
            event_key=f"sync-run-held:{review.run_id}:{operator.pk}",
            recipient=Recipient(email=operator.email, language=operator.language),
            template="deregistration/email/run_held",
            context={
                "run": review.run,
                "registers": registers,
                "max_share_percent": _percent(review.max_share),
            },
            about=review,
        )


def _percent(share: decimal.Decimal) -> decimal.Decimal:
    """``share`` in per cent, without the trailing zeros of its stored decimal places."""
    percent = share * 100
    if percent == percent.to_integral_value():
        return percent.quantize(decimal.Decimal(1))
    return percent.normalize()


def automatic_act_label(*, run: SyncRun, edition: Edition) -> str:
    """What a register entry closed by automatic deregistration names instead of a protocol:
    the clause, the state system and the sync run (2022 p.20)."""
    clause = edition.clause_for("automatic_deregistration_working_days")
    return f"{clause}: {run.source} № {run.pk} ({data_day(run):%d.%m.%Y})"


def act_on_state_event(
    *, event: StateChangeEvent, on: datetime.date | None = None
) -> StateEventOutcome | None:
    """Act on one change event of the sync (DER-2; 2022 p.20; 2020 p.19): the one place that
    turns state data into a deregistration case. ``on`` is the day of the effect (today).

    Returns the event's outcome; None, acting on nothing, when the event's run is not positive
    data (SYNC-3). Idempotent: an event already acted on returns its outcome unchanged.
    """
    done = StateEventOutcome.objects.filter(event_id=event.pk).first()
    if done is not None:
        return done
    event = StateChangeEvent.objects.select_related("run").get(pk=event.pk)
    run = event.run
    if not _acts(run):
        return None
    day = data_day(run)
    edition = edition_for(day)
    ground = GROUND_OF_EVENT.get(event.kind)  # type: ignore[call-overload]
    rule = None
    if ground is not None:
        try:
            rule = edition.ground_by_code(ground)
        except KeyError:
            rule = None
    review = review_sync_run(run=run) if rule is not None and rule.automatic else None
    Supplier = apps.get_model("suppliers", "Supplier")  # noqa: N806
    supplier = Supplier.objects.filter(identifier=event.identifier).first()
    with transaction.atomic():
        # The event's row serialises its task and the safety net: the second finds it done.
        event = StateChangeEvent.objects.select_for_update().select_related("run").get(pk=event.pk)
        done = StateEventOutcome.objects.filter(event_id=event.pk).first()
        if done is not None:
            return done
        if ground is None:
            # Removals: readmission (RDM-1) reads the listings themselves, not the events.
            outcome = _outcome(event, Outcome.NOT_ACTED_ON)
        elif rule is None:
            outcome = _outcome(event, Outcome.NO_GROUND)  # 2020 has no Samruk-Kazyna ground
        elif (
            supplier is None
            or not RegisterEntry.objects.filter(
                supplier_id=supplier.pk, deregistered_on__isnull=True
            ).exists()
        ):
            outcome = _outcome(event, Outcome.NOT_REGISTERED)
        else:
            outcome = _open_and_act(
                event=event, supplier=supplier, ground=ground, day=day, on=on, review=review
            )
        mark_event_processed(event=event)
    return outcome


def _outcome(
    event: StateChangeEvent, outcome: str, case: DeregistrationCase | None = None
) -> StateEventOutcome:
    return StateEventOutcome.objects.create(event=event, outcome=outcome, case=case)


def _open_and_act(
    *,
    event: StateChangeEvent,
    supplier: Any,
    ground: str,
    day: datetime.date,
    on: datetime.date | None,
    review: SyncRunReview | None,
) -> StateEventOutcome:
    run = event.run
    case = open_case(
        supplier=supplier,
        ground=ground,
        source=DeregistrationCase.Source.STATE_DATA,
        on=day,
        evidence={"state_event": event.pk, "kind": event.kind, "identifier": event.identifier},
        state_source=event.source,
        sync_run=run,
        raw_record=event.payload,
    )
    if case.evidence.get("state_event") != event.pk:
        # A case on this ground is already going (e.g. the entrepreneur's death and the end of
        # its registration in one run): the event joins it as evidence, no second case.
        return _outcome(event, Outcome.ALREADY_IN_CASE, case)
    if not case.ground_rule.automatic:
        return _outcome(event, Outcome.FOR_COMMISSION, case)  # 2020 p.19: the commission decides
    assert review is not None
    review = SyncRunReview.objects.get(pk=review.pk)
    if review.status == SyncRunReview.Status.HELD:
        _hold(case)
        return _outcome(event, Outcome.HELD, case)
    if review.status == SyncRunReview.Status.REJECTED:
        _dismiss(case, review=review, actor=None)
        return _outcome(event, Outcome.DISMISSED, case)
    case = deregister_supplier(
        case=case,
        on=on or deadlines.today(),
        protocol_label=automatic_act_label(run=run, edition=case.edition),
    )
    return _outcome(event, Outcome.DEREGISTERED, case)


def _hold(case: DeregistrationCase) -> None:
    case = DeregistrationCase.objects.select_for_update().get(pk=case.pk)
    case.hold()
    case.save(update_fields=["status"])
    record(
        actor=None,
        action="deregistration_case.held",
        obj=case,
        after={"supplier": case.supplier_id, "sync_run": case.sync_run_id},
        basis=case.edition.clause_for("automatic_deregistration_working_days"),
    )


def _dismiss(case: DeregistrationCase, *, review: SyncRunReview, actor: User | None) -> None:
    case = DeregistrationCase.objects.select_for_update().get(pk=case.pk)
    case.dismiss()
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    record(
        actor=actor,
        action="deregistration_case.dismissed",
        obj=case,
        after={"supplier": case.supplier_id, "sync_run": case.sync_run_id, "reason": review.reason},
        basis=case.edition.clause_for("automatic_deregistration_working_days"),
    )


def held_cases(*, review: SyncRunReview) -> QuerySet[DeregistrationCase]:
    """The cases the guard holds for ``review``'s run."""
    return DeregistrationCase.objects.filter(
        sync_run_id=review.run_id, status=DeregistrationCase.Status.HELD
    ).order_by("pk")


def confirm_held_run(
    *, review: SyncRunReview, operator: User, on: datetime.date | None = None
) -> list[DeregistrationCase]:
    """An operator confirms the data of a run the mass-removal guard held (DER-2): the held
    suppliers are deregistered, as the run would have done. Audited; returns the cases."""
    with transaction.atomic():
        review = SyncRunReview.objects.select_for_update().get(pk=review.pk)
        if review.status != SyncRunReview.Status.HELD:
            raise HeldRunRefused(_("This sync run's deregistrations are not held."))
        review.confirm()
        review.decided_by = operator
        review.decided_at = timezone.now()
        review.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            actor=operator,
            action="deregistration.mass_removal_confirmed",
            obj=review,
            after={"run": review.run_id, "held": held_cases(review=review).count()},
            basis=edition_for(data_day(review.run)).clause_for(
                "automatic_deregistration_working_days"
            ),
        )
    done = []
    for case in held_cases(review=review):
        with transaction.atomic():
            case = DeregistrationCase.objects.select_for_update().get(pk=case.pk)
            case.release()
            case.save(update_fields=["status"])
            case = deregister_supplier(
                case=case,
                on=on or deadlines.today(),
                protocol_label=automatic_act_label(run=review.run, edition=case.edition),
                actor=operator,
            )
            StateEventOutcome.objects.filter(case=case, outcome=Outcome.HELD).update(
                outcome=Outcome.DEREGISTERED
            )
        done.append(case)
    return done


def reject_held_run(
    *, review: SyncRunReview, operator: User, reason: str
) -> list[DeregistrationCase]:
    """An operator finds the data of a held run wrong (DER-2, SYNC-3): nobody is deregistered on
    it, its held cases are dismissed with the reason. Audited; returns the cases."""
    if not reason.strip():
        raise HeldRunRefused(_("Say why the state data of this run is wrong."))
    with transaction.atomic():
        review = SyncRunReview.objects.select_for_update().get(pk=review.pk)
        if review.status != SyncRunReview.Status.HELD:
            raise HeldRunRefused(_("This sync run's deregistrations are not held."))
        review.reject()
        review.decided_by = operator
        review.decided_at = timezone.now()
        review.reason = reason.strip()
        review.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        cases = list(held_cases(review=review))
        for case in cases:
            _dismiss(case, review=review, actor=operator)
        StateEventOutcome.objects.filter(case__in=cases, outcome=Outcome.HELD).update(
            outcome=Outcome.DISMISSED
        )
        record(
            actor=operator,
            action="deregistration.mass_removal_rejected",
            obj=review,
            after={"run": review.run_id, "dismissed": [case.pk for case in cases]},
            basis=edition_for(data_day(review.run)).clause_for(
                "automatic_deregistration_working_days"
            ),
        )
    return list(DeregistrationCase.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"))


def pending_state_events(*, older_than_seconds: int | None = None) -> QuerySet[StateChangeEvent]:
    """Change events of successful runs that nothing has acted on yet (the safety net's work),
    oldest first; by default those older than ``AUTO_DEREGISTRATION_GRACE_SECONDS``, which their
    own task normally handles within seconds."""
    seconds = (
        settings.AUTO_DEREGISTRATION_GRACE_SECONDS
        if older_than_seconds is None
        else older_than_seconds
    )
    cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
    return unprocessed_events().filter(
        run__status=SyncRun.Status.SUCCEEDED,
        run__dry_run=False,
        created_at__lte=cutoff,
        deregistration_outcome__isnull=True,
    )


def acting_event_ids(*, run: SyncRun) -> list[int]:
    """The run's change events not acted on yet, for one task each."""
    if not _acts(run):
        return []
    return list(
        StateChangeEvent.objects.filter(run_id=run.pk, deregistration_outcome__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
